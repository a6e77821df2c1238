"""Every read of reward and sanction proposals; each starts from the scoped querysets and logs the supervisee
records it returns."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from coordination.access import logged
from supervision.models import SanctionGround
from supervision.sanctions.models import SanctionEvidence, SanctionProposal


def proposals(user: Any) -> QuerySet[SanctionProposal]:
    """The proposals the user may see, each read logged."""
    rows = (
        scoping.scope(user, SanctionProposal)
        .select_related("supervisee__judicial_office", "supervisee__township", "proposed_by", "decided_by")
        .prefetch_related("grounds", "evidence")
    )
    return logged(rows, user=user, object_type="sanction_proposal", supervisee_id=lambda row: row.supervisee_id)


def proposal_for(user: Any, pk: int) -> SanctionProposal:
    """One proposal the user may see (logged); raises DoesNotExist out of scope."""
    return proposals(user).get(pk=pk)


def for_case(user: Any, supervisee: Any) -> list[SanctionProposal]:
    """A person's proposals, newest first."""
    return list(proposals(user).filter(supervisee=supervisee))


def grounds_for(user: Any, supervisee: Any) -> QuerySet[SanctionGround]:
    """The person's recorded grounds the user may see, each read logged (their facts are case data)."""
    rows = scoping.scope(user, SanctionGround).filter(supervisee=supervisee).order_by("-occurred_on", "-pk")
    return logged(rows, user=user, object_type="sanction_ground", supervisee_id=lambda row: row.supervisee_id)


def awaiting_decision(user: Any) -> QuerySet[SanctionProposal]:
    """The proposals awaiting the user's decision (never their own), oldest first."""
    decidable = scoping.policy_for(SanctionProposal).queryset(user, "decide")
    if decidable.query.is_empty():
        # Not an approver: nothing to decide, so the scoped read is not built and compiled for nothing (a few
        # milliseconds of every officer's 今日待办, bench/obligations.py).
        return SanctionProposal.objects.none()
    return proposals(user).filter(pk__in=decidable.values("pk")).order_by("proposed_at", "pk")


def evidence_for(user: Any, pk: int) -> SanctionEvidence:
    """One piece of evidence the user may open (logged as a read of the proposal's person)."""
    rows = scoping.scope(user, SanctionEvidence).select_related("proposal__supervisee")
    return logged(
        rows, user=user, object_type="sanction_proposal", supervisee_id=lambda row: row.proposal.supervisee_id
    ).get(pk=pk)
