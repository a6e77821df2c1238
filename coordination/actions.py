"""Every write of cases and referrals.

The referral state machine is the table ``TRANSITIONS`` below; ``transition`` is the
only function that changes ``Referral.state``. Accepting takes a place by conditional
UPDATE on the offering (the database also refuses ``places_taken > capacity``); leaving
an accepted state frees it. Notifications are outbox rows written in the same
transaction; delivery is queued with ``transaction.on_commit``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import roles, scoping
from accounts.security import current_token as current_api_token
from config.errors import ActionError
from config.observability import request_path_var
from coordination import conf, identity, naming, policies
from coordination.models import (
    AccessLog,
    CaseNote,
    Consent,
    CorrectionTeamMember,
    Need,
    Referral,
    ReferralEvent,
    Sex,
    Supervisee,
)
from coordination.selectors import overdue_q
from notifications.actions import notify
from notifications.models import Notification
from services.models import Membership, ServiceOffering

if TYPE_CHECKING:
    from accounts.models import User

State = Referral.State
Role = Membership.Role


class ReferralError(ActionError):
    """A transition that the table or the situation forbids (wrong state, no place left, no consent)."""


class NoPlaceLeft(ReferralError):
    pass


# --- The referral state machine ----------------------------------------------

# The idempotency namespace of creating a referral, shared by the page and the API (accounts.idempotency).
REFERRAL_CREATE = "coordination.referral.create"

CASE = "case"  # staff managing the supervisee's case (office officer, social worker, bureau)
PROVIDER = "provider"  # staff of the organisation the referral was sent to
SYSTEM = "system"  # the periodic deadline task


@dataclass(frozen=True)
class Rule:
    side: str
    verb: str
    required: tuple[str, ...] = ()


# (from, to) -> who may do it, the verb the API and pages use, required inputs.
TRANSITIONS: dict[tuple[str, str], Rule] = {
    (State.DRAFT, State.SENT): Rule(CASE, "send"),
    (State.DRAFT, State.WITHDRAWN): Rule(CASE, "withdraw"),
    (State.SENT, State.ACCEPTED): Rule(PROVIDER, "accept"),
    (State.SENT, State.DECLINED): Rule(PROVIDER, "decline", ("reason",)),
    (State.SENT, State.WITHDRAWN): Rule(CASE, "withdraw"),
    (State.SENT, State.EXPIRED): Rule(SYSTEM, "expire"),
    (State.ACCEPTED, State.IN_SERVICE): Rule(PROVIDER, "start"),
    (State.ACCEPTED, State.DECLINED): Rule(PROVIDER, "decline", ("reason",)),
    (State.ACCEPTED, State.WITHDRAWN): Rule(CASE, "withdraw"),
    (State.ACCEPTED, State.EXPIRED): Rule(SYSTEM, "expire"),
    (State.IN_SERVICE, State.COMPLETED): Rule(PROVIDER, "complete", ("grade",)),
    (State.IN_SERVICE, State.WITHDRAWN): Rule(CASE, "withdraw"),
}
VERBS: dict[str, str] = {rule.verb: to for (_from, to), rule in TRANSITIONS.items()}
PLACE_STATES = (State.ACCEPTED, State.IN_SERVICE)


def allowed_verbs(referral: Referral, side: str | None) -> list[str]:
    """The verbs this side may apply to the referral now (for buttons and the API)."""
    return [rule.verb for (frm, _to), rule in TRANSITIONS.items() if frm == referral.state and rule.side == side]


def _notify(
    *, recipients: list[User], kind: str, subject: str, body: str, referral: Referral | None, sms: bool = False
) -> list[int]:
    """Notify through the outbox (inbox always; e-mail if the user has an address; SMS if asked and a phone).

    About a referral, only those the referral policy's ``audience`` lets read it are told."""
    url = reverse("coordination:referral", kwargs={"uuid": referral.uuid}) if referral else ""
    if referral is not None:
        recipients = list(scoping.policy_for(Referral).audience(policies.ReferralNotice(referral, tuple(recipients))))
    return notify(recipients=recipients, kind=kind, subject=subject, body=body, link=url, about=referral, sms=sms)


