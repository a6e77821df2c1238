"""Every write of movement requests (外出, frequent-travel permits, 执行地变更, 会客, entry into a restricted
place), prohibition orders and location-monitoring approvals.

A request's route (who decides) is computed from the rule book when it is made, never chosen; its state
moves only along ``MACHINE``. Each request awaiting a decision is a ``REQUEST_DECISION`` obligation; an
approved travel owes a ``RETURN_REPORT`` by its end date, an approved relocation a ``TRANSFER``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import scoping
from accounts.statemachine import SYSTEM, StateMachine, Transition
from config.errors import ActionError
from coordination.models import LIVE_STATUSES, Supervisee
from coordination.sealing import unsealed
from notifications.actions import notify
from notifications.models import Notification
from supervision import rulebook
from supervision.actions import (
    close_obligations_for,
    end_of_day,
    open_obligation_for,
    open_obligations_of,
    record_ground,
    start_of_day,
)
from supervision.models import Obligation, SanctionGround
from supervision.movement.models import (
    LocationDataAccess,
    MonitoringPeriod,
    MovementAttachment,
    MovementRequest,
    ProhibitionBreach,
    ProhibitionOrder,
)
from supervision.movement.policies import APPLICANT, DECIDER, OFFICE
from supervision.uploads import check_upload

if TYPE_CHECKING:
    from accounts.models import User
    from records.models import IssuedDocument

Kind = MovementRequest.Kind
State = MovementRequest.State
Route = MovementRequest.Route

# The request state machine: the ONLY place that says which state may follow which, by which verb, done by
# which side (``MovementRequestPolicy.side``). Kind-specific moves (only travel reports back, only a
# relocation is handed over) are checked by the action.
MACHINE = StateMachine.build(
    "movement_request",
    State.values,
    [
        Transition(State.SUBMITTED, State.APPROVED, "approve", DECIDER),
        Transition(State.SUBMITTED, State.REFUSED, "refuse", DECIDER, ("note",)),
        Transition(State.SUBMITTED, State.REFERRED, "refer", DECIDER),
        Transition(State.SUBMITTED, State.WITHDRAWN, "withdraw", APPLICANT),
        Transition(State.REFERRED, State.APPROVED, "approve", DECIDER, ("note",)),
        Transition(State.REFERRED, State.REFUSED, "refuse", DECIDER, ("note",)),
        Transition(State.REFERRED, State.WITHDRAWN, "withdraw", APPLICANT),
        Transition(State.APPROVED, State.RETURNED, "report_back", APPLICANT),
        Transition(State.APPROVED, State.OVERDUE, "overdue", SYSTEM),
        Transition(State.APPROVED, State.HANDED_OVER, "hand_over", OFFICE),
        Transition(State.OVERDUE, State.RETURNED, "report_back", APPLICANT),
    ],
)

OPEN_STATES = (State.SUBMITTED, State.REFERRED)
# Requests whose days count towards the accumulated-travel window (not refused or withdrawn).
COUNTED_STATES = (State.SUBMITTED, State.REFERRED, State.APPROVED, State.OVERDUE, State.RETURNED)


class MovementError(ActionError):
    """A movement request, order or monitoring step the rules do not allow."""


# --- helpers ----------------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _side_refusal(request: MovementRequest, to: str, actor: User | None, provided: dict | None = None):
    """The machine's row for the move, or the refusal raised with the same message the page and API show."""
    if MACHINE.get(request.state, to) is None:
        raise MovementError(
            _("A request cannot go from “%(from)s” to “%(to)s”."),
            code="transition",
            params={"from": State(request.state).label, "to": State(to).label},
        )
    sides = {SYSTEM} if actor is None else scoping.policy_for(MovementRequest).side(actor, request)
    refusal = None
    for side in sides or {None}:
        row, refusal = MACHINE.refusal(request.state, to, side=side, provided=provided)
        if refusal is None:
            return row
        if refusal.code == "required":
            break
    if refusal is not None and refusal.code == "required":
        raise MovementError({"note": _("Give the reasons (for a refusal) or the level above's decision.")})
    return None


