"""Every read of the bureau's meetings, inspections, budget, contracts and staff training starts from the scoped
querysets (accounts.scoping).

None of these rows is about a supervisee, so no read is written to the access log (a contract's measures are
counts only; a training certificate's download is logged: it is a private attachment)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from accounts.roles import holders_of, is_bureau_admin
from bureau import policies
from bureau.models import (
    ActionItem,
    BudgetCategory,
    BudgetLine,
    Checklist,
    Contract,
    Expenditure,
    Finding,
    FollowUp,
    Inspection,
    InspectionResult,
    Meeting,
    StaffTraining,
)
from coordination.models import Referral
from services.models import Membership, Organisation
from supervision.actions import end_of_day, start_of_day
from supervision.casework.models import Intervention
from supervision.casework.selectors import casework_counts
from supervision.education.models import Session

MEETING_SORTS = {"held_at": "held_at", "-held_at": "-held_at", "title": "title"}
ITEM_SORTS = {"due_on": "due_on", "-due_on": "-due_on", "owner": "owner_department", "status": "status"}
INSPECTION_SORTS = {"-inspected_on": "-inspected_on", "inspected_on": "inspected_on", "office": "office__name"}


def meetings(user: Any, *, query: str = "", sort: str = "-held_at") -> QuerySet[Meeting]:
    """The meetings the user may read, searched in title, place, agenda and decisions, with how many of their
    action items the user sees and how many are open."""
    items = scoping.scope(user, ActionItem)
    rows = scoping.scope(user, Meeting).select_related("organiser")
    if query:
        rows = rows.filter(
            Q(title__icontains=query)
            | Q(place__icontains=query)
            | Q(agenda__icontains=query)
            | Q(decisions__icontains=query)
        )
    rows = rows.annotate(
        item_count=Count("items", filter=Q(items__in=items.values("pk")), distinct=True),
        open_count=Count(
            "items", filter=Q(items__in=items.values("pk"), items__status=ActionItem.Status.OPEN), distinct=True
        ),
    )
    return rows.order_by(MEETING_SORTS.get(sort, "-held_at"), "-pk")


def meeting_items(user: Any, meeting: Meeting) -> QuerySet[ActionItem]:
    """The meeting's action items the user may see."""
    return scoping.scope(user, ActionItem).filter(meeting=meeting).select_related("owner_organisation", "closed_by")


def overdue_q(today=None) -> Q:
    return Q(status=ActionItem.Status.OPEN, due_on__lt=today or timezone.localdate())


def action_items(
    user: Any,
    *,
    query: str = "",
    department: str = "",
    organisation: int | None = None,
    status: str = "",
    overdue: bool = False,
    sort: str = "due_on",
) -> QuerySet[ActionItem]:
    """The action items the user may see, filtered by owner (department or organisation), status, overdue."""
    rows = scoping.scope(user, ActionItem).select_related("meeting", "owner_organisation")
    if query:
        rows = rows.filter(Q(task__icontains=query) | Q(meeting__title__icontains=query))
    if department:
        rows = rows.filter(owner_department=department)
    if organisation:
        rows = rows.filter(owner_organisation_id=organisation)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.filter(overdue_q())
    return rows.order_by(ITEM_SORTS.get(sort, "due_on"), "pk")


def checklists(user: Any) -> QuerySet[Checklist]:
    """Every checklist version the user may read, newest first, with its items."""
    return (
        scoping.scope(user, Checklist)
        .prefetch_related("items")
        .annotate(used=Count("inspections"))
        .order_by("-version")
    )


def inspections(
    user: Any, *, query: str = "", office: int | None = None, sort: str = "-inspected_on"
) -> QuerySet[Inspection]:
    """The inspections the user may see, with their open findings counted."""
    rows = scoping.scope(user, Inspection).select_related("office", "checklist")
    if query:
        rows = rows.filter(
            Q(inspectors__icontains=query) | Q(summary__icontains=query) | Q(office__name__icontains=query)
        )
    if office:
        rows = rows.filter(office_id=office)
    rows = rows.annotate(
        finding_count=Count("findings", distinct=True),
        open_findings=Count("findings", filter=~Q(findings__status=Finding.Status.CLOSED), distinct=True),
    )
    return rows.order_by(INSPECTION_SORTS.get(sort, "-inspected_on"), "-pk")


