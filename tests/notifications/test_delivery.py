"""The outbox's delivery: real SMTP answering 451 then recovering, stale claims, backoff, bulk retry."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from notifications import actions, selectors, tasks
from notifications.actions import Address
from notifications.models import Notification
from operations import actions as operations_actions
from tests import factories
from tests.notifications.smtp_fake import FlakySmtpServer

Status = Notification.Status


@pytest.fixture
def smtp(settings):
    with FlakySmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
        yield server


def _write(n: int) -> list[int]:
    ids = []
    with transaction.atomic():
        for i in range(n):
            ids += actions.notify(
                recipients=[Address(email=f"applicant{i}@example.cn")],
                kind=Notification.Kind.VOLUNTEER,
                subject=f"message {i}",
                body="hello",
            )
    return ids


def test_a_451_outage_then_recovery_loses_nothing_and_sends_nothing_twice(db, smtp, settings, tasks_retry_in_process):
    settings.NOTIFICATION_MAX_ATTEMPTS = 20
    ids = _write(3)
    start = timezone.now()
    # While the server answers 451 the task retries (its own backoff), then leaves the rows to the sweep.
    tasks.deliver_notifications.apply(args=[ids])
    rows = Notification.objects.filter(pk__in=ids)
    assert smtp.handler.refused >= 3 and smtp.handler.accepted == []
    assert {r.status for r in rows} == {Status.PENDING}
    assert all(r.attempts >= 1 and "451" in r.last_error and r.retry_at > start for r in rows)
    assert selectors.pending_notification_ids() == []  # the sweep waits out the backoff
    smtp.handler.down = False
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert tasks.deliver_pending_notifications() == 3
        assert tasks.deliver_pending_notifications() == 0
    assert sorted(smtp.handler.message_ids()) == sorted(r.message_id for r in Notification.objects.filter(pk__in=ids))
    assert len(set(smtp.handler.message_ids())) == 3
    assert set(Notification.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Status.SENT}


def test_failed_rows_after_a_long_outage_are_retried_in_bulk_once_it_is_over(
    db, smtp, settings, tasks_retry_in_process, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    city = factories.make_city()
    bureau = factories.user_with_role(Role.BUREAU_ADMIN, city.bureau)
    ids = _write(2)
    tasks.deliver_notifications.apply(args=[ids])
    assert set(Notification.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Status.FAILED}
    smtp.handler.down = False
    with django_capture_on_commit_callbacks(execute=True):
        assert operations_actions.retry_failed_notifications(actor=bureau) == 2
    assert set(Notification.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Status.SENT}
    assert len(smtp.handler.message_ids()) == 2 and len(set(smtp.handler.message_ids())) == 2
    with django_capture_on_commit_callbacks(execute=True):  # nothing failed any more: nothing is sent again
        assert operations_actions.retry_failed_notifications(actor=bureau) == 0
    assert len(smtp.handler.accepted) == 2


def test_a_send_whose_worker_died_is_retried_with_the_same_message_id(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    [pk] = actions.notify(recipients=[Address(email="a@example.cn")], kind="volunteer", subject="s")
    row = Notification.objects.get(pk=pk)
    # A worker claimed it (and maybe handed it to the mail server) and died before recording the result.
    Notification.objects.filter(pk=pk).update(
        status=Status.SENDING, attempts=1, claimed_at=timezone.now() - dt.timedelta(minutes=5)
    )
    mail.outbox.clear()
    assert tasks.deliver_pending_notifications() == 0  # a claim younger than the timeout is left alone
    Notification.objects.filter(pk=pk).update(claimed_at=timezone.now() - dt.timedelta(minutes=11))
    assert tasks.deliver_pending_notifications() == 1
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 2 and "claim expired" in row.last_error
    assert len(mail.outbox) == 1 and mail.outbox[0].extra_headers["Message-ID"] == row.message_id
    assert row.message_id == f"<notification-{row.key}@cc.example.cn>"


def test_a_permanent_refusal_fails_at_once_and_is_visible(db, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.RefusingBackend"
    [pk] = actions.notify(recipients=[Address(email="x@example.cn")], kind="volunteer", subject="s")
    tasks.deliver_pending_notifications()
    row = Notification.objects.get(pk=pk)
    assert row.status == Status.FAILED and row.attempts == 1 and "550" in row.last_error
    from operations.selectors import undelivered_notifications

    assert row in undelivered_notifications()


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({"x@example.cn": (550, b"no such user")})
