"""notify() for users and bare addresses, the inbox with unread counts and mark-all-read, preferences."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from notifications import actions, selectors, tasks
from notifications.actions import Address
from notifications.models import Notification
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
KIND = Notification.Kind.REFERRAL_SENT


@pytest.fixture
def user(db, settings):
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    return factories.UserFactory(email="worker@example.cn", phone="+8613900000001")


def _channels(ids):
    return sorted(Notification.objects.filter(pk__in=ids).values_list("channel", flat=True))


def test_a_user_gets_inbox_and_email_and_sms_when_asked_a_bare_address_gets_mail(user):
    assert _channels(actions.notify(recipients=[user], kind=KIND, subject="s")) == ["email", "inbox"]
    assert _channels(actions.notify(recipients=[user, user], kind=KIND, subject="s", sms=True)) == [
        "email",
        "inbox",
        "sms",
    ]
    ids = actions.notify(recipients=[Address(email="applicant@example.cn"), None], kind="volunteer", subject="s")
    row = Notification.objects.get(pk__in=ids)
    assert row.recipient is None and row.address == "applicant@example.cn" and row.channel == "email"
    mail.outbox.clear()
    tasks.deliver_pending_notifications()
    assert sorted(m.to[0] for m in mail.outbox) == ["applicant@example.cn", "worker@example.cn", "worker@example.cn"]


def test_inbox_page_shows_the_unread_count_in_the_header_and_marks_all_read(user):
    for i in range(3):
        actions.notify(recipients=[user], kind=KIND, subject=f"转介 {i}")
    other = factories.UserFactory()
    actions.notify(recipients=[other], kind=KIND, subject="not yours")
    client = Client()
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert "转介 2" in page and "not yours" not in page
    assert '<span class="badge">3</span>' in client.get("/volunteers/").content.decode()
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302 and selectors.unread_count(user) == 0
    assert selectors.unread_count(other) == 1
    assert 'class="badge"' not in client.get("/notifications/").content.decode()
    # The API route kept its address.
    assert client.get("/api/v1/notifications/unread/").json() == {"unread": 0}
    assert len(client.get("/api/v1/notifications/").json()["results"]) == 3


def test_the_old_casework_address_of_the_inbox_still_works(user):
    client = Client()
    client.force_login(user)
    response = client.get("/casework/notifications/")
    assert response.status_code == 302 and response["Location"].endswith("/notifications/")


def test_a_muted_channel_is_not_written_and_the_inbox_cannot_be_muted(user):
    client = Client()
    client.force_login(user)
    form = {"quiet_start": "", "quiet_end": ""}
    # Every box left ticked except "referral received · e-mail".
    for kind in Notification.Kind.values:
        for channel in ("email", "sms"):
            if (kind, channel) != (KIND, "email"):
                form[f"{kind}:{channel}"] = "on"
    assert client.post("/notifications/preferences/", form).status_code == 302
    assert _channels(actions.notify(recipients=[user], kind=KIND, subject="s", sms=True)) == ["inbox", "sms"]
    assert _channels(actions.notify(recipients=[user], kind="referral_accepted", subject="s")) == ["email", "inbox"]


def test_half_a_quiet_period_is_a_form_error(user):
    client = Client()
    client.force_login(user)
    response = client.post("/notifications/preferences/", {"quiet_start": "22:00", "quiet_end": ""})
    assert response.status_code == 400 and "quiet" in response.content.decode().lower()


def test_email_and_sms_wait_out_the_quiet_hours_the_inbox_does_not(user):
    actions.set_preferences(user=user, muted=[], quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0))
    late = dt.datetime(2026, 12, 1, 23, 30, tzinfo=SHANGHAI)
    with time_machine.travel(late, tick=False):
        ids = actions.notify(recipients=[user], kind=KIND, subject="s", sms=True)
        mail.outbox.clear()
        assert tasks.deliver_notifications(ids) == 1  # only the inbox row
        assert mail.outbox == []
        held = Notification.objects.filter(pk__in=ids).exclude(channel="inbox")
        assert {timezone.localtime(r.due_at, SHANGHAI).time() for r in held} == {dt.time(7, 0)}
    from operations.selectors import backlog_counts

    with time_machine.travel(dt.datetime(2026, 12, 2, 1, 0, tzinfo=SHANGHAI), tick=False):
        assert tasks.deliver_pending_notifications() == 0
        assert backlog_counts()["notifications_stuck"] == 0  # held for quiet hours is not stuck
    with time_machine.travel(dt.datetime(2026, 12, 2, 7, 1, tzinfo=SHANGHAI), tick=False):
        assert tasks.deliver_pending_notifications() == 2
    assert len(mail.outbox) == 1
    # Outside the quiet hours nothing waits.
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=SHANGHAI), tick=False):
        ids = actions.notify(recipients=[user], kind=KIND, subject="s")
        assert not Notification.objects.filter(pk__in=ids, due_at__isnull=False).exists()


def test_only_the_recipient_reads_a_notification(user):
    [inbox_id] = [
        pk
        for pk in actions.notify(recipients=[user], kind=KIND, subject="s")
        if Notification.objects.get(pk=pk).channel == "inbox"
    ]
    other = factories.UserFactory()
    stranger = Client()
    stranger.force_login(other)
    assert stranger.post(f"/notifications/{inbox_id}/read/").status_code == 404
    assert stranger.post(f"/api/v1/notifications/{inbox_id}/read/").status_code == 404
    anonymous = Client()
    assert anonymous.get("/notifications/").status_code == 302
    assert anonymous.post(f"/api/v1/notifications/{inbox_id}/read/").status_code == 403
    owner = Client()
    owner.force_login(user)
    assert owner.post(f"/api/v1/notifications/{inbox_id}/read/").json()["read_at"] is not None
    assert Notification.objects.get(pk=inbox_id).read_at is not None
