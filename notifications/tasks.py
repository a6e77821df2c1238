"""Celery tasks: load by id, call an action, retry transient failures. Safe to run twice (acks late)."""

from __future__ import annotations

from celery import shared_task

from accounts.retry import RETRY
from notifications import actions, selectors


@shared_task(name="notifications.deliver_notification", **RETRY)
def deliver_notification(notification_id: int) -> bool:
    return actions.deliver_notification(notification_id=notification_id)


@shared_task(name="notifications.deliver_notifications", **RETRY)
def deliver_notifications(notification_ids: list[int]) -> int:
    """The rows one event wrote, delivered in one task (each row still claimed on its own)."""
    return actions.deliver_notifications(notification_ids=notification_ids)


@shared_task(name="notifications.deliver_pending_notifications", **RETRY)
def deliver_pending_notifications() -> int:
    """Periodic sweep: retry rows of dead workers, then deliver whatever is pending and due."""
    actions.release_stale_claims()
    return actions.deliver_notifications(notification_ids=selectors.pending_notification_ids())
