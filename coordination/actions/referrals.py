"""Referrals: the state machine (on ``accounts.statemachine``), creating, moving and announcing them.

``transition`` is the only function that changes ``Referral.state``. Accepting takes a place by conditional
UPDATE on the offering (the database also refuses ``places_taken > capacity``); leaving an accepted state
frees it. Notifications are outbox rows written in the same transaction; delivery is queued on commit.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.statemachine import SYSTEM, StateMachine, Transition
from coordination import conf, naming, policies, selectors
from coordination.actions._base import (
    NoPlaceLeft,
    ReferralError,
    Role,
    State,
    _case_staff,
    _members,
    _notify,
    _referral_label,
)
from coordination.models import (
    Consent,
    Need,
    Referral,
    ReferralEvent,
    Supervisee,
)
from notifications.models import Notification
from services.models import ServiceOffering

if TYPE_CHECKING:
    from accounts.models import User


# The idempotency namespace of creating a referral, shared by the page and the API (accounts.idempotency).
REFERRAL_CREATE = "coordination.referral.create"

CASE = "case"  # staff managing the supervisee's case (office officer, social worker, bureau)
PROVIDER = "provider"  # staff of the organisation the referral was sent to
# SYSTEM ("system", from accounts.statemachine): the periodic deadline task (actor None)

# The referral state machine: the ONLY place that says which state may follow which, the verb the
# API and pages use for it, who may do it (the side ``policies.ReferralPolicy.side`` computes) and
# the inputs it requires.
MACHINE = StateMachine.build(
    "referral",
    State.values,
    [
        Transition(State.DRAFT, State.SENT, "send", CASE),
        Transition(State.DRAFT, State.WITHDRAWN, "withdraw", CASE),
        Transition(State.SENT, State.ACCEPTED, "accept", PROVIDER),
        Transition(State.SENT, State.DECLINED, "decline", PROVIDER, ("reason",)),
        Transition(State.SENT, State.WITHDRAWN, "withdraw", CASE),
        Transition(State.SENT, State.EXPIRED, "expire", SYSTEM),
        Transition(State.ACCEPTED, State.IN_SERVICE, "start", PROVIDER),
        Transition(State.ACCEPTED, State.DECLINED, "decline", PROVIDER, ("reason",)),
        Transition(State.ACCEPTED, State.WITHDRAWN, "withdraw", CASE),
        Transition(State.ACCEPTED, State.EXPIRED, "expire", SYSTEM),
        Transition(State.IN_SERVICE, State.COMPLETED, "complete", PROVIDER, ("grade",)),
        Transition(State.IN_SERVICE, State.WITHDRAWN, "withdraw", CASE),
    ],
)
# (from, to) -> the row (read by the exhaustive tests and older callers).
TRANSITIONS: dict[tuple[str, str], Transition] = {(t.source, t.target): t for t in MACHINE.transitions}
VERBS: dict[str, str] = MACHINE.verb_targets()
PLACE_STATES = (State.ACCEPTED, State.IN_SERVICE)


def allowed_verbs(referral: Referral, side: str | None) -> list[str]:
    """The verbs this side may apply to the referral now (for buttons and the API)."""
    if side is None:
        return []
    return MACHINE.verbs(referral.state, side)


def _valid_consent(supervisee: Supervisee, organisation_id: int) -> Consent | None:
    return selectors.valid_consents(supervisee, organisation_id).order_by("-granted_at").first()


def _take_place(offering_id: int) -> None:
    taken = ServiceOffering.objects.filter(pk=offering_id, is_active=True, places_taken__lt=F("capacity")).update(
        places_taken=F("places_taken") + 1
    )
    if not taken:
        raise NoPlaceLeft(_("This service has no free place left."), code="no_place")


def _free_place(offering_id: int) -> None:
    ServiceOffering.objects.filter(pk=offering_id, places_taken__gt=0).update(places_taken=F("places_taken") - 1)


def _sync_need(need: Need) -> None:
    """The need follows its referrals: met when one is achieved, referred while one is open, else open."""
    if need.status == Need.Status.CLOSED:
        return
    referrals = need.referrals.all()
    if referrals.filter(state=State.COMPLETED, outcome_grade=Referral.Outcome.ACHIEVED).exists():
        status = Need.Status.MET
    elif referrals.filter(state__in=[State.SENT, State.ACCEPTED, State.IN_SERVICE]).exists():
        status = Need.Status.REFERRED
    else:
        status = Need.Status.OPEN
    if status != need.status:
        Need.objects.filter(pk=need.pk).update(
            status=status, closed_at=timezone.now() if status == Need.Status.MET else None
        )
        need.status = status


@transaction.atomic
def transition(
    *,
    referral: Referral,
    to: str,
    actor: User | None,
    note: str = "",
    reason: str = "",
    grade: str = "",
    override_consent: bool = False,
    for_provider: bool = False,
) -> Referral:
    """Move a referral to ``to`` if the table allows it for this actor; record the event and notify.

    The event's audience: the provider's own answers and the system's steps are seen by both sides;
    a note by case staff stays with case staff unless ``for_provider`` says it was written for the
    provider (a consent-override reason never reaches the provider)."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("need__supervisee", "need__category", "offering__organisation", "offering__category")
        .get(pk=referral.pk)
    )
    if MACHINE.get(referral.state, to) is None:  # not in the table: refused before asking who the actor is
        raise ReferralError(
            _("A referral cannot go from “%(from)s” to “%(to)s”."),
            code="transition",
            params={"from": State(referral.state).label, "to": State(to).label},
        )
    side = SYSTEM if actor is None else policies.referrals().side(actor, referral)
    row, refusal = MACHINE.refusal(referral.state, to, side=side, provided={"reason": reason, "grade": grade})
    if refusal is not None and refusal.code == "side":
        raise PermissionDenied("not allowed for this user")
    if refusal is not None and "reason" in refusal.missing:
        raise ReferralError({"reason": _("Say why the referral is declined.")}, code="required")
    if row is not None and "grade" in row.requires and grade not in Referral.Outcome.values:
        raise ReferralError({"grade": _("Choose an outcome.")}, code="required")

    now = timezone.now()
    supervisee = referral.need.supervisee
    from_state = referral.state
    event_note = note
    if to == State.SENT and not (referral.offering.is_active and referral.offering.organisation.is_active):
        raise ReferralError(
            {"offering": _("This service is no longer active; choose another service.")}, code="inactive"
        )
    if to == State.SENT:
        consent = _valid_consent(supervisee, referral.offering.organisation_id)
        if consent is None:
            if not override_consent:
                raise ReferralError(
                    _(
                        "The supervisee has not consented to sharing their record with %(org)s. "
                        "Record their consent first."
                    ),
                    code="consent",
                    params={"org": referral.offering.organisation.name},
                )
            if not scoping.can(actor, "override_consent", supervisee):
                raise PermissionDenied("only an officer may override consent")
            if not note.strip():
                raise ReferralError({"note": _("Give the reason for sending without consent.")}, code="required")
            referral.consent_override = True
            referral.consent_override_reason = note[:255]
            event_note = f"[consent override] {note}"
        referral.consent = consent
        referral.sent_at = now
        referral.sent_by = actor
        referral.deadline = now + dt.timedelta(days=conf.response_days(referral.offering.category.code))
        referral.escalation_level = 0
    if to == State.ACCEPTED:
        _take_place(referral.offering_id)
        referral.holds_place = True
    if from_state in PLACE_STATES and to not in PLACE_STATES and referral.holds_place:
        _free_place(referral.offering_id)
        referral.holds_place = False
    if to in (State.ACCEPTED, State.DECLINED) and from_state == State.SENT:
        referral.responded_at = now
    if to == State.DECLINED:
        referral.decline_reason = reason.strip()
        event_note = reason.strip() + (f"\n{note}" if note else "")
    if to == State.IN_SERVICE:
        referral.service_started_at = now
    if to == State.COMPLETED:
        referral.outcome_grade = grade
        referral.outcome_note = note
    if to in (State.COMPLETED, State.DECLINED, State.WITHDRAWN, State.EXPIRED):
        referral.closed_at = now
    referral.state = to
    referral.save()
    if side == CASE and not (for_provider and not referral.consent_override):
        audience = ReferralEvent.Audience.CASE_STAFF
    else:
        audience = ReferralEvent.Audience.BOTH_SIDES
    ReferralEvent.objects.create(
        referral=referral, actor=actor, from_state=from_state, to_state=to, note=event_note, audience=audience
    )
    _sync_need(referral.need)
    provider_note = event_note if audience == ReferralEvent.Audience.BOTH_SIDES else ""
    _notify_transition(referral, to, event_note if side != CASE else provider_note)
    return referral


