"""Celery tasks of movement requests: call an action. Safe to run twice (acks late)."""

from __future__ import annotations

from celery import shared_task

from accounts.retry import RETRY
from supervision.movement import actions


@shared_task(name="supervision.mark_overdue_returns", **RETRY)
def mark_overdue_returns() -> int:
    """Daily: approved travel past its last day without a report back is overdue and records the ground."""
    return actions.mark_overdue_returns()
