"""Who sees and does what with counselling sessions, their notes and psychological assessments.

A counsellor is staff (provider staff or a social worker) of a counselling centre or a social-work agency.
- Sessions (with their summary): case staff who see the person (the supervisee policy decides) and the
  members of the session's organisation.
- Notes: only the members of the session's organisation; never the officer, the office head, the bureau,
  a social worker of the office, a volunteer, another organisation or the person's own sign-in. Only the
  counsellor who wrote a note edits it.
- Psychological assessments: the assessing organisation and the bureau only (restricted: not the office).
- Recording: a counsellor, for a person referred to their organisation (a referral accepted, in service or
  completed) or on whose correction team they are.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import scoping
from accounts.roles import Role, effective, is_bureau_admin, memberships
from coordination.models import CorrectionTeamMember, Referral, Supervisee
from coordination.sealing import unsealed
from services.models import Organisation
from supervision.counselling.models import CounsellingNote, CounsellingSession, PsychAssessment
from supervision.policies import is_case_staff

COUNSELLING_KINDS = (Organisation.Kind.COUNSELLING_CENTRE, Organisation.Kind.SOCIAL_WORK_AGENCY)
COUNSELLOR_ROLES = {Role.PROVIDER_STAFF, Role.SOCIAL_WORKER}
REFERRED_STATES = (Referral.State.ACCEPTED, Referral.State.IN_SERVICE, Referral.State.COMPLETED)


def counselling_org_ids(user: Any) -> set[int]:
    """The counselling centres and social-work agencies where the user is staff."""
    return {
        m.organisation_id
        for m in memberships(user)
        if m.organisation.kind in COUNSELLING_KINDS and effective(m.role) & COUNSELLOR_ROLES
    }


def is_counsellor(user: Any) -> bool:
    return bool(counselling_org_ids(user))


def counselled(user: Any) -> QuerySet[Supervisee]:
    """The people a counsellor works with: referred to one of their organisations (accepted, in service or
    completed), or on whose correction team they are."""
    orgs = counselling_org_ids(user)
    if not orgs:
        return Supervisee.objects.none()
    referred = Referral.objects.filter(offering__organisation_id__in=orgs, state__in=REFERRED_STATES).values(
        "need__supervisee_id"
    )
    on_team = CorrectionTeamMember.objects.filter(user=user, is_active=True).values("supervisee_id")
    # Sealed cases (CPL Art. 286) are out, like every other scoped read (coordination.sealing).
    return unsealed(Supervisee.objects.filter(Q(pk__in=referred) | Q(pk__in=on_team)), user)


def organisation_for(user: Any, supervisee: Supervisee) -> int | None:
    """The counselling organisation a session or assessment of this person is recorded under, or None."""
    orgs = counselling_org_ids(user)
    if not orgs or not isinstance(supervisee, Supervisee) or supervisee.sealed_at is not None:
        return None
    referred = (
        Referral.objects.filter(
            need__supervisee=supervisee, offering__organisation_id__in=orgs, state__in=REFERRED_STATES
        )
        .order_by("pk")
        .values_list("offering__organisation_id", flat=True)
        .first()
    )
    if referred is not None:
        return referred
    if CorrectionTeamMember.objects.filter(user=user, supervisee=supervisee, is_active=True).exists():
        return min(orgs)
    return None


class CounsellingSessionPolicy(scoping.BasePolicy):
    model = CounsellingSession

    def rows_view(self, user: Any) -> QuerySet[CounsellingSession]:
        """Case staff who see the person, and the session's own organisation (never its notes: see below)."""
        wanted = Q(organisation_id__in=counselling_org_ids(user))
        if is_bureau_admin(user):
            return CounsellingSession.objects.all()
        if is_case_staff(user):
            wanted |= Q(supervisee__in=scoping.scope(user, Supervisee).values("pk"))
        return CounsellingSession.objects.filter(wanted)

    def allow_record(self, user: Any, obj: Any = None) -> bool:
        """Record a session (``obj`` is the supervisee): a counsellor of an organisation the person is referred
        to, or on whose team they are."""
        return organisation_for(user, obj) is not None


class CounsellingNotePolicy(scoping.BasePolicy):
    model = CounsellingNote

    def rows_view(self, user: Any) -> QuerySet[CounsellingNote]:
        """Only the members of the session's organisation; the bureau and the office never."""
        return CounsellingNote.objects.filter(session__organisation_id__in=counselling_org_ids(user))

    def allow_edit(self, user: Any, obj: Any = None) -> bool:
        """Only the counsellor who held the session, while still staff of its organisation."""
        return (
            isinstance(obj, CounsellingNote)
            and obj.session.counsellor_id == user.pk
            and obj.session.organisation_id in counselling_org_ids(user)
        )


class PsychAssessmentPolicy(scoping.BasePolicy):
    model = PsychAssessment

    def rows_view(self, user: Any) -> QuerySet[PsychAssessment]:
        """Restricted: the assessing organisation and the bureau; not the office, not social workers."""
        if is_bureau_admin(user):
            return PsychAssessment.objects.all()
        return PsychAssessment.objects.filter(organisation_id__in=counselling_org_ids(user))

    def allow_record(self, user: Any, obj: Any = None) -> bool:
        """Record an assessment (``obj`` is the supervisee): as for sessions."""
        return organisation_for(user, obj) is not None


def register() -> None:
    scoping.register(CounsellingSession, CounsellingSessionPolicy())
    scoping.register(CounsellingNote, CounsellingNotePolicy())
    scoping.register(PsychAssessment, PsychAssessmentPolicy())
