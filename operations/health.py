"""Readiness checks: the database, the cache, the broker, a live worker, a live beat, and the backlog.

Each check returns (ok, detail) and never raises; ``/readyz`` answers 503 naming the checks that
failed. Liveness (``/healthz``) checks none of this: it only says the process answers.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings

HEARTBEAT_KEY = "cc:heartbeat:beat"
TIMEOUT = 1.0  # seconds any one check may wait for a service


def _eager() -> bool:
    return not settings.CELERY_BROKER_URL


def _broker_redis():
    """The broker's Redis with short timeouts (None when the broker is not Redis)."""
    import redis

    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    return redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)


def record_beat_heartbeat(now: float) -> None:
    """Store the time of the heartbeat task beat scheduled (kept in the broker's Redis, a day at most)."""
    client = _broker_redis()
    if client is not None:
        client.set(HEARTBEAT_KEY, repr(now), ex=24 * 60 * 60)


def check_database() -> tuple[bool, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True, connection.vendor


def check_cache() -> tuple[bool, str]:
    from django.core.cache import cache

    key, value = f"cc:readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    if cache.get(key) != value:
        return False, "a value written to the cache could not be read back"
    cache.delete(key)
    return True, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def check_broker() -> tuple[bool, str]:
    if _eager():
        return True, "no broker: tasks run in-process"
    client = _broker_redis()
    if client is not None:
        client.ping()
        return True, "redis"
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT)
    return True, conn.transport_cls


def check_worker() -> tuple[bool, str]:
    if _eager():
        return True, "no broker: tasks run in-process"
    from config.celery import app

    replies = app.control.ping(timeout=TIMEOUT)
    if not replies:
        return False, "no Celery worker answered a ping"
    return True, f"{len(replies)} worker(s)"


def check_beat() -> tuple[bool, str]:
    if _eager():
        return True, "no broker: no beat"
    client = _broker_redis()
    if client is None:
        return True, "beat heartbeat is only kept with a Redis broker"
    raw = client.get(HEARTBEAT_KEY)
    if not raw:
        return False, "beat has never recorded a heartbeat"
    age = time.time() - float(raw)
    limit = getattr(settings, "OPS_BEAT_MAX_AGE_SECONDS", 120)
    if age > limit:
        return False, f"last beat heartbeat {age:.0f} s ago (limit {limit} s)"
    return True, f"last heartbeat {age:.0f} s ago"


def check_backlog() -> tuple[bool, str]:
    from operations import selectors

    counts = selectors.backlog_counts()
    stuck = {k: counts[k] for k in ("notifications_stuck", "runs_stuck") if counts[k]}
    if stuck:
        return False, ", ".join(f"{k}={v}" for k, v in stuck.items())
    return True, ", ".join(f"{k}={v}" for k, v in counts.items())


CHECKS: dict[str, Callable[[], tuple[bool, str]]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "worker": check_worker,
    "beat": check_beat,
    "backlog": check_backlog,
}


def run_checks() -> dict[str, dict[str, object]]:
    """Every check's result; an exception is a failure with its class and message."""
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            if name == "worker" and not results["broker"]["ok"]:
                # Pinging through a broker that is down would only wait for its retries.
                ok, detail = False, "the broker is unreachable"
            else:
                ok, detail = check()
        except Exception as exc:
            ok, detail = False, f"{type(exc).__name__}: {exc}"[:300]
        results[name] = {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000)}
    return results
