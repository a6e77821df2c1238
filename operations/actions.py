"""Writes of the operations area: record a failed task, retry it, retry an undelivered notification."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import roles
from notifications import actions as notification_actions
from notifications.models import Notification
from operations.models import FailedTask

if TYPE_CHECKING:
    from accounts.models import User


def record_task_failure(*, task_name: str, task_id: str, args: list, kwargs: dict[str, Any], error: str) -> FailedTask:
    """Keep a failed task run so the bureau sees it and can retry it (called by the worker)."""
    return FailedTask.objects.create(
        task_name=task_name[:200], task_id=task_id[:64], args=args, kwargs=kwargs, error=error[:4000]
    )


def _require_operator(actor: User) -> None:
    if not roles.is_bureau_admin(actor):
        raise PermissionDenied("only the bureau retries tasks and notifications")


@transaction.atomic
def retry_failed_task(*, failed_task: FailedTask, actor: User) -> bool:
    """Queue the task again with its arguments (once: a second retry of the same row does nothing)."""
    _require_operator(actor)
    marked = FailedTask.objects.filter(pk=failed_task.pk, retried_at__isnull=True).update(
        retried_at=timezone.now(), retried_by=actor
    )
    if marked:
        from config.celery import app

        name, args, kwargs = failed_task.task_name, failed_task.args, failed_task.kwargs
        # Through the registered task, so that without a broker it runs in-process as every task does.
        task = app.tasks.get(name)
        if task is None:
            transaction.on_commit(lambda: app.send_task(name, args=args, kwargs=kwargs))
        else:
            transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
    return bool(marked)


@transaction.atomic
def retry_notification(*, notification: Notification, actor: User) -> bool:
    """Put a failed or stuck notification back to pending with fresh attempts, and queue its delivery."""
    _require_operator(actor)
    return bool(notification_actions.requeue(notification_ids=[notification.pk]))


@transaction.atomic
def retry_failed_notifications(*, actor: User) -> int:
    """Queue every failed notification again (after an outage); returns how many."""
    _require_operator(actor)
    failed = Notification.objects.filter(status=Notification.Status.FAILED).values_list("pk", flat=True)
    return len(notification_actions.requeue(notification_ids=failed))
