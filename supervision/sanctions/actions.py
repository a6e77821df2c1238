"""Every write of reward and sanction proposals, and ``suggest``: what a case qualifies for.

The platform suggests, a person decides (issue 16 item 2): ``suggest`` reads recorded grounds and past
decisions and creates nothing. An officer proposes; the county bureau approves or refuses; a proposal to an
outside organ is then sent (the court's 30-day clock starts), a detention request starts the 48-hour clock,
and the organ's answer is recorded. Each clock is an obligation with its rule-book deadline; an approved
admonition or warning opens the review of the classification and plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from accounts.statemachine import StateMachine, Transition
from config.errors import ActionError
from coordination.models import LIVE_STATUSES, Supervisee
from services.models import SentenceType
from supervision import rulebook
from supervision.actions import close_obligations_for, end_of_day, open_obligation_for
from supervision.models import Obligation, SanctionGround
from supervision.sanctions.models import SanctionEvidence, SanctionProposal
from supervision.sanctions.policies import APPROVER, OFFICE, PROPOSER
from supervision.uploads import check_upload

if TYPE_CHECKING:
    from accounts.models import User
    from records.models import IssuedDocument

Kind = SanctionProposal.Kind
State = SanctionProposal.State
Code = SanctionGround.Code

# The proposal state machine: the ONLY place that says which state may follow which, by which verb, done by
# which side (``SanctionProposalPolicy.side``). Only proposals to an outside organ are sent (the action checks).
MACHINE = StateMachine.build(
    "sanction_proposal",
    State.values,
    [
        Transition(State.PROPOSED, State.APPROVED, "approve", APPROVER),
        Transition(State.PROPOSED, State.REFUSED, "refuse", APPROVER, ("note",)),
        Transition(State.PROPOSED, State.WITHDRAWN, "withdraw", PROPOSER),
        Transition(State.APPROVED, State.SENT, "send", OFFICE),
        Transition(State.SENT, State.ORGAN_DECIDED, "record_decision", OFFICE),
    ],
)

# A decision that stands: counted as a past sanction (an approved one is in force even while the organ decides).
STANDING = (State.APPROVED, State.SENT, State.ORGAN_DECIDED)
# A proposal holding its grounds: they do not suggest anything again.
HOLDING = (State.PROPOSED, *STANDING)

# Which ground suggests which sanction (Measures Arts. 34-35, 46-49): the lighter grounds an admonition, the
# heavier a warning; lost contact beyond the month, revocation or execution in prison.
ADMONITION_GROUNDS = (Code.LOST_CONTACT, Code.MISSED_REPORT, Code.LATE_RETURN, Code.ABSENCE)
WARNING_GROUNDS = (Code.LOST_CONTACT_LONG, Code.TRAVEL_WITHOUT_APPROVAL, Code.PROHIBITION_BREACH)
REVOCATION_GROUNDS = (Code.LOST_CONTACT_OVER_MONTH,)
# Sanctions after which the classification and plan are reviewed.
REVIEWED_AFTER = (Kind.ADMONITION, Kind.WARNING)


class SanctionError(ActionError):
    """A proposal step the rules do not allow."""


@dataclass
class Suggestion:
    """A sanction or reward the case qualifies for, the grounds it rests on and why; a person decides."""

    kind: str
    grounds: list[SanctionGround] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(Kind(self.kind).label)


# --- suggestions ------------------------------------------------------------------------------------------


def _severe_kind(supervisee: Supervisee) -> str:
    """Revocation for probation and parole; execution in prison for temporary execution outside prison;
    for public surveillance, the heaviest the bureau itself may decide is a warning plus a penalty proposal."""
    if supervisee.sentence_type in (SentenceType.PROBATION, SentenceType.PAROLE):
        return Kind.REVOCATION
    if supervisee.sentence_type == SentenceType.TEMPORARY_EXECUTION:
        return Kind.PRISON
    return Kind.PENALTY


def suggest(supervisee: Supervisee, *, today: dt.date | None = None) -> list[Suggestion]:
    """What the case qualifies for now, from recorded grounds not yet used by a proposal and from past
    decisions, with the reasons. Creates nothing."""
    today = today or timezone.localdate()
    limits = rulebook.values(
        [rulebook.PRAISE_MIN_MONTHS, rulebook.WARNING_AFTER_ADMONITIONS, rulebook.REVOCATION_AFTER_WARNINGS]
    )
    proposals = list(supervisee.sanction_proposals.all().prefetch_related("grounds"))
    held = {g.pk for p in proposals if p.state in HOLDING for g in p.grounds.all()}
    free = [g for g in supervisee.sanction_grounds.order_by("occurred_on", "pk") if g.pk not in held]
    standing = [p for p in proposals if p.state in STANDING]
    admonitions = sum(1 for p in standing if p.kind == Kind.ADMONITION)
    warnings = sum(1 for p in standing if p.kind == Kind.WARNING)
    pending_kinds = {p.kind for p in proposals if p.state == State.PROPOSED}
    severe = _severe_kind(supervisee)
    out: dict[str, Suggestion] = {}

    def add(kind: str, reason: str, grounds: Iterable[SanctionGround] = ()) -> None:
        row = out.setdefault(kind, Suggestion(kind))
        row.grounds += [g for g in grounds if g not in row.grounds]
        if reason not in row.reasons:
            row.reasons.append(reason)

    def ground_reason(ground: SanctionGround) -> str:
        return _("Recorded ground: %(ground)s (%(on)s).") % {
            "ground": ground.get_code_display(),
            "on": ground.occurred_on.isoformat(),
        }

    for ground in free:
        if ground.code in REVOCATION_GROUNDS:
            add(severe, ground_reason(ground), [ground])
        elif ground.code in WARNING_GROUNDS:
            add(Kind.WARNING, ground_reason(ground), [ground])
        elif ground.code in ADMONITION_GROUNDS:
            if admonitions + 1 >= limits[rulebook.WARNING_AFTER_ADMONITIONS]:
                add(
                    Kind.WARNING,
                    _("Already admonished %(count)s time(s): this would be admonition number %(n)s.")
                    % {"count": admonitions, "n": admonitions + 1},
                    [ground],
                )
                add(Kind.WARNING, ground_reason(ground))
            else:
                add(Kind.ADMONITION, ground_reason(ground), [ground])
    if warnings >= limits[rulebook.REVOCATION_AFTER_WARNINGS] and not any(
        p.kind == severe and p.state in HOLDING for p in proposals
    ):
        add(
            severe,
            _("Warned %(count)s times (the rule book's threshold is %(limit)s).")
            % {"count": warnings, "limit": limits[rulebook.REVOCATION_AFTER_WARNINGS]},
        )
    if not out:
        praise = _praise(supervisee, proposals, today, limits[rulebook.PRAISE_MIN_MONTHS])
        if praise is not None:
            out[Kind.PRAISE] = praise
    return [row for kind, row in out.items() if kind not in pending_kinds]


def _praise(supervisee: Supervisee, proposals: list[SanctionProposal], today: dt.date, months: int):
    """Praise after the minimum time under correction, with no ground or sanction within that time and no
    praise within it either (Measures Art. 33)."""
    since = today - relativedelta(months=months)
    if supervisee.status not in LIVE_STATUSES or supervisee.correction_start > since:
        return None
    if supervisee.sanction_grounds.filter(occurred_on__gt=since).exists():
        return None
    if any(timezone.localdate(p.proposed_at) > since for p in proposals if p.state != State.WITHDRAWN):
        return None
    return Suggestion(
        Kind.PRAISE,
        reasons=[
            _("Under correction since %(start)s (at least %(n)s months), with no ground recorded in that time.")
            % {"start": supervisee.correction_start.isoformat(), "n": months}
        ],
    )


# --- helpers ----------------------------------------------------------------------------------------------


def _lock(proposal: SanctionProposal) -> SanctionProposal:
    return SanctionProposal.objects.select_for_update(of=("self",)).select_related("supervisee").get(pk=proposal.pk)


def _move(proposal: SanctionProposal, to: str, actor: User, provided: dict | None = None) -> None:
    """Refuse the move unless the machine allows it for one of the actor's sides."""
    if MACHINE.get(proposal.state, to) is None:
        raise SanctionError(
            _("A proposal cannot go from “%(from)s” to “%(to)s”."),
            code="transition",
            params={"from": State(proposal.state).label, "to": State(to).label},
        )
    sides = scoping.policy_for(SanctionProposal).side(actor, proposal)
    for side in sides or {None}:
        _row, refusal = MACHINE.refusal(proposal.state, to, side=side, provided=provided)
        if refusal is None:
            return
        if refusal.code == "required":
            raise SanctionError({"note": _("Give the reasons for a refusal.")})
    raise SanctionError(_("Your role may not do this with the proposal."), code="forbidden")