def _members(organisation_id: int, *roles: str) -> list[User]:
    from accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role__in=roles,
            memberships__is_active=True,
        ).distinct()
    )


def _bureau_admins() -> list[User]:
    # The one definition of "the bureau" as recipients (bureau heads included); imported here so that this
    # module's import block stays as it is while it is being split into a package.
    from accounts.selectors import bureau_admins

    return bureau_admins()


def _case_staff(referral: Referral) -> list[User]:
    """Who hears about the provider's answer: the sender and the case team's staff."""
    supervisee = referral.need.supervisee
    team = [
        m.user
        for m in supervisee.team.filter(
            is_active=True,
            user__isnull=False,
            role__in=[CorrectionTeamMember.Role.OFFICER, CorrectionTeamMember.Role.SOCIAL_WORKER],
        ).select_related("user")
    ]
    return [u for u in [referral.sent_by, referral.created_by, *team] if u is not None]


def _valid_consent(supervisee: Supervisee, organisation_id: int) -> Consent | None:
    now = timezone.now()
    return (
        Consent.objects.filter(supervisee=supervisee, organisation_id=organisation_id, withdrawn_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("-granted_at")
        .first()
    )


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
    rule = TRANSITIONS.get((referral.state, to))
    if rule is None:
        raise ReferralError(
            _("A referral cannot go from “%(from)s” to “%(to)s”."),
            code="transition",
            params={"from": State(referral.state).label, "to": State(to).label},
        )
    side = SYSTEM if actor is None else policies.referrals().side(actor, referral)
    if side != rule.side:
        raise PermissionDenied("not allowed for this user")
    if "reason" in rule.required and not reason.strip():
        raise ReferralError({"reason": _("Say why the referral is declined.")}, code="required")
    if "grade" in rule.required and grade not in Referral.Outcome.values:
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


def _referral_label(referral: Referral, side: str) -> str:
    """ "张楠（矫正编号…0042） · 就业 · 电工培训": the person named as far as that side may see them."""
    fields = policies.referrals().fields(None, referral, side=side)
    person = naming.short_label(referral.need.supervisee, fields)
    return " · ".join(part for part in (person, referral.need.category.name, referral.offering.name) if part)


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


# --- Deadlines and escalation ---------------------------------------------------


@transaction.atomic
def escalate_referral(*, referral_id: int, now: dt.datetime | None = None) -> str | None:
    """Escalate one overdue sent referral one step: the office's officers, then the bureau, then expiry.

    Idempotent: each step is a conditional update, so running it twice notifies once.
    """
    now = now or timezone.now()
    referral = (
        Referral.objects.select_related("need__supervisee", "need__category", "offering")
        .filter(overdue_q(now), pk=referral_id)
        .first()
    )
    if referral is None:
        return None
    overdue = now - referral.deadline
    label = _referral_label(referral, CASE)  # told to the office's officers and the bureau
    if overdue >= dt.timedelta(days=conf.EXPIRE_AFTER_DAYS()):
        transition(referral=referral, to=State.EXPIRED, actor=None, note=str(_("No answer before the deadline.")))
        return "expired"
    if referral.escalation_level < 2 and overdue >= dt.timedelta(days=conf.BUREAU_AFTER_DAYS()):
        if Referral.objects.filter(pk=referral.pk, escalation_level__lt=2).update(escalation_level=2, escalated_at=now):
            _notify(
                recipients=_bureau_admins(),
                kind=Notification.Kind.REFERRAL_OVERDUE,
                subject=str(_("Overdue referral escalated to the bureau: %(label)s")) % {"label": label},
                body="",
                referral=referral,
            )
            return "bureau"
        return None
    if referral.escalation_level < 1 and Referral.objects.filter(pk=referral.pk, escalation_level__lt=1).update(
        escalation_level=1, escalated_at=now
    ):
        _notify(
            recipients=_members(referral.need.supervisee.judicial_office_id, Role.OFFICE_OFFICER),
            kind=Notification.Kind.REFERRAL_OVERDUE,
            subject=str(_("Overdue referral: %(label)s")) % {"label": label},
            body="",
            referral=referral,
            sms=True,
        )
        return "officer"
    return None


# --- Access log ---------------------------------------------------------------


def log_access(
    *,
    user: User,
    action: str,
    object_type: str,
    object_id: str = "",
    supervisee: Supervisee | None = None,
    purpose: str = "",
    path: str = "",
) -> AccessLog:
    """Append one row to the access log (reads and exports of case records)."""
    token = current_api_token()
    if token is not None:  # a program read it with an API token: say which one (docs/security.md)
        purpose = f"{purpose} · {token.label}" if purpose else token.label
    return AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        supervisee=supervisee,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        purpose=purpose[:200],
        path=path[:500],
    )


