"""Every Celery task retries transient failures with backoff, and only those."""

from __future__ import annotations

import smtplib

import pytest
import redis.exceptions
from django.db import OperationalError

import accounts.tasks
import bureau.tasks
import coordination.tasks
import matching.tasks
import notifications.tasks
import operations.tasks
import supervision.tasks
import volunteers.tasks
from accounts.retry import TRANSIENT_ERRORS
from config.celery import app

PROJECT_TASKS = sorted(
    name
    for name in app.tasks
    if name.split(".")[0]
    in {"accounts", "bureau", "coordination", "matching", "notifications", "operations", "supervision", "volunteers"}
)
MODULES = [
    accounts.tasks,
    bureau.tasks,
    coordination.tasks,
    matching.tasks,
    notifications.tasks,
    operations.tasks,
    supervision.tasks,
    volunteers.tasks,
]


def test_every_scheduled_task_is_one_of_ours(settings):
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= set(PROJECT_TASKS)
    assert len(PROJECT_TASKS) == sum(
        1 for module in MODULES for value in vars(module).values() if getattr(value, "name", None) in PROJECT_TASKS
    )


@pytest.mark.parametrize("name", PROJECT_TASKS)
def test_task_retries_transient_failures_with_backoff(name):
    task = app.tasks[name]
    assert task.autoretry_for == TRANSIENT_ERRORS
    assert task.retry_backoff and task.retry_jitter
    assert 1 <= task.max_retries <= 10


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        ConnectionRefusedError(),
        TimeoutError(),
        smtplib.SMTPServerDisconnected("closed"),
        redis.exceptions.ConnectionError("down"),
    ],
)
def test_outages_count_as_transient(error):
    assert isinstance(error, TRANSIENT_ERRORS)


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"x@example.cn": (550, b"no such user")}),
        smtplib.SMTPDataError(554, b"rejected"),
        ValueError("bad data"),
        PermissionError(),
    ],
)
def test_refusals_and_bugs_do_not(error):
    assert not isinstance(error, TRANSIENT_ERRORS)
