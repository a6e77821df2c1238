"""Every read of the bureau's meetings, inspections and staff training starts from the scoped querysets
(accounts.scoping).

None of these rows is about a supervisee, so no read is written to the access log (a training certificate's
download is: it is a private attachment)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import scoping
from accounts.roles import holders_of, is_bureau_admin
from bureau import policies
from bureau.models import (
    ActionItem,
    Checklist,
    Finding,
    FollowUp,
    Inspection,
    InspectionResult,
    Meeting,
    StaffTraining,
)
from services.models import Membership, Organisation

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