# --- the proposal -----------------------------------------------------------------------------------------


@transaction.atomic
def propose(
    *,
    supervisee: Supervisee,
    actor: User,
    kind: str,
    facts: str,
    grounds: Iterable[SanctionGround] = (),
    evidence: Iterable[Any] = (),
) -> SanctionProposal:
    """An officer proposes a reward or sanction on the person's recorded grounds, with facts and evidence;
    the bureau's decision becomes an obligation with its deadline."""
    if not scoping.policy_for(SanctionProposal).can(actor, "propose", supervisee):
        raise SanctionError(
            _("Only officers of the person's judicial office and the bureau propose."), code="forbidden"
        )
    errors: dict[str, str] = {}
    grounds = list(grounds)
    if kind not in Kind.values:
        errors["kind"] = _("Choose a kind of reward or sanction.")
    if not facts.strip():
        errors["facts"] = _("State the facts.")
    if any(g.supervisee_id != supervisee.pk for g in grounds):
        errors["grounds"] = _("Choose grounds recorded for this person.")
    elif kind != Kind.PRAISE and kind in Kind.values and not grounds:
        errors["grounds"] = _("A sanction rests on at least one recorded ground.")
    if errors:
        raise SanctionError(errors)
    if supervisee.status not in LIVE_STATUSES:
        raise SanctionError(_("The person is no longer under correction."), code="transition")
    files = list(evidence)
    types = [check_upload(f, field="evidence") for f in files]
    proposal = SanctionProposal.objects.create(supervisee=supervisee, kind=kind, facts=facts.strip(), proposed_by=actor)
    proposal.grounds.set(grounds)
    for upload, content_type in zip(files, types, strict=True):
        SanctionEvidence.objects.create(
            proposal=proposal,
            file=upload,
            original_name=str(getattr(upload, "name", "upload"))[-200:],
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
        )
    open_obligation_for(
        proposal,
        Obligation.Kind.SANCTION_DECISION,
        supervisee=supervisee,
        rule_code=rulebook.SANCTION_DECISION,
        due_at=end_of_day(rulebook.due(rulebook.SANCTION_DECISION, timezone.localdate())),
    )
    return proposal


