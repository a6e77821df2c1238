"""Every write of matching: runs, proposals, and the referral drafts they lead to.

A proposal never becomes a referral by itself: ``confirm_proposal`` and
``edit_proposal`` create a DRAFT through ``coordination.actions.create_referral``;
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

from accounts import visibility
from coordination import actions as coordination_actions
from coordination.models import CorrectionTeamMember, Need, Referral
from matching import selectors
from matching.engine.explain import explain_assignment, score
from matching.engine.mentors import explain_mentors
from matching.engine.solver import Problem, assign_needs, pair_mentors
from matching.models import MatchRun, MentorProposal, Proposal
from services.models import Organisation, ServiceOffering

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def start_run(
    *, actor: User | None, office: Organisation | None = None, queue: bool = True, kind: str = MatchRun.Kind.REFERRALS
) -> MatchRun:
    """Record a run for the city (``office=None``) or one judicial office and queue it (``actor=None``: the nightly run)."""
    if actor is not None and not visibility.can_start_match_run(actor, office.pk if office else None):
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
    return _write_proposals(run=run, explanations=explanations), assignment.total_cost


@transaction.atomic
def _write_proposals(*, run: MatchRun, explanations) -> int:
    # A new run supersedes every open proposal of its scope (one UPDATE, no list of ids).
    earlier = Proposal.objects.filter(status=Proposal.Status.PROPOSED).exclude(run=run)
    if run.office_id is not None:
        earlier = earlier.filter(need__supervisee__judicial_office_id=run.office_id)
    earlier.update(status=Proposal.Status.SUPERSEDED)
    rows = [
        Proposal(
            run=run,
            need_id=e.need_id,
            offering_id=e.offering_id,
            cost=e.cost,
            score=score(e.cost),
            reasons=[{"code": r.code, "params": r.params} for r in e.reasons],
            runner_up_id=e.runner_up_offering_id,
            runner_up_cost=e.runner_up_cost,
            runner_up_full=e.runner_up_full,
        )
        for e in explanations
    ]
    Proposal.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _open_proposal(proposal: Proposal, actor: User) -> Proposal:
    if not visibility.proposals_for(actor).filter(pk=proposal.pk).exists():
        raise PermissionDenied("not your case")
    locked = Proposal.objects.select_for_update().select_related("need", "offering").get(pk=proposal.pk)
    if locked.status != Proposal.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been decided."), code="decided")
    return locked


@transaction.atomic
def confirm_proposal(*, proposal: Proposal, actor: User, message: str = "") -> Referral:
    """Accept the proposal as it is: a referral DRAFT to the proposed offering (not sent)."""
    locked = _open_proposal(proposal, actor)
    referral = coordination_actions.create_referral(
        need=locked.need, offering=locked.offering, actor=actor, message=message, send=False
    )
    _decide(locked, Proposal.Status.CONFIRMED, actor, referral=referral)
    return referral


@transaction.atomic
def edit_proposal(
    *, proposal: Proposal, offering: ServiceOffering, reason: str, actor: User, message: str = ""
) -> Referral:
    """Override the proposal with another offering, giving the reason: a referral DRAFT to that offering."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you chose another service.")}, code="required")
    locked = _open_proposal(proposal, actor)
    referral = coordination_actions.create_referral(
        need=locked.need, offering=offering, actor=actor, message=message, send=False
    )
    _decide(locked, Proposal.Status.EDITED, actor, referral=referral, chosen=offering, note=reason)
    return referral


