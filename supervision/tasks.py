"""Celery tasks: load by id, call an action. Safe to run twice (acks late)."""

from __future__ import annotations

from celery import shared_task
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.retry import RETRY
from supervision import actions
from supervision.models import Obligation

BATCH = 1000


@shared_task(name="supervision.escalate_obligations", **RETRY)
def escalate_obligations() -> int:
    """Periodic: every open overdue obligation raises the levels it has reached, each level once."""
    now = timezone.now()
    ids = list(
        Obligation.objects.filter(done_at__isnull=True, due_at__lt=now, escalation_level__lt=Obligation.Level.BUREAU)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(len(actions.escalate_obligation(obligation_id=pk, now=now)) for pk in ids)


@shared_task(name="supervision.sync_obligations", **RETRY)
def sync_obligations() -> int:
    """Nightly: every supervisee under correction (or in intake) owes what their state owes; released and
    terminated people owe nothing more. Catches records registered or changed since the last run."""
    from coordination.models import Supervisee

    active = Supervisee.objects.filter(status__in=actions.ACTIVE_STATUSES)
    # Left correction with something still open (the archive clock outlives the correction on purpose).
    still_open = Obligation.objects.filter(supervisee=OuterRef("pk"), done_at__isnull=True).exclude(
        kind=Obligation.Kind.ARCHIVE
    )
    finished = Supervisee.objects.exclude(status__in=actions.ACTIVE_STATUSES).filter(Exists(still_open))
    ids = sorted(set(active.values_list("pk", flat=True)) | set(finished.values_list("pk", flat=True)))
    created = 0
    for start in range(0, len(ids), BATCH):
        for supervisee in Supervisee.objects.filter(pk__in=ids[start : start + BATCH]):
            created += actions.sync_obligations(supervisee=supervisee)
    return created