# --- Supervisees, team, needs, notes, consent -------------------------------------


def _check_team_has_woman(supervisee: Supervisee, members: list[tuple[str, bool]]) -> None:
    """Art. 25: a female supervisee's correction team must include a woman."""
    if supervisee.sex == Sex.FEMALE and members and not any(sex == Sex.FEMALE and active for sex, active in members):
        message = _(
            "The correction team of a female supervisee must include a woman "
            "(Community Corrections Law Art. 25). Add a female member first."
        )
        raise ValidationError({"sex": ValidationError(message, code="art25")})


def probe_resident_id(*, actor: User, digest: str, exclude_pk: int | None = None) -> None:
    """The duplicate check on an ID number, as its own committed step: throttled per user
    (``RESIDENT_ID_CHECK_RATE``), logged whatever the outcome (who, when, the keyed hash, the outcome),
    then refused like ``_refuse_duplicate``. Called before the write's transaction, so the log row
    stays when the write is refused."""
    from django.conf import settings
    from django.core.cache import cache

    limit, _slash, period = str(getattr(settings, "RESIDENT_ID_CHECK_RATE", "30/hour")).partition("/")
    seconds = {"minute": 60, "min": 60, "hour": 3600, "day": 86400}.get(period, 3600)
    key = f"id-check:{actor.pk}:{int(timezone.now().timestamp()) // seconds}"
    cache.add(key, 0, seconds)
    try:
        used = cache.incr(key)
    except ValueError:
        used = 1
    # Only people are throttled (a request is being served); the demo loader and commands are not.
    if request_path_var.get() and used > int(limit):
        raise ActionError({"resident_id": _("Too many ID-number checks. Try again later.")}, code="throttled")
    others = Supervisee.objects.filter(resident_id_hash=digest)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is None:
        outcome = "id check: no match"
    elif scoping.scope(actor, Supervisee).filter(pk=other.pk).exists():
        outcome = "id check: visible"
    else:
        outcome = "id check: elsewhere"
    with transaction.atomic():
        log_access(
            user=actor,
            action=AccessLog.Action.PROBE,
            object_type="resident id",
            object_id=digest,
            supervisee=other,
            purpose=outcome,
            path=request_path_var.get(),
        )
    _refuse_duplicate(actor, digest, exclude_pk=exclude_pk)


def _refuse_duplicate(actor: User, digest: str, *, exclude_pk: int | None = None) -> None:
    """Refuse a resident ID number already registered; name the office only if the user may see that record."""
    others = Supervisee.objects.filter(resident_id_hash=digest)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    other = others.select_related("judicial_office").first()
    if other is None:
        return
    if scoping.scope(actor, Supervisee).filter(pk=other.pk).exists():
        message = _("This person is already registered in %(office)s.") % {"office": other.judicial_office.display_name}
    else:
        message = _("A supervisee with this resident ID number is already registered.")
    raise ValidationError({"resident_id": ValidationError(message, code="duplicate")})


