"""The SMS gateway interface. Real gateways implement ``send``; tests use the recording fake."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass
class SmsMessage:
    to: str
    body: str


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes the message to the log instead of sending it (development)."""

    def send(self, message: SmsMessage) -> None:
        logger.info("SMS to %s: %s", message.to, message.body)


@dataclass
class RecordingSmsBackend(BaseSmsBackend):
    """Keeps every message in ``outbox`` (tests), like Django's ``mail.outbox``."""

    outbox: list[SmsMessage] = field(default_factory=list)

    def send(self, message: SmsMessage) -> None:
        self.outbox.append(message)


_backend: BaseSmsBackend | None = None


def get_backend() -> BaseSmsBackend:
    global _backend
    if _backend is None or type(_backend).__module__ + "." + type(_backend).__qualname__ != settings.SMS_BACKEND:
        _backend = import_string(settings.SMS_BACKEND)()
    return _backend


def send_sms(*, to: str, body: str) -> None:
    get_backend().send(SmsMessage(to=to, body=body))