def _lock(request: MovementRequest) -> MovementRequest:
    return MovementRequest.objects.select_for_update(of=("self",)).select_related("supervisee").get(pk=request.pk)


# --- routing ------------------------------------------------------------------------------------------------


def travel_days_in_window(supervisee: Supervisee, start: dt.date, end: dt.date, *, exclude: int | None = None) -> int:
    """Days away in the rolling window that ends on ``end`` (``travel_window_months`` long): this trip's days
    inside it plus those of the person's other travel requests not refused or withdrawn."""
    window_start = end - relativedelta(months=rulebook.value(rulebook.TRAVEL_WINDOW_MONTHS)) + dt.timedelta(days=1)

    def inside(a: dt.date, b: dt.date) -> int:
        lo, hi = max(a, window_start), min(b, end)
        return max((hi - lo).days + 1, 0)

    others = MovementRequest.objects.filter(
        supervisee=supervisee, kind=Kind.TRAVEL, state__in=COUNTED_STATES, end__gte=window_start, start__lte=end
    )
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return inside(start, end) + sum(inside(a, b) for a, b in others.values_list("start", "end"))


def route_for(supervisee: Supervisee, kind: str, start: dt.date, end: dt.date, *, exclude: int | None = None):
    """(route, reason): who decides a request, from the rule book (Measures Arts. 25-28, 30-31, 39)."""
    if kind != Kind.TRAVEL:
        return Route.BUREAU, _("The county bureau decides this kind of request.")
    limits = rulebook.values(
        [
            rulebook.TRAVEL_OFFICE_MAX_DAYS,
            rulebook.TRAVEL_MAX_DAYS,
            rulebook.TRAVEL_WINDOW_MAX_DAYS,
            rulebook.TRAVEL_WINDOW_MONTHS,
        ]
    )
    days = (end - start).days + 1
    if days > limits[rulebook.TRAVEL_MAX_DAYS]:
        return Route.UPPER, _("More than %(n)s days: the level above the county bureau decides.") % {
            "n": limits[rulebook.TRAVEL_MAX_DAYS]
        }
    total = travel_days_in_window(supervisee, start, end, exclude=exclude)
    if total > limits[rulebook.TRAVEL_WINDOW_MAX_DAYS]:
        return Route.UPPER, _(
            "%(total)s days away within %(months)s months (more than %(n)s): the level above the county bureau decides."
        ) % {
            "total": total,
            "months": limits[rulebook.TRAVEL_WINDOW_MONTHS],
            "n": limits[rulebook.TRAVEL_WINDOW_MAX_DAYS],
        }
    if days > limits[rulebook.TRAVEL_OFFICE_MAX_DAYS]:
        return Route.BUREAU, _("More than %(n)s days: the county bureau decides.") % {
            "n": limits[rulebook.TRAVEL_OFFICE_MAX_DAYS]
        }
    return Route.OFFICE, _("Up to %(n)s days: the judicial office decides and files it with the county bureau.") % {
        "n": limits[rulebook.TRAVEL_OFFICE_MAX_DAYS]
    }


def decision_due(request: MovementRequest, *, today: dt.date) -> tuple[str, dt.datetime]:
    """(rule code, deadline) of the decision: a relocation waits for the receiving county's reply."""
    if request.kind == Kind.RELOCATION:
        if request.reply_on is not None:
            return rulebook.RELOCATION_DECISION, end_of_day(
                rulebook.due(rulebook.RELOCATION_DECISION, request.reply_on)
            )
        reply = rulebook.due(rulebook.RELOCATION_REPLY, request.consulted_on or today)
        return rulebook.RELOCATION_DECISION, end_of_day(rulebook.due(rulebook.RELOCATION_DECISION, reply))
    return rulebook.REQUEST_DECISION, end_of_day(rulebook.due(rulebook.REQUEST_DECISION, today))


