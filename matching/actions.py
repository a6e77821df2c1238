"""Every write of matching: runs, proposals, and the referral drafts they lead to.

A proposal never becomes a referral by itself: ``decide`` (confirm or edit) on a
referral proposal creates a DRAFT through ``coordination.actions.create_referral``;
sending stays the officer's act. ``send_suggested_referral`` is the one-click send
from the suggestions page, where the officer has chosen the offering.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
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

logger = logging.getLogger(__name__)


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
    run = MatchRun.objects.create(office=office, created_by=actor, policy=stored, kind=kind, queued_at=timezone.now())
    if queue:
        _enqueue(run.pk)
    return run


def _enqueue(run_id: int) -> None:
    """Queue the run's task after commit. If the broker is down the run stays queued and the sweep queues it again."""
    from config.queue import enqueue
    from matching.tasks import run_matching

    transaction.on_commit(lambda: enqueue(run_matching, run_id))


class RunSuperseded(Exception):
    """Another execution claimed the run (a redelivered task, or a re-queue); this one stops quietly."""


def _progress(run: MatchRun, percent: int, **fields) -> None:
    """Publish progress at once (its own short transaction), so the run page can poll it.

    Only the execution holding the run's current attempt may write; any other stops.
    """
    with transaction.atomic():
        updated = MatchRun.objects.filter(pk=run.pk, attempt=run.attempt, status=MatchRun.Status.RUNNING).update(
            progress=percent, heartbeat_at=timezone.now(), **fields
        )
    if not updated:
        raise RunSuperseded(run.pk)


