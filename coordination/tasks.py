"""Celery tasks: load by id, call an action. Safe to run twice (acks late)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from coordination import actions
from coordination.models import Notification, Referral


@shared_task(name="coordination.deliver_notification")
def deliver_notification(notification_id: int) -> bool:
    return actions.deliver_notification(notification_id=notification_id)


@shared_task(name="coordination.deliver_pending_notifications")
def deliver_pending_notifications() -> int:
    """Periodic retry: deliver whatever is still pending (and free claims of dead workers)."""
    actions.release_stale_claims()
    ids = list(
        Notification.objects.filter(status=Notification.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    return sum(1 for pk in ids if actions.deliver_notification(notification_id=pk))


@shared_task(name="coordination.escalate_overdue_referrals")
def escalate_overdue_referrals() -> int:
    """Periodic: every sent referral past its deadline moves one escalation step."""
    ids = Referral.objects.filter(state=Referral.State.SENT, deadline__lt=timezone.now()).values_list("pk", flat=True)
    return sum(1 for pk in list(ids) if actions.escalate_referral(referral_id=pk))