# --- requests ------------------------------------------------------------------------------------------------


def _validate(supervisee, kind, start, end, destination, reason, people, place, order, receiving_county) -> dict:
    errors: dict[str, str] = {}
    today = _today()
    if kind not in Kind.values:
        errors["kind"] = _("Choose a kind of request.")
    if start < today:
        errors["start"] = _("A request is made before leaving: the first day cannot be in the past.")
    if end < start:
        errors["end"] = _("The last day cannot be before the first.")
    if not reason.strip():
        errors["reason"] = _("Say why.")
    if kind in (Kind.TRAVEL, Kind.FREQUENT_TRAVEL, Kind.RELOCATION) and not destination.strip():
        errors["destination"] = _("Say where to.")
    if kind == Kind.RELOCATION and not receiving_county.strip():
        errors["receiving_county"] = _("Name the county of the new place of execution.")
    if kind == Kind.CONTACT and not people.strip():
        errors["people"] = _("Say whom the person wants to meet.")
    if kind == Kind.ENTRY and not place.strip():
        errors["place"] = _("Say which place the person wants to enter.")
    if order is not None and order.supervisee_id != supervisee.pk:
        errors["order"] = _("Choose one of this person's prohibition orders.")
    if kind == Kind.FREQUENT_TRAVEL and "end" not in errors:
        months = rulebook.value(rulebook.FREQUENT_TRAVEL_MAX_MONTHS)
        if end >= start + relativedelta(months=months):
            errors["end"] = _("A frequent-travel permit lasts at most %(n)s months.") % {"n": months}
    return errors


@transaction.atomic
def apply(
    *,
    supervisee: Supervisee,
    actor: User,
    kind: str,
    start: dt.date,
    end: dt.date,
    destination: str = "",
    reason: str,
    people: str = "",
    place: str = "",
    attachments: Iterable[Any] = (),
    order: ProhibitionOrder | None = None,
    receiving_county: str = "",
) -> MovementRequest:
    """The person (own sign-in) or an officer on their behalf applies; the route is computed from the rule
    book and the decision becomes an obligation with its deadline."""
    if not scoping.policy_for(MovementRequest).can(actor, "apply", supervisee):
        raise MovementError(_("You may not apply for this person."), code="forbidden")
    locked = Supervisee.objects.select_for_update().get(pk=supervisee.pk)  # serialises the travel window
    if locked.status not in LIVE_STATUSES:
        raise MovementError(_("The person is no longer under correction."), code="transition")
    errors = _validate(locked, kind, start, end, destination, reason, people, place, order, receiving_county)
    if errors:
        raise MovementError(errors)
    files = list(attachments)
    types = [check_upload(f, field="attachments") for f in files]
    route, route_reason = route_for(locked, kind, start, end)
    short_notice = kind == Kind.RELOCATION and start < _today() + relativedelta(
        months=rulebook.value(rulebook.RELOCATION_NOTICE)
    )
    request = MovementRequest.objects.create(
        supervisee=locked,
        kind=kind,
        route=route,
        route_reason=route_reason,
        start=start,
        end=end,
        destination=destination.strip(),
        reason=reason.strip(),
        people=people.strip(),
        place=place.strip(),
        order=order,
        receiving_county=receiving_county.strip(),
        short_notice=short_notice,
        applied_by=actor,
    )
    for upload, content_type in zip(files, types, strict=True):
        MovementAttachment.objects.create(
            request=request,
            file=upload,
            original_name=str(getattr(upload, "name", "upload"))[-200:],
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
        )
    rule_code, due_at = decision_due(request, today=_today())
    open_obligation_for(
        request, Obligation.Kind.REQUEST_DECISION, supervisee=locked, rule_code=rule_code, due_at=due_at
    )
    return request


