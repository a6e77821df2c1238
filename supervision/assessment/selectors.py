"""Every read of monthly assessments; each starts from the scoped queryset and logs the assessments it returns
(object type ``assessment``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from accounts import scoping
from coordination.access import logged
from coordination.models import Supervisee
from coordination.sealing import unsealed
from supervision.assessment.models import Assessment, Rubric

OWN_SHOWN = 12  # months of reviewed assessments on the person's phone page (a view choice)
SORTS = {
    "month": ("month", "supervisee__name"),
    "-month": ("-month", "supervisee__name"),
    "name": ("supervisee__name", "-month"),
    "total": ("total", "-month"),
    "-total": ("-total", "-month"),
    "state": ("state", "-month"),
}


def _logged(rows: QuerySet[Assessment], user: Any) -> QuerySet[Assessment]:
    return logged(
        rows,
        user=user,
        object_type="assessment",
        supervisee_id=lambda row: row.supervisee_id,
        object_id=lambda row: str(row.pk),
    )


def assessments_for(
    user: Any,
    *,
    q: str = "",
    state: str = "",
    month: dt.date | None = None,
    office: int | None = None,
    sort: str = "-month",
) -> QuerySet[Assessment]:
    """The assessments the user may see: searched by the person's name, filtered by state, month and office,
    sorted; each one returned is logged."""
    rows = scoping.scope(user, Assessment).select_related(
        "supervisee__judicial_office", "supervisee__township", "grade", "rubric"
    )
    if q:
        rows = rows.filter(Q(supervisee__name__icontains=q.strip()) | Q(supervisee__given_name__icontains=q.strip()))
    if state:
        rows = rows.filter(state=state)
    if month is not None:
        rows = rows.filter(month=month.replace(day=1))
    if office:
        rows = rows.filter(supervisee__judicial_office_id=office)
    return _logged(rows.order_by(*SORTS.get(sort, SORTS["-month"]), "pk"), user)


def assessment_for(user: Any, pk: int) -> Assessment:
    """One assessment the user may see (logged); raises DoesNotExist out of scope."""
    rows = scoping.scope(user, Assessment).select_related(
        "supervisee__judicial_office", "grade", "rubric", "submitted_by", "reviewed_by"
    )
    return _logged(rows.filter(pk=pk), user).prefetch_related("scores__item").get()


def history(user: Any, supervisee: Supervisee) -> list[Assessment]:
    """A person's assessments oldest first (for the chart and its table), each read logged."""
    rows = (
        scoping.scope(user, Assessment)
        .filter(supervisee=supervisee)
        .select_related("grade", "rubric")
        .prefetch_related("rubric__items")
    )
    return list(_logged(rows.order_by("month", "pk"), user))


def to_review(user: Any) -> QuerySet[Assessment]:
    """The submitted assessments awaiting this office head's review (logged)."""
    reviewable = scoping.policy_for(Assessment).rows_review(user)
    if reviewable.query.is_empty():
        # The head of no office: nothing to review, so the read is not built and compiled (every officer's 今日待办).
        return reviewable
    rows = unsealed(reviewable, user).select_related("supervisee__township", "grade")
    return _logged(rows.order_by("month", "pk"), user)


def rubrics(user: Any) -> QuerySet[Rubric]:
    return scoping.scope(user, Rubric).prefetch_related("items", "grades").order_by("-version")


def chart(rows: list[Assessment]) -> dict[str, Any]:
    """A small bar chart of totals over time as SVG geometry (no script): one bar per assessed month with a
    total, its height against the rubric's maximum; the page shows the same numbers in a table."""
    width, height, gap = 36, 120, 8
    bars = []
    for index, row in enumerate(row for row in rows if row.total is not None):
        top = max(row.rubric.max_total, 1)
        tall = round(height * row.total / top)
        bars.append(
            {
                "x": index * (width + gap) + gap,
                "y": height - tall + 10,
                "height": tall,
                "width": width,
                "label_x": index * (width + gap) + gap + width // 2,
                "month": f"{row.month:%Y-%m}",
                "total": row.total,
                "grade": row.grade.label if row.grade else "",
                "grade_code": row.grade.code if row.grade else "",
            }
        )
    return {"bars": bars, "width": max(len(bars), 1) * (width + gap) + gap, "height": height + 40}


def own(supervisee: Supervisee, *, purpose: str = "self") -> list[dict[str, Any]]:
    """The person's own reviewed assessments for the phone page: month, total and grade only (each read logged
    under the person's own sign-in)."""
    rows = (
        Assessment.objects.filter(supervisee=supervisee, state=Assessment.State.APPROVED)
        .select_related("grade")
        .order_by("-month")
    )
    rows = logged(
        rows,
        user=supervisee.account,
        object_type="assessment",
        supervisee_id=lambda row: row.supervisee_id,
        object_id=lambda row: str(row.pk),
        purpose=purpose,
    )
    return [
        {"month": row.month, "total": row.total, "grade": row.grade.label if row.grade else ""}
        for row in rows[:OWN_SHOWN]
    ]
