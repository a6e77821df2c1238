"""How each channel sends one outbox row. Tests use Django's ``mail.outbox`` and the recording SMS fake.

A channel raises ``TransientDeliveryError`` (a ``ConnectionError``, so every task's retry policy
knows it) for an answer that may succeed later (SMTP 4xx: greylisting, a full queue), and any
other exception for a permanent failure.
"""

from __future__ import annotations

import smtplib
from typing import TYPE_CHECKING, ClassVar

from django.core.mail import EmailMessage, get_connection

from accounts.links import absolute_url

if TYPE_CHECKING:
    from notifications.models import Notification


class TransientDeliveryError(ConnectionError):
    """The gateway said "try again later"."""


def _is_transient_smtp(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    return isinstance(exc, smtplib.SMTPResponseException) and 400 <= exc.smtp_code < 500


class BaseChannel:
    code: ClassVar[str]

    def send(self, notification: Notification) -> None:
        raise NotImplementedError

    @staticmethod
    def link(notification: Notification) -> str:
        return absolute_url(notification.url) if notification.url else ""


class InboxChannel(BaseChannel):
    """The row is the message: nothing to transport."""

    code = "inbox"

    def send(self, notification: Notification) -> None:
        return None


class EmailChannel(BaseChannel):
    code = "email"

    def send(self, notification: Notification) -> None:
        address = notification.address or (notification.recipient.email if notification.recipient else "")
        message = EmailMessage(
            subject=notification.subject,
            body="\n\n".join(part for part in [notification.body, self.link(notification)] if part),
            to=[address],
            # The same on every attempt: a resend after a worker died is the same message to the
            # provider (which dedupes on it) and to the reader's mail client.
            headers={"Message-ID": notification.message_id, "X-Idempotency-Key": str(notification.key)},
            connection=get_connection(fail_silently=False),
        )
        try:
            message.send()
        except smtplib.SMTPException as exc:
            if _is_transient_smtp(exc):
                raise TransientDeliveryError(f"SMTP {exc}") from exc
            raise


class SmsChannel(BaseChannel):
    code = "sms"

    def send(self, notification: Notification) -> None:
        from accounts.sms import send_sms

        phone = notification.address or (notification.recipient.phone if notification.recipient else "")
        send_sms(to=phone, body=f"{notification.subject} {self.link(notification)}".strip())


class WeChatChannel(BaseChannel):
    """The interface a WeChat template-message gateway will implement; no gateway is configured yet."""

    code = "wechat"

    def send(self, notification: Notification) -> None:
        raise NotImplementedError("no WeChat gateway is configured")


CHANNELS: dict[str, BaseChannel] = {c.code: c for c in (InboxChannel(), EmailChannel(), SmsChannel(), WeChatChannel())}


def channel_for(code: str) -> BaseChannel:
    return CHANNELS[code]