@transaction.atomic
def reject_proposal(*, proposal: Proposal, reason: str, actor: User) -> Proposal:
    """Turn the proposal down, with the reason; the need stays open."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the proposal is rejected.")}, code="required")
    locked = _open_proposal(proposal, actor)
    _decide(locked, Proposal.Status.REJECTED, actor, note=reason)
    return locked


def _decide(
    proposal: Proposal,
    status: str,
    actor: User,
    *,
    referral: Referral | None = None,
    chosen: ServiceOffering | None = None,
    note: str = "",
) -> None:
    proposal.status = status
    proposal.referral = referral
    proposal.chosen_offering = chosen
    proposal.decision_note = note.strip()[:255]
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "referral", "chosen_offering", "decision_note", "decided_by", "decided_at"])


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
    return _write_mentor_proposals(run=run, explanations=explanations), assignment.total_cost


@transaction.atomic
def _write_mentor_proposals(*, run: MatchRun, explanations) -> int:
    earlier = MentorProposal.objects.filter(status=MentorProposal.Status.PROPOSED).exclude(run=run)
    if run.office_id is not None:
        earlier = earlier.filter(supervisee__judicial_office_id=run.office_id)
    earlier.update(status=MentorProposal.Status.SUPERSEDED)
    rows = [
        MentorProposal(
            run=run,
            supervisee_id=e.mentee_id,
            mentor_id=e.mentor_id,
            cost=e.cost,
            score=score(e.cost),
            reasons=[{"code": r.code, "params": r.params} for r in e.reasons],
            runner_up_id=e.runner_up_mentor_id,
            runner_up_cost=e.runner_up_cost,
            runner_up_full=e.runner_up_full,
        )
        for e in explanations
    ]
    MentorProposal.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _open_mentor_proposal(proposal: MentorProposal, actor: User) -> MentorProposal:
    if not visibility.mentor_proposals_for(actor).filter(pk=proposal.pk).exists():
        raise PermissionDenied("not your case")
    locked = MentorProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != MentorProposal.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been decided."), code="decided")
    if not visibility.can_manage_case(actor, locked.supervisee):
        raise PermissionDenied("not your case")
    return locked


def _add_mentor(proposal: MentorProposal, mentor) -> CorrectionTeamMember:
    """The mentor joins the supervisee's correction team through the team action (Art. 25 and the team rules)."""
    from volunteers.models import Volunteer

    mentor = Volunteer.objects.select_for_update().select_related("user").get(pk=mentor.pk)
    if mentor.status != Volunteer.Status.ACTIVE or mentor.max_mentees <= 0 or not mentor.sex:
        raise ValidationError({"mentor": _("This volunteer is not an active mentor.")}, code="not_mentor")
    rows = selectors.mentor_rows(Volunteer.objects.filter(pk=mentor.pk))
    if not rows or rows[0].places_left <= 0:
        raise ValidationError({"mentor": _("This mentor has no places left.")}, code="mentor_capacity")
    supervisee = proposal.supervisee
    if supervisee.is_minor and not mentor.cleared_for_minors:
        raise ValidationError({"mentor": _("Only a mentor cleared for minors may mentor a minor.")}, code="minors")
    if CorrectionTeamMember.objects.filter(
        supervisee=supervisee, user=mentor.user, role=CorrectionTeamMember.Role.VOLUNTEER
    ).exists():
        raise ValidationError({"mentor": _("This volunteer is already on the correction team.")}, code="duplicate")
    return coordination_actions.add_team_member(
        supervisee=supervisee,
        role=CorrectionTeamMember.Role.VOLUNTEER,
        name=mentor.full_name,
        sex=mentor.sex,
        user=mentor.user,
        phone=mentor.phone,
    )


@transaction.atomic
def confirm_mentor_proposal(*, proposal: MentorProposal, actor: User) -> CorrectionTeamMember:
    """Accept the proposal: the mentor joins the correction team (refused, with nothing written, if a rule fails)."""
    locked = _open_mentor_proposal(proposal, actor)
    member = _add_mentor(locked, locked.mentor)
    _decide_mentor(locked, MentorProposal.Status.CONFIRMED, actor, member=member)
    return member


@transaction.atomic
def edit_mentor_proposal(*, proposal: MentorProposal, mentor, reason: str, actor: User) -> CorrectionTeamMember:
    """Choose another mentor, with the reason: that mentor joins the correction team."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you chose another mentor.")}, code="required")
    locked = _open_mentor_proposal(proposal, actor)
    member = _add_mentor(locked, mentor)
    _decide_mentor(locked, MentorProposal.Status.EDITED, actor, member=member, chosen=mentor, note=reason)
    return member


@transaction.atomic
def reject_mentor_proposal(*, proposal: MentorProposal, reason: str, actor: User) -> MentorProposal:
    """Turn the mentor proposal down, with the reason; the supervisee keeps waiting."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the proposal is rejected.")}, code="required")
    locked = _open_mentor_proposal(proposal, actor)
    _decide_mentor(locked, MentorProposal.Status.REJECTED, actor, note=reason)
    return locked


def _decide_mentor(
    proposal: MentorProposal,
    status: str,
    actor: User,
    *,
    member: CorrectionTeamMember | None = None,
    chosen=None,
    note: str = "",
) -> None:
    proposal.status = status
    proposal.team_member = member
    proposal.chosen_mentor = chosen
    proposal.decision_note = note.strip()[:255]
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "team_member", "chosen_mentor", "decision_note", "decided_by", "decided_at"])
