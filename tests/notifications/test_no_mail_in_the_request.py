"""Volunteer and vetting mail goes through the outbox: an SMTP outage never fails the request or loses mail."""

from __future__ import annotations

from django.db import transaction

from notifications.actions import Address
from notifications.models import Notification
from tests.notifications.smtp_fake import free_port
from volunteers.actions import _base as mail_base


def test_volunteer_mail_with_the_mail_server_down_is_kept_for_later(db, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2  # nobody listens
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        mail_base._notify_on_commit(to=[Address(email="applicant@example.cn")], subject="申请已收到", body="…")
    row = Notification.objects.get(address="applicant@example.cn")
    assert row.status == Notification.Status.PENDING and row.attempts >= 1 and row.last_error
    assert row.recipient is None and row.kind == Notification.Kind.VOLUNTEER
