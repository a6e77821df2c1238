"""Reads for the operations page, readiness and metrics: failed tasks and the delivery backlog."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from matching.models import MatchRun
from notifications.models import Notification
from operations.models import FailedTask


def stuck_after() -> dt.timedelta:
    """How long a notification may wait or a run may stay queued/running before it counts as stuck."""
    return dt.timedelta(minutes=getattr(settings, "OPS_STUCK_AFTER_MINUTES", 30))


def open_failed_tasks() -> QuerySet[FailedTask]:
    """Failed task runs nobody has retried yet, newest first."""
    return FailedTask.objects.filter(retried_at__isnull=True).select_related("retried_by")


def undelivered_notifications(*, now: dt.datetime | None = None) -> QuerySet[Notification]:
    """Notifications that failed, or still wait (pending or sending) longer than the stuck limit."""
    cutoff = (now or timezone.now()) - stuck_after()
    waiting = _waiting_too_long(cutoff, now or timezone.now())
    return (
        Notification.objects.filter(Q(status=Notification.Status.FAILED) | waiting)
        .select_related("recipient")
        .order_by("created_at", "pk")
    )


def _waiting_too_long(cutoff: dt.datetime, now: dt.datetime) -> Q:
    """Pending or sending since before ``cutoff``; a row held for the recipient's quiet hours is not stuck."""
    return Q(status__in=[Notification.Status.PENDING, Notification.Status.SENDING], created_at__lt=cutoff) & ~Q(
        due_at__gt=now
    )


def stuck_runs(*, now: dt.datetime | None = None) -> QuerySet[MatchRun]:
    """Matching runs queued or running for longer than the stuck limit."""
    cutoff = (now or timezone.now()) - stuck_after()
    return MatchRun.objects.filter(
        status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING], created_at__lt=cutoff
    ).order_by("created_at")


def backlog_counts(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The figures readiness and /metrics report: what waits too long, and what failed."""
    cutoff = (now or timezone.now()) - stuck_after()
    return {
        "notifications_pending": Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING]
        ).count(),
        "notifications_stuck": Notification.objects.filter(_waiting_too_long(cutoff, now or timezone.now())).count(),
        "notifications_failed": Notification.objects.filter(status=Notification.Status.FAILED).count(),
        "runs_stuck": stuck_runs(now=now).count(),
        "tasks_failed": open_failed_tasks().count(),
    }
