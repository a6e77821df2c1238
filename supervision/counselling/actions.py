"""Every write of counselling: a session with its notes, an edit of the notes, an assessment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from coordination.models import Supervisee
from supervision.counselling import policies
from supervision.counselling.models import CounsellingNote, CounsellingSession, PsychAssessment


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


@transaction.atomic
def record_session(
    *, supervisee: Supervisee, actor: Any, held_on: dt.date, minutes: int, summary: str, note: str = ""
) -> CounsellingSession:
    """Record a counselling session, under the counsellor's organisation, with its notes (if any)."""
    if not scoping.policy_for(CounsellingSession).can(actor, "record", supervisee):
        raise PermissionDenied(_("Only a counsellor of an organisation this person is referred to may record."))
    _not_future(held_on, "held_on")
    if minutes <= 0:
        raise ValidationError({"minutes": _("Give the length of the session in minutes.")})
    session = CounsellingSession.objects.create(
        supervisee=supervisee,
        counsellor=actor,
        organisation_id=policies.organisation_for(actor, supervisee),
        held_on=held_on,
        minutes=minutes,
        summary=summary,
    )
    if note:
        CounsellingNote.objects.create(session=session, text=note)
    return session


@transaction.atomic
def edit_note(*, session: CounsellingSession, actor: Any, text: str) -> CounsellingNote:
    """Write or replace a session's notes: only the counsellor who held the session."""
    note = CounsellingNote.objects.select_for_update().filter(session=session).first() or CounsellingNote(
        session=session
    )
    if not scoping.policy_for(CounsellingNote).can(actor, "edit", note):
        raise PermissionDenied(_("Only the counsellor who held the session may change its notes."))
    note.text = text
    note.save()
    return note


@transaction.atomic
def record_assessment(
    *,
    supervisee: Supervisee,
    actor: Any,
    instrument: str,
    score: Decimal,
    assessed_on: dt.date,
    interpretation: str = "",
) -> PsychAssessment:
    """Record a psychological assessment under the counsellor's organisation."""
    if not scoping.policy_for(PsychAssessment).can(actor, "record", supervisee):
        raise PermissionDenied(_("Only a counsellor of an organisation this person is referred to may record."))
    _not_future(assessed_on, "assessed_on")
    return PsychAssessment.objects.create(
        supervisee=supervisee,
        assessed_by=actor,
        organisation_id=policies.organisation_for(actor, supervisee),
        instrument=instrument,
        score=score,
        assessed_on=assessed_on,
        interpretation=interpretation,
    )
