"""Who sees and starts matching: runs, referral proposals and mentor proposals."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import scoping
from accounts.roles import Role, has_role, is_bureau_admin, organisation_ids
from matching.models import MatchRun, MentorProposal, Proposal


def can_use_matching(user: Any) -> bool:
    """May see match suggestions and runs: the bureau, office officers and social workers."""
    return has_role(user, Role.BUREAU_ADMIN, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)


def can_start_match_run(user: Any, office_id: int | None) -> bool:
    """The bureau runs the whole city or any office; an officer runs their own office only."""
    if is_bureau_admin(user):
        return True
    return office_id is not None and office_id in organisation_ids(user, Role.OFFICE_OFFICER)


class MatchRunPolicy(scoping.BasePolicy):
    model = MatchRun

    def rows_view(self, user: Any) -> QuerySet[MatchRun]:
        """All for the bureau; for case staff, city-wide runs and their own offices' runs (a city-wide run
        shows them only the proposals for needs they may see)."""
        if is_bureau_admin(user):
            return MatchRun.objects.all()
        if not can_use_matching(user):
            return MatchRun.objects.none()
        office_ids = organisation_ids(user, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)
        return MatchRun.objects.filter(Q(office__isnull=True) | Q(office_id__in=office_ids))

    def allow_use(self, user: Any, obj: Any = None) -> bool:
        """Open matching at all: the bureau, office officers and social workers."""
        return can_use_matching(user)

    def allow_start(self, user: Any, obj: MatchRun | None = None) -> bool:
        """Start a run (the run's office; None for the city): the bureau any, an officer their own office."""
        return can_start_match_run(user, obj.office_id if obj is not None else None)


class ProposalPolicy(scoping.BasePolicy):
    model = Proposal

    def rows_view(self, user: Any) -> QuerySet[Proposal]:
        """Proposals about needs of supervisees the user may see (matching users only)."""
        if is_bureau_admin(user):
            return Proposal.objects.all()
        if not can_use_matching(user):
            return Proposal.objects.none()
        return Proposal.objects.filter(need__supervisee__in=scoping.scope(user, "coordination.Supervisee").values("pk"))


class MentorProposalPolicy(scoping.BasePolicy):
    model = MentorProposal

    def rows_view(self, user: Any) -> QuerySet[MentorProposal]:
        """Mentor proposals about supervisees the user may see (minors only for their office and the bureau)."""
        if is_bureau_admin(user):
            return MentorProposal.objects.all()
        if not can_use_matching(user):
            return MentorProposal.objects.none()
        return MentorProposal.objects.filter(supervisee__in=scoping.scope(user, "coordination.Supervisee").values("pk"))


def register() -> None:
    scoping.register(MatchRun, MatchRunPolicy())
    scoping.register(Proposal, ProposalPolicy())
    scoping.register(MentorProposal, MentorProposalPolicy())
