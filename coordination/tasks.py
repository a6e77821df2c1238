"""Celery tasks: load by id, call an action, retry transient failures. Safe to run twice (acks late)."""

from __future__ import annotations

from celery import shared_task

from accounts.retry import RETRY
from coordination import actions, selectors


@shared_task(name="coordination.escalate_overdue_referrals", **RETRY)
def escalate_overdue_referrals() -> int:
    """Periodic: every sent referral past its deadline moves one escalation step."""
    return sum(1 for pk in selectors.overdue_referral_ids() if actions.escalate_referral(referral_id=pk))
