"""Celery tasks: load by id, call an action, retry transient failures."""

from __future__ import annotations

from celery import shared_task

from accounts.retry import RETRY
from matching import actions
from matching.models import MatchRun


@shared_task(name="matching.run", **RETRY)
def run_matching(run_id: int) -> int:
    """Execute one queued run; returns the number of proposals. A failed run may be executed again."""
    return actions.execute_run(run_id=run_id).proposals_count


@shared_task(name="matching.nightly_run", **RETRY)
def nightly_run() -> int:
    """Nightly: refresh the proposals of the whole city (needs to services, then mentor pairing)."""
    total = 0
    for kind in (MatchRun.Kind.REFERRALS, MatchRun.Kind.MENTORS):
        run = actions.start_run(actor=None, office=None, queue=False, kind=kind)
        total += actions.execute_run(run_id=run.pk).proposals_count
    return total
