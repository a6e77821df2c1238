"""Registering and editing supervisees: the ID-number checks (logged, throttled) and Art. 25."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles, scoping
from accounts.selectors import bureau_admins
from config.errors import ActionError
from config.observability import request_path_var
from coordination import identity, naming, policies
from coordination.actions._base import Role
from coordination.actions.access_log import log_access
from coordination.models import (
    PROBE_SEALED,
    AccessLog,
    CaseNote,
    CorrectionTeamMember,
    Sex,
    Supervisee,
)
from notifications.actions import notify
from notifications.models import Notification
from services.models import Membership

if TYPE_CHECKING:
    from accounts.models import User


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
    elif other.sealed_at is not None:
        outcome = PROBE_SEALED
    else:
        outcome = "id check: elsewhere"
    with transaction.atomic():
        if outcome == PROBE_SEALED:
            _alert_bureau_of_sealed_match(actor, other)
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
        # A sealed juvenile record (CPL Art. 286) gets the very refusal of a record in another office, so the
        # check cannot tell that a record is sealed; the bureau is told which one (``probe_resident_id``).
        message = DUPLICATE_ELSEWHERE_MESSAGE
    raise ValidationError({"resident_id": ValidationError(message, code="duplicate")})


DUPLICATE_ELSEWHERE_MESSAGE = _("A supervisee with this resident ID number is already registered.")


def _alert_bureau_of_sealed_match(actor: User, sealed: Supervisee) -> None:
    """Tell the bureau administrators that an intake or import matched a sealed record: which record (its case
    number, which they may look up among the sealed records) and which office asked. Opening it still needs a
    judicial organ's request (``supervision.sealing``)."""
    memberships = Membership.objects.filter(user=actor, is_active=True).select_related("organisation")
    offices = ", ".join(sorted({m.organisation.display_name for m in memberships})) or "—"
    notify(
        recipients=bureau_admins(),
        kind=Notification.Kind.SEALED_RECORD,
        subject=_("A registration matched a sealed record (%(case)s)") % {"case": naming.case_tail(sealed)},
        body=_(
            "%(who)s (%(offices)s) tried to register a resident ID number that belongs to a sealed juvenile "
            "record. The office was told only that the number is registered, as for a record of another office. "
            "Open the record only on a judicial organ's case-handling request."
        )
        % {"who": actor.get_full_name() or actor.get_username(), "offices": offices},
        link=reverse("supervision:sealed-records") + f"?q={sealed.case_number}",
    )


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
    "preferred_language",
)  # not status (the supervision lifecycle's steps) nor supervision_level (an approved classification review)


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
    if not scoping.can(actor, "change", supervisee):
        raise PermissionDenied(_("A sealed record can be read during an opening, never changed."))
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
