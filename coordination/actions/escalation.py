"""Deadlines and escalation of referrals nobody answered."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination import conf
from coordination.actions._base import Role, State, _bureau_admins, _members, _notify, _referral_label
from coordination.actions.referrals import CASE, transition
from coordination.models import (
    Referral,
)
from coordination.selectors import overdue_q
from notifications.models import Notification

if TYPE_CHECKING:
    pass


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