def inspection_detail(user: Any, pk: int) -> Inspection:
    """One inspection with its results (in checklist order) and findings; DoesNotExist outside the scope."""
    return (
        scoping.scope(user, Inspection)
        .select_related("office", "checklist", "recorded_by")
        .prefetch_related(
            Prefetch("results", queryset=InspectionResult.objects.select_related("item").order_by("item__position")),
            "findings",
        )
        .get(pk=pk)
    )


def findings(user: Any, *, status: str = "", office: int | None = None, overdue: bool = False) -> QuerySet[Finding]:
    """The findings the user may see, soonest deadline first."""
    rows = scoping.scope(user, Finding).select_related("inspection", "inspection__office")
    if status == "unclosed":
        rows = rows.exclude(status=Finding.Status.CLOSED)
    elif status:
        rows = rows.filter(status=status)
    if office:
        rows = rows.filter(inspection__office_id=office)
    if overdue:
        rows = rows.filter(status=Finding.Status.OPEN, correction_due__lt=timezone.localdate())
    return rows.order_by("correction_due", "pk")


# --- staff training ----------------------------------------------------------------------------------------

STAFF_SORTS = {
    "name": ("full_name", "username"),
    "-hours": ("-hours", "full_name", "username"),
    "hours": ("hours", "full_name", "username"),
}
TRAINING_ORGANISATION_KINDS = (
    Organisation.Kind.JUSTICE_BUREAU,
    Organisation.Kind.JUDICIAL_OFFICE,
    Organisation.Kind.SOCIAL_WORK_AGENCY,
)
_HOURS = DecimalField(max_digits=10, decimal_places=2)


def trainings(user: Any, *, trainee: Any = None, year: int | None = None) -> QuerySet[StaffTraining]:
    """The training records the user may see (voided ones too), newest first."""
    rows = scoping.scope(user, StaffTraining).select_related("trainee", "organisation", "recorded_by", "voided_by")
    if trainee is not None:
        rows = rows.filter(trainee=trainee)
    if year:
        rows = rows.filter(trained_on__year=year)
    return rows.order_by("-trained_on", "-pk")


def counted_trainings(user: Any, *, year: int, organisation: Organisation | None = None) -> QuerySet[StaffTraining]:
    """The records that count in a year (not voided) among those the user sees, of one organisation or all."""
    rows = scoping.scope(user, StaffTraining).filter(voided_at__isnull=True, trained_on__year=year)
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    return rows


