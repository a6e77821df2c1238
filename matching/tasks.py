"""Celery tasks: load by id, call an action, retry transient failures."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.retry import RETRY
from matching import actions
from matching.models import MatchRun


@shared_task(name="matching.run", **RETRY)
def run_matching(run_id: int) -> int:
    """Execute one queued run; returns the number of proposals. A failed run may be executed again."""
    return actions.execute_run(run_id=run_id).proposals_count


@shared_task(name="matching.requeue_queued_runs", **RETRY)
def requeue_queued_runs() -> int:
    """Periodic: queue again the runs still waiting after MATCHING_REQUEUE_AFTER (the broker was down when started)."""
    from config.queue import enqueue

    cutoff = timezone.now() - dt.timedelta(seconds=settings.MATCHING_REQUEUE_AFTER)
    ids = list(
        MatchRun.objects.filter(status=MatchRun.Status.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True)
    )
    return sum(1 for pk in ids if enqueue(run_matching, pk))


@shared_task(name="matching.nightly_run", **RETRY)
def nightly_run() -> int:
    """Nightly: refresh the proposals of the whole city (needs to services, then mentor pairing)."""
    total = 0
    for kind in (MatchRun.Kind.REFERRALS, MatchRun.Kind.MENTORS):
        run = actions.start_run(actor=None, office=None, queue=False, kind=kind)
        total += actions.execute_run(run_id=run.pk).proposals_count
    return total