def _is_minor(born: dt.date, start: dt.date) -> bool:
    return (start.year - born.year - ((start.month, start.day) < (born.month, born.day))) < 18


def create_supervisee(*, actor: User, resident_id: str, team: list[dict] | None = None, **fields: Any) -> Supervisee:
    """Register a supervisee: validate the ID number, check it (logged, throttled), then write."""
    office = fields["judicial_office"]
    if not roles.is_bureau_admin(actor) and office.pk not in roles.organisation_ids(
        actor, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER
    ):
        raise PermissionDenied("not your office")
    number = identity.validate_resident_id(resident_id, date_of_birth=fields["date_of_birth"], sex=fields["sex"])
    probe_resident_id(actor=actor, digest=identity.lookup_hash(number))
    return _create_supervisee(actor=actor, number=number, team=team, **fields)


@transaction.atomic
def _create_supervisee(*, actor: User, number: str, team: list[dict] | None, **fields: Any) -> Supervisee:
    digest = identity.lookup_hash(number)
    _refuse_duplicate(actor, digest)  # again inside the transaction: a race ends at the unique constraint
    fields["phone"] = identity.normalise_phone(fields.get("phone", ""))
    born: dt.date = fields["date_of_birth"]
    start: dt.date = fields["correction_start"]
    if fields["correction_end"] < start:
        raise ValidationError({"correction_end": _("The correction cannot end before it starts.")}, code="dates")
    is_minor = _is_minor(born, start)
    supervisee = Supervisee(
        resident_id_encrypted=identity.encrypt(number),
        resident_id_hash=digest,
        resident_id_masked=identity.mask_resident_id(number),
        is_minor=is_minor,
        created_by=actor,
        **fields,
    )
    supervisee.full_clean(exclude=["resident_id_encrypted", "resident_id_hash", "resident_id_masked", "case_number"])
    supervisee.save()
    team = team or []
    _check_team_has_woman(supervisee, [(m["sex"], True) for m in team])
    for member in team:
        CorrectionTeamMember.objects.create(supervisee=supervisee, **member)
    return supervisee


EDITABLE_FIELDS = (
    "name",
    "given_name",
    "sex",
    "date_of_birth",
    "phone",
    "household_type",
    "township",
    "address",
    "judicial_office",
    "sentence_type",
    "offence_category",
    "correction_start",
    "correction_end",
    "risk_level",
    "supervision_level",
    "preferred_language",
)


def update_supervisee(
    *, supervisee: Supervisee, actor: User, resident_id: str = "", id_change_note: str = "", **fields: Any
) -> Supervisee:
    """Edit a supervisee's record. The ID number changes only with a note; every edit leaves a case note.

    ``resident_id`` empty keeps the stored number (it must still match the date of birth and sex). A new
    number is checked for duplicates first, logged and throttled (``probe_resident_id``).
    """
    if resident_id.strip() and scoping.can(actor, "edit", supervisee):
        digest = identity.lookup_hash(identity.normalise_resident_id(resident_id))
        if digest != supervisee.resident_id_hash:
            probe_resident_id(actor=actor, digest=digest, exclude_pk=supervisee.pk)
    return _update_supervisee(
        supervisee=supervisee, actor=actor, resident_id=resident_id, id_change_note=id_change_note, **fields
    )


