"""Notifications as an outbox: written with the event, delivered once, retried, escalations."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from coordination import actions, tasks
from coordination.models import Referral
from notifications import actions as outbox
from notifications import tasks as outbox_tasks
from notifications.models import Notification


def test_sending_writes_outbox_rows_in_the_same_transaction(world):
    provider = world.users["provider"]
    before = Notification.objects.filter(recipient=provider).count()
    referral = actions.create_referral(
        need=world.need, offering=world.offering, actor=world.users["officer"], send=True
    )
    rows = Notification.objects.about(referral).filter(recipient=provider)
    assert rows.count() == Notification.objects.filter(recipient=provider).count() - before
    assert set(rows.values_list("channel", flat=True)) == {"inbox", "email", "sms"}
    assert set(rows.values_list("status", flat=True)) == {"pending"}


def test_a_failed_send_writes_no_notification(world):
    count = Notification.objects.count()
    draft = actions.create_referral(need=world.need, offering=world.offering, actor=world.users["officer"])
    world.supervisee.consents.update(withdrawn_at=timezone.now())
    with pytest.raises(actions.ReferralError):
        actions.apply_verb(referral=draft, verb="send", actor=world.users["officer"])
    assert Notification.objects.count() == count


def test_delivery_task_run_twice_delivers_exactly_once(world, sms_outbox, django_capture_on_commit_callbacks):
    Notification.objects.update(status=Notification.Status.SENT)  # the world's history is out of the way
    mail.outbox.clear()
    actions.create_referral(need=world.need, offering=world.offering, actor=world.users["officer"], send=True)
    pending = Notification.objects.filter(status="pending")
    assert pending.count() == 3
    assert outbox_tasks.deliver_pending_notifications() == 3
    assert outbox_tasks.deliver_pending_notifications() == 0
    for pk in Notification.objects.values_list("pk", flat=True):
        outbox_tasks.deliver_notification(pk)  # a duplicate message from the broker
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.users["provider"].email]
    assert len(sms_outbox) == 1 and sms_outbox[0].to == world.users["provider"].phone
    assert not Notification.objects.exclude(status="sent").exists()


@pytest.fixture
def eager_celery():
    from config.celery import app

    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # as on a newcomer's machine without a broker
    yield
    app.conf.task_always_eager = was_eager


def test_on_commit_queues_delivery(world, sms_outbox, django_capture_on_commit_callbacks, eager_celery):
    Notification.objects.update(status=Notification.Status.SENT)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referral = actions.create_referral(
            need=world.need, offering=world.offering, actor=world.users["officer"], send=True
        )
    assert not Notification.objects.about(referral).exclude(status="sent").exists()
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1


def test_failures_are_retried_then_given_up(world, settings, monkeypatch, tasks_retry_in_process):
    settings.NOTIFICATION_MAX_ATTEMPTS = 5
    settings.NOTIFICATION_BACKOFF_SECONDS = 0  # the sweep's backoff is tested in tests/notifications
    Notification.objects.update(status=Notification.Status.SENT)
    settings.EMAIL_BACKEND = "tests.coordination.test_outbox.BrokenBackend"
    actions.create_referral(need=world.need, offering=world.offering, actor=world.users["officer"], send=True)
    email = Notification.objects.get(status="pending", channel="email")
    with pytest.raises(ConnectionError):  # called directly, the outage reaches the caller: Celery retries it
        outbox_tasks.deliver_pending_notifications()
    email.refresh_from_db()
    assert email.status == "pending" and email.attempts == 1 and "gateway down" in email.last_error
    outbox_tasks.deliver_pending_notifications.apply()  # the task retries with backoff until the attempts run out
    email.refresh_from_db()
    assert email.status == "failed" and email.attempts == 5


def test_a_stale_claim_is_released_for_retry(world):
    Notification.objects.update(status=Notification.Status.SENDING, claimed_at=timezone.now() - dt.timedelta(hours=1))
    assert outbox.release_stale_claims() == Notification.objects.count()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("gateway down")


def test_overdue_escalates_to_the_officer_then_the_bureau_then_expires(world):
    referral = world.referrals["sent"]
    officer, bureau = world.users["officer"], world.users["bureau"]
    deadline = referral.deadline
    assert deadline > timezone.now()
    assert actions.escalate_referral(referral_id=referral.pk) is None  # not due yet
    after = deadline + dt.timedelta(hours=1)
    assert actions.escalate_referral(referral_id=referral.pk, now=after) == "officer"
    assert actions.escalate_referral(referral_id=referral.pk, now=after) is None  # once only
    assert Notification.objects.filter(recipient=officer, kind="referral_overdue", channel="inbox").count() == 1
    later = deadline + dt.timedelta(days=4)
    assert actions.escalate_referral(referral_id=referral.pk, now=later) == "bureau"
    assert actions.escalate_referral(referral_id=referral.pk, now=later) is None
    assert Notification.objects.filter(recipient=bureau, kind="referral_overdue", channel="inbox").count() == 1
    assert actions.escalate_referral(referral_id=referral.pk, now=deadline + dt.timedelta(days=15)) == "expired"
    referral.refresh_from_db()
    assert referral.state == Referral.State.EXPIRED and referral.events.latest("pk").actor is None


def test_deadline_depends_on_the_category(world, settings):
    settings.REFERRAL_RESPONSE_DAYS = {"vocational_training": 1}
    referral = actions.create_referral(
        need=world.need, offering=world.offering, actor=world.users["officer"], send=True
    )
    assert dt.timedelta(hours=23) < referral.deadline - referral.sent_at <= dt.timedelta(days=1)


def test_the_periodic_task_escalates_overdue_referrals(world):
    Referral.objects.filter(pk=world.referrals["sent"].pk).update(deadline=timezone.now() - dt.timedelta(hours=2))
    assert tasks.escalate_overdue_referrals() == 1
    assert tasks.escalate_overdue_referrals() == 0


def test_inbox_page_and_mark_read(world):
    from django.test import Client

    client = Client()
    client.force_login(world.users["officer"])
    inbox = client.get("/api/v1/notifications/").json()["results"]
    assert inbox and all(n["read_at"] is None for n in inbox)
    response = client.post(f"/api/v1/notifications/{inbox[0]['id']}/read/")
    assert response.json()["read_at"] is not None


def test_periodic_tasks_are_scheduled(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {outbox_tasks.deliver_pending_notifications.name, tasks.escalate_overdue_referrals.name} <= tasks_scheduled
