"""Who sees and does what with volunteers: profiles, opportunities, shifts, bookings, hours."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts import scoping
from accounts.roles import Role, has_role, is_bureau_admin, organisation_ids
from services.models import Organisation
from volunteers.models import (
    Booking,
    Certificate,
    HourLog,
    Opportunity,
    Shift,
    StatusChange,
    TrainingCourse,
    TrainingRecord,
    Volunteer,
)

# The sides of the vetting machine (volunteers.actions.vetting.MACHINE).
COORDINATOR = "coordinator"
VOLUNTEER = "volunteer"


def _coordinated_ids(user: Any) -> set[int]:
    return organisation_ids(user, Role.VOLUNTEER_COORDINATOR)


def can_coordinate_volunteers(user: Any) -> bool:
    """May open the coordinators' pages (vetting, shifts, hour approvals): the bureau and coordinators."""
    return has_role(user, Role.BUREAU_ADMIN, Role.VOLUNTEER_COORDINATOR)


def coordinated_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations whose volunteers and shifts the user coordinates (the bureau: all)."""
    if is_bureau_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=_coordinated_ids(user))


def is_own_record(user: Any, volunteer: Volunteer) -> bool:
    """Is this the user's own volunteer record? Nobody decides on their own record."""
    return bool(getattr(user, "is_authenticated", False)) and volunteer.user_id == user.pk


def vetting_side(user: Any, volunteer: Volunteer) -> str | None:
    """Which side of the vetting machine the user is on for this volunteer: the volunteer themselves
    (even when they also coordinate the team), a coordinator of their team, or neither (None)."""
    if is_own_record(user, volunteer):
        return VOLUNTEER
    if VolunteerPolicy().rows_coordinate(user).filter(pk=volunteer.pk).exists():
        return COORDINATOR
    return None


