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


# --- Cases and referrals (coordination) --------------------------------------
#
# Field rules: what each audience may see of a supervisee. The API serializers and the
# workbench templates both take their field list from ``supervisee_fields_for``.

CASE_FIELDS_FULL = frozenset(
    {
        "uuid",
        "name",
        "given_name",
        "sex",
        "date_of_birth",
        "age",
        "resident_id",
        "phone",
        "household_type",
        "township",
        "address",
        "judicial_office",
        "sentence_type",
        "offence_category",
        "correction_start",
        "correction_end",
        "risk_level",
        "supervision_level",
        "status",
        "is_minor",
        "preferred_language",
    }
)
# What every provider may see of the person a referral is about: enough to contact them.
PROVIDER_BASE_FIELDS = frozenset({"name", "given_name", "sex", "age", "phone", "township", "preferred_language"})
# What a provider's service needs on top, by organisation kind. An employer never sees
# the offence, the ID number or the risk level.
PROVIDER_EXTRA_FIELDS: dict[str, frozenset[str]] = {
    Organisation.Kind.EMPLOYER: frozenset(),
    Organisation.Kind.TRAINING_PROVIDER: frozenset({"household_type", "correction_end"}),
    Organisation.Kind.COUNSELLING_CENTRE: frozenset({"offence_category", "risk_level", "sentence_type"}),
    Organisation.Kind.WELFARE_OFFICE: frozenset({"resident_id", "household_type", "address"}),
    Organisation.Kind.VILLAGE_COMMITTEE: frozenset({"resident_id", "household_type", "address"}),
    Organisation.Kind.SOCIAL_WORK_AGENCY: frozenset({"household_type", "address", "risk_level", "supervision_level"}),
    Organisation.Kind.VOLUNTEER_TEAM: frozenset(),
    Organisation.Kind.JUDICIAL_OFFICE: frozenset({"household_type", "address"}),
}
# A volunteer sees a mentee's given name and meeting times, nothing else.
VOLUNTEER_FIELDS = frozenset({"given_name", "meeting_schedule"})
# Fields that, for a minor (Art. 54), no one outside the office and the bureau sees.
MINOR_HIDDEN_FIELDS = frozenset({"name", "resident_id", "address", "offence_category", "phone"})


def _case_office_ids(user: User) -> set[int]:
    if is_bureau_admin(user):
        return set()
    return organisation_ids(user, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)


def supervisees_for(user: User):
    """Supervisees whose case records the user may open.

    The bureau sees all; officers and social workers of a judicial office see that
    office's supervisees; an agency's social worker sees the supervisees whose team
    they are on, except minors (Art. 54: only their office and the bureau).
    """
    from coordination.models import CorrectionTeamMember, Supervisee

    if is_bureau_admin(user):
        return Supervisee.objects.all()
    office_ids = _case_office_ids(user)
    if not office_ids and not has_role(user, Role.SOCIAL_WORKER):
        return Supervisee.objects.none()
    on_team = CorrectionTeamMember.objects.filter(
        user=user, role=CorrectionTeamMember.Role.SOCIAL_WORKER, is_active=True
    ).values("supervisee_id")
    from django.db.models import Q

    return Supervisee.objects.filter(Q(judicial_office_id__in=office_ids) | (Q(pk__in=on_team) & Q(is_minor=False)))


def is_case_office_member(user: User, supervisee) -> bool:
    """Works at the supervisee's judicial office (or is the bureau): sees minors and the full record."""
    return is_bureau_admin(user) or supervisee.judicial_office_id in _case_office_ids(user)


def can_manage_case(user: User, supervisee) -> bool:
    """May record needs, notes and consent, and send referrals for this supervisee."""
    return supervisees_for(user).filter(pk=supervisee.pk).exists()


def can_override_consent(user: User, supervisee) -> bool:
    """Officers of the supervisee's office (and the bureau) may send without consent, with a logged reason."""
    return is_bureau_admin(user) or supervisee.judicial_office_id in organisation_ids(user, Role.OFFICE_OFFICER)


def can_see_resident_id(user: User, supervisee) -> bool:
    """The full resident ID number: officers of the office and the bureau (documents need it)."""
    return can_override_consent(user, supervisee)


def provider_organisation_ids(user: User) -> set[int]:
    return organisation_ids(user, Role.PROVIDER_STAFF)


def referrals_for(user: User):
    """Referrals the user may see.

    Case staff see the referrals of the supervisees they see; provider staff see
    referrals sent to their organisation (never drafts); the bureau sees all.
    """
    from django.db.models import Q

    from coordination.models import Referral

    if is_bureau_admin(user):
        return Referral.objects.all()
    condition = Q(pk__in=[])
    if _case_office_ids(user) or has_role(user, Role.SOCIAL_WORKER):
        condition |= Q(need__supervisee__in=supervisees_for(user).values("pk"))
    provider_ids = provider_organisation_ids(user)
    if provider_ids:
        condition |= Q(offering__organisation_id__in=provider_ids) & ~Q(state=Referral.State.DRAFT)
    return Referral.objects.filter(condition)


def referral_side(user: User, referral, *, team_ids: set[int] | None = None) -> str | None:
    """'case' when the user manages the referral's case, 'provider' when it was sent to their organisation.

    ``team_ids`` (supervisee ids whose team the user is on as a social worker) lets a list
    decide without a query per row.
    """
    if is_bureau_admin(user):
        return "case"
    supervisee = referral.need.supervisee
    if supervisee.judicial_office_id in _case_office_ids(user):
        return "case"
    if referral.offering.organisation_id in provider_organisation_ids(user) and referral.state != "draft":
        return "provider"
    if supervisee.is_minor or not has_role(user, Role.SOCIAL_WORKER):
        return None
    if team_ids is None:
        on_team = supervisee.team.filter(user=user, role="social_worker", is_active=True).exists()
    else:
        on_team = supervisee.pk in team_ids
    return "case" if on_team else None


