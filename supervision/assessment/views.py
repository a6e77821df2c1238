"""Assessment pages: the list (search, filter by state, month and office, sort, paged) with the pre-fill button,
one assessment (scores with their explanations, the officer's points, submit, the head's review), a person's
totals and grades over time (a server-drawn SVG chart with its table), and the rubric versions (the bureau
writes a new one)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping
from accounts.roles import Role, is_bureau_admin, organisation_ids
from coordination.models import Supervisee
from services.models import Organisation
from supervision import policies
from supervision import selectors as supervision_selectors
from supervision.assessment import actions, selectors
from supervision.assessment.models import Assessment, Rubric, RubricItem
from supervision.views import requires

PAGE_SIZE = 25  # assessments per page (a view choice, not a legal clock)
BLANK_ROWS = 2  # empty rows offered for new items and grades on the rubric page


def _month(value: str) -> dt.date | None:
    year, _sep, month = value.partition("-")
    try:
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def _offices(user) -> object:
    rows = Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE).order_by("name")
    if is_bureau_admin(user):
        return rows
    return rows.filter(pk__in=organisation_ids(user, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER))


def _one(request: HttpRequest, pk: int) -> Assessment:
    try:
        return selectors.assessment_for(request.user, pk)
    except Assessment.DoesNotExist:
        raise Http404 from None


@require_GET
@requires(policies.is_case_staff)
def assessments(request: HttpRequest) -> HttpResponse:
    """The assessments the user may see; officers pre-fill an office's month from here."""
    q = request.GET.get("q", "")[:50]
    state = request.GET.get("state", "")
    state = state if state in Assessment.State.values else ""
    month_text = request.GET.get("month", "")[:7]
    month = _month(month_text)
    sort = request.GET.get("sort", "-month")
    sort = sort if sort in selectors.SORTS else "-month"
    office_text = request.GET.get("office", "")
    office = int(office_text) if office_text.isdigit() else None
    rows = selectors.assessments_for(request.user, q=q, state=state, month=month, office=office, sort=sort)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    offices = list(_offices(request.user))
    policy = scoping.policy_for(Assessment)
    prefill_offices = [o for o in offices if policy.can(request.user, "prefill", o)]
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "supervision/assessment/list.html",
        {
            "page": page,
            "filters": {
                "q": q,
                "state": state,
                "month": month_text if month else "",
                "sort": sort,
                "office": office_text,
            },
            "states": Assessment.State.choices,
            "offices": offices,
            "prefill_offices": prefill_offices,
            "default_month": f"{last_month:%Y-%m}",
            "to_review": list(selectors.to_review(request.user)[:50]),
            "sorts": [
                ("-month", _("Newest month first")),
                ("month", _("Oldest month first")),
                ("name", _("Name")),
                ("-total", _("Highest total first")),
                ("total", _("Lowest total first")),
                ("state", _("State")),
            ],
        },
    )


@require_POST
@requires(policies.can_use_todo)
def prefill(request: HttpRequest) -> HttpResponse:
    """The pre-fill button: an office's month created and pre-filled now (the same action as the task)."""
    office_text = request.POST.get("office", "")
    month = _month(request.POST.get("month", "")[:7])
    office = Organisation.objects.filter(
        pk=int(office_text) if office_text.isdigit() else 0, kind=Organisation.Kind.JUDICIAL_OFFICE
    ).first()
    if office is None or month is None or month > timezone.localdate():
        messages.error(request, _("Choose a judicial office and a month that has begun."))
        return redirect("supervision:assessments")
    counts = actions.prefill_office(office=office, month=month, actor=request.user)
    messages.success(
        request,
        _("%(created)s assessments created, %(prefilled)s pre-filled.")
        % {"created": counts["created"], "prefilled": counts["prefilled"]},
    )
    return redirect(f"{reverse('supervision:assessments')}?month={month:%Y-%m}&office={office.pk}")


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """One assessment; an officer of the office saves the points (POST)."""
    row = _one(request, pk)
    policy = scoping.policy_for(Assessment)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not policy.can(request.user, "edit", row):
            raise PermissionDenied
        given = {}
        for score in row.scores.all():
            text = request.POST.get(f"points_{score.item.code}", "").strip()
            if text == "":
                continue  # left empty: unchanged
            if not text.isdigit():
                errors.setdefault(f"scores.{score.item.code}", []).append(_("Enter the points as a whole number."))
                continue
            given[score.item.code] = {"points": int(text), "reason": request.POST.get(f"reason_{score.item.code}", "")}
        if not errors:
            try:
                actions.save_scores(actor=request.user, assessment=row, scores=given, note=request.POST.get("note", ""))
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            else:
                messages.success(request, _("The points are saved."))
                return redirect("supervision:assessment", pk=row.pk)
        row = _one(request, pk)
    scores = [{"score": score, "errors": errors.get(f"scores.{score.item.code}", [])} for score in row.scores.all()]
    return render(
        request,
        "supervision/assessment/detail.html",
        {
            "a": row,
            "scores": scores,
            "errors": [m for key, ms in errors.items() if not key.startswith("scores.") for m in ms],
            "can_edit": row.editable and policy.can(request.user, "edit", row),
            "can_review": row.state == Assessment.State.SUBMITTED
            and policy.can(request.user, "review", row)
            and row.submitted_by_id != request.user.pk,
        },
        status=400 if errors else 200,
    )