@transaction.atomic
def _update_supervisee(
    *, supervisee: Supervisee, actor: User, resident_id: str, id_change_note: str, **fields: Any
) -> Supervisee:
    supervisee = Supervisee.objects.select_for_update().get(pk=supervisee.pk)
    if not scoping.can(actor, "edit", supervisee):
        raise PermissionDenied("not your case")
    office = fields.get("judicial_office", supervisee.judicial_office)
    if not policies.intake_offices(actor).filter(pk=office.pk).exists():
        raise PermissionDenied("not your office")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    born = fields.get("date_of_birth", supervisee.date_of_birth)
    sex = fields.get("sex", supervisee.sex)
    current = identity.decrypt(supervisee.resident_id_encrypted)
    number = identity.normalise_resident_id(resident_id) if resident_id.strip() else current
    id_changed = number != current
    try:
        number = identity.validate_resident_id(number, date_of_birth=born, sex=sex)
    except ValidationError as exc:
        raise ValidationError({"resident_id": exc.error_list}) from None
    if id_changed:
        if not id_change_note.strip():
            raise ValidationError({"id_change_note": _("Say why the resident ID number is changed.")}, code="required")
        digest = identity.lookup_hash(number)
        _refuse_duplicate(actor, digest, exclude_pk=supervisee.pk)
        supervisee.resident_id_encrypted = identity.encrypt(number)
        supervisee.resident_id_hash = digest
        supervisee.resident_id_masked = identity.mask_resident_id(number)
    if "phone" in fields:
        fields["phone"] = identity.normalise_phone(fields["phone"])
    start = fields.get("correction_start", supervisee.correction_start)
    end = fields.get("correction_end", supervisee.correction_end)
    if end < start:
        raise ValidationError({"correction_end": _("The correction cannot end before it starts.")}, code="dates")
    changed = [name for name, value in fields.items() if getattr(supervisee, name) != value]
    for name, value in fields.items():
        setattr(supervisee, name, value)
    supervisee.is_minor = _is_minor(born, start)
    if "sex" in changed:
        members = list(supervisee.team.filter(is_active=True).values_list("sex", "is_active"))
        _check_team_has_woman(supervisee, members)
    supervisee.full_clean(exclude=["resident_id_encrypted", "resident_id_hash", "resident_id_masked", "case_number"])
    supervisee.save()
    if changed or id_changed:
        labels = [str(Supervisee._meta.get_field(name).verbose_name) for name in changed]
        if id_changed:
            labels.append(str(_("resident ID number")))
        body = str(_("Record edited: %(fields)s.")) % {"fields": ", ".join(labels)}
        if id_changed:
            body += "\n" + str(_("Reason for changing the ID number: %(note)s")) % {"note": id_change_note.strip()}
        CaseNote.objects.create(supervisee=supervisee, author=actor, kind=CaseNote.Kind.NOTE, body=body)
    return supervisee


@transaction.atomic
def add_team_member(
    *,
    supervisee: Supervisee,
    actor: User,
    role: str,
    name: str,
    sex: str,
    user: User | None = None,
    phone: str = "",
    meeting_schedule: str = "",
) -> CorrectionTeamMember:
    """Add someone to the correction team; Art. 25 is checked on the resulting team.

    Every path (team page, team API, mentor-proposal confirm and edit) asks the one question here:
    ``scoping.can(actor, "manage_team", supervisee)``."""
    if not scoping.can(actor, "manage_team", supervisee):
        raise PermissionDenied("only the supervisee's office and the bureau manage the team")
    Supervisee.objects.select_for_update().filter(pk=supervisee.pk).first()
    current = list(supervisee.team.filter(is_active=True).values_list("sex", "is_active"))
    _check_team_has_woman(supervisee, [*current, (sex, True)])
    if user is not None:
        earlier = supervisee.team.filter(user=user, role=role).first()
        if earlier is not None and earlier.is_active:
            raise ValidationError(
                {"user": ValidationError(_("This person is already on the team in this role."), code="duplicate")}
            )
        if earlier is not None:  # taken off the team before: put back (one row per user and role)
            earlier.name, earlier.sex, earlier.is_active = name, sex, True
            earlier.phone = identity.normalise_phone(phone)
            earlier.meeting_schedule = meeting_schedule
            earlier.save(update_fields=["name", "sex", "is_active", "phone", "meeting_schedule"])
            return earlier
    return CorrectionTeamMember.objects.create(
        supervisee=supervisee,
        role=role,
        name=name,
        sex=sex,
        user=user,
        phone=identity.normalise_phone(phone),
        meeting_schedule=meeting_schedule,
    )