@transaction.atomic
def withdraw(*, request: MovementRequest, actor: User) -> MovementRequest:
    """The person or an officer withdraws a request still awaiting its decision."""
    request = _lock(request)
    _side_refusal(request, State.WITHDRAWN, actor) or _forbidden()
    request.state = State.WITHDRAWN
    request.save(update_fields=["state"])
    close_obligations_for(request, Obligation.Kind.REQUEST_DECISION, actor)
    return request


def _forbidden():
    raise MovementError(_("Only the person, or an officer of their judicial office, may do this."), code="forbidden")


def check_decider(*, request: MovementRequest, actor: User) -> None:
    """Raise the refusal if ``actor`` may not decide ``request`` (the page asks before showing its form)."""
    if not scoping.can(actor, "decide", request):
        raise MovementError(
            _("Only %(role)s decides this request.") % {"role": Route(request.route).label}, code="forbidden"
        )
    if request.applied_by_id == actor.pk:
        raise MovementError(_("Nobody decides a request they made: another head must decide."), code="forbidden")


@transaction.atomic
def refer(*, request: MovementRequest, actor: User, referred_on: dt.date | None = None) -> MovementRequest:
    """The bureau head sends a request beyond the county's power to the level above (the platform cannot decide
    it; the bureau records the decision when it comes back)."""
    check_decider(request=request, actor=actor)
    request = _lock(request)
    if request.route != Route.UPPER:
        raise MovementError(_("This request is decided at this level, not referred."), code="transition")
    _side_refusal(request, State.REFERRED, actor)
    request.state = State.REFERRED
    request.referred_on = referred_on or _today()
    request.save(update_fields=["state", "referred_on"])
    return request


@transaction.atomic
def decide(*, request: MovementRequest, actor: User, approve: bool, note: str = "") -> MovementRequest:
    """The routed decider approves or refuses (with reasons). A request routed upward is first referred; the
    bureau head then records the level above's decision (its number in ``note``)."""
    check_decider(request=request, actor=actor)
    request = _lock(request)
    if request.state not in OPEN_STATES:
        raise MovementError(_("This request has already been decided."), code="already_decided")
    if request.route == Route.UPPER and request.state == State.SUBMITTED:
        raise MovementError(
            _("The level above decides this request: refer it first, then record its decision here."),
            code="transition",
        )
    if approve and request.kind == Kind.RELOCATION and request.reply_on is None:
        raise MovementError(_("Record the receiving county's reply before deciding."), code="transition")
    target = State.APPROVED if approve else State.REFUSED
    _side_refusal(request, target, actor, {"note": note})
    now = timezone.now()
    request.state = target
    request.decided_by = actor
    request.decided_at = now
    request.decision_note = note.strip()
    if request.route == Route.UPPER:
        request.upper_reference = note.strip()
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "upper_reference"])
    close_obligations_for(request, Obligation.Kind.REQUEST_DECISION, actor)
    if approve and request.kind == Kind.TRAVEL:
        open_obligation_for(
            request,
            Obligation.Kind.RETURN_REPORT,
            supervisee=request.supervisee,
            rule_code=rulebook.TRAVEL_MAX_DAYS,
            due_at=end_of_day(request.end),
            remind_from=start_of_day(request.end),
        )
    if approve and request.kind == Kind.RELOCATION:
        open_obligation_for(
            request,
            Obligation.Kind.TRANSFER,
            supervisee=request.supervisee,
            rule_code=rulebook.RELOCATION_HANDOVER,
            due_at=end_of_day(rulebook.due(rulebook.RELOCATION_HANDOVER, timezone.localdate(now))),
        )
    _tell_the_person(request)
    return request


