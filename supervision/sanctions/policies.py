"""Who sees and does what with reward and sanction proposals.

Case staff who see the supervisee see their proposals; officers of the person's judicial office (and the
bureau) propose, withdraw and record the steps with outside organs; the county bureau decides (CCL Art. 28;
Measures Arts. 33-36): the bureau head or a bureau administrator, never the person who proposed it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from accounts.roles import Role, has_role, is_bureau_admin
from coordination.models import Supervisee
from supervision.policies import is_case_staff, is_office_officer_of
from supervision.sanctions.models import SanctionEvidence, SanctionProposal

# Sides of the proposal state machine (``actions.MACHINE``).
PROPOSER = "proposer"  # an officer of the person's office or the bureau
APPROVER = "approver"  # the county bureau: its head or an administrator
OFFICE = "office"  # records the steps with outside organs


def _seen(user: Any, model: Any, path: str) -> QuerySet[Any]:
    if not is_case_staff(user):
        return model.objects.none()
    if is_bureau_admin(user):
        return model.objects.all()
    return model.objects.filter(**{path + "__in": scoping.scope(user, Supervisee).values("pk")})


def is_approver(user: Any) -> bool:
    """The county bureau decides rewards and sanctions and makes the proposals to outside organs."""
    return has_role(user, Role.BUREAU_HEAD) or is_bureau_admin(user)


class SanctionProposalPolicy(scoping.BasePolicy):
    model = SanctionProposal

    def rows_view(self, user: Any) -> QuerySet[SanctionProposal]:
        """Case staff who see the supervisee; never providers, volunteers or the person."""
        return _seen(user, SanctionProposal, "supervisee")

    def allow_propose(self, user: Any, obj: Any = None) -> bool:
        """Propose (``obj`` is the supervisee): officers of the person's office and the bureau."""
        return isinstance(obj, Supervisee) and is_office_officer_of(user, obj)

    def allow_record(self, user: Any, obj: Any = None) -> bool:
        """Record a step with an outside organ or the procuratorate: officers of the office and the bureau."""
        return isinstance(obj, SanctionProposal) and is_office_officer_of(user, obj.supervisee)

    def allow_decide(self, user: Any, obj: Any = None) -> bool:
        """Approve or refuse: the county bureau (the action refuses the proposer)."""
        return isinstance(obj, SanctionProposal) and is_approver(user)

    def rows_decide(self, user: Any) -> QuerySet[SanctionProposal]:
        """The proposals awaiting the user's decision."""
        if not is_approver(user):
            return SanctionProposal.objects.none()
        return SanctionProposal.objects.filter(state=SanctionProposal.State.PROPOSED).exclude(proposed_by=user.pk)

    def side(self, user: Any, proposal: SanctionProposal) -> set[str]:
        """Every side the user takes on this proposal."""
        sides = set()
        if is_office_officer_of(user, proposal.supervisee):
            sides |= {PROPOSER, OFFICE}
        if is_approver(user):
            sides.add(APPROVER)
        return sides


class SanctionEvidencePolicy(scoping.BasePolicy):
    model = SanctionEvidence

    def rows_view(self, user: Any) -> QuerySet[SanctionEvidence]:
        """Seen with the proposal: case staff who see the person."""
        return _seen(user, SanctionEvidence, "proposal__supervisee")


def register() -> None:
    scoping.register(SanctionProposal, SanctionProposalPolicy())
    scoping.register(SanctionEvidence, SanctionEvidencePolicy())
