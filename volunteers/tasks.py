"""Periodic volunteer jobs (scheduled in CELERY_BEAT_SCHEDULE). Each calls one action and is safe to run twice."""

from celery import shared_task

from accounts.retry import RETRY
from volunteers import actions


@shared_task(name="volunteers.send_shift_reminders", **RETRY)
def send_shift_reminders() -> int:
    """Hourly: remind volunteers of shifts starting within a day (each booking once)."""
    return actions.send_due_shift_reminders()


@shared_task(name="volunteers.send_training_expiry_warnings", **RETRY)
def send_training_expiry_warnings() -> int:
    """Daily: warn volunteers whose training expires within 30 days (each record once)."""
    return actions.send_training_expiry_warnings()


@shared_task(name="volunteers.send_pending_hours_digest", **RETRY)
def send_pending_hours_digest() -> int:
    """Weekly: tell coordinators how many hour entries wait for review."""
    return actions.send_pending_hours_digest()
