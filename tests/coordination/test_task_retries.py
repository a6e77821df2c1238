"""Outbox delivery through the Celery tasks: a transient failure is retried with backoff, a permanent one is not.

The failures come from the fakes chosen by settings (tests/fakes.py); ``task.apply()`` runs the
task in-process and performs its retries at once (Celery skips the countdown when applying).
"""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail

from coordination import actions
from notifications import tasks
from notifications.models import Notification
from tests.fakes import FlakyEmailBackend, FlakySmsBackend

pytestmark = pytest.mark.usefixtures("tasks_retry_in_process")


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.fakes.FlakyEmailBackend"
    FlakyEmailBackend.reset()
    return FlakyEmailBackend


@pytest.fixture
def flaky_sms(settings):
    settings.SMS_BACKEND = "tests.fakes.FlakySmsBackend"
    FlakySmsBackend.reset()
    return FlakySmsBackend


def _pending_email(world) -> Notification:
    Notification.objects.update(status=Notification.Status.SENT)
    actions.create_referral(need=world.need, offering=world.offering, actor=world.users["officer"], send=True)
    return Notification.objects.get(status=Notification.Status.PENDING, channel=Notification.Channel.EMAIL)


def test_a_transient_mail_failure_is_retried_until_delivered(world, flaky_mail):
    email = _pending_email(world)
    flaky_mail.reset(failures=2, fail_with=smtplib.SMTPServerDisconnected("connection closed"))
    result = tasks.deliver_notification.apply(args=[email.pk])
    assert result.successful() and result.get() is True
    email.refresh_from_db()
    assert email.status == Notification.Status.SENT and email.attempts == 3
    assert flaky_mail.calls == 3 and len(mail.outbox) == 1


def test_a_permanent_mail_failure_is_not_retried(world, flaky_mail):
    email = _pending_email(world)
    flaky_mail.reset(failures=1, fail_with=smtplib.SMTPRecipientsRefused({"x": (550, b"no such user")}))
    result = tasks.deliver_notification.apply(args=[email.pk])
    assert result.get() is False
    email.refresh_from_db()
    assert email.status == Notification.Status.FAILED and email.attempts == 1 and "no such user" in email.last_error
    assert flaky_mail.calls == 1 and mail.outbox == []
    tasks.deliver_pending_notifications.apply()  # the sweep does not pick it up again
    email.refresh_from_db()
    assert email.status == Notification.Status.FAILED and email.attempts == 1 and flaky_mail.calls == 1


def test_a_lasting_outage_is_given_up_after_the_allowed_attempts(world, flaky_mail, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 4
    email = _pending_email(world)
    flaky_mail.reset(failures=100, fail_with=ConnectionRefusedError("mail server down"))
    assert tasks.deliver_notification.apply(args=[email.pk]).get() is False
    email.refresh_from_db()
    assert email.status == Notification.Status.FAILED and email.attempts == 4
    assert flaky_mail.calls == 4


def test_one_failing_row_does_not_hold_back_the_others_and_sent_rows_are_not_sent_twice(world, flaky_mail, flaky_sms):
    referral = world.referrals["sent"]
    Notification.objects.update(status=Notification.Status.SENT)
    assert actions.escalate_referral(referral_id=referral.pk, now=referral.deadline + dt.timedelta(hours=1))
    rows = list(Notification.objects.filter(status=Notification.Status.PENDING).order_by("pk"))
    by_channel = {row.channel: row for row in rows}
    assert set(by_channel) == {"inbox", "email", "sms"}
    flaky_sms.reset(failures=1, fail_with=TimeoutError("gateway timed out"))
    result = tasks.deliver_notifications.apply(args=[[row.pk for row in rows]])
    assert result.successful()
    for row in rows:
        row.refresh_from_db()
    assert {row.channel: (row.status, row.attempts) for row in rows} == {
        "inbox": ("sent", 1),
        "email": ("sent", 1),
        "sms": ("sent", 2),
    }
    assert len(mail.outbox) == 1 and flaky_sms.calls == 2


def test_a_failed_first_delivery_does_not_fail_the_committed_request(
    world, flaky_mail, django_capture_on_commit_callbacks
):
    """Eager mode (no broker): the first delivery runs inside the request, after commit."""
    from config.celery import app

    Notification.objects.update(status=Notification.Status.SENT)
    flaky_mail.reset(failures=1, fail_with=smtplib.SMTPServerDisconnected("connection closed"))
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True  # as configured without a broker (the fixture restores it)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            referral = actions.create_referral(
                need=world.need, offering=world.offering, actor=world.users["officer"], send=True
            )
    finally:
        app.conf.task_always_eager = was_eager
    email = Notification.objects.about(referral).get(channel=Notification.Channel.EMAIL)
    assert email.status == Notification.Status.PENDING and email.attempts == 1  # the sweep will deliver it
    assert referral.state == "sent"