@require_POST
@requires(policies.can_use_todo)
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    row = _one(request, pk)
    try:
        actions.submit(actor=request.user, assessment=row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Submitted for the office head's review."))
    return redirect("supervision:assessment", pk=row.pk)


@require_POST
@requires(policies.can_use_todo)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    row = _one(request, pk)
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "return"):
        messages.error(request, _("Approve or return the assessment."))
        return redirect("supervision:assessment", pk=row.pk)
    try:
        actions.review(
            actor=request.user, assessment=row, approve=decision == "approve", note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Approved.") if decision == "approve" else _("Returned to the officer."))
    return redirect("supervision:assessment", pk=row.pk)


@require_GET
@requires(policies.is_case_staff)
def case(request: HttpRequest, uuid) -> HttpResponse:
    """A person's assessments over time: a bar chart drawn on the server and the same numbers as a table."""
    try:
        person = supervision_selectors.supervisee_for(request.user, uuid)
    except Supervisee.DoesNotExist:
        raise Http404 from None
    rows = selectors.history(request.user, person)
    return render(
        request,
        "supervision/assessment/case.html",
        {"supervisee": person, "rows": list(reversed(rows)), "chart": selectors.chart(rows)},
    )


def _parse_rows(post, prefix: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows ``<prefix>_<n>_<field>`` of the rubric form in the order of ``n``; a row without a code is
    left out (the blank rows offered for new items)."""
    numbers = set()
    for key in post:
        parts = key.split("_")
        if len(parts) >= 3 and parts[0] == prefix and parts[1].isdigit():
            numbers.add(int(parts[1]))
    rows = []
    for index in sorted(numbers)[:100]:
        row = {name: post.get(f"{prefix}_{index}_{name}", "").strip() for name in fields}
        if row["code"]:
            rows.append(row)
    return rows


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def rubrics(request: HttpRequest) -> HttpResponse:
    """The rubric versions; the bureau's administrators publish a new version (POST)."""
    can_manage = scoping.policy_for(Rubric).can(request.user, "manage")
    errors: list[str] = []
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        items = _parse_rows(request.POST, "item", ("code", "label_zh", "label_en", "max_points", "source"))
        grades = _parse_rows(request.POST, "grade", ("code", "label_zh", "label_en", "min_total"))
        if any(not row["max_points"].isdigit() for row in items) or any(
            not row["min_total"].isdigit() for row in grades
        ):
            errors.append(_("Points are whole numbers."))
        else:
            try:
                actions.new_rubric_version(
                    actor=request.user,
                    name=request.POST.get("name", ""),
                    note=request.POST.get("note", ""),
                    items=items,
                    grades=grades,
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("The new rubric version is in force for assessments created from now."))
                return redirect("supervision:assessment-rubrics")
    versions = list(selectors.rubrics(request.user))
    current = next((r for r in versions if r.active), None)
    return render(
        request,
        "supervision/assessment/rubrics.html",
        {
            "versions": versions,
            "current": current,
            "can_manage": can_manage,
            "errors": errors,
            "sources": RubricItem.Source.choices,
            "blank": range(100, 100 + BLANK_ROWS),
        },
        status=400 if errors else 200,
    )
