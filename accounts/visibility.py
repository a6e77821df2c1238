"""One door for who sees what.

Every list, detail, export, feed and search that shows data which is not public
starts from a function in this module. Roles come only from active
``services.Membership`` rows; superusers count as bureau administrators.

Later capabilities extend this module (supervisees, referrals, volunteers); they
must not re-implement scoping elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from services.models import Location, Membership, Organisation, ServiceOffering

if TYPE_CHECKING:
    from accounts.models import User

Role = Membership.Role

_CACHE_ATTR = "_visibility_memberships"


def memberships(user: User) -> list[Membership]:
    """The user's active memberships, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).select_related(
                "organisation", "organisation__township"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: User) -> None:
    """Drop the cached memberships after they change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user: User) -> set[str]:
    """The set of role codes the user holds anywhere."""
    found = {m.role for m in memberships(user)}
    if getattr(user, "is_superuser", False) and user.is_active:
        found.add(Role.BUREAU_ADMIN)
    return found


def has_role(user: User, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def is_bureau_admin(user: User) -> bool:
    return has_role(user, Role.BUREAU_ADMIN)


def is_staff_member(user: User) -> bool:
    """Works for an organisation in any role (as opposed to the public or a volunteer only)."""
    return bool(roles(user))


def organisation_ids(user: User, *role_filter: str) -> set[int]:
    """Ids of the organisations where the user holds one of the given roles (any role if none given)."""
    return {m.organisation_id for m in memberships(user) if not role_filter or m.role in role_filter}


def public_organisations() -> QuerySet[Organisation]:
    """Organisations anyone may see in the public directory."""
    return Organisation.objects.filter(is_active=True)


def public_offerings() -> QuerySet[ServiceOffering]:
    """Offerings anyone may see: active, of an active organisation."""
    return ServiceOffering.objects.filter(is_active=True, organisation__is_active=True)


def manageable_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations whose directory entries the user may edit.

    The bureau manages every organisation; provider staff manage their own.
    """
    if is_bureau_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=organisation_ids(user, Role.PROVIDER_STAFF))


def manageable_offerings(user: User) -> QuerySet[ServiceOffering]:
    """Offerings the user may edit and whose capacity they may publish."""
    if is_bureau_admin(user):
        return ServiceOffering.objects.all()
    return ServiceOffering.objects.filter(organisation_id__in=organisation_ids(user, Role.PROVIDER_STAFF))


def case_offices(user: User) -> QuerySet[Organisation]:
    """Judicial offices whose supervisees the user may see.

    The bureau sees every office; officers and social workers see the offices
    they belong to (a social worker of an agency sees none by membership alone:
    agencies are given cases through the correction team, not by office).
    """
    offices = Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE)
    if is_bureau_admin(user):
        return offices
    return offices.filter(pk__in=organisation_ids(user, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER))


def can_use_casework(user: User) -> bool:
    """May open the casework workbench at all."""
    return has_role(user, Role.BUREAU_ADMIN, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER, Role.PROVIDER_STAFF)


def coordinated_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations whose volunteers and shifts the user coordinates."""
    if is_bureau_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=organisation_ids(user, Role.VOLUNTEER_COORDINATOR))


def can_edit_content(user: User) -> bool:
    """May open the Wagtail admin to edit outreach pages."""
    return has_role(user, Role.BUREAU_ADMIN, Role.CONTENT_EDITOR)


def manageable_locations(user: User) -> QuerySet[Location]:
    """Locations the user may edit or attach offerings to: their organisations' own, plus shared ones.

    Shared locations (no organisation) may be attached by anyone who manages offerings, but
    only the bureau edits them.
    """
    if is_bureau_admin(user):
        return Location.objects.all()
    return Location.objects.filter(organisation_id__in=organisation_ids(user, Role.PROVIDER_STAFF))


def attachable_locations(user: User) -> QuerySet[Location]:
    """Locations the user may attach to an offering they manage."""
    if is_bureau_admin(user):
        return Location.objects.all()
    return Location.objects.filter(
        Q(organisation_id__in=organisation_ids(user, Role.PROVIDER_STAFF)) | Q(organisation__isnull=True)
    )


# --- Volunteers (C4) ---------------------------------------------------------
# Imports are local: volunteers depends on this module, not the other way round.


def volunteer_profile(user: User):
    """The signed-in user's own volunteer profile, or None."""
    from volunteers.models import Volunteer

    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(user_id=user.pk).select_related("organisation").first()


def can_coordinate_volunteers(user: User) -> bool:
    """May open the coordinators' pages (vetting, shifts, hour approvals)."""
    return has_role(user, Role.BUREAU_ADMIN, Role.VOLUNTEER_COORDINATOR)


def coordinated_volunteers(user: User):
    """Volunteers (and applicants) of the teams the user coordinates."""
    from volunteers.models import Volunteer

    if is_bureau_admin(user):
        return Volunteer.objects.all()
    return Volunteer.objects.filter(organisation_id__in=organisation_ids(user, Role.VOLUNTEER_COORDINATOR))


def coordinated_opportunities(user: User):
    """Opportunities the user may publish shifts for."""
    from volunteers.models import Opportunity

    if is_bureau_admin(user):
        return Opportunity.objects.all()
    return Opportunity.objects.filter(organisation_id__in=organisation_ids(user, Role.VOLUNTEER_COORDINATOR))


def coordinated_shifts(user: User):
    """Shifts of the teams the user coordinates."""
    from volunteers.models import Shift

    if is_bureau_admin(user):
        return Shift.objects.all()
    return Shift.objects.filter(opportunity__organisation_id__in=organisation_ids(user, Role.VOLUNTEER_COORDINATOR))


def coordinated_hour_logs(user: User):
    """Hour entries the user may approve or reject."""
    from volunteers.models import HourLog

    if is_bureau_admin(user):
        return HourLog.objects.all()
    return HourLog.objects.filter(volunteer__organisation_id__in=organisation_ids(user, Role.VOLUNTEER_COORDINATOR))


def bookable_opportunities(user: User):
    """Opportunities a volunteer may see and book: active ones of their own team."""
    from volunteers.models import Opportunity

    profile = volunteer_profile(user)
    if profile is None:
        return Opportunity.objects.none()
    return Opportunity.objects.filter(is_active=True, organisation_id=profile.organisation_id)


def own_bookings(user: User):
    """The volunteer's own bookings."""
    from volunteers.models import Booking

    return Booking.objects.filter(volunteer__user_id=user.pk) if user.is_authenticated else Booking.objects.none()


def own_hour_logs(user: User):
    """The volunteer's own hour entries."""
    from volunteers.models import HourLog

    return HourLog.objects.filter(volunteer__user_id=user.pk) if user.is_authenticated else HourLog.objects.none()


def public_volunteer_shifts():
    """Shifts anyone may see: of active, public opportunities (outreach events)."""
    from volunteers.models import Shift

    return Shift.objects.filter(opportunity__is_public=True, opportunity__is_active=True)
