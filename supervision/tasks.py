"""Celery tasks: load by id, call an action. Safe to run twice (acks late)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from accounts.retry import RETRY
from supervision import actions
from supervision.models import Obligation

BATCH = 1000


@shared_task(name="supervision.escalate_obligations", **RETRY)
def escalate_obligations() -> int:
    """Periodic: every open overdue obligation raises the levels it has reached, each level once.
    Batches of ``BATCH`` obligations, a constant number of queries each (bench/obligations.py)."""
    now = timezone.now()
    ids = list(
        Obligation.objects.filter(done_at__isnull=True, due_at__lt=now, escalation_level__lt=Obligation.Level.BUREAU)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    delays = actions.escalation_delays()
    return sum(
        actions.escalate_obligations(obligation_ids=ids[start : start + BATCH], now=now, delays=delays)
        for start in range(0, len(ids), BATCH)
    )


@shared_task(name="supervision.sync_obligations", **RETRY)
def sync_obligations() -> int:
    """Nightly: every supervisee under correction (or in intake) owes what their state owes; released and
    terminated people owe nothing more. Catches records registered or changed since the last run."""
    from coordination.models import Supervisee

    active = Supervisee.objects.filter(status__in=actions.ACTIVE_STATUSES)
    finished = Supervisee.objects.exclude(status__in=actions.ACTIVE_STATUSES).filter(obligations__done_at__isnull=True)
    ids = sorted(set(active.values_list("pk", flat=True)) | set(finished.values_list("pk", flat=True)))
    created = 0
    for start in range(0, len(ids), BATCH):
        for supervisee in Supervisee.objects.filter(pk__in=ids[start : start + BATCH]):
            created += actions.sync_obligations(supervisee=supervisee)
    return created
