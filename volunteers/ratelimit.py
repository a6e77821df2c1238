"""A fixed-window rate limit on Django's cache (Redis in production, locmem in development).

django-ratelimit would do this, but its last release is from 2023 and we need one
counter for one form; ``cache.add`` + ``cache.incr`` are atomic on Redis, so this is
correct across processes without another dependency.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy, SECURE_PROXY_SSL_HEADER setups also set REMOTE_ADDR correctly (gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(request: HttpRequest, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True while the client is within ``limit`` attempts per window."""
    ident = hashlib.sha256(client_ip(request).encode()).hexdigest()[:24]
    key = f"ratelimit:{scope}:{ident}"
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