def supervisee_fields_for(user: User, supervisee, *, provider_kind: str | None = None) -> frozenset[str]:
    """The supervisee fields this user may see, on a case record or (provider_kind given) on a referral."""
    if provider_kind is None:
        fields = set(CASE_FIELDS_FULL)
        if not can_see_resident_id(user, supervisee):
            fields.discard("resident_id")
            fields.add("resident_id_masked")
        else:
            fields.add("resident_id_masked")
        return frozenset(fields)
    fields = set(PROVIDER_BASE_FIELDS | PROVIDER_EXTRA_FIELDS.get(provider_kind, frozenset()))
    if supervisee.is_minor:
        fields -= MINOR_HIDDEN_FIELDS
    return frozenset(fields)


def mentees_for(user: User):
    """A volunteer's mentoring assignments (team rows), minors excluded (Art. 54)."""
    from coordination.models import CorrectionTeamMember, Supervisee

    if not getattr(user, "is_authenticated", False):
        return CorrectionTeamMember.objects.none()
    return CorrectionTeamMember.objects.filter(
        user=user,
        role=CorrectionTeamMember.Role.VOLUNTEER,
        is_active=True,
        supervisee__is_minor=False,
        supervisee__status__in=[Supervisee.Status.INTAKE, Supervisee.Status.UNDER_CORRECTION],
    )


def can_see_case_list(user: User) -> bool:
    """May open a caseload (officers, social workers, the bureau)."""
    return has_role(user, Role.BUREAU_ADMIN, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)


def can_use_provider_inbox(user: User) -> bool:
    return has_role(user, Role.BUREAU_ADMIN, Role.PROVIDER_STAFF)


def access_logs_for(user: User):
    """The access log: the bureau browses it; nobody else sees it."""
    from coordination.models import AccessLog

    return AccessLog.objects.all() if is_bureau_admin(user) else AccessLog.objects.none()


def notifications_for(user: User):
    """The user's own in-app inbox."""
    from coordination.models import Notification

    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.INBOX)


# --- Matching (matching/) ------------------------------------------------------


def can_use_matching(user: User) -> bool:
    """May see match suggestions and runs: the bureau, office officers and social workers."""
    return has_role(user, Role.BUREAU_ADMIN, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)


def can_start_match_run(user: User, office_id: int | None) -> bool:
    """The bureau runs the whole city or any office; an officer runs their own office only."""
    if is_bureau_admin(user):
        return True
    return office_id is not None and office_id in organisation_ids(user, Role.OFFICE_OFFICER)


def match_runs_for(user: User):
    """Runs the user may open: all for the bureau; city-wide runs and their own offices' runs for case staff
    (a city-wide run shows them only the proposals for needs they may see)."""
    from matching.models import MatchRun

    if is_bureau_admin(user):
        return MatchRun.objects.all()
    if not can_use_matching(user):
        return MatchRun.objects.none()
    return MatchRun.objects.filter(Q(office__isnull=True) | Q(office_id__in=_case_office_ids(user)))


def proposals_for(user: User):
    """Proposals about needs of supervisees the user may see."""
    from matching.models import Proposal

    if is_bureau_admin(user):
        return Proposal.objects.all()
    if not can_use_matching(user):
        return Proposal.objects.none()
    return Proposal.objects.filter(need__supervisee__in=supervisees_for(user).values("pk"))


def mentor_proposals_for(user: User):
    """Mentor proposals about supervisees the user may see (minors only for their office and the bureau)."""
    from matching.models import MentorProposal

    if is_bureau_admin(user):
        return MentorProposal.objects.all()
    if not can_use_matching(user):
        return MentorProposal.objects.none()
    return MentorProposal.objects.filter(supervisee__in=supervisees_for(user).values("pk"))


# --- Casework intake and team management (coordination) ----------------------------


def can_register_supervisee(user: User) -> bool:
    """May register (intake) a supervisee: the bureau, officers and social workers of a judicial office.

    An agency's social worker (no judicial-office membership) may not: intake is the office's act.
    """
    return is_bureau_admin(user) or case_offices(user).exists()


def intake_offices(user: User) -> QuerySet[Organisation]:
    """Judicial offices the user may register a supervisee for (or move a record to)."""
    return case_offices(user).order_by("name")


def can_edit_supervisee(user: User, supervisee) -> bool:
    """May edit the record and manage the team: staff of the supervisee's office and the bureau."""
    return is_case_office_member(user, supervisee)


def team_candidates(user: User, supervisee):
    """Users who may be put on a supervisee's correction team: active staff (officers, social workers)
    of the supervisee's office and active volunteers. Empty for anyone who may not manage the team."""
    from accounts.models import User as UserModel
    from volunteers.models import Volunteer

    if not can_edit_supervisee(user, supervisee):
        return UserModel.objects.none()
    staff = Membership.objects.filter(
        organisation_id=supervisee.judicial_office_id,
        role__in=[Role.OFFICE_OFFICER, Role.SOCIAL_WORKER],
        is_active=True,
    ).values("user_id")
    volunteers = Volunteer.objects.filter(status=Volunteer.Status.ACTIVE, user__isnull=False).values("user_id")
    return UserModel.objects.filter(Q(pk__in=staff) | Q(pk__in=volunteers), is_active=True).order_by(
        "full_name", "username"
    )