def training_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations whose training the user oversees: the bureau every one that has staff, an office head
    their own offices."""
    rows = Organisation.objects.filter(is_active=True, kind__in=TRAINING_ORGANISATION_KINDS)
    if not is_bureau_admin(user):
        rows = rows.filter(pk__in=policies.headed_office_ids(user))
    return rows


def _staff_memberships(organisations: QuerySet[Organisation]) -> QuerySet[Membership]:
    return Membership.objects.filter(
        is_active=True, role__in=holders_of(*policies.STAFF_ROLES), organisation__in=organisations
    )


def _sum_by(rows: QuerySet[StaffTraining], key: str, aggregate) -> Subquery:
    return Subquery(rows.filter(**{key: OuterRef("pk")}).order_by().values(key).annotate(v=aggregate).values("v"))


def staff_hours(
    user: Any,
    *,
    year: int,
    organisation: Organisation | None = None,
    query: str = "",
    sort: str = "name",
) -> QuerySet[Any]:
    """Each staff member of the organisation (or of every organisation the user oversees) with their counted
    training hours and records in the year: today's staff, and anybody with counted training there that year.
    Empty for a user who oversees no organisation."""
    organisations = training_organisations(user)
    if organisation is not None:
        organisations = organisations.filter(pk=organisation.pk)
    counted = counted_trainings(user, year=year).filter(organisation__in=organisations)
    members = _staff_memberships(organisations).values("user_id")
    rows = (
        get_user_model()
        .objects.filter(Q(pk__in=members) | Q(pk__in=counted.values("trainee_id")))
        .annotate(
            hours=Coalesce(_sum_by(counted, "trainee", Sum("hours")), Value(Decimal("0")), output_field=_HOURS),
            training_count=Coalesce(_sum_by(counted, "trainee", Count("pk")), Value(0), output_field=IntegerField()),
        )
    )
    if query:
        rows = rows.filter(Q(full_name__icontains=query) | Q(username__icontains=query))
    return rows.order_by(*STAFF_SORTS.get(sort, STAFF_SORTS["name"]))


def organisation_totals(user: Any, *, year: int) -> QuerySet[Organisation]:
    """Each organisation the user oversees that has staff or counted training in the year: its staff, how many
    of them trained, and its counted hours."""
    organisations = training_organisations(user)
    counted = counted_trainings(user, year=year)
    members = _staff_memberships(organisations)
    rows = organisations.annotate(
        staff=Coalesce(
            _sum_by(members, "organisation", Count("user_id", distinct=True)), Value(0), output_field=IntegerField()
        ),
        trained=Coalesce(
            _sum_by(counted, "organisation", Count("trainee_id", distinct=True)),
            Value(0),
            output_field=IntegerField(),
        ),
        hours=Coalesce(_sum_by(counted, "organisation", Sum("hours")), Value(Decimal("0")), output_field=_HOURS),
    )
    return rows.filter(Q(staff__gt=0) | Q(hours__gt=0)).order_by("kind", "name")


def may_see_person(user: Any, person: Any) -> bool:
    """The person's training page: the person, the bureau, and the head of an office they are staff of (or
    trained for)."""
    if person.pk == getattr(user, "pk", None) and policies.is_staff(user):
        return True
    if is_bureau_admin(user):
        return True
    headed = policies.headed_office_ids(user)
    if not headed:
        return False
    return (
        bool(policies.staff_organisation_ids(person) & headed)
        or scoping.scope(user, StaffTraining).filter(trainee=person, organisation_id__in=headed).exists()
    )


def person_hours(user: Any, person: Any, year: int) -> Decimal:
    """A person's counted hours in a year, among the records the user sees of them."""
    total = counted_trainings(user, year=year).filter(trainee=person).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def organisation_hours(user: Any, organisation: Organisation, year: int) -> Decimal:
    """An organisation's counted hours in a year."""
    rows = counted_trainings(user, year=year, organisation=organisation)
    return rows.aggregate(total=Sum("hours"))["total"] or Decimal("0")


def recordable_organisations(user: Any, trainee: Any) -> QuerySet[Organisation]:
    """The organisations the user may record the trainee's training for: among the trainee's staff
    organisations, every one for themselves and the bureau, an office head's own office for its staff."""
    ids = policies.staff_organisation_ids(trainee)
    if not policies.is_staff(user):
        ids = set()
    elif not is_bureau_admin(user) and trainee.pk != user.pk:
        ids &= policies.headed_office_ids(user)
    return Organisation.objects.filter(pk__in=ids).order_by("kind", "name")


def own_trainings_count(user: Any, year: int) -> int:
    """The user's own training records that count in a year (the home page)."""
    return counted_trainings(user, year=year).filter(trainee=user).count()


def follow_ups(user: Any, finding: Finding) -> QuerySet[FollowUp]:
    return scoping.scope(user, FollowUp).filter(finding=finding).select_related("author")


def open_items_count(user: Any) -> int:
    """Open action items the user sees (the home page)."""
    return scoping.scope(user, ActionItem).filter(status=ActionItem.Status.OPEN).count()


def overdue_items_count(user: Any) -> int:
    return scoping.scope(user, ActionItem).filter(overdue_q()).count()