@transaction.atomic
def remove_team_member(*, member: CorrectionTeamMember, actor: User | None) -> None:
    """Take someone off the team; refused if a female supervisee would be left without a woman.

    ``actor`` None is the system (a volunteer's status change); a person must pass ``manage_team``."""
    if actor is not None and not scoping.can(actor, "manage_team", member.supervisee):
        raise PermissionDenied("only the supervisee's office and the bureau manage the team")
    Supervisee.objects.select_for_update().filter(pk=member.supervisee_id).first()
    rest = list(member.supervisee.team.filter(is_active=True).exclude(pk=member.pk).values_list("sex", "is_active"))
    _check_team_has_woman(member.supervisee, rest)
    CorrectionTeamMember.objects.filter(pk=member.pk).update(is_active=False)


@transaction.atomic
def end_volunteer_memberships(*, user: User, reason: str, actor: User | None) -> int:
    """End every active volunteer (mentor) row of ``user`` on any correction team, with the reason.

    Called when a volunteer leaves active service: access to mentees ends at once, so the
    Art. 25 team rule does not hold this back (the case staff see the ended row and its reason).
    Going back to active does not restore the rows: the judicial office decides the team again.
    ``actor`` is the coordinator who changed the volunteer's status (None: the system).
    """
    rows = CorrectionTeamMember.objects.select_for_update().filter(
        user=user, role=CorrectionTeamMember.Role.VOLUNTEER, is_active=True
    )
    ids = list(rows.values_list("pk", flat=True))
    return CorrectionTeamMember.objects.filter(pk__in=ids).update(
        is_active=False, ended_at=timezone.now(), end_reason=reason[:200]
    )


@transaction.atomic
def record_need(*, supervisee: Supervisee, category: Any, urgency: int, description: str, actor: User) -> Need:
    """Record a need of the supervisee in a directory category."""
    if not scoping.can(actor, "manage", supervisee):
        raise PermissionDenied("not your case")
    return Need.objects.create(
        supervisee=supervisee, category=category, urgency=urgency, description=description, created_by=actor
    )


@transaction.atomic
def close_need(*, need: Need, actor: User, reason: str = "") -> Need:
    """Close a need nobody will work on any more (open referrals are withdrawn first).

    The reason, when given, is kept as a case note (it shows in the timeline).
    """
    need = Need.objects.select_for_update(of=("self",)).select_related("supervisee", "category").get(pk=need.pk)
    if not scoping.can(actor, "manage", need.supervisee):
        raise PermissionDenied("not your case")
    if need.status == Need.Status.CLOSED:
        raise ValidationError({"need": _("This need is already closed.")}, code="need_closed")
    if reason.strip():
        CaseNote.objects.create(
            supervisee=need.supervisee,
            author=actor,
            kind=CaseNote.Kind.NOTE,
            body=str(_("Need closed (%(category)s): %(reason)s"))
            % {"category": need.category, "reason": reason.strip()},
        )
    for referral in need.referrals.filter(state__in=Referral.OPEN_STATES):
        transition(referral=referral, to=State.WITHDRAWN, actor=actor, note=str(_("The need was closed.")))
    Need.objects.filter(pk=need.pk).update(status=Need.Status.CLOSED, closed_at=timezone.now())
    need.refresh_from_db()
    return need


@transaction.atomic
def add_note(*, supervisee: Supervisee, author: User, body: str, kind: str = CaseNote.Kind.NOTE) -> CaseNote:
    """Add a case note."""
    if not scoping.can(author, "manage", supervisee):
        raise PermissionDenied("not your case")
    return CaseNote.objects.create(supervisee=supervisee, author=author, body=body, kind=kind)