def _tell_the_person(request: MovementRequest) -> None:
    """The decision reaches the person on their own sign-in (their phone page's notices, and an SMS), after
    the commit; a person without a sign-in hears it from their officer."""
    account = request.supervisee.account
    if account is None or not account.is_active:
        return
    approved = request.state == State.APPROVED
    # In the site's language (Chinese), not the decider's: the person keeps no language of their own.
    with translation.override(settings.LANGUAGE_CODE):
        values = {"kind": request.get_kind_display(), "start": request.start, "end": request.end}
        if approved:
            subject = _("Your request (%(kind)s, %(start)s – %(end)s) is approved.") % values
        else:
            subject = _("Your request (%(kind)s, %(start)s – %(end)s) is refused.") % values
    transaction.on_commit(
        lambda: notify(
            recipients=[account],
            kind=Notification.Kind.OWN_RECORD,
            subject=subject,
            body=request.decision_note,
            link=reverse("portal:overview"),
            person=request.supervisee,
            sms=True,
        )
    )


def report_by(request: MovementRequest) -> dt.date | None:
    """Relocation: the last day to report to the new county (from the decision)."""
    if request.kind != Kind.RELOCATION or request.decided_at is None or request.state == State.REFUSED:
        return None
    return rulebook.due(rulebook.RELOCATION_REPORT, timezone.localdate(request.decided_at))


@transaction.atomic
def report_back(*, request: MovementRequest, actor: User, returned_on: dt.date) -> MovementRequest:
    """销假: the person (or an officer) reports back from an approved travel; a return after the last day
    records the late-return ground (once)."""
    request = _lock(request)
    if request.kind != Kind.TRAVEL:
        raise MovementError(_("Only a travel is reported back."), code="transition")
    _side_refusal(request, State.RETURNED, actor) or _forbidden()
    if returned_on > _today():
        raise MovementError({"returned_on": _("The date cannot be in the future.")})
    if returned_on < request.start:
        raise MovementError({"returned_on": _("The return cannot be before the travel began.")})
    request.state = State.RETURNED
    request.returned_on = returned_on
    request.save(update_fields=["state", "returned_on"])
    close_obligations_for(request, Obligation.Kind.RETURN_REPORT, actor)
    if returned_on > request.end:
        _late_ground(request)
    return request


def _late_ground(request: MovementRequest) -> None:
    record_ground(
        supervisee=request.supervisee,
        code=SanctionGround.Code.LATE_RETURN,
        occurred_on=request.end + dt.timedelta(days=1),
        facts=_("Approved travel to %(place)s ended on %(end)s; not reported back by then.")
        % {"place": request.destination, "end": request.end.isoformat()},
        source=request,
    )


