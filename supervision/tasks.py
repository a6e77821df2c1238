"""Celery tasks: load by id, call an action. Safe to run twice (acks late)."""

from __future__ import annotations

from celery import shared_task
from django.db.models import Exists, OuterRef, Q
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
    delays = actions.escalation_delays()
    # Only the rows with a level to raise: past the next level's delay (the open-and-due index serves it).
    due = Q()
    for level, delay in delays.items():
        due |= Q(escalation_level=level - 1, due_at__lt=now - delay)
    ids = list(
        Obligation.objects.filter(due, done_at__isnull=True, due_at__lt=now).order_by("pk").values_list("pk", flat=True)
    )
    return sum(
        actions.escalate_obligations(obligation_ids=ids[start : start + BATCH], now=now, delays=delays)
        for start in range(0, len(ids), BATCH)
    )


@shared_task(name="supervision.sync_obligations", **RETRY)
def sync_obligations() -> int:
    """Nightly: every supervisee under correction (or in intake) owes what their state owes; released and
    terminated people owe nothing more; every open investigation request owes its opinion by its due day.
    Catches records registered or changed since the last run.
    Batches of ``BATCH`` supervisees, a constant number of queries each (bench/obligations.py)."""
    from coordination.models import Supervisee

    active = Supervisee.objects.filter(status__in=actions.ACTIVE_STATUSES)
    # Left correction with something still open (the archive clock outlives the correction on purpose).
    still_open = Obligation.objects.filter(supervisee=OuterRef("pk"), done_at__isnull=True).exclude(
        kind=Obligation.Kind.ARCHIVE
    )
    finished = Supervisee.objects.exclude(status__in=actions.ACTIVE_STATUSES).filter(Exists(still_open))
    ids = sorted(set(active.values_list("pk", flat=True)) | set(finished.values_list("pk", flat=True)))
    now = timezone.now()
    created = sum(
        actions.sync_obligations_for(supervisee_ids=ids[start : start + BATCH], now=now)
        for start in range(0, len(ids), BATCH)
    )
    # The offices' own clocks: each open investigation request owes its opinion by its due day.
    return created + actions.sync_investigation_obligations(now=now)


@shared_task(name="supervision.reporting_daily", **RETRY)
def reporting_daily() -> dict[str, int]:
    """Daily: owe the next report, visit and health report; open a lost-contact episode for a report overdue
    past the grace period (once); record the grounds open episodes crossed (issue 15, items 1-3)."""
    from supervision.reporting import actions as reporting

    return reporting.run_daily()


# The movement package's tasks register with Celery when this module is discovered.
from supervision.movement.tasks import mark_overdue_returns  # noqa: E402, F401


@shared_task(name="supervision.assessment_period", **RETRY)
def assessment_period(month: str | None = None) -> dict[str, int]:
    """Daily: the assessments of the period just ended, created with their obligations and pre-filled per
    office (a constant number of queries per office); drafts are pre-filled again with what was recorded since.
    Creates nothing twice."""
    import datetime as dt

    from supervision.assessment import actions as assessment

    return assessment.create_period(month=dt.date.fromisoformat(month) if month else None)


@shared_task(name="supervision.attendance_owed", **RETRY)
def attendance_owed() -> int:
    """Daily: a session whose time has passed with no attendance recorded is owed by its office."""
    from supervision.assessment import actions as assessment

    return assessment.sync_attendance_obligations()
