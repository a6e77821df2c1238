"""Celery tasks: load by id, call an action, retry transient failures."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from accounts.retry import RETRY
from matching import actions
from matching.models import MatchRun


@shared_task(name="matching.run", **RETRY)
def run_matching(run_id: int) -> int:
    """Execute one queued run; returns the number of proposals. A failed run may be executed again."""
    return actions.execute_run(run_id=run_id).proposals_count


@shared_task(name="matching.nightly_run", **RETRY)
def nightly_run() -> int:
    """Nightly: refresh the proposals of the whole city (needs to services, then mentor pairing).

    Delivered again after its worker died, it takes up tonight's runs where they are (a run done
    stays done, a run left running restarts) instead of starting new ones.
    """
    total = 0
    since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    for kind in (MatchRun.Kind.REFERRALS, MatchRun.Kind.MENTORS):
        run = (
            MatchRun.objects.filter(kind=kind, office=None, created_by=None, created_at__gte=since)
            .exclude(status=MatchRun.Status.FAILED)
            .order_by("-pk")
            .first()
        ) or actions.start_run(actor=None, office=None, queue=False, kind=kind)
        total += actions.execute_run(run_id=run.pk).proposals_count
    return total


@shared_task(name="matching.sweep_runs", **RETRY)
def sweep_runs() -> dict:
    """Every minute: fail runs whose worker died (stale heartbeat), queue again runs the broker lost."""
    return actions.sweep_runs()
