"""Every read of case plans starts from the scoped querysets, and every record read is logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from accounts import scoping
from coordination.access import logged
from coordination.models import Supervisee
from coordination.sealing import unsealed
from supervision.casework.models import CaseGoal, CasePlan, CasePlanEvent, Intervention, ProgressReview

SORTS = {
    "opened": ("-opened_on", "-pk"),
    "name": ("supervisee__name", "pk"),
    "overdue": ("-overdue_goals", "-opened_on", "-pk"),
    "reviewed": ("last_review", "pk"),
}


def _overdue_q(today: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": CaseGoal.Status.OPEN, f"{prefix}target_date__lt": today})


def plans(user: Any, verb: str = "view") -> QuerySet[CasePlan]:
    """The case plans the user may see (or, ``verb="write"``, keep), with their counts, each read logged."""
    today = timezone.localdate()
    rows = (
        scoping.scope(user, CasePlan, verb)
        .select_related("supervisee", "social_worker", "agency")
        .annotate(
            overdue_goals=Count("goals", filter=_overdue_q(today, "goals__"), distinct=True),
            last_review=Max("reviews__reviewed_on"),
        )
    )
    return logged(rows, user=user, object_type="case_plan", supervisee_id=lambda r: r.supervisee_id)


def my_plans(
    user: Any, *, query: str = "", status: str = "", overdue: bool = False, sort: str = "opened"
) -> QuerySet[CasePlan]:
    """A social worker's case plans ("my case plans"): their organisations' plans, searched, filtered, sorted."""
    rows = plans(user, "write")
    if query:
        rows = rows.filter(supervisee__name__icontains=query)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.filter(overdue_goals__gt=0)
    return rows.order_by(*SORTS.get(sort, SORTS["opened"]))


def next_review_due(plan: CasePlan, last_review: dt.date | None = None) -> dt.date | None:
    """When the next progress review is due: the plan's interval after the last review (or the opening)."""
    if plan.status != CasePlan.Status.OPEN:
        return None
    since = last_review or getattr(plan, "last_review", None) or plan.opened_on
    return since + relativedelta(months=plan.review_every_months)


def goals(user: Any) -> QuerySet[CaseGoal]:
    """The goals the user may see, each read logged."""
    rows = scoping.scope(user, CaseGoal).select_related("plan")
    return logged(rows, user=user, object_type="case_goal", supervisee_id=lambda r: r.plan.supervisee_id)


def interventions(user: Any) -> QuerySet[Intervention]:
    """The interventions the user may see (the working note is shown only where the policy allows), logged."""
    rows = scoping.scope(user, Intervention).select_related("plan", "recorded_by")
    return logged(rows, user=user, object_type="case_intervention", supervisee_id=lambda r: r.plan.supervisee_id)


def reviews(user: Any) -> QuerySet[ProgressReview]:
    """The progress reviews the user may see, each read logged."""
    rows = scoping.scope(user, ProgressReview).select_related("plan", "recorded_by")
    return logged(rows, user=user, object_type="case_review", supervisee_id=lambda r: r.plan.supervisee_id)


def events(user: Any) -> QuerySet[CasePlanEvent]:
    """A plan's history (the plan's organisation and the bureau), each read logged."""
    rows = scoping.scope(user, CasePlanEvent).select_related("plan", "actor")
    return logged(rows, user=user, object_type="case_plan_event", supervisee_id=lambda r: r.plan.supervisee_id)


def minutes_by_kind(rows: list[Intervention]) -> tuple[list[tuple[str, int, int]], int]:
    """The interventions' totals by kind (label, count, minutes) and the minutes in all."""
    table: dict[str, list] = {}
    for row in rows:
        entry = table.setdefault(row.get_kind_display(), [0, 0])
        entry[0] += 1
        entry[1] += row.minutes
    return [(label, n, m) for label, (n, m) in table.items()], sum(row.minutes for row in rows)


def supervisee_for_plan(user: Any, uuid: Any) -> Supervisee:
    """One person a new plan is opened for: in the user's case scope (logged); raises DoesNotExist."""
    rows = scoping.scope(user, Supervisee).select_related("judicial_office")
    return logged(
        rows, user=user, object_type="supervisee", supervisee_id=lambda r: r.pk, object_id=lambda r: str(r.uuid)
    ).get(uuid=uuid)


def casework_counts(agency: Any, start: dt.date, end: dt.date) -> dict[str, int]:
    """The organisation's case-work figures for a contract report, ``start`` to ``end`` inclusive: people
    served (with at least one intervention), interventions, their minutes, progress reviews. Counts only:
    nothing about a person is read, so nothing is logged. A sealed case counts in no figure (CPL Art. 286)."""
    done = unsealed(Intervention.objects.filter(plan__agency=agency, held_on__range=(start, end))).aggregate(
        cases=Count("plan__supervisee", distinct=True), interventions=Count("pk"), minutes=Sum("minutes")
    )
    reviews_done = unsealed(ProgressReview.objects.filter(plan__agency=agency, reviewed_on__range=(start, end))).count()
    return {
        "cases_served": done["cases"],
        "interventions": done["interventions"],
        "minutes": done["minutes"] or 0,
        "reviews": reviews_done,
    }
