"""Which failures are worth retrying, and how every Celery task retries them.

A task retries only what may succeed a moment later: the database or the broker briefly
unreachable, a mail server that dropped the connection. Anything else (a bug, bad data,
a refused recipient) fails at once, so it is seen instead of repeated.
"""

from __future__ import annotations

import smtplib

import redis.exceptions
from django import db

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    db.OperationalError,  # connection lost, deadlock, lock timeout, too many connections
    db.InterfaceError,  # the connection was closed under us
    ConnectionError,  # sockets: refused, reset, aborted (includes the SMS gateway's HTTP client)
    TimeoutError,  # sockets: timed out
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)

# Keyword arguments for ``@shared_task``: exponential backoff from 30 s up to 10 min, with
# jitter so that tasks failing together do not come back together; six tries in all.
RETRY: dict = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
