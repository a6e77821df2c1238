"""The Celery application: JSON only, late acks, bounded task time."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # A task is acknowledged only after it ran, so a crashed worker's task is
    # delivered again; every task must therefore be idempotent.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_soft_time_limit=300,
    task_time_limit=360,
    broker_connection_retry_on_startup=True,
    result_expires=24 * 60 * 60,
)
app.autodiscover_tasks()

from config.observability import connect_celery_signals  # noqa: E402

connect_celery_signals()
