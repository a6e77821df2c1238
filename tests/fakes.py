"""Fakes of the outside world that fail on purpose, chosen by settings (EMAIL_BACKEND, SMS_BACKEND).

Each keeps what it delivered, like ``mail.outbox``; ``fail_with`` is raised for the next
``failures`` sends. Reset them with ``reset()`` at the start of a test.
"""

from __future__ import annotations

from django.core.mail.backends.locmem import EmailBackend

from accounts.sms import RecordingSmsBackend, SmsMessage


class _Flaky:
    failures: int = 0
    fail_with: BaseException | None = None
    calls: int = 0

    @classmethod
    def reset(cls, *, failures: int = 0, fail_with: BaseException | None = None) -> None:
        cls.failures, cls.fail_with, cls.calls = failures, fail_with, 0

    @classmethod
    def _maybe_fail(cls) -> None:
        cls.calls += 1
        if cls.failures > 0 and cls.fail_with is not None:
            cls.failures -= 1
            raise cls.fail_with


class FlakyEmailBackend(_Flaky, EmailBackend):
    """Django's in-memory backend (``mail.outbox``) that first fails ``failures`` times."""

    def send_messages(self, messages):
        type(self)._maybe_fail()
        return super().send_messages(messages)


class FlakySmsBackend(_Flaky, RecordingSmsBackend):
    """The recording SMS fake that first fails ``failures`` times."""

    def send(self, message: SmsMessage) -> None:
        type(self)._maybe_fail()
        super().send(message)
