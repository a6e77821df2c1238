"""Settings of the outbox, with defaults; override any of them in Django settings."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def MAX_ATTEMPTS() -> int:
    """Tries before a row is marked failed (the bureau can retry failed rows, one or all)."""
    return int(getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 8))


def BACKOFF(attempts: int) -> dt.timedelta:
    """Wait before the next try after ``attempts`` failed ones: 1, 2, 4… minutes, at most an hour."""
    base = int(getattr(settings, "NOTIFICATION_BACKOFF_SECONDS", 60))
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def CLAIM_TIMEOUT() -> dt.timedelta:
    """A row 'sending' longer than this was claimed by a worker that died; it is tried again."""
    return dt.timedelta(seconds=int(getattr(settings, "NOTIFICATION_CLAIM_TIMEOUT_SECONDS", 600)))
