"""Needs, case notes and consents."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import scoping
from config.errors import ActionError
from coordination.actions._base import State
from coordination.actions.referrals import transition
from coordination.models import (
    CaseNote,
    Consent,
    Need,
    Referral,
    Supervisee,
)

if TYPE_CHECKING:
    from accounts.models import User


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

    The reason is required and kept as a case note (it shows in the timeline).
    """
    need = Need.objects.select_for_update(of=("self",)).select_related("supervisee", "category").get(pk=need.pk)
    if not scoping.can(actor, "manage", need.supervisee):
        raise PermissionDenied("not your case")
    if need.status == Need.Status.CLOSED:
        raise ActionError({"need": _("This need is already closed.")}, code="need_closed")
    if not reason.strip():
        raise ActionError({"reason": _("The need was not closed: say why it is closed.")}, code="required")
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
    """Add a case note (it must say something)."""
    if not scoping.can(author, "manage", supervisee):
        raise PermissionDenied("not your case")
    if not body.strip():
        raise ActionError({"body": _("The note was not saved: write some text.")}, code="required")
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
