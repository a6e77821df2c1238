"""Who sees and does what with cases: supervisees, their teams, needs, notes, consents, referrals,
the access log and the in-app inbox. Field-disclosure tables live here too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts import scoping
from accounts.roles import Role, has_role, holders_of, is_bureau_admin, organisation_ids
from coordination.models import (
    LIVE_STATUSES,
    AccessLog,
    CaseNote,
    Consent,
    CorrectionTeamMember,
    Need,
    Referral,
    ReferralEvent,
    SealedRecordOpening,
    Supervisee,
)
from services.models import Membership, Organisation

Side = Literal["case", "provider"]


@dataclass(frozen=True)
class ReferralNotice:
    """An event on a referral that someone should be told about, with the people the action proposes."""

    referral: Referral
    candidates: tuple[Any, ...]


# --- Field-disclosure tables ---------------------------------------------------------------
# The API and the workbench templates both take their field list from these policies.

CASE_FIELDS_FULL = frozenset(
    {
        "uuid",
        "case_number",
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
# What every provider may see of the person a referral is about: enough to contact them, and the
# platform's case number to name the case when they call the office (it says nothing about the person).
PROVIDER_BASE_FIELDS = frozenset(
    {"case_number", "name", "given_name", "sex", "age", "phone", "township", "preferred_language"}
)
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
# What case staff see of the supervisee on a referral (list and detail).
CASE_REFERRAL_SUPERVISEE_FIELDS = frozenset(
    {"uuid", "case_number", "name", "given_name", "township", "judicial_office", "risk_level", "status"}
)


# --- Offices and role capabilities ---------------------------------------------------------


def _case_office_ids(user: Any) -> set[int]:
    if is_bureau_admin(user):
        return set()
    return organisation_ids(user, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)


def case_offices(user: Any) -> QuerySet[Organisation]:
    """Judicial offices whose supervisees the user may see.

    The bureau sees every office; officers and social workers see the offices they belong
    to (a social worker of an agency sees none by membership alone: agencies are given
    cases through the correction team, not by office).
    """
    offices = Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE)
    if is_bureau_admin(user):
        return offices
    return offices.filter(pk__in=organisation_ids(user, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER))


def intake_offices(user: Any) -> QuerySet[Organisation]:
    """Judicial offices the user may register a supervisee for (or move a record to)."""
    return case_offices(user).order_by("name")


def can_use_casework(user: Any) -> bool:
    """May open the casework workbench at all."""
    return has_role(user, Role.BUREAU_ADMIN, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER, Role.PROVIDER_STAFF)


def can_see_case_list(user: Any) -> bool:
    """May open a caseload (officers, social workers, the bureau)."""
    return has_role(user, Role.BUREAU_ADMIN, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)


def can_use_provider_inbox(user: Any) -> bool:
    """May open the provider inbox (referrals sent to their organisations): provider staff and the bureau."""
    return has_role(user, Role.BUREAU_ADMIN, Role.PROVIDER_STAFF)


# --- Policies --------------------------------------------------------------------------------


class SuperviseePolicy(scoping.BasePolicy):
    model = Supervisee
    field_tables = {
        "case record (full)": CASE_FIELDS_FULL,
        "volunteer mentor": VOLUNTEER_FIELDS,
        "hidden from everyone outside the office for a minor": MINOR_HIDDEN_FIELDS,
    }

    def rows_view(self, user: Any) -> QuerySet[Supervisee]:
        """The bureau sees all; officers and social workers of a judicial office see that office's
        supervisees; an agency's social worker sees the supervisees whose team they are on (as an
        active social worker), except minors (Art. 54: only their office and the bureau). A sealed juvenile
        record (CPL Art. 286) is left out for everyone, here and in every policy's rows, except for the bureau
        administrator holding a live opening of it (``coordination.sealing``)."""
        if is_bureau_admin(user):
            return Supervisee.objects.all()
        office_ids = _case_office_ids(user)
        if not office_ids and not has_role(user, Role.SOCIAL_WORKER):
            return Supervisee.objects.none()
        on_team = CorrectionTeamMember.objects.filter(
            user=user, role=CorrectionTeamMember.Role.SOCIAL_WORKER, is_active=True, supervisee__is_minor=False
        )
        # The two ways in as one UNION of two indexed reads (the office's people, the worker's teams): an OR of
        # the office and an IN over the teams made PostgreSQL read every supervisee of the city, whatever the
        # caseload (bench/obligations.py).
        ids = on_team.order_by().values("supervisee_id")
        if office_ids:
            ids = Supervisee.objects.filter(judicial_office_id__in=office_ids).order_by().values("pk").union(ids)
        return Supervisee.objects.filter(pk__in=ids)

    def allow_list(self, user: Any, obj: Any = None) -> bool:
        """Open a caseload: the bureau, officers and social workers."""
        return can_see_case_list(user)

    def allow_register(self, user: Any, obj: Any = None) -> bool:
        """Register (intake) a supervisee: the bureau, officers and social workers of a judicial office.
        An agency's social worker (no judicial-office membership) may not: intake is the office's act."""
        return is_bureau_admin(user) or case_offices(user).exists()

    def allow_manage(self, user: Any, obj: Supervisee | None) -> bool:
        """Record needs, notes and consent, and send referrals: anyone who sees the record. (Never on a sealed
        record, for any verb but reading: ``coordination.sealing.refuse_sealed_writes``, every policy's veto.)"""
        return obj is not None and self.rows_view(user).filter(pk=obj.pk).exists()

    def allow_edit(self, user: Any, obj: Supervisee | None) -> bool:
        """Edit the record and manage the team (and see minors and the full record): staff of the
        supervisee's office and the bureau."""
        return obj is not None and (is_bureau_admin(user) or obj.judicial_office_id in _case_office_ids(user))

    def allow_change(self, user: Any, obj: Supervisee | None) -> bool:
        """Change the record itself (the edit page): as ``edit``, which also governs reading the full record
        and so stays open during an opening of a sealed record, while ``change``, a write, is vetoed on it."""
        return self.allow_edit(user, obj)

    def allow_manage_team(self, user: Any, obj: Supervisee | None) -> bool:
        """Put someone on (or take them off) the correction team, by any path (team page, API, mentor
        proposals): staff of the supervisee's office and the bureau; never an agency's social worker."""
        return self.allow_edit(user, obj)

    def allow_override_consent(self, user: Any, obj: Supervisee | None) -> bool:
        """Send a referral without consent, with a logged reason: officers of the office and the bureau."""
        return self.allow_see_resident_id(user, obj)

    def allow_see_resident_id(self, user: Any, obj: Supervisee | None) -> bool:
        """The full resident ID number: officers of the office and the bureau (documents need it)."""
        return obj is not None and (
            is_bureau_admin(user) or obj.judicial_office_id in organisation_ids(user, Role.OFFICE_OFFICER)
        )

    def fields(self, user: Any, obj: Supervisee) -> frozenset[str]:
        """On a case record: every field; the full resident ID only for those who may see it (others get
        the masked number)."""
        found = set(CASE_FIELDS_FULL)
        if not self.allow_see_resident_id(user, obj):
            found.discard("resident_id")
        found.add("resident_id_masked")
        return frozenset(found)

    def team_candidate_users(self, user: Any) -> QuerySet[Any]:
        """Users the user could put on any team they manage (the team API's choice list): active staff of
        the offices they may edit for and active volunteers; nobody for anyone who manages no team."""
        user_model = get_user_model()
        offices = case_offices(user)
        if not getattr(user, "is_authenticated", False) or not (is_bureau_admin(user) or offices.exists()):
            return user_model.objects.none()
        staff = Membership.objects.filter(
            organisation__in=offices, role__in=holders_of(Role.OFFICE_OFFICER, Role.SOCIAL_WORKER), is_active=True
        ).values("user_id")
        volunteers = (
            scoping.scope(user, "volunteers.Volunteer", "team_candidate").filter(user__isnull=False).values("user_id")
        )
        return user_model.objects.filter(Q(pk__in=staff) | Q(pk__in=volunteers), is_active=True)

    def team_candidates(self, user: Any, supervisee: Supervisee) -> QuerySet[Any]:
        """Users who may be put on the supervisee's correction team: active staff (officers, social
        workers) of the supervisee's office and active volunteers. Empty for anyone who may not
        manage the team."""
        user_model = get_user_model()
        if not self.allow_edit(user, supervisee):
            return user_model.objects.none()
        staff = Membership.objects.filter(
            organisation_id=supervisee.judicial_office_id,
            role__in=holders_of(Role.OFFICE_OFFICER, Role.SOCIAL_WORKER),
            is_active=True,
        ).values("user_id")
        volunteers = (
            scoping.scope(user, "volunteers.Volunteer", "team_candidate").filter(user__isnull=False).values("user_id")
        )
        return user_model.objects.filter(Q(pk__in=staff) | Q(pk__in=volunteers), is_active=True).order_by(
            "full_name", "username"
        )


class _OfSupervisee(scoping.BasePolicy):
    """Rows that belong to one supervisee: seen by whoever sees the supervisee."""

    def rows_view(self, user: Any) -> QuerySet[Any]:
        """The rows of the supervisees the user sees."""
        return self.model.objects.filter(supervisee__in=scoping.scope(user, Supervisee).values("pk"))


class NeedPolicy(_OfSupervisee):
    model = Need


class CaseNotePolicy(_OfSupervisee):
    model = CaseNote


class ConsentPolicy(_OfSupervisee):
    model = Consent


class CorrectionTeamMemberPolicy(_OfSupervisee):
    model = CorrectionTeamMember

    def rows_mentor(self, user: Any) -> QuerySet[CorrectionTeamMember]:
        """A volunteer's own active mentoring assignments, of supervisees in intake or under correction,
        minors excluded (Art. 54)."""
        if not getattr(user, "is_authenticated", False):
            return CorrectionTeamMember.objects.none()
        return CorrectionTeamMember.objects.filter(
            user=user,
            role=CorrectionTeamMember.Role.VOLUNTEER,
            is_active=True,
            supervisee__is_minor=False,
            supervisee__status__in=LIVE_STATUSES,
        )


class ReferralPolicy(scoping.BasePolicy):
    model = Referral
    field_tables = {
        "case staff, of the supervisee on a referral": CASE_REFERRAL_SUPERVISEE_FIELDS,
        "every provider, of the supervisee on a referral": PROVIDER_BASE_FIELDS,
        **{f"provider of kind {kind}, on top": extra for kind, extra in PROVIDER_EXTRA_FIELDS.items()},
    }

    def rows_view(self, user: Any) -> QuerySet[Referral]:
        """The bureau sees all; case staff see the referrals of the supervisees they see; provider staff
        see referrals that were actually sent to their organisations (``sent_at`` set), whatever their
        state now: a draft withdrawn before sending never reaches the provider."""
        if is_bureau_admin(user):
            return Referral.objects.all()
        condition = Q(pk__in=[])
        if _case_office_ids(user) or has_role(user, Role.SOCIAL_WORKER):
            condition |= Q(need__supervisee__in=scoping.scope(user, Supervisee).values("pk"))
        provider_ids = organisation_ids(user, Role.PROVIDER_STAFF)
        if provider_ids:
            condition |= Q(offering__organisation_id__in=provider_ids) & Q(sent_at__isnull=False)
        return Referral.objects.filter(condition)

    def rows_inbox(self, user: Any) -> QuerySet[Referral]:
        """The provider inbox: referrals sent to the user's organisations (the bureau: every referral
        that was sent)."""
        queryset = self.rows_view(user).filter(sent_at__isnull=False)
        if not is_bureau_admin(user):
            queryset = queryset.filter(offering__organisation_id__in=organisation_ids(user, Role.PROVIDER_STAFF))
        return queryset

    def allow_use_inbox(self, user: Any, obj: Any = None) -> bool:
        """Open the provider inbox: the bureau and provider staff."""
        return can_use_provider_inbox(user)

    def side(self, user: Any, referral: Referral, *, team_ids: set[int] | None = None) -> Side | None:
        """'case' when the user manages the referral's case, 'provider' when it was sent to their
        organisation, None otherwise.

        ``team_ids`` (supervisee ids whose team the user is on as a social worker) lets a list
        decide without a query per row.
        """
        if is_bureau_admin(user):
            return "case"
        supervisee = referral.need.supervisee
        if supervisee.judicial_office_id in _case_office_ids(user):
            return "case"
        if (
            referral.offering.organisation_id in organisation_ids(user, Role.PROVIDER_STAFF)
            and referral.sent_at is not None
        ):
            return "provider"
        if supervisee.is_minor or not has_role(user, Role.SOCIAL_WORKER):
            return None
        if team_ids is None:
            on_team = supervisee.team.filter(
                user=user, role=CorrectionTeamMember.Role.SOCIAL_WORKER, is_active=True
            ).exists()
        else:
            on_team = supervisee.pk in team_ids
        return "case" if on_team else None

    def audience(self, event: ReferralNotice) -> Iterable[Any]:
        """Who is told about a referral: only those of the proposed recipients who may read it now (the
        same rule as ``rows_view``), so a minor's referral is never announced to an agency's social worker."""
        return [user for user in event.candidates if user is not None and self.side(user, event.referral) is not None]

    def fields(self, user: Any, obj: Referral, *, side: Side | None = None) -> frozenset[str]:
        """The supervisee's fields shown on the referral: the provider's set (base plus their kind's
        extra, minus the minor-hidden ones for a minor) on the provider side, the case set otherwise."""
        if side is None:
            side = self.side(user, obj)
        if side != "provider":
            return CASE_REFERRAL_SUPERVISEE_FIELDS
        found = set(PROVIDER_BASE_FIELDS | PROVIDER_EXTRA_FIELDS.get(obj.offering.organisation.kind, frozenset()))
        if obj.need.supervisee.is_minor:
            found -= MINOR_HIDDEN_FIELDS
        return frozenset(found)


class ReferralEventPolicy(scoping.BasePolicy):
    model = ReferralEvent

    def rows_view(self, user: Any) -> QuerySet[ReferralEvent]:
        """Case staff see every event of the referrals of their cases; the provider side sees only the
        events whose audience includes the provider (their own answers, the system's, and notes written
        for them), never case staff's internal notes or a consent-override reason."""
        if is_bureau_admin(user):
            return ReferralEvent.objects.all()
        condition = Q(pk__in=[])
        if _case_office_ids(user) or has_role(user, Role.SOCIAL_WORKER):
            condition |= Q(referral__need__supervisee__in=scoping.scope(user, Supervisee).values("pk"))
        provider_ids = organisation_ids(user, Role.PROVIDER_STAFF)
        if provider_ids:
            condition |= (
                Q(referral__offering__organisation_id__in=provider_ids)
                & Q(referral__sent_at__isnull=False)
                & Q(audience=ReferralEvent.Audience.BOTH_SIDES)
            )
        return ReferralEvent.objects.filter(condition)


class AccessLogPolicy(scoping.BasePolicy):
    model = AccessLog
    # The bureau reports on the reads of sealed records too (CPL Art. 286 openings).
    shows_sealed = True

    def rows_view(self, user: Any) -> QuerySet[AccessLog]:
        """The bureau browses the access log; nobody else sees it."""
        return AccessLog.objects.all() if is_bureau_admin(user) else AccessLog.objects.none()


class SealedRecordOpeningPolicy(scoping.BasePolicy):
    model = SealedRecordOpening
    shows_sealed = True

    def rows_view(self, user: Any) -> QuerySet[SealedRecordOpening]:
        """The bureau sees every opening of a sealed record (the monthly report); nobody else sees any."""
        return SealedRecordOpening.objects.all() if is_bureau_admin(user) else SealedRecordOpening.objects.none()

    def allow_open(self, user: Any, obj: Any = None) -> bool:
        """Open a sealed record for a judicial organ's case-handling request (CPL Art. 286): a bureau
        administrator only."""
        return is_bureau_admin(user)


def register() -> None:
    scoping.register(Supervisee, SuperviseePolicy())
    scoping.register(Need, NeedPolicy())
    scoping.register(CaseNote, CaseNotePolicy())
    scoping.register(Consent, ConsentPolicy())
    scoping.register(CorrectionTeamMember, CorrectionTeamMemberPolicy())
    scoping.register(Referral, ReferralPolicy())
    scoping.register(ReferralEvent, ReferralEventPolicy())
    scoping.register(AccessLog, AccessLogPolicy())
    scoping.register(SealedRecordOpening, SealedRecordOpeningPolicy())


def supervisees() -> SuperviseePolicy:
    """The registered supervisee policy, typed (for its extra questions: team candidates)."""
    return cast(SuperviseePolicy, scoping.policy_for(Supervisee))


def referrals() -> ReferralPolicy:
    """The registered referral policy, typed (for its extra question: which side the user is on)."""
    return cast(ReferralPolicy, scoping.policy_for(Referral))