def open_findings_count(user: Any) -> int:
    """Findings the user sees not yet closed (the home page)."""
    return scoping.scope(user, Finding).exclude(status=Finding.Status.CLOSED).count()


def overdue_findings_count(user: Any) -> int:
    return findings(user, overdue=True).count()


# --- budget, spending and contracts ------------------------------------------------------------------------

HUNDRED = Decimal(100)
EXPENDITURE_SORTS = {"-spent_on": "-spent_on", "spent_on": "spent_on", "-amount": "-amount", "amount": "amount"}
CONTRACT_SORTS = {"-starts_on": "-starts_on", "starts_on": "starts_on", "ends_on": "ends_on", "number": "number"}


def percent(part: Decimal | int | None, whole: Decimal | int | None) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal; None when there is no whole to compare with."""
    if part is None or not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def growth(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Year-on-year change in percent; None without a previous year (or when it was zero)."""
    if current is None or not previous:
        return None
    return percent(current - previous, previous)


def budget_lines(user: Any) -> QuerySet[BudgetLine]:
    """The budget lines the user may read (the bureau), with what their valid expenditures add up to."""
    return scoping.scope(user, BudgetLine).annotate(
        spent=Coalesce(
            Sum("expenditures__amount", filter=Q(expenditures__voided_at__isnull=True)),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    )


def _year_totals(lines: list[BudgetLine]) -> dict[int, dict[str, Any]]:
    years: dict[int, dict[str, Any]] = {}
    for line in lines:
        entry = years.setdefault(line.year, {"approved": Decimal(0), "spent": Decimal(0), "lines": {}})
        entry["approved"] += line.approved
        entry["spent"] += line.spent
        entry["lines"][line.category] = line
    return years


def budget_years(user: Any) -> list[dict[str, Any]]:
    """Every year with a budget, newest first: approved and spent totals, the growth of the approved total on
    the year before and whether it did not grow (the policy's dynamic growth mechanism)."""
    years = _year_totals(list(budget_lines(user)))
    rows = []
    for year in sorted(years, reverse=True):
        entry = years[year]
        previous = years.get(year - 1)
        before = previous["approved"] if previous else None
        rows.append(
            {
                "year": year,
                "approved": entry["approved"],
                "spent": entry["spent"],
                "remaining": entry["approved"] - entry["spent"],
                "percent_spent": percent(entry["spent"], entry["approved"]),
                "previous_approved": before,
                "growth": growth(entry["approved"], before),
                "did_not_grow": before is not None and entry["approved"] <= before,
            }
        )
    return rows


def budget_year(user: Any, year: int) -> dict[str, Any]:
    """One year's budget by category (the policy's four and purchased services): approved, spent, remaining,
    percent spent, the growth on the year before; the totals; which lines are overspent."""
    years = _year_totals(list(budget_lines(user).filter(year__in=(year, year - 1))))
    this = years.get(year, {"approved": Decimal(0), "spent": Decimal(0), "lines": {}})
    before = years.get(year - 1)
    rows = []
    for code, label in BudgetCategory.choices:
        line = this["lines"].get(code)
        previous_line = before["lines"].get(code) if before else None
        approved = line.approved if line else None
        spent = line.spent if line else Decimal(0)
        rows.append(
            {
                "category": code,
                "label": label,
                "line": line,
                "approved": approved,
                "spent": spent,
                "remaining": (approved - spent) if line else None,
                "percent_spent": percent(spent, approved),
                "previous_approved": previous_line.approved if previous_line else None,
                "growth": growth(approved, previous_line.approved if previous_line else None),
                "overspent": line is not None and spent > approved,
            }
        )
    previous_total = before["approved"] if before else None
    return {
        "year": year,
        "rows": rows,
        "has_lines": bool(this["lines"]),
        "approved": this["approved"],
        "spent": this["spent"],
        "remaining": this["approved"] - this["spent"],
        "percent_spent": percent(this["spent"], this["approved"]),
        "previous_approved": previous_total,
        "growth": growth(this["approved"], previous_total),
        "did_not_grow": previous_total is not None and this["approved"] <= previous_total,
        "overspent": [row for row in rows if row["overspent"]],
    }


def bar_chart(groups: list[tuple[str, list[tuple[str, str, Decimal]]]], fmt=None) -> dict[str, Any]:
    """Horizontal bars as SVG geometry (no script): one group a row label, one bar per series, each bar with
    its series name and amount written beside it (readable without colour); the page's table has the same
    numbers. ``groups``: [(label, [(series code, series name, amount), ...]), ...]."""
    # Each group's label on a line of its own above its bars, so the drawing is a phone's width (360 units):
    # shown at its natural size there, its 12 px text stays 12 px (a wider drawing shrank it to half).
    bar_area, bar_height, gap, text_room, label_height = 200, 16, 4, 160, 18
    top = max((value for _label, series in groups for _c, _n, value in series), default=Decimal(0))
    bars, labels, y = [], [], 4
    for label, series in groups:
        labels.append({"text": label, "y": y + 13})
        y += label_height
        for code, name, value in series:
            length = int(bar_area * value / top) if top else 0
            bars.append(
                {
                    "code": code,
                    "x": 0,
                    "y": y,
                    "width": max(length, 1),
                    "height": bar_height,
                    "text_x": max(length, 1) + 6,
                    "text_y": y + bar_height - 4,
                    "text": f"{name} {fmt(value) if fmt else f'{value:,.2f}'}",
                }
            )
            y += bar_height + gap
        y += 2 * gap
    return {"bars": bars, "labels": labels, "width": bar_area + text_room, "height": y + 4}


def year_chart(summary: dict[str, Any]) -> dict[str, Any]:
    """The year page's chart: approved and spent per category that has a line."""
    approved, spent = str(_("approved")), str(_("spent"))
    return bar_chart(
        [
            (str(row["label"]), [("approved", approved, row["approved"]), ("spent", spent, row["spent"])])
            for row in summary["rows"]
            if row["line"] is not None
        ]
    )


def years_chart(years: list[dict[str, Any]]) -> dict[str, Any]:
    """The overview's chart: the approved and spent totals of each year, oldest first."""
    approved, spent = str(_("approved")), str(_("spent"))
    return bar_chart(
        [
            (str(row["year"]), [("approved", approved, row["approved"]), ("spent", spent, row["spent"])])
            for row in reversed(years)
        ]
    )


def expenditures(
    user: Any,
    *,
    query: str = "",
    year: int | None = None,
    category: str = "",
    contract: int | None = None,
    state: str = "valid",
    sort: str = "-spent_on",
) -> QuerySet[Expenditure]:
    """The expenditures the user may read, searched in purpose, filtered by year, category, contract and state
    (valid, voided, all)."""
    rows = scoping.scope(user, Expenditure).select_related("budget_line", "contract", "recorded_by")
    if query:
        rows = rows.filter(Q(purpose__icontains=query) | Q(contract__number__icontains=query))
    if year:
        rows = rows.filter(budget_line__year=year)
    if category:
        rows = rows.filter(budget_line__category=category)
    if contract:
        rows = rows.filter(contract_id=contract)
    if state == "valid":
        rows = rows.filter(voided_at__isnull=True)
    elif state == "voided":
        rows = rows.filter(voided_at__isnull=False)
    return rows.order_by(EXPENDITURE_SORTS.get(sort, "-spent_on"), "-pk")


def contracts(
    user: Any,
    *,
    query: str = "",
    organisation: int | None = None,
    current: bool = False,
    sort: str = "-starts_on",
) -> QuerySet[Contract]:
    """The contracts the user may read (the bureau all; a contracted organisation its own), with what was paid
    against each; ``current``: in force today."""
    rows = scoping.scope(user, Contract).select_related("organisation", "budget_line")
    if query:
        rows = rows.filter(
            Q(title__icontains=query) | Q(number__icontains=query) | Q(organisation__name__icontains=query)
        )
    if organisation:
        rows = rows.filter(organisation_id=organisation)
    if current:
        today = timezone.localdate()
        rows = rows.filter(starts_on__lte=today, ends_on__gte=today)
    rows = rows.annotate(
        paid=Coalesce(
            Sum("expenditures__amount", filter=Q(expenditures__voided_at__isnull=True)),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    )
    return rows.order_by(CONTRACT_SORTS.get(sort, "-starts_on"), "-pk")


def contract_measures(contract: Contract) -> dict[str, Any]:
    """The contract's targets against what the platform's rows show for its period (today's count): people
    served (with an intervention of the organisation's case plans or a referral it completed), service hours
    (intervention minutes and the length of the education or activity sessions it ran) and sessions
    (interventions and sessions run). Counts only: nothing about a person is shown, so nothing is logged.

    A session is the organisation's when it was run through one of its volunteer shifts (the only link an
    education session has to an organisation other than the judicial office holding it)."""
    org, start, end = contract.organisation, contract.starts_on, contract.ends_on
    casework = casework_counts(org, start, end)
    since, until = start_of_day(start), end_of_day(end)
    # Sealed juvenile cases (CPL Art. 286) are counted in no figure.
    completed = Referral.objects.filter(
        offering__organisation=org,
        state=Referral.State.COMPLETED,
        closed_at__range=(since, until),
        need__supervisee__sealed_at__isnull=True,
    )
    helped = set(
        Intervention.objects.filter(
            plan__agency=org, held_on__range=(start, end), plan__supervisee__sealed_at__isnull=True
        ).values_list("plan__supervisee_id", flat=True)
    ) | set(completed.values_list("need__supervisee_id", flat=True))
    sessions = list(
        Session.objects.filter(
            volunteer_shift__opportunity__organisation=org, cancelled=False, starts_at__range=(since, until)
        ).only("starts_at", "ends_at")
    )
    session_minutes = sum(session.length_minutes for session in sessions)
    minutes = casework["minutes"] + session_minutes
    measured = {
        "cases": len(helped),
        "hours": (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        "sessions": casework["interventions"] + len(sessions),
    }
    targets = [
        ("cases", _("People served"), contract.target_cases),
        ("hours", _("Service hours"), contract.target_hours),
        ("sessions", _("Sessions"), contract.target_sessions),
    ]
    paid = contract.expenditures.filter(voided_at__isnull=True).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return {
        "targets": [
            {
                "code": code,
                "label": label,
                "target": target,
                "measured": measured[code],
                "percent": percent(measured[code], target),
                "met": target is not None and measured[code] >= target,
            }
            for code, label, target in targets
        ],
        "parts": {
            "interventions": casework["interventions"],
            "intervention_minutes": casework["minutes"],
            "casework_people": casework["cases_served"],
            "reviews": casework["reviews"],
            "referrals_completed": completed.count(),
            "sessions": len(sessions),
            "session_minutes": session_minutes,
        },
        "paid": paid,
        "unpaid": contract.amount - paid,
        "percent_paid": percent(paid, contract.amount),
    }


# --- the monthly and yearly report (issue 18 item 3) ------------------------------------------------------------

import re  # noqa: E402  (kept with the report's reads, to merge easily)

from bureau.models import Report  # noqa: E402

PERIOD_FILTER = re.compile(r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{1,2}))?")


def reports(user: Any, *, period: str = "", state: str = "", scope: str = "") -> QuerySet[Report]:
    """The reports the user may read, newest first, filtered by period ("2026" every report of that year, monthly
    ones included; "2026-11" that month's), state and place."""
    rows = scoping.scope(user, Report).select_related("requested_by")
    period = (period or "").strip()
    if period:
        found = PERIOD_FILTER.fullmatch(period)
        if found is None:
            return rows.none()
        rows = rows.filter(year=int(found["year"]))
        if found["month"]:
            rows = rows.filter(month=int(found["month"]))
    if state:
        rows = rows.filter(state=state)
    if scope:
        rows = rows.filter(scope_param=scope)
    return rows.order_by("-requested_at", "-pk")