def _notify_transition(referral: Referral, to: str, note: str) -> None:
    label = _referral_label(referral, PROVIDER)
    if to == State.SENT:
        _notify(
            recipients=_members(referral.offering.organisation_id, Role.PROVIDER_STAFF),
            kind=Notification.Kind.REFERRAL_SENT,
            subject=str(_("New referral: %(label)s")) % {"label": label},
            body=referral.message,
            referral=referral,
            sms=True,
        )
    elif to in (State.ACCEPTED, State.DECLINED, State.COMPLETED, State.EXPIRED):
        kind = {
            State.ACCEPTED: Notification.Kind.REFERRAL_ACCEPTED,
            State.DECLINED: Notification.Kind.REFERRAL_DECLINED,
            State.COMPLETED: Notification.Kind.REFERRAL_COMPLETED,
            State.EXPIRED: Notification.Kind.REFERRAL_EXPIRED,
        }[to]
        _notify(
            recipients=_case_staff(referral),
            kind=kind,
            subject=f"{Notification.Kind(kind).label}: {_referral_label(referral, CASE)}",
            body=note,
            referral=referral,
        )
    elif to == State.WITHDRAWN and referral.sent_at:
        _notify(
            recipients=_members(referral.offering.organisation_id, Role.PROVIDER_STAFF),
            kind=Notification.Kind.REFERRAL_WITHDRAWN,
            subject=f"{Notification.Kind.REFERRAL_WITHDRAWN.label}: {label}",
            body=note,
            referral=referral,
        )


