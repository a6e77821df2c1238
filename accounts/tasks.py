from celery import shared_task

from accounts import actions


@shared_task(name="accounts.daily_health_summary")
def daily_health_summary() -> int:
    """Nightly: record and e-mail the platform's health summary. Returns the report id."""
    return actions.record_health_summary().pk
