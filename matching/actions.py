"""Every write of matching: runs, proposals, and the referral drafts they lead to.

A proposal never becomes a referral by itself: ``decide`` (confirm or edit) on a
referral proposal creates a DRAFT through ``coordination.actions.create_referral``;
sending stays the officer's act. ``send_suggested_referral`` is the one-click send
from the suggestions page, where the officer has chosen the offering.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from coordination import actions as coordination_actions
from coordination.models import Need, Referral
from matching import kinds, policies, selectors
from matching.engine.explain import explain_assignment
from matching.engine.mentors import explain_mentors
from matching.engine.solver import Problem, assign_needs, pair_mentors
from matching.models import MatchRun, Proposal, ProposalBase
from services.models import Organisation, ServiceOffering

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def start_run(
    *, actor: User | None, office: Organisation | None = None, queue: bool = True, kind: str = MatchRun.Kind.REFERRALS
) -> MatchRun:
    """Record a run for the city (``office=None``) or one judicial office and queue it (``actor=None``: the nightly run)."""
    if actor is not None and not policies.can_start_match_run(actor, office.pk if office else None):
        raise PermissionDenied("not allowed to run matching for this scope")
    if office is not None and office.kind != Organisation.Kind.JUDICIAL_OFFICE:
        raise ValidationError({"office": _("Choose a judicial office.")}, code="office")
    stored, _policy = selectors.current_policy()
    if kind not in MatchRun.Kind.values:
        raise ValidationError({"kind": _("Choose what to match.")}, code="kind")
    run = MatchRun.objects.create(office=office, created_by=actor, policy=stored, kind=kind)
    if queue:
        from config.queue import enqueue
        from matching.tasks import run_matching

        transaction.on_commit(lambda: enqueue(run_matching, run.pk))
    return run


def _progress(run: MatchRun, percent: int, **fields) -> None:
    """Publish progress at once (its own short transaction), so the run page can poll it."""
    with transaction.atomic():
        MatchRun.objects.filter(pk=run.pk).update(progress=percent, **fields)


def execute_run(*, run_id: int) -> MatchRun:
    """Load the scope's open needs and offerings, solve exactly, write proposals.

    Progress is published step by step (several short transactions); the proposals
    themselves are written, and the previous open proposals of these needs
    superseded, in one transaction, so a reader never sees half a run.
    """
    run = MatchRun.objects.get(pk=run_id)
    if run.status not in (MatchRun.Status.QUEUED, MatchRun.Status.FAILED):
        return run
    solve = _solve_mentor_run if run.kind == MatchRun.Kind.MENTORS else _solve_need_run
    started = time.perf_counter()
    _progress(run, 5, status=MatchRun.Status.RUNNING, started_at=timezone.now(), error="")
    try:
        policy = run.policy.policy() if run.policy else selectors.current_policy()[1]
        count, total_cost = solve(run, policy)
    except Exception as exc:
        _progress(run, 0, status=MatchRun.Status.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000])
        raise
    _progress(
        run,
        100,
        status=MatchRun.Status.DONE,
        finished_at=timezone.now(),
        proposals_count=count,
        total_cost=total_cost,
        seconds=time.perf_counter() - started,
    )
    run.refresh_from_db()
    return run


def _solve_need_run(run: MatchRun, policy) -> tuple[int, float]:
    """Needs to offerings: load, solve exactly, explain, write proposals. Returns (proposals, total cost)."""
    needs = selectors.need_rows(selectors.open_needs(run.office_id))
    offerings = selectors.offering_rows()
    towns = selectors.townships()
    _progress(run, 30, needs_count=len(needs), offerings_count=len(offerings))
    problem = Problem.build(needs, offerings, towns, policy)
    _progress(run, 45, places_count=int(problem.offerings.vacancies.sum()))
    assignment = assign_needs(problem)
    explanations = explain_assignment(assignment)
    _progress(run, 75)
    return _write(run=run, kind=kinds.REFERRALS, explanations=explanations), assignment.total_cost


@transaction.atomic
def _write(*, run: MatchRun, kind: kinds.ProposalKind, explanations) -> int:
    """Supersede the open proposals of the run's kind and scope (one UPDATE, no list of ids), write the new ones."""
    earlier = kind.model.objects.filter(status=ProposalBase.Status.PROPOSED).exclude(run=run)
    if run.office_id is not None:
        earlier = earlier.filter(**{f"{kind.supervisee_path}__judicial_office_id": run.office_id})
    earlier.update(status=ProposalBase.Status.SUPERSEDED)
    rows = [kind.row(run, e) for e in explanations]
    kind.model.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


