"""The beat heartbeat: beat schedules it every 30 s, a worker runs it, readiness reads the time."""

import time

from celery import shared_task

from accounts.retry import RETRY
from operations import health


@shared_task(name="operations.beat_heartbeat", ignore_result=True, **RETRY)
def beat_heartbeat() -> None:
    """Record that beat scheduled and a worker ran a task just now."""
    health.record_beat_heartbeat(time.time())
