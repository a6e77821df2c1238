"""Reminders: a day before a shift, exactly once even if two schedulers run; expiry warnings; weekly digest."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from tests.volunteers import factories as f
from volunteers import actions, tasks


def test_shift_reminder_is_sent_once_however_often_the_task_runs(db, django_capture_on_commit_callbacks):
    soon, later_shift = f.shift(in_hours=20), f.shift(in_hours=60)
    volunteer = f.volunteer()
    actions.book_shift(actor=None, volunteer=volunteer, shift=soon)
    actions.book_shift(actor=None, volunteer=volunteer, shift=later_shift)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_shift_reminders.apply().get() == 1
        assert tasks.send_shift_reminders.apply().get() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [volunteer.email]
    assert soon.place in mail.outbox[0].body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_at_once_send_each_reminder_once():
    shift = f.shift(in_hours=20, capacity=10)
    for _ in range(6):
        actions.book_shift(actor=None, volunteer=f.volunteer(), shift=shift)
    mail.outbox.clear()
    from notifications.models import Notification

    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    results = []
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            results.append(actions.send_due_shift_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 6
    # Each reminder is one e-mail row in the outbox (a worker sends it), never two.
    rows = Notification.objects.filter(pk__gt=before, channel=Notification.Channel.EMAIL)
    assert rows.count() == 6
    # Volunteers with an account are told as users (inbox plus their e-mail), one row each.
    assert len(set(rows.values_list("recipient_id", flat=True))) == 6


def test_training_expiry_warning_once_and_not_after_renewal(db, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    expiring = f.volunteer(trained=False)
    renewed = f.volunteer(trained=False)
    f.train(expiring, ["confidentiality"], completed_on=today - dt.timedelta(days=350))  # expires in ~15 days
    f.train(renewed, ["confidentiality"], completed_on=today - dt.timedelta(days=350))
    f.train(renewed, ["confidentiality"], completed_on=today - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_training_expiry_warnings.apply().get() == 1
        assert tasks.send_training_expiry_warnings.apply().get() == 0
    assert [m.to for m in mail.outbox] == [[expiring.email]]
    assert "保密与个人信息保护" in mail.outbox[0].body


def test_weekly_digest_tells_coordinators_of_pending_hours(db, django_capture_on_commit_callbacks):
    coordinator = f.coordinator()
    volunteer = f.volunteer()
    for hours in ("1", "2"):
        actions.log_hours(
            actor=None, volunteer=volunteer, activity="服务", date=timezone.localdate(), hours=Decimal(hours)
        )
    quiet_team = f.team("无待审协会")
    f.coordinator(quiet_team)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_pending_hours_digest.apply().get() == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "2" in mail.outbox[0].body


def test_beat_schedule_has_the_volunteer_jobs(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "volunteers.send_shift_reminders",
        "volunteers.send_training_expiry_warnings",
        "volunteers.send_pending_hours_digest",
    } <= tasks_scheduled
