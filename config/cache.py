"""Redis as a cache that is never a hard dependency: when Redis is down, behave as an empty cache.

Django's own RedisCache raises ``redis.ConnectionError`` from every call when Redis is
unreachable, which turned the public site (page cache, feeds, sitemap, the volunteer
form's rate limit, publishing's cache purge) into 500s. ``django-redis`` solves this with
``IGNORE_EXCEPTIONS``, but it is a second Redis client and backend to keep in step with
Django; the subclass below keeps Django's backend and only catches its errors (a miss on
read, a no-op on write), logging each failure. Short socket timeouts (settings) bound
what a down or unreachable Redis costs a request.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _down(operation: str, exc: Exception) -> None:
    logger.warning("cache %s failed, serving without cache: %s", operation, exc)


class ForgivingRedisCache(RedisCache):
    """Django's RedisCache; a Redis error is a cache miss (reads) or nothing done (writes)."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            _down("get", exc)
            return default

    def get_many(self, keys, version=None) -> dict[str, Any]:
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            _down("get_many", exc)
            return {}

    def has_key(self, key, version=None) -> bool:
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            _down("has_key", exc)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            _down("set", exc)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            _down("add", exc)
            return False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            _down("set_many", exc)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            _down("touch", exc)
            return False

    def incr(self, key, delta=1, version=None) -> int:
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            _down("incr", exc)
            return delta  # as if the counter had just started: rate limits fail open

    def delete(self, key, version=None) -> bool:
        try:
            return super().delete(key, version)
        except RedisError as exc:
            _down("delete", exc)
            return False

    def delete_many(self, keys, version=None) -> None:
        try:
            super().delete_many(keys, version)
        except RedisError as exc:
            _down("delete_many", exc)

    def clear(self) -> None:
        """Delete this site's keys only (those under KEY_PREFIX).

        Django's RedisCache.clear() flushes the whole Redis database, which would also wipe
        anything else kept there (another site, another process's keys); with a prefix set,
        only the keys this cache wrote are removed.
        """
        try:
            if not self.key_prefix:
                super().clear()
                return
            client = self._cache.get_client(write=True)
            batch: list[bytes] = []
            for key in client.scan_iter(match=f"{self.key_prefix}:*", count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    client.delete(*batch)
                    batch.clear()
            if batch:
                client.delete(*batch)
        except RedisError as exc:
            _down("clear", exc)
