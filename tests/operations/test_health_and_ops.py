"""Liveness, readiness, metrics, request ids and the bureau's retry page."""

import datetime as dt
import shutil
import socket
import subprocess
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from operations import actions, health
from operations.models import FailedTask
from services.models import Membership

BUREAU = Membership.Role.BUREAU_ADMIN


@pytest.fixture
def eager():
    """Tasks run in-process, as on a newcomer's machine, even in CI's pass with a broker."""
    from config.celery import app

    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was


def test_liveness_answers_without_touching_services(client):
    # No database in this test: a liveness check that queried it would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_passes_on_a_newcomers_machine_and_names_its_checks(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body["checks"]) == {"database", "cache", "broker", "worker", "beat", "backlog"}
    assert body["failed"] == []
    assert "detail" not in body["checks"]["database"]  # details only for operators


def test_readiness_fails_on_a_stuck_notification(client, role_users, settings):
    settings.CELERY_BROKER_URL = ""
    settings.METRICS_TOKEN = "t0ken-for-tests"
    bureau = role_users[BUREAU]
    note = Notification.objects.create(recipient=bureau, channel="email", kind="referral_sent", subject="s")
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    response = client.get("/readyz", HTTP_AUTHORIZATION="Bearer t0ken-for-tests")
    assert response.status_code == 503
    assert response.json()["failed"] == ["backlog"]
    assert "notifications_stuck=1" in response.json()["checks"]["backlog"]["detail"]


def test_request_id_is_returned_and_a_sane_incoming_one_kept(client):
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-id-12345")["X-Request-ID"] == "proxy-id-12345"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


def test_metrics_need_the_token_or_the_bureau(client, role_users, settings):
    settings.METRICS_TOKEN = "t0ken-for-tests"
    client.get("/healthz")
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t0ken-for-tests").content.decode()
    assert "django_http_requests_latency_seconds_by_view_method" in body
    assert 'cc_backlog{kind="notifications_failed"}' in body
    client.force_login(role_users[Membership.Role.OFFICE_OFFICER])
    assert client.get("/metrics").status_code == 403
    client.force_login(role_users[BUREAU])
    assert client.get("/metrics").status_code == 200


def test_bureau_retries_a_failed_notification_and_it_is_delivered(
    client, role_users, django_capture_on_commit_callbacks, eager
):
    bureau = role_users[BUREAU]
    note = Notification.objects.create(
        recipient=bureau,
        channel="email",
        kind="referral_sent",
        subject="Stuck one",
        status="failed",
        attempts=5,
        last_error="451 try later",
    )
    mail.outbox.clear()
    client.force_login(role_users[Membership.Role.OFFICE_OFFICER])
    assert client.get(reverse("operations:index")).status_code == 403
    client.force_login(bureau)
    page = client.get(reverse("operations:index")).content.decode()
    assert "451 try later" in page
    url = reverse("operations:retry-notification", args=[note.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == "sent"  # eager Celery delivered it
    assert [m.subject for m in mail.outbox] == ["Stuck one"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)  # a second click sends nothing more
    assert len(mail.outbox) == 1


def test_a_failing_task_is_recorded_and_retried_once(role_users, django_capture_on_commit_callbacks, eager):
    from notifications import tasks

    assert tasks.deliver_notification.apply(args=["not-a-number"], throw=False).failed()
    failed = FailedTask.objects.get(task_name="notifications.deliver_notification")
    assert failed.args == ["not-a-number"]
    bureau = role_users[BUREAU]
    with pytest.raises(Exception), django_capture_on_commit_callbacks(execute=True):  # noqa: B017
        actions.retry_failed_task(failed_task=failed, actor=bureau)
    failed.refresh_from_db()
    assert failed.retried_by == bureau
    assert not actions.retry_failed_task(failed_task=failed, actor=bureau)


# --- Against a real Redis that is started and killed ----------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def spare_redis(tmp_path):
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("needs redis-server")
    port = _free_port()
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    yield proc, f"redis://127.0.0.1:{port}/0"
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readiness_fails_naming_redis_checks_when_redis_dies_and_passes_while_up(client, settings, spare_redis):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    proc, url = spare_redis
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    settings.METRICS_TOKEN = "t0ken-for-tests"
    real_broker = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = url  # readiness looks for the broker (and beat's heartbeat) in the spare Redis
    auth = {"HTTP_AUTHORIZATION": "Bearer t0ken-for-tests"}
    assert app.conf.broker_url == real_broker  # the worker below still uses the CI broker
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        assert client.get("/readyz", **auth).json()["failed"] == ["beat"]  # no heartbeat yet
        health.record_beat_heartbeat(time.time())
        up = client.get("/readyz", **auth)
        assert up.status_code == 200, up.content
        proc.kill()
        proc.wait()
        down = client.get("/readyz", **auth)
    assert down.status_code == 503
    assert down.json()["failed"] == ["cache", "broker", "worker", "beat"]
    assert down.json()["checks"]["worker"]["detail"] == "the broker is unreachable"
    assert all(check["ms"] < 5000 for check in down.json()["checks"].values())