def mark_overdue_returns(*, today: dt.date | None = None) -> int:
    """Daily: every approved travel past its last day without a report back becomes overdue and records the
    late-return ground; safe to run twice (one ground per request)."""
    today = today or _today()
    count = 0
    ids = list(
        # A sealed record is never written again, not even by a nightly task (CPL Art. 286).
        unsealed(MovementRequest.objects.filter(kind=Kind.TRAVEL, state=State.APPROVED, end__lt=today)).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            request = MovementRequest.objects.select_for_update(of=("self",)).select_related("supervisee").get(pk=pk)
            if request.state != State.APPROVED:
                continue
            _side_refusal(request, State.OVERDUE, None)
            request.state = State.OVERDUE
            request.save(update_fields=["state"])
            _late_ground(request)
            count += 1
    return count


def _may_record(request: MovementRequest, actor: User) -> None:
    if not scoping.policy_for(MovementRequest).can(actor, "record", request):
        raise MovementError(
            _("Only officers of the person's judicial office and the bureau record this."), code="forbidden"
        )


@transaction.atomic
def record_consultation(
    *,
    request: MovementRequest,
    actor: User,
    consulted_on: dt.date,
    reply_on: dt.date | None = None,
    agrees: bool | None = None,
) -> MovementRequest:
    """Relocation: the consultation sent to the receiving county and, when it comes, its reply (the decision
    is due a rule-book number of days after the reply)."""
    _may_record(request, actor)
    request = _lock(request)
    if request.kind != Kind.RELOCATION or request.state not in OPEN_STATES:
        raise MovementError(_("Only an open relocation request is consulted on."), code="transition")
    if reply_on is not None and (reply_on < consulted_on or agrees is None):
        raise MovementError({"reply_on": _("Give the reply's date (not before the consultation) and its answer.")})
    request.consulted_on = consulted_on
    request.reply_on = reply_on
    request.reply_agrees = agrees if reply_on is not None else None
    request.save(update_fields=["consulted_on", "reply_on", "reply_agrees"])
    rule_code, due_at = decision_due(request, today=_today())
    open_obligations_of(request, Obligation.Kind.REQUEST_DECISION).update(rule_code=rule_code, due_at=due_at)
    return request


@transaction.atomic
def hand_over(*, request: MovementRequest, actor: User, handed_over_on: dt.date) -> MovementRequest:
    """Relocation approved: the documents and the archive went to the new county."""
    _may_record(request, actor)
    request = _lock(request)
    if request.kind != Kind.RELOCATION:
        raise MovementError(_("Only a relocation is handed over."), code="transition")
    _side_refusal(request, State.HANDED_OVER, actor) or _forbidden()
    request.state = State.HANDED_OVER
    request.handed_over_on = handed_over_on
    request.save(update_fields=["state", "handed_over_on"])
    close_obligations_for(request, Obligation.Kind.TRANSFER, actor)
    return request


@transaction.atomic
def record_notice(*, request: MovementRequest, actor: User, recipient: str, sent_on: dt.date) -> MovementRequest:
    """Contact or entry decided: the notice sent to the court or the procuratorate."""
    _may_record(request, actor)
    request = _lock(request)
    if request.kind not in (Kind.CONTACT, Kind.ENTRY) or request.state in OPEN_STATES:
        raise MovementError(_("A notice is recorded for a decided contact or entry request."), code="transition")
    if recipient not in MovementRequest.Recipient.values:
        raise MovementError({"notice_to": _("Choose the court or the procuratorate.")})
    request.notice_to = recipient
    request.notice_on = sent_on
    request.save(update_fields=["notice_to", "notice_on"])
    return request


# --- prohibition orders --------------------------------------------------------------------------------------


@transaction.atomic
def record_order(
    *, supervisee: Supervisee, actor: User, kind: str, text: str, start: dt.date, end: dt.date
) -> ProhibitionOrder:
    """Record a court's prohibition order; its end is a reminder shown a rule-book number of days before."""
    if not scoping.policy_for(ProhibitionOrder).can(actor, "record", supervisee):
        raise MovementError(
            _("Only officers of the person's judicial office and the bureau record this."), code="forbidden"
        )
    errors = {}
    if kind not in ProhibitionOrder.Kind.values:
        errors["kind"] = _("Choose what the order forbids.")
    if not text.strip():
        errors["text"] = _("Copy the order's words.")
    if end < start:
        errors["end"] = _("The last day cannot be before the first.")
    if errors:
        raise MovementError(errors)
    order = ProhibitionOrder.objects.create(
        supervisee=supervisee, kind=kind, text=text.strip(), start=start, end=end, recorded_by=actor
    )
    open_obligation_for(
        order,
        Obligation.Kind.PROHIBITION_EXPIRY,
        supervisee=supervisee,
        rule_code=rulebook.PROHIBITION_REMINDER,
        due_at=end_of_day(end),
        remind_from=start_of_day(rulebook.before(rulebook.PROHIBITION_REMINDER, end)),
    )
    return order


@transaction.atomic
def record_breach(*, order: ProhibitionOrder, actor: User, occurred_on: dt.date, facts: str) -> ProhibitionBreach:
    """A violation of the order: recorded with its facts, and the prohibition-breach ground with it."""
    if not scoping.policy_for(ProhibitionOrder).can(actor, "record", order.supervisee):
        raise MovementError(
            _("Only officers of the person's judicial office and the bureau record this."), code="forbidden"
        )
    if not facts.strip():
        raise MovementError({"facts": _("Describe what happened.")})
    if occurred_on > _today():
        raise MovementError({"occurred_on": _("The date cannot be in the future.")})
    breach = ProhibitionBreach.objects.create(
        order=order, occurred_on=occurred_on, facts=facts.strip(), recorded_by=actor
    )
    record_ground(
        supervisee=order.supervisee,
        code=SanctionGround.Code.PROHIBITION_BREACH,
        occurred_on=occurred_on,
        facts=facts,
        source=breach,
        actor=actor,
    )
    return breach


# --- location monitoring ---------------------------------------------------------------------------------------


def monitoring_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of ``months`` starting on ``start``."""
    return start + relativedelta(months=months) - dt.timedelta(days=1)


@transaction.atomic
def approve_monitoring(
    *,
    supervisee: Supervisee,
    actor: User,
    ground: str,
    facts: str,
    start: dt.date | None = None,
    months: int,
    device_id: str = "",
    told_on: dt.date | None = None,
    extends: MonitoringPeriod | None = None,
    assessment: str = "",
) -> MonitoringPeriod:
    """The bureau head approves a period of location monitoring on a statutory ground, or an extension after a
    fresh assessment; each at most the rule book's months (the database refuses more)."""
    if not scoping.policy_for(MonitoringPeriod).can(actor, "approve", supervisee):
        raise MovementError(_("Only the head of the county bureau approves location monitoring."), code="forbidden")
    errors = {}
    limit = rulebook.value(rulebook.MONITORING_MAX_MONTHS)
    if ground not in MonitoringPeriod.Ground.values:
        errors["ground"] = _("Choose one of the statutory grounds.")
    if not facts.strip():
        errors["facts"] = _("Give the facts of the ground.")
    if not 1 <= months <= limit:
        errors["months"] = _("A period (and each extension) lasts from 1 to %(n)s months.") % {"n": limit}
    if extends is not None:
        extends = MonitoringPeriod.objects.select_for_update().get(pk=extends.pk)
        if extends.supervisee_id != supervisee.pk or extends.ended_on is not None:
            errors["extends"] = _("Only a running period of this person is extended.")
        elif MonitoringPeriod.objects.filter(extends=extends).exists():
            errors["extends"] = _("This period has already been extended.")
        if not assessment.strip():
            errors["assessment"] = _("An extension needs a fresh assessment.")
        start = extends.end + dt.timedelta(days=1)
    if start is None:
        errors["start"] = _("Give the first day.")
    if errors:
        raise MovementError(errors)
    period = MonitoringPeriod.objects.create(
        supervisee=supervisee,
        ground=ground,
        facts=facts.strip(),
        extends=extends,
        assessment=assessment.strip(),
        start=start,
        months=months,
        end=monitoring_end(start, months),
        device_id=device_id.strip(),
        told_on=told_on,
        approved_by=actor,
    )
    if extends is not None:
        close_obligations_for(extends, Obligation.Kind.MONITORING_EXPIRY, actor)
    open_obligation_for(
        period,
        Obligation.Kind.MONITORING_EXPIRY,
        supervisee=supervisee,
        rule_code=rulebook.MONITORING_REMINDER,
        due_at=end_of_day(period.end),
        remind_from=start_of_day(rulebook.before(rulebook.MONITORING_REMINDER, period.end)),
    )
    return period


def _may_record_monitoring(period: MonitoringPeriod, actor: User) -> None:
    if not scoping.policy_for(MonitoringPeriod).can(actor, "record", period.supervisee):
        raise MovementError(
            _("Only officers of the person's judicial office and the bureau record this."), code="forbidden"
        )


@transaction.atomic
def record_monitoring_notice(
    *, period: MonitoringPeriod, actor: User, told_on: dt.date | None = None, device_id: str | None = None
) -> MonitoringPeriod:
    """The date the person was told the period and the consequences, and the device id."""
    _may_record_monitoring(period, actor)
    period = MonitoringPeriod.objects.select_for_update().get(pk=period.pk)
    if told_on is not None:
        if told_on > _today():
            raise MovementError({"told_on": _("The date cannot be in the future.")})
        period.told_on = told_on
    if device_id is not None:
        period.device_id = device_id.strip()
    period.save(update_fields=["told_on", "device_id"])
    return period


@transaction.atomic
def end_monitoring(*, period: MonitoringPeriod, actor: User, ended_on: dt.date, reason: str) -> MonitoringPeriod:
    """End a period early when monitoring is no longer needed."""
    _may_record_monitoring(period, actor)
    period = MonitoringPeriod.objects.select_for_update().get(pk=period.pk)
    if period.ended_on is not None:
        raise MovementError(_("This period has already ended."), code="transition")
    if not reason.strip():
        raise MovementError({"reason": _("Say why monitoring is no longer needed.")})
    if not period.start <= ended_on <= period.end:
        raise MovementError({"ended_on": _("The day must fall within the period.")})
    period.ended_on = ended_on
    period.end_reason = reason.strip()
    period.ended_by = actor
    period.save(update_fields=["ended_on", "end_reason", "ended_by"])
    close_obligations_for(period, Obligation.Kind.MONITORING_EXPIRY, actor)
    return period


@transaction.atomic
def record_location_access(
    *, period: MonitoringPeriod, actor: User, accessed_by: str, accessed_at: dt.datetime, system: str, purpose: str
) -> LocationDataAccess:
    """Somebody looked at the person's location data in another system: who, when, where and why."""
    _may_record_monitoring(period, actor)
    errors = {}
    for field, value in (("accessed_by", accessed_by), ("system", system), ("purpose", purpose)):
        if not value.strip():
            errors[field] = _("This field is required.")
    if errors:
        raise MovementError(errors)
    return LocationDataAccess.objects.create(
        period=period,
        accessed_by=accessed_by.strip(),
        accessed_at=accessed_at,
        system=system.strip(),
        purpose=purpose.strip(),
        recorded_by=actor,
    )


def raise_forbidden() -> None:
    raise PermissionDenied


@transaction.atomic
def travel_certificate(*, request: MovementRequest, http_request: Any = None) -> IssuedDocument:
    """The 外出证明 of an approved travel, issued once through the document service (numbered, stored, hashed)
    in the name of the decider; later calls return the same document until it is voided."""
    from records import actions as records
    from records.models import DocumentKind
    from supervision.movement import documents

    request = _lock(request)
    if request.kind != MovementRequest.Kind.TRAVEL or not request.decided_by_id or request.state == State.REFUSED:
        raise ActionError(_("Only an approved travel has a travel certificate."), code="not_found")
    return records.issued_or_issue(
        kind=DocumentKind.TRAVEL_CERTIFICATE,
        office=request.supervisee.judicial_office,
        supervisee=request.supervisee,
        source=request,
        data=lambda: documents.travel_certificate_data(request),
        actor=request.decided_by,
        request=http_request,
    )


@transaction.atomic
def approval_form(*, request: MovementRequest, http_request: Any = None) -> IssuedDocument:
    """The 审批表 of a decided request (travel, frequent travel, relocation, contact, entry), issued once
    through the document service in the name of the decider; later calls return the same document until it is
    voided. An open request has none yet."""
    from records import actions as records
    from supervision.movement import documents

    request = _lock(request)
    if not request.decided_by_id:
        raise ActionError(_("Only a decided request has an approval form."), code="not_found")
    return records.issued_or_issue(
        kind=documents.APPROVAL_KINDS[request.kind],
        office=request.supervisee.judicial_office,
        supervisee=request.supervisee,
        source=request,
        data=lambda: documents.approval_data(request),
        actor=request.decided_by,
        request=http_request,
    )