def apply_verb(*, referral: Referral, verb: str, actor: User, **kwargs: Any) -> Referral:
    """Apply a transition named by its verb (send, accept, decline, start, complete, withdraw)."""
    if verb not in VERBS or verb == "expire":
        raise ReferralError(_("Unknown action."), code="verb")
    return transition(referral=referral, to=VERBS[verb], actor=actor, **kwargs)


@transaction.atomic
def create_referral(
    *, need: Need, offering: ServiceOffering, actor: User, message: str = "", send: bool = False, **send_kwargs: Any
) -> Referral:
    """Draft a referral of one need to one offering; with ``send`` it is sent at once (consent checked)."""
    if not scoping.can(actor, "manage", need.supervisee):
        raise PermissionDenied("not your case")
    if offering.category_id != need.category_id:
        raise ValidationError({"offering": _("This service is not in the need's category.")}, code="category")
    if not offering.is_active:
        raise ValidationError({"offering": _("This service is not active.")}, code="inactive")
    if need.status in (Need.Status.MET, Need.Status.CLOSED):
        raise ValidationError({"need": _("This need is already met or closed.")}, code="need_closed")
    referral = Referral.objects.create(need=need, offering=offering, message=message, created_by=actor)
    ReferralEvent.objects.create(referral=referral, actor=actor, from_state="", to_state=State.DRAFT)
    if send:
        referral = transition(referral=referral, to=State.SENT, actor=actor, **send_kwargs)
    return referral


def notify_provider_deactivated(*, organisation_name: str, referrals: list[Referral], reason: str) -> list[int]:
    """Tell each case staff member once which of their referrals a provider's deactivation closed or moved.

    One message lists several people, so it names none of them: each referral is its case-number tail, the
    need and the service (a name in it could not be withdrawn when one of those records is sealed)."""
    by_user: dict[int, tuple[User, list[str]]] = {}
    for referral in referrals:
        label = " · ".join(
            (naming.case_tail(referral.need.supervisee), referral.need.category.name, referral.offering.name)
        )
        for user in _case_staff(referral):
            by_user.setdefault(user.pk, (user, []))[1].append(label)
    subject = str(_("Provider deactivated: %(org)s")) % {"org": organisation_name}
    ids: list[int] = []
    for user, labels in by_user.values():
        body = "\n".join([reason, "", *sorted(set(labels))]).strip()
        ids += _notify(
            recipients=[user], kind=Notification.Kind.REFERRAL_WITHDRAWN, subject=subject, body=body, referral=None
        )
    return ids