class Verb:
    CONFIRM, EDIT, REJECT = "confirm", "edit", "reject"
    ALL = (CONFIRM, EDIT, REJECT)


_STATUS = {
    Verb.CONFIRM: ProposalBase.Status.CONFIRMED,
    Verb.EDIT: ProposalBase.Status.EDITED,
    Verb.REJECT: ProposalBase.Status.REJECTED,
}

DECIDE_DENIED = _("You may not decide on this proposal.")


@transaction.atomic
def decide(
    *, proposal: ProposalBase, verb: str, actor: User, target=None, reason: str = "", message: str = ""
) -> ProposalBase:
    """Confirm, edit (another target, with a reason) or reject (with a reason) a proposal of either kind.

    Only someone who may see the proposal and manage the supervisee's case decides. Confirming
    or editing carries out the kind's effect (a referral draft, or the mentor joining the
    correction team); a refused rule raises a validation error and, this being one
    transaction, nothing is written. Returns the decided proposal (its ``result`` is what
    confirming wrote).
    """
    kind = kinds.of(proposal)
    if not kind.visible(actor).filter(pk=proposal.pk).exists():
        raise PermissionDenied(DECIDE_DENIED)
    if verb not in Verb.ALL:
        raise ValidationError({"verb": _("Choose confirm, edit or reject.")}, code="verb")
    reason = reason.strip()
    if verb == Verb.EDIT and not reason:
        raise ValidationError({"reason": kind.reason_message}, code="required")
    if verb == Verb.REJECT and not reason:
        raise ValidationError({"reason": _("Say why the proposal is rejected.")}, code="required")
    if verb == Verb.EDIT and target is None:
        raise ValidationError({proposal.target_field: kind.choose_message}, code="required")
    locked = kind.model.objects.select_for_update().get(pk=proposal.pk)
    if not scoping.can(actor, "manage", locked.supervisee):
        raise PermissionDenied(DECIDE_DENIED)
    if locked.status != ProposalBase.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been decided."), code="decided")
    if verb == Verb.EDIT and not kind.choices(locked).filter(pk=target.pk).exists():
        raise ValidationError({locked.target_field: kind.pick_message}, code="choice")
    chosen = target if verb == Verb.EDIT else None
    result = None if verb == Verb.REJECT else kind.carry_out(locked, chosen or locked.target, actor, message)
    locked.status = _STATUS[verb]
    setattr(locked, locked.result_field, result)
    setattr(locked, locked.chosen_field, chosen)
    locked.decision_note = reason[:255] if verb != Verb.CONFIRM else ""
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(
        update_fields=[
            "status",
            locked.result_field,
            locked.chosen_field,
            "decision_note",
            "decided_by",
            "decided_at",
        ]
    )
    return locked


@transaction.atomic
def send_suggested_referral(*, need: Need, offering: ServiceOffering, actor: User, message: str = "") -> Referral:
    """The one-click "send referral" from a suggestion: draft and send at once (consent is checked on send).

    Without the supervisee's consent to share with this organisation the send is refused
    (``coordination.actions.ReferralError``, code ``consent``) and nothing is written.
    """
    referral = coordination_actions.create_referral(
        need=need, offering=offering, actor=actor, message=message, send=True
    )
    Proposal.objects.filter(need=need, status=Proposal.Status.PROPOSED).update(status=Proposal.Status.SUPERSEDED)
    return referral


@transaction.atomic
def draft_suggested_referral(*, need: Need, offering: ServiceOffering, actor: User, message: str = "") -> Referral:
    """Keep a suggestion as a referral draft (used when it cannot be sent yet, e.g. consent is missing)."""
    return coordination_actions.create_referral(need=need, offering=offering, actor=actor, message=message, send=False)


# --- Mentor pairing ------------------------------------------------------------


def _solve_mentor_run(run: MatchRun, policy) -> tuple[int, float]:
    """Pair waiting supervisees of the scope with mentors (all active mentors of the city), write proposals."""
    mentees = selectors.mentee_rows(selectors.mentees_waiting(run.office_id))
    mentors = selectors.mentor_rows()
    towns = selectors.townships()
    _progress(
        run,
        30,
        needs_count=len(mentees),
        offerings_count=len(mentors),
        places_count=sum(m.places_left for m in mentors),
    )
    assignment = pair_mentors(mentees, mentors, towns, policy)
    _progress(run, 60)
    explanations = explain_mentors(assignment, towns, policy)
    _progress(run, 75)
    return _write(run=run, kind=kinds.MENTORS, explanations=explanations), assignment.total_cost
