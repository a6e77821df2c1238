"""The daily health summary: eagerly in-process, and through a real worker on Redis (CI)."""

import time

import pytest
from django.core import mail

from accounts.models import HealthReport
from accounts.tasks import daily_health_summary
from services.models import Membership


def test_health_summary_runs_eagerly_and_mails_the_bureau(role_users, django_capture_on_commit_callbacks):
    from config.celery import app

    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # as on a newcomer's machine without a broker
    try:
        with django_capture_on_commit_callbacks(execute=True):  # the mail goes out through the outbox
            result = daily_health_summary.delay()
        report = HealthReport.objects.get(pk=result.get(timeout=10))
    finally:
        app.conf.task_always_eager = was_eager
    assert report.ok
    assert report.summary["checks"] == {"database": True, "cache": True}
    assert report.summary["counts"]["memberships_by_role"][Membership.Role.OFFICE_OFFICER] == 1
    bureau_email = role_users[Membership.Role.BUREAU_ADMIN].email
    assert [m.to for m in mail.outbox] == [[bureau_email]]
    assert "平台运行状况" in mail.outbox[0].subject or "Platform health" in mail.outbox[0].subject


def test_beat_schedule_runs_the_summary_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["daily-health-summary"]
    assert entry["task"] == daily_health_summary.name
    schedule = entry["schedule"]
    # Every day of every week and month, once, at 06:00 Shanghai time (before the working day).
    assert schedule.day_of_week == set(range(7))
    assert schedule.day_of_month == set(range(1, 32))
    assert schedule.month_of_year == set(range(1, 13))
    assert (schedule.hour, schedule.minute) == ({6}, {0})
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_health_summary_runs_through_a_real_worker_on_redis(settings):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    assert not app.conf.task_always_eager, "a broker is configured, so tasks must not run eagerly"
    before = HealthReport.objects.count()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        daily_health_summary.delay()  # fire and forget: no result backend, the report row is the result
        deadline = time.monotonic() + 30
        while HealthReport.objects.count() == before and time.monotonic() < deadline:
            time.sleep(0.2)
    assert HealthReport.objects.filter(ok=True).count() == before + 1


def test_the_report_is_recorded_whatever_the_mail_server_says_and_its_mail_is_in_the_outbox(
    role_users, settings, tasks_retry_in_process, django_capture_on_commit_callbacks
):
    import smtplib

    from notifications.models import Notification
    from tests.fakes import FlakyEmailBackend

    settings.EMAIL_BACKEND = "tests.fakes.FlakyEmailBackend"
    FlakyEmailBackend.reset(failures=1, fail_with=smtplib.SMTPServerDisconnected("connection closed"))
    with django_capture_on_commit_callbacks(execute=True):
        result = daily_health_summary.apply()
    assert result.successful() and HealthReport.objects.filter(pk=result.get()).exists()
    assert FlakyEmailBackend.calls == 2 and len(mail.outbox) == 1  # the outbox retried the dropped connection

    FlakyEmailBackend.reset(failures=1, fail_with=smtplib.SMTPRecipientsRefused({"x": (550, b"no such user")}))
    with django_capture_on_commit_callbacks(execute=True):
        refused = daily_health_summary.apply()
    # A refused address no longer fails (and repeats) the whole task: the report is kept, the mail row
    # is marked failed for the bureau's operations page.
    assert refused.successful() and HealthReport.objects.count() == 2
    assert FlakyEmailBackend.calls == 1
    row = Notification.objects.filter(kind="health_report", channel="email").latest("pk")
    assert row.status == Notification.Status.FAILED and "no such user" in row.last_error
