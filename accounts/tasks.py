from celery import shared_task

from accounts import actions
from accounts.retry import RETRY


@shared_task(name="accounts.daily_health_summary", **RETRY)
def daily_health_summary() -> int:
    """Nightly: record and e-mail the platform's health summary. Returns the report id."""
    return actions.record_health_summary().pk
