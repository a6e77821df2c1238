"""Faults of the outside world, injected for real: a broker port with nothing listening,
a Redis cache killed mid-test, a PostgreSQL statement that never ends."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client
from rest_framework.test import APIClient

from cms.models import NewsPage
from coordination.models import Referral
from notifications.models import Notification
from tests.cms import factories as cms_factories
from tests.coordination.factories import make_world


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- broker down ------------------------------------------------------------------------------


@pytest.fixture
def broker_down():
    """Celery as in production (not eager), its broker a port where nothing listens."""
    from config.celery import app

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{_free_port()}/0")
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_broker_down_a_sent_referral_is_committed_and_answered_at_once(broker_down, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    api = APIClient()
    api.force_authenticate(world.users["officer"])
    body = {"need": world.need.pk, "offering": str(world.offering.uuid), "send": True, "override_consent": True}
    body["note"] = "当面取得口头同意"
    started = time.monotonic()
    response = api.post("/api/v1/referrals/", body, format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.content
    assert elapsed < 3, f"the request waited {elapsed:.1f}s for a broker that is down"
    referral = Referral.objects.get(uuid=response.json()["id"] if "id" in response.json() else response.json()["uuid"])
    assert referral.state == Referral.State.SENT
    # The provider's notification waits in the outbox for the periodic sweep.
    assert Notification.objects.about(referral).filter(status=Notification.Status.PENDING).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_broker_down_a_started_run_stays_queued_and_the_sweep_requeues_it(broker_down, settings):
    from matching import actions as matching_actions
    from matching.models import MatchRun

    settings.MATCHING_RUN_REQUEUE_SECONDS = 0
    started = time.monotonic()
    run = matching_actions.start_run(actor=None, office=None)
    assert time.monotonic() - started < 3
    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.QUEUED
    # The sweep finds it and queues it again; queueing fails again (still down) without raising.
    assert matching_actions.sweep_runs()["requeued"] == [run.pk]
    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.QUEUED


# --- Redis cache down -------------------------------------------------------------------------


@pytest.fixture
def dead_redis_cache(settings):
    """A real Redis on a spare port is the cache; it is killed before the test body runs."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("needs redis-server")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        settings.CACHES = {
            "default": {
                "BACKEND": "config.cache.ForgivingRedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
            }
        }
        from django.core.cache import cache

        for _ in range(50):
            try:
                cache.set("alive", 1)
                if cache._cache.get_client().ping():
                    break
            except Exception:  # noqa: S110
                pass
            time.sleep(0.1)
        cache.set("probe", "up")
        assert cache.get("probe") == "up"  # the cache really was Redis
    finally:
        process.kill()
        process.wait()
    from django.core.cache import cache

    assert cache.get("probe") is None  # now down: a miss, not an error
    yield cache


def test_with_the_cache_down_the_public_site_still_answers(dead_redis_cache, db, django_capture_on_commit_callbacks):
    outreach = cms_factories.build_site()
    client = Client(raise_request_exception=False)
    for url in ("/", "/en/", "/search/?q=志愿", outreach.news_index.url, "/feeds/news/", "/sitemap.xml"):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
    assert client.get("/volunteers/apply/").status_code == 200
    applied = client.post("/volunteers/apply/", {"full_name": ""})
    assert applied.status_code < 500
    with django_capture_on_commit_callbacks(execute=True):
        cms_factories.add(outreach.news_index, NewsPage(title="缓存停机时发布", slug="cache-down", summary="新"))
    assert "缓存停机时发布" in client.get(outreach.news_index.url).content.decode()


# --- PostgreSQL that never answers -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db
def test_statements_are_cut_off_by_the_configured_timeout(settings):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"  # DATABASE_STATEMENT_TIMEOUT's default
        cursor.execute("SET LOCAL statement_timeout = '300ms'")
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"):
            cursor.execute("SELECT pg_sleep(5)")
    assert time.monotonic() - started < 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_view_blocked_on_the_database_answers_an_error_page_not_a_hang():
    cms_factories.build_site()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    blocker = psycopg.connect(**params, autocommit=False)
    locked = threading.Event()
    try:
        blocker.execute("LOCK TABLE wagtailcore_page IN ACCESS EXCLUSIVE MODE")
        locked.set()
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '500ms'")
        started = time.monotonic()
        response = Client(raise_request_exception=False).get("/")
        elapsed = time.monotonic() - started
    finally:
        blocker.rollback()
        blocker.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert locked.is_set()
    assert response.status_code == 500 and elapsed < 5, (response.status_code, elapsed)
