"""Celery tasks: load by id, call an action."""

from __future__ import annotations

from celery import shared_task

from matching import actions


@shared_task(name="matching.run")
def run_matching(run_id: int) -> int:
    """Execute one queued run; returns the number of proposals."""
    return actions.execute_run(run_id=run_id).proposals_count


@shared_task(name="matching.nightly_run")
def nightly_run() -> int:
    """Nightly: refresh the proposals of the whole city."""
    run = actions.start_run(actor=None, office=None, queue=False)
    return actions.execute_run(run_id=run.pk).proposals_count