@transaction.atomic
def record_consent(
    *,
    supervisee: Supervisee,
    organisation: Any,
    recorded_by: User,
    method: str = Consent.Method.WRITTEN,
    note: str = "",
    expires_at: dt.datetime | None = None,
) -> Consent:
    """Record the supervisee's separate consent to share their record with one organisation."""
    if not scoping.can(recorded_by, "manage", supervisee):
        raise PermissionDenied("not your case")
    return Consent.objects.create(
        supervisee=supervisee,
        organisation=organisation,
        recorded_by=recorded_by,
        method=method,
        note=note,
        expires_at=expires_at,
    )


@transaction.atomic
def withdraw_consent(*, consent: Consent, actor: User) -> Consent:
    """The supervisee withdraws a consent (PIPL Art. 15): it is recorded with who and when, and every
    referral to that organisation not yet accepted (draft or sent) is withdrawn with the reason. Work
    already accepted stays: the withdrawal does not undo processing done before it.
    """
    consent = Consent.objects.select_for_update().select_related("supervisee", "organisation").get(pk=consent.pk)
    if not scoping.can(actor, "manage", consent.supervisee):
        raise PermissionDenied("not your case")
    if consent.withdrawn_at is not None:
        raise ActionError(_("This consent was already withdrawn."), code="conflict")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    reason = str(_("The supervisee withdrew their consent to share with %(organisation)s.")) % {
        "organisation": consent.organisation
    }
    pending = Referral.objects.filter(
        need__supervisee=consent.supervisee,
        offering__organisation=consent.organisation,
        state__in=[State.DRAFT, State.SENT],
    )
    withdrawn = 0
    for referral in pending:
        transition(referral=referral, to=State.WITHDRAWN, actor=actor, note=reason)
        withdrawn += 1
    body = reason
    if withdrawn:
        body += " " + str(
            ngettext(
                "%(n)s referral not yet accepted was withdrawn.",
                "%(n)s referrals not yet accepted were withdrawn.",
                withdrawn,
            )
        ) % {"n": withdrawn}
    CaseNote.objects.create(supervisee=consent.supervisee, author=actor, kind=CaseNote.Kind.NOTE, body=body)
    return consent


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


# --- Field keys -------------------------------------------------------------------


@dataclass
class KeyRotationBatch:
    """What one batch of ``rotate_field_keys`` did, and where the next batch starts."""

    examined: int
    reencrypted: int
    rehashed: int
    last_pk: int | None


@transaction.atomic
def rotate_resident_id_keys(*, after_pk: int = 0, batch_size: int = 200) -> KeyRotationBatch:
    """Re-encrypt one batch of resident ID numbers under the current key and refresh their keyed hash.

    Rows already under the current key with a current hash are left alone, so a run that
    stops halfway is simply started again. The rows of the batch are locked while they change.
    """
    rows = list(
        Supervisee.objects.select_for_update()
        .filter(pk__gt=after_pk)
        .order_by("pk")
        .only("pk", "resident_id_encrypted", "resident_id_hash")[:batch_size]
    )
    reencrypted = rehashed = 0
    for row in rows:
        changed = []
        number = identity.decrypt(row.resident_id_encrypted)
        if not identity.is_current(row.resident_id_encrypted):
            row.resident_id_encrypted = identity.encrypt(number)
            changed.append("resident_id_encrypted")
            reencrypted += 1
        digest = identity.lookup_hash(number)
        if digest != row.resident_id_hash:
            row.resident_id_hash = digest
            changed.append("resident_id_hash")
            rehashed += 1
        if changed:
            Supervisee.objects.filter(pk=row.pk).update(**{field: getattr(row, field) for field in changed})
    return KeyRotationBatch(
        examined=len(rows), reencrypted=reencrypted, rehashed=rehashed, last_pk=rows[-1].pk if rows else None
    )


def notify_provider_deactivated(*, organisation_name: str, referrals: list[Referral], reason: str) -> list[int]:
    """Tell each case staff member once which of their referrals a provider's deactivation closed or moved."""
    by_user: dict[int, tuple[User, list[str]]] = {}
    for referral in referrals:
        label = _referral_label(referral, CASE)
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