class _Heartbeat(threading.Thread):
    """Beats on the run row every ``MATCHING_RUN_HEARTBEAT_SECONDS`` while the solver works (its own connection)."""

    def __init__(self, run: MatchRun) -> None:
        super().__init__(name=f"matching-run-{run.pk}-heartbeat", daemon=True)
        self.run_id, self.attempt = run.pk, run.attempt
        self.interval = settings.MATCHING_RUN_HEARTBEAT_SECONDS
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    MatchRun.objects.filter(
                        pk=self.run_id, attempt=self.attempt, status=MatchRun.Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:  # a missed beat; the sweep's limit is many beats long
                    logger.warning("heartbeat of matching run %s failed", self.run_id, exc_info=True)
        finally:
            connection.close()

    def __enter__(self) -> _Heartbeat:
        if self.interval > 0:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        if self.is_alive():
            self.join(timeout=self.interval + 5)


def _claim(run_id: int) -> MatchRun | None:
    """Take the run for this execution: a new attempt number, status running, a first heartbeat.

    A run already done is left alone (None). A run marked running is claimed again: its task was
    delivered again because the worker that held it died, so the run restarts from the beginning
    (it is idempotent: the write supersedes its own partial rows). An execution still alive with
    the old attempt stops at its next progress step (``RunSuperseded``).
    """
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status == MatchRun.Status.DONE:
            return None
        now = timezone.now()
        run.attempt += 1
        run.status = MatchRun.Status.RUNNING
        run.progress = 5
        run.started_at = run.heartbeat_at = now
        run.finished_at = None
        run.error = run.failure = ""
        run.save(
            update_fields=[
                "attempt",
                "status",
                "progress",
                "started_at",
                "heartbeat_at",
                "finished_at",
                "error",
                "failure",
            ]
        )
    return run


def execute_run(*, run_id: int) -> MatchRun:
    """Load the scope's open needs and offerings, solve exactly, write proposals.

    Progress is published step by step (several short transactions); the proposals
    themselves are written, and the previous open proposals of these needs
    superseded, in one transaction, so a reader never sees half a run. A run found
    running (its worker died and the task came again) is restarted; a run done is
    returned as it is.
    """
    run = _claim(run_id)
    if run is None:
        return MatchRun.objects.get(pk=run_id)
    solve = _solve_mentor_run if run.kind == MatchRun.Kind.MENTORS else _solve_need_run
    started = time.perf_counter()
    try:
        with _Heartbeat(run):
            policy = run.policy.policy() if run.policy else selectors.current_policy()[1]
            count, total_cost = solve(run, policy)
        _progress(
            run,
            100,
            status=MatchRun.Status.DONE,
            finished_at=timezone.now(),
            proposals_count=count,
            total_cost=total_cost,
            seconds=time.perf_counter() - started,
        )
    except RunSuperseded:
        logger.info("matching run %s attempt %s was taken over by another execution", run.pk, run.attempt)
        return MatchRun.objects.get(pk=run_id)
    except Exception as exc:
        MatchRun.objects.filter(pk=run.pk, attempt=run.attempt).update(
            progress=0,
            status=MatchRun.Status.FAILED,
            failure=MatchRun.Failure.ERROR,
            finished_at=timezone.now(),
            error=repr(exc)[:2000],
        )
        raise
    run.refresh_from_db()
    return run


def sweep_runs(*, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """The periodic sweep (beat, every minute): fail runs whose worker died, queue again runs the broker lost.

    A run is failed when its heartbeat is older than ``MATCHING_RUN_STALE_SECONDS`` (the reason is
    shown on its page with "run again"); a run still queued ``MATCHING_RUN_REQUEUE_SECONDS`` after it
    was last queued is queued again (a duplicate delivery is harmless: see ``_claim``).
    """
    now = now or timezone.now()
    failed = []
    for run in selectors.stalled_runs(now=now):
        updated = MatchRun.objects.filter(pk=run.pk, attempt=run.attempt, status=MatchRun.Status.RUNNING).update(
            status=MatchRun.Status.FAILED,
            failure=MatchRun.Failure.WORKER_LOST,
            finished_at=now,
            error=f"no heartbeat since {run.heartbeat_at.isoformat() if run.heartbeat_at else '-'} (attempt {run.attempt})",
        )
        if updated:
            failed.append(run.pk)
    requeued = []
    for run in selectors.lost_queued_runs(now=now):
        with transaction.atomic():
            if MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.QUEUED, queued_at=run.queued_at).update(
                queued_at=now
            ):
                requeued.append(run.pk)
                _enqueue(run.pk)
    if failed or requeued:
        logger.warning("matching sweep: failed %s (no heartbeat), queued again %s", failed, requeued)
    return {"failed": failed, "requeued": requeued}


@transaction.atomic
def restart_run(*, run: MatchRun, actor: User) -> MatchRun:
    """ "Run again" on a failed run: the same scope, kind and policy, queued again by someone who may start it."""
    if not policies.can_start_match_run(actor, run.office_id):
        raise PermissionDenied("not allowed to run matching for this scope")
    locked = MatchRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != MatchRun.Status.FAILED:
        raise ValidationError(_("Only a failed run can be run again."), code="not_failed")
    locked.status = MatchRun.Status.QUEUED
    locked.progress = 0
    locked.queued_at = timezone.now()
    locked.created_by = locked.created_by or actor
    locked.save(update_fields=["status", "progress", "queued_at", "created_by"])
    _enqueue(locked.pk)
    return locked


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
    """Supersede the open proposals of the run's kind and scope (one UPDATE, no list of ids), write the new ones.

    Only the execution holding the run's attempt commits (checked under the run's row lock); rows an earlier
    attempt of the same run left are replaced, except those someone already decided.
    """
    own = kind.model.objects.filter(run=run)
    own.filter(status=ProposalBase.Status.PROPOSED).delete()
    person = "need_id" if kind.name == MatchRun.Kind.REFERRALS else "supervisee_id"
    decided = set(own.values_list(person, flat=True))
    earlier = kind.model.objects.filter(status=ProposalBase.Status.PROPOSED).exclude(run=run)
    if run.office_id is not None:
        earlier = earlier.filter(**{f"{kind.supervisee_path}__judicial_office_id": run.office_id})
    earlier.update(status=ProposalBase.Status.SUPERSEDED)
    rows = [kind.values(run, e) for e in explanations]
    if decided:
        rows = [r for r in rows if r[person] not in decided]
    _insert(kind.model, rows)
    # Still ours? Checked last, so the heartbeat keeps beating on the run row while the rows are
    # written; the row lock is then held only until this transaction commits.
    mine = MatchRun.objects.select_for_update().filter(pk=run.pk, attempt=run.attempt, status=MatchRun.Status.RUNNING)
    if not mine.exists():
        raise RunSuperseded(run.pk)
    return len(rows)


def _insert(model: type[ProposalBase], rows: list[dict]) -> None:
    """Insert new proposals, given as columns (attnames; the others take the field's default):
    ``COPY`` on PostgreSQL (one stream, no statement per 5,000 rows, no model instances), else ``bulk_create``."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create((model(**row) for row in rows), batch_size=5000)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    # Numbers, text, flags and keys go as they are (psycopg adapts them, and refuses any other type);
    # the rest (JSON, dates) through the field's own conversion.
    plain = [f.get_internal_type() in _COPY_AS_IS for f in fields]
    attnames = [f.attname for f in fields]
    convert = [None if as_is else f.get_db_prep_save for f, as_is in zip(fields, plain, strict=True)]
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = [row[name] if name in row else defaults[name] for name in attnames]
            copy.write_row([v if c is None else c(v, connection) for v, c in zip(values, convert, strict=True)])


# Field types whose Python value is already what PostgreSQL stores (no conversion in ``get_db_prep_save``
# beyond int()/float()/str() of a value of that type).
_COPY_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


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
