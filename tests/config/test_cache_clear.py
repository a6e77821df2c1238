"""Clearing the Redis cache removes this site's keys only, not the whole Redis database."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings

from config.cache import ForgivingRedisCache

pytestmark = [pytest.mark.redis]


def _cache(prefix: str) -> ForgivingRedisCache:
    return ForgivingRedisCache(settings.CELERY_BROKER_URL, {"KEY_PREFIX": prefix})


def test_clear_leaves_keys_under_another_prefix():
    run = uuid.uuid4().hex[:8]
    ours, theirs = _cache(f"ours{run}"), _cache(f"theirs{run}")
    try:
        for n in range(1500):  # more than one delete batch
            ours.set(f"k{n}", n)
        theirs.set("kept", "yes")
        ours.clear()
        assert ours.get("k0") is None and ours.get("k1499") is None
        assert theirs.get("kept") == "yes"
    finally:
        ours.clear()
        theirs.clear()
