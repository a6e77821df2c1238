"""The outbox of every message the platform sends, and each user's choices about them.

- ``Notification``: one row per recipient and channel (inbox, e-mail, SMS, WeChat later), written
  in the same transaction as the event, delivered later by Celery with retry and backoff. A row
  is addressed to a user or, for people without an account (an applicant), to a bare address.
  Its ``key`` is the idempotency key of the send; the e-mail's ``Message-ID`` is derived from it.
  A row about a supervisee names them in ``person``, so that sealing their record withdraws it.
- ``Preference``: per user, the channels turned off per kind and the quiet hours during which
  e-mail and SMS wait.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def about(self, obj: models.Model) -> NotificationQuerySet:
        """The rows written about ``obj`` (a referral, a shift…)."""
        return self.filter(topic=topic_for(obj))

    def about_person(self, person: models.Model) -> NotificationQuerySet:
        """The rows written about a person (a supervisee), whatever their topic."""
        return self.filter(person=topic_for(person))


def topic_for(obj: models.Model) -> str:
    """What a row is about, as text (the outbox depends on no app's models)."""
    return f"{obj._meta.label_lower}:{obj.pk}"


class Notification(models.Model):
    """An outbox row: written with the event in one transaction, delivered later by Celery, once."""

    class Channel(models.TextChoices):
        INBOX = "inbox", _("in-app inbox")
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")
        WECHAT = "wechat", _("WeChat")

    class Kind(models.TextChoices):
        REFERRAL_SENT = "referral_sent", _("referral received")
        REFERRAL_ACCEPTED = "referral_accepted", _("referral accepted")
        REFERRAL_DECLINED = "referral_declined", _("referral declined")
        REFERRAL_COMPLETED = "referral_completed", _("referral completed")
        REFERRAL_WITHDRAWN = "referral_withdrawn", _("referral withdrawn")
        REFERRAL_OVERDUE = "referral_overdue", _("referral overdue")
        REFERRAL_EXPIRED = "referral_expired", _("referral expired")
        VOLUNTEER = "volunteer", _("volunteering (applications, shifts, hours)")
        HEALTH_REPORT = "health_report", _("platform health report")
        OBLIGATION_OVERDUE = "obligation_overdue", _("supervision obligation overdue")
        SUPERVISION_STATUS = "supervision_status", _("supervision status changed")
        ACCOUNT = "account", _("your account (invitations)")
        OWN_RECORD = "own_record", _("your own correction record (decisions on your requests)")
        SEALED_RECORD = "sealed_record", _("sealed records (an intake or import matched one)")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # For a recipient without an account (or a copy of the user's address at the time of writing).
    address = models.CharField(_("address"), max_length=254, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    topic = models.CharField(_("about"), max_length=80, blank=True, db_index=True)
    # The supervisee the message is about ("coordination.supervisee:<pk>", as text like the topic): when the
    # record is sealed (CPL Art. 286) every row about them is withdrawn (``actions.forget_person``).
    person = models.CharField(_("about (person)"), max_length=80, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # Not delivered before this moment (the end of the recipient's quiet hours).
    due_at = models.DateTimeField(_("send after"), null=True, blank=True)
    # After a transient failure, the sweep waits until then (backoff); the task's own retries have theirs.
    retry_at = models.DateTimeField(_("next try"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notif_status_created"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notif_inbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(address=""), name="notif_has_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient or self.address}: {self.subject}"

    @property
    def message_id(self) -> str:
        """The e-mail Message-ID: the same on every attempt, so a resend is recognisable (and deduped)."""
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
        return f"<notification-{self.key}@{domain}>"


class Preference(models.Model):
    """One user's choices: channels turned off per kind, and quiet hours (local time)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    # ["<kind>:<channel>", …]: the in-app inbox cannot be turned off (nothing is lost).
    muted = models.JSONField(_("channels turned off"), default=list, blank=True)
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    def allows(self, kind: str, channel: str) -> bool:
        return channel == Notification.Channel.INBOX or f"{kind}:{channel}" not in self.muted
