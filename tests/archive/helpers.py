"""Ending a correction the way an officer does (the lifecycle actions), so the archive closes on its own."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coordination.models import CaseNote, Supervisee
from supervision import actions

ANNOUNCEMENT = {"place": "某司法所宣告室", "attendees": "司法所工作人员、家属", "items": "解除矫正宣告"}


def release(world, supervisee=None, actor=None):
    """Release the person today (their term set to end today); returns the person."""
    supervisee = supervisee or world.supervisee
    today = timezone.localdate()
    Supervisee.objects.filter(pk=supervisee.pk).update(
        correction_start=today - dt.timedelta(days=365), correction_end=today
    )
    supervisee.refresh_from_db()
    actions.release(supervisee=supervisee, actor=actor or world.users["officer"], released_on=today, **ANNOUNCEMENT)
    supervisee.refresh_from_db()
    return supervisee


def note(world, body="家访：情况稳定", supervisee=None):
    return CaseNote.objects.create(
        supervisee=supervisee or world.supervisee, author=world.users["officer"], kind="visit", body=body
    )
