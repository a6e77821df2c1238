from celery import shared_task

from accounts import actions
from accounts.retry import RETRY


@shared_task(name="accounts.daily_health_summary", **RETRY)
def daily_health_summary() -> int:
    """Nightly: record and e-mail the platform's health summary. Returns the report id."""
    return actions.record_health_summary().pk


@shared_task(name="accounts.purge_idempotency_keys", **RETRY)
def purge_idempotency_keys() -> int:
    """Daily: forget idempotency keys older than a day. Returns how many."""
    from accounts import idempotency

    return idempotency.purge_expired()
