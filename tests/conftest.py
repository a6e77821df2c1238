"""Shared fixtures.

Services (PostgreSQL, Redis, Chromium) are optional on a newcomer's machine:
tests that need one are marked and skip with the reason. CI names the
services each pass must have in REQUIRE_SERVICES; there a missing one fails.

Transactional tests (live server, real workers, concurrency) must use
``pytest.mark.django_db(transaction=True, serialized_rollback=True)``: a
transactional test empties every table when it ends, and the rows that data
migrations create (home page, service categories) must come back for the next.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRED_SERVICES = {s.strip() for s in os.environ.get("REQUIRE_SERVICES", "").split(",") if s.strip()}


def need(service: str, available: bool, how: str) -> None:
    """Skip (or, where CI requires the service, fail) when a service is missing."""
    if available:
        return
    message = f"needs {service}: {how}"
    if service in REQUIRED_SERVICES:
        pytest.fail(f"REQUIRED SERVICE MISSING in this run (REQUIRE_SERVICES): {message}")
    pytest.skip(message)


def redis_available() -> bool:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Passwords in tests are hashed with a fast hasher: the production one (PBKDF2, a million rounds)
    costs a few hundred milliseconds per user made or signed in, which most of the suite's time went to.
    Sign-in itself is unchanged: the same checks run on a cheaper hash."""
    from django.test import override_settings

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    fast.enable()
    yield
    fast.disable()


@pytest.fixture(autouse=True)
def _services_for_markers(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres"):
        need("postgres", connection.vendor == "postgresql", "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db>")
    if request.node.get_closest_marker("redis"):
        need("redis", redis_available(), "set CELERY_BROKER_URL=redis://127.0.0.1:6379/<n> with Redis running")
    if request.node.get_closest_marker("browser"):
        need(
            "chromium",
            bool(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)),
            f"install Debian's chromium ({CHROMIUM})",
        )


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Every test starts with empty rate-limit counters (DRF throttles and form rate limits live in the
    cache) and no page cached by an earlier test (the page cache also keeps pages in process memory)."""
    from django.core.cache import cache

    from cms import cache as page_cache

    cache.clear()
    page_cache.purge()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language; a request in English must not leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings) -> None:
    """Uploaded files in tests go to a temporary folder, never var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def city(db) -> factories.City:
    """A small city: the bureau, two townships with judicial offices, and one provider of each kind."""
    return factories.make_city()


@pytest.fixture
def make_user(db) -> Callable[..., object]:
    """Create a user holding a role in an organisation: ``make_user(role, organisation)``."""
    return factories.user_with_role


@pytest.fixture
def role_users(city) -> dict[str, object]:
    """One user per role, each in the organisation that role belongs to in ``city``."""
    return factories.users_for_every_role(city)


def pass_second_factor(client, user) -> None:
    """Mark the client's session as having passed two-factor sign-in with a confirmed test device.

    Officers and bureau administrators must pass a second factor after the password
    (docs/security.md); tests that are not about sign-in use this to get past it.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test device", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(request: pytest.FixtureRequest, monkeypatch) -> None:
    """``client.force_login(user)`` also passes the second factor, so tests of other things need not.

    Tests of the sign-in steps themselves are marked ``real_second_factor`` and get Django's plain
    ``force_login`` (password step only).
    """
    if request.node.get_closest_marker("real_second_factor"):
        return
    from django.test import Client

    plain = Client.force_login

    def force_login(self, user, backend=None):
        plain(self, user, backend)
        pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _tasks_in_process_unless_marked_redis(request: pytest.FixtureRequest):
    """Tasks run in-process, as on a newcomer's machine, except in tests marked ``redis``.

    CI's second pass sets ``CELERY_BROKER_URL`` for the tests that start a real worker; for every
    other test nothing reads that queue, so a queued task (a mail, a matching run) would never run.
    """
    if request.node.get_closest_marker("redis"):
        yield
        return
    from config.celery import app

    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was


@pytest.fixture
def tasks_retry_in_process():
    """``task.apply()`` then performs a task's retries at once (Celery skips the countdown when applying).

    The suite lets eager task errors propagate (``CELERY_TASK_EAGER_PROPAGATES``), which would raise
    the first ``Retry`` instead; a failure that is given up ends as a FAILURE result.
    """
    from config.celery import app

    was = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = was