@transaction.atomic
def withdraw(*, proposal: SanctionProposal, actor: User) -> SanctionProposal:
    """An officer of the office withdraws a proposal still awaiting its decision."""
    proposal = _lock(proposal)
    _move(proposal, State.WITHDRAWN, actor)
    proposal.state = State.WITHDRAWN
    proposal.save(update_fields=["state"])
    close_obligations_for(proposal, Obligation.Kind.SANCTION_DECISION, actor)
    return proposal


def check_decider(*, proposal: SanctionProposal, actor: User) -> None:
    """Raise the refusal if ``actor`` may not decide ``proposal`` (the page asks before showing its form)."""
    if not scoping.can(actor, "decide", proposal):
        raise SanctionError(_("Only the county bureau decides rewards and sanctions."), code="forbidden")
    if proposal.proposed_by_id == actor.pk:
        raise SanctionError(_("Nobody decides a proposal they made: another head must decide."), code="forbidden")


@transaction.atomic
def decide(
    *, proposal: SanctionProposal, actor: User, approve: bool, note: str = "", decision_number: str = ""
) -> SanctionProposal:
    """The county bureau approves (with its decision number) or refuses (with reasons). An approved
    admonition or warning opens the review of the classification and plan."""
    check_decider(proposal=proposal, actor=actor)
    proposal = _lock(proposal)
    target = State.APPROVED if approve else State.REFUSED
    if approve and not decision_number.strip():
        raise SanctionError({"decision_number": _("Give the decision number (文号).")})
    _move(proposal, target, actor, {"note": note})
    proposal.state = target
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = note.strip()
    proposal.decision_number = decision_number.strip()
    proposal.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "decision_number"])
    close_obligations_for(proposal, Obligation.Kind.SANCTION_DECISION, actor)
    if approve and proposal.kind in REVIEWED_AFTER:
        try:
            with transaction.atomic():
                Obligation.objects.create(
                    supervisee=proposal.supervisee,
                    kind=Obligation.Kind.PLAN_REVIEW,
                    rule_code=rulebook.SANCTION_PLAN_REVIEW,
                    due_at=end_of_day(rulebook.due(rulebook.SANCTION_PLAN_REVIEW, timezone.localdate())),
                )
        except IntegrityError:
            pass  # a review is already open: it covers this decision too
    return proposal


def _may_record(proposal: SanctionProposal, actor: User) -> None:
    if not scoping.can(actor, "record", proposal):
        raise SanctionError(
            _("Only officers of the person's judicial office and the bureau record this."), code="forbidden"
        )


@transaction.atomic
def send(*, proposal: SanctionProposal, actor: User, sent_on: dt.date) -> SanctionProposal:
    """An approved proposal goes to its outside organ; for the court, its 30-day clock starts."""
    _may_record(proposal, actor)
    proposal = _lock(proposal)
    if not proposal.organ:
        raise SanctionError(_("The county bureau's decision is final: nothing is sent."), code="transition")
    if sent_on > timezone.localdate():
        raise SanctionError({"sent_on": _("The date cannot be in the future.")})
    _move(proposal, State.SENT, actor)
    proposal.state = State.SENT
    proposal.sent_on = sent_on
    if proposal.organ == SanctionProposal.Organ.COURT:
        proposal.court_due_on = rulebook.due(rulebook.COURT_DECISION, sent_on)
        open_obligation_for(
            proposal,
            Obligation.Kind.COURT_DECISION,
            supervisee=proposal.supervisee,
            rule_code=rulebook.COURT_DECISION,
            due_at=end_of_day(proposal.court_due_on),
        )
    proposal.save(update_fields=["state", "sent_on", "court_due_on"])
    return proposal