def active_trained(queryset: QuerySet[Volunteer] | None = None) -> QuerySet[Volunteer]:
    """Active volunteers whose every course required before activation is valid today (no extra query)."""
    today = timezone.localdate()
    valid = TrainingRecord.objects.filter(
        volunteer=OuterRef(OuterRef("pk")), course=OuterRef("pk"), completed_on__lte=today
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    missing = TrainingCourse.objects.filter(required_for_activation=True).filter(~Exists(valid))
    qs = Volunteer.objects.all() if queryset is None else queryset
    return qs.filter(status=Volunteer.Status.ACTIVE).filter(~Exists(missing))


def own_profile(user: Any) -> Volunteer | None:
    """The signed-in user's own volunteer profile, or None."""
    return scoping.scope(user, Volunteer, "own").select_related("organisation").first()


class VolunteerPolicy(scoping.BasePolicy):
    model = Volunteer

    def rows_own(self, user: Any) -> QuerySet[Volunteer]:
        """The signed-in user's own volunteer profile."""
        if not getattr(user, "is_authenticated", False):
            return Volunteer.objects.none()
        return Volunteer.objects.filter(user_id=user.pk)

    def rows_coordinate(self, user: Any) -> QuerySet[Volunteer]:
        """Volunteers (and applicants) of the teams the user coordinates; the bureau all."""
        if is_bureau_admin(user):
            return Volunteer.objects.all()
        return Volunteer.objects.filter(organisation_id__in=_coordinated_ids(user))

    def rows_team_candidate(self, user: Any) -> QuerySet[Volunteer]:
        """Volunteers who may be proposed for or put on a correction team (by whoever manages the team):
        active ones whose required training is valid today."""
        return active_trained()

    def allow_coordinate(self, user: Any, obj: Volunteer | None = None) -> bool:
        """Without a row: may open the coordinators' pages. With a row: coordinates that volunteer's team."""
        if obj is None:
            return can_coordinate_volunteers(user)
        return self.rows_coordinate(user).filter(pk=obj.pk).exists()

    def allow_decide(self, user: Any, obj: Volunteer | None = None) -> bool:
        """Vet, record training, set mentoring: coordinates the volunteer's team and it is not their own record."""
        if obj is None:
            return can_coordinate_volunteers(user)
        return not is_own_record(user, obj) and self.allow_coordinate(user, obj)


class OpportunityPolicy(scoping.BasePolicy):
    model = Opportunity

    def rows_coordinate(self, user: Any) -> QuerySet[Opportunity]:
        """Opportunities the user may publish shifts for: those of the teams they coordinate; the bureau all."""
        if is_bureau_admin(user):
            return Opportunity.objects.all()
        return Opportunity.objects.filter(organisation_id__in=_coordinated_ids(user))

    def rows_book(self, user: Any) -> QuerySet[Opportunity]:
        """Opportunities a volunteer may see: active ones of their own team; only the public ones until
        the volunteer is active (applicants, suspended and withdrawn volunteers)."""
        profile = own_profile(user)
        if profile is None:
            return Opportunity.objects.none()
        qs = Opportunity.objects.filter(is_active=True, organisation_id=profile.organisation_id)
        if profile.status != Volunteer.Status.ACTIVE:
            qs = qs.filter(is_public=True)
        return qs


class ShiftPolicy(scoping.BasePolicy):
    model = Shift

    def rows_public(self, user: Any) -> QuerySet[Shift]:
        """Anyone sees the shifts of active, public opportunities (outreach events)."""
        return Shift.objects.filter(opportunity__is_public=True, opportunity__is_active=True)

    def rows_coordinate(self, user: Any) -> QuerySet[Shift]:
        """Shifts of the teams the user coordinates; the bureau all."""
        if is_bureau_admin(user):
            return Shift.objects.all()
        return Shift.objects.filter(opportunity__organisation_id__in=_coordinated_ids(user))


class BookingPolicy(scoping.BasePolicy):
    model = Booking

    def rows_own(self, user: Any) -> QuerySet[Booking]:
        """The volunteer's own bookings."""
        if not getattr(user, "is_authenticated", False):
            return Booking.objects.none()
        return Booking.objects.filter(volunteer__user_id=user.pk)


class HourLogPolicy(scoping.BasePolicy):
    model = HourLog

    def rows_own(self, user: Any) -> QuerySet[HourLog]:
        """The volunteer's own hour entries."""
        if not getattr(user, "is_authenticated", False):
            return HourLog.objects.none()
        return HourLog.objects.filter(volunteer__user_id=user.pk)

    def rows_coordinate(self, user: Any) -> QuerySet[HourLog]:
        """Hour entries of the teams the user coordinates; the bureau all."""
        if is_bureau_admin(user):
            return HourLog.objects.all()
        return HourLog.objects.filter(volunteer__organisation_id__in=_coordinated_ids(user))

    def rows_review(self, user: Any) -> QuerySet[HourLog]:
        """Hour entries the user may approve or reject: those they coordinate, never their own."""
        qs = self.rows_coordinate(user)
        if getattr(user, "is_authenticated", False):
            qs = qs.exclude(volunteer__user_id=user.pk)
        return qs


class _OfVolunteer(scoping.BasePolicy):
    """Rows that belong to one volunteer's record."""

    def rows_view(self, user: Any) -> QuerySet[Any]:
        """The volunteer's own rows, and those of the volunteers the user coordinates (the bureau: all)."""
        own = scoping.scope(user, Volunteer, "own").values("pk")
        coordinated = scoping.scope(user, Volunteer, "coordinate").values("pk")
        return self.model.objects.filter(Q(volunteer__in=own) | Q(volunteer__in=coordinated))


class StatusChangePolicy(_OfVolunteer):
    model = StatusChange


class TrainingRecordPolicy(_OfVolunteer):
    model = TrainingRecord


class CertificatePolicy(_OfVolunteer):
    model = Certificate

    def rows_verify(self, user: Any) -> QuerySet[Certificate]:
        """Anyone may check a certificate by its code (the caller filters by the exact code)."""
        return Certificate.objects.all()


def register() -> None:
    scoping.register(Volunteer, VolunteerPolicy())
    scoping.register(Opportunity, OpportunityPolicy())
    scoping.register(Shift, ShiftPolicy())
    scoping.register(Booking, BookingPolicy())
    scoping.register(HourLog, HourLogPolicy())
    scoping.register(StatusChange, StatusChangePolicy())
    scoping.register(TrainingRecord, TrainingRecordPolicy())
    scoping.register(Certificate, CertificatePolicy())