@transaction.atomic
def request_detention(*, proposal: SanctionProposal, actor: User, at: dt.datetime) -> SanctionProposal:
    """With a revocation or prison proposal, the bureau asks the court to detain the person (提请逮捕); the
    court's 48-hour clock starts."""
    _may_record(proposal, actor)
    proposal = _lock(proposal)
    if proposal.organ != SanctionProposal.Organ.COURT or proposal.state != State.SENT:
        raise SanctionError(_("Detention is requested with a proposal sent to the court."), code="transition")
    if proposal.detention_requested_at is not None:
        raise SanctionError(_("Detention has already been requested."), code="transition")
    proposal.detention_requested_at = at
    proposal.detention_due_at = rulebook.due(rulebook.DETENTION_DECISION, at)
    proposal.save(update_fields=["detention_requested_at", "detention_due_at"])
    open_obligation_for(
        proposal,
        Obligation.Kind.DETENTION_DECISION,
        supervisee=proposal.supervisee,
        rule_code=rulebook.DETENTION_DECISION,
        due_at=proposal.detention_due_at,
    )
    return proposal


@transaction.atomic
def record_organ_decision(
    *, proposal: SanctionProposal, actor: User, decided_on: dt.date, accepted: bool, reference: str
) -> SanctionProposal:
    """The organ's answer (its number, whether it granted the proposal) closes its clocks."""
    _may_record(proposal, actor)
    proposal = _lock(proposal)
    if not reference.strip():
        raise SanctionError({"reference": _("Give the organ's decision number.")})
    if decided_on > timezone.localdate():
        raise SanctionError({"decided_on": _("The date cannot be in the future.")})
    _move(proposal, State.ORGAN_DECIDED, actor)
    proposal.state = State.ORGAN_DECIDED
    proposal.organ_decided_on = decided_on
    proposal.organ_accepted = accepted
    proposal.organ_reference = reference.strip()
    proposal.save(update_fields=["state", "organ_decided_on", "organ_accepted", "organ_reference"])
    close_obligations_for(proposal, Obligation.Kind.COURT_DECISION, actor)
    close_obligations_for(proposal, Obligation.Kind.DETENTION_DECISION, actor)
    return proposal


@transaction.atomic
def record_procuratorate_notice(*, proposal: SanctionProposal, actor: User, notified_on: dt.date) -> SanctionProposal:
    """The date the procuratorate was sent a copy of the decision or proposal (抄送人民检察院)."""
    _may_record(proposal, actor)
    proposal = _lock(proposal)
    if proposal.state not in STANDING:
        raise SanctionError(_("Only a decided proposal is notified."), code="transition")
    if notified_on > timezone.localdate():
        raise SanctionError({"notified_on": _("The date cannot be in the future.")})
    proposal.procuratorate_notified_on = notified_on
    proposal.save(update_fields=["procuratorate_notified_on"])
    return proposal


__all__ = [
    "MACHINE",
    "SanctionError",
    "Suggestion",
    "check_decider",
    "decide",
    "propose",
    "record_organ_decision",
    "record_procuratorate_notice",
    "request_detention",
    "send",
    "suggest",
    "withdraw",
]


@transaction.atomic
def decision_document(*, proposal: SanctionProposal, http_request: Any = None) -> IssuedDocument:
    """The document of an approved proposal, issued once through the document service in the name of the
    decider: the bureau's 决定书 (commendation, admonition, warning) or the 建议书 sent to an outside organ.
    Later calls return the same document until it is voided; a refused or withdrawn proposal has none."""
    from records import actions as records
    from records.models import DocumentKind
    from supervision.sanctions import documents

    proposal = _lock(proposal)
    if proposal.decided_by_id is None or proposal.state in (State.REFUSED, State.WITHDRAWN, State.PROPOSED):
        raise SanctionError(_("Only an approved proposal has a decision document."), code="not_found")
    supervisee = Supervisee.objects.select_related("judicial_office__parent").get(pk=proposal.supervisee_id)
    return records.issued_or_issue(
        kind=DocumentKind.SANCTION_PROPOSAL if documents.is_proposal(proposal) else DocumentKind.SANCTION_DECISION,
        office=supervisee.judicial_office,
        supervisee=supervisee,
        source=proposal,
        data=lambda: documents.decision_data(proposal),
        actor=proposal.decided_by,
        request=http_request,
    )
