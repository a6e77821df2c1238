"""Matching runs never strand: redelivery restarts a run, the sweep fails dead runs and re-queues lost ones.

The last two tests kill a real Celery worker (SIGKILL) on Redis while a run is running against
PostgreSQL (the run is held at its write step by a table lock the test takes, so the kill lands
mid-run).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from matching import actions, selectors, tasks
from matching.models import MatchRun, Proposal
from tests.matching.factories import make_match_world

ROOT = Path(__file__).resolve().parents[2]


def _age(run: MatchRun, seconds: int, **fields) -> None:
    """Pretend the run's last heartbeat (or queueing) was ``seconds`` ago."""
    past = timezone.now() - dt.timedelta(seconds=seconds)
    MatchRun.objects.filter(pk=run.pk).update(**dict.fromkeys(fields, past) if fields else {"heartbeat_at": past})


def test_a_run_left_running_by_a_dead_process_restarts_when_its_task_comes_again(mw):
    run = actions.start_run(actor=mw.bureau, queue=False)
    # the first worker claimed it and died at 45 %
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.RUNNING, progress=45, attempt=1)
    done = actions.execute_run(run_id=run.pk)
    assert done.status == MatchRun.Status.DONE and done.progress == 100
    assert done.attempt == 2 and done.proposals_count == 2
    # delivered once more after it finished: nothing is redone
    again = actions.execute_run(run_id=run.pk)
    assert again.attempt == 2 and Proposal.objects.filter(run=run).count() == 2


def test_a_restart_replaces_the_rows_an_earlier_attempt_wrote(mw):
    run = actions.execute_run(run_id=actions.start_run(actor=mw.bureau, queue=False).pk)
    decided = Proposal.objects.get(run=run, need=mw.need)
    actions.decide(proposal=decided, verb="reject", reason="本人不愿意", actor=mw.officer)
    # as if the worker died after writing but before marking the run done
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.RUNNING, progress=75)
    again = actions.execute_run(run_id=run.pk)
    assert again.status == MatchRun.Status.DONE
    rows = Proposal.objects.filter(run=run)
    assert rows.count() == 2  # one per need, no duplicate, the decision kept
    assert rows.get(need=mw.need).status == Proposal.Status.REJECTED


def test_an_execution_that_lost_its_claim_stops_without_writing(mw, monkeypatch):
    run = actions.start_run(actor=mw.bureau, queue=False)
    real_assign = actions.assign_needs

    def taken_over(problem):
        # meanwhile the task was delivered again and another execution claimed the run
        MatchRun.objects.filter(pk=run.pk).update(attempt=99)
        return real_assign(problem)

    monkeypatch.setattr(actions, "assign_needs", taken_over)
    result = actions.execute_run(run_id=run.pk)
    assert result.status == MatchRun.Status.RUNNING and result.attempt == 99
    assert not Proposal.objects.filter(run=run).exists()


def test_the_sweep_fails_runs_without_heartbeat_and_requeues_lost_ones(
    mw, settings, django_capture_on_commit_callbacks
):
    settings.MATCHING_RUN_STALE_SECONDS = 60
    settings.MATCHING_RUN_REQUEUE_SECONDS = 120
    dead = actions.start_run(actor=mw.bureau, queue=False)
    MatchRun.objects.filter(pk=dead.pk).update(status=MatchRun.Status.RUNNING, progress=30, attempt=1)
    _age(dead, 61, heartbeat_at=True, started_at=True)
    alive = actions.start_run(actor=mw.bureau, queue=False)
    MatchRun.objects.filter(pk=alive.pk).update(status=MatchRun.Status.RUNNING, attempt=1)
    _age(alive, 20)
    lost = actions.start_run(actor=mw.bureau, queue=False)
    _age(lost, 121, queued_at=True)
    fresh = actions.start_run(actor=mw.bureau, queue=False)
    assert set(selectors.stuck_runs().values_list("pk", flat=True)) == {dead.pk, lost.pk}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = actions.sweep_runs()
    assert result == {"failed": [dead.pk], "requeued": [lost.pk]}
    assert len(callbacks) == 1  # the lost run's task is queued once, after commit
    dead.refresh_from_db()
    assert dead.status == MatchRun.Status.FAILED and dead.failure == MatchRun.Failure.WORKER_LOST
    assert "no heartbeat" in dead.error
    alive.refresh_from_db()
    fresh.refresh_from_db()
    assert alive.status == MatchRun.Status.RUNNING and fresh.status == MatchRun.Status.QUEUED
    lost.refresh_from_db()
    assert lost.status == MatchRun.Status.QUEUED and lost.queued_at > timezone.now() - dt.timedelta(seconds=5)
    assert not selectors.stuck_runs().exists()
    assert settings.CELERY_BEAT_SCHEDULE["matching-sweep-runs"]["task"] == tasks.sweep_runs.name


def test_a_failed_run_shows_why_and_runs_again_from_its_page(mw, client, django_capture_on_commit_callbacks):
    run = actions.start_run(actor=mw.bureau, queue=False)
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.FAILED, failure=MatchRun.Failure.WORKER_LOST, error="no heartbeat"
    )
    client.force_login(mw.bureau)
    page = client.get(reverse("matching:run", kwargs={"pk": run.pk}))
    text = page.content.decode()
    assert "无心跳" in text and reverse("matching:run-restart", kwargs={"pk": run.pk}) in text
    # an officer of another office may not restart the city's run
    client.force_login(mw.officer)
    assert client.post(reverse("matching:run-restart", kwargs={"pk": run.pk})).status_code in (403, 404)
    client.force_login(mw.bureau)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("matching:run-restart", kwargs={"pk": run.pk}), follow=True)
    assert answer.status_code == 200
    run.refresh_from_db()
    # without a broker the task runs at once (eager): the run is done
    assert run.status == MatchRun.Status.DONE and run.proposals_count == 2 and run.attempt == 1
    with pytest.raises(ValidationError):
        actions.restart_run(run=run, actor=mw.bureau)
    with pytest.raises(PermissionDenied):
        MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.FAILED)
        actions.restart_run(run=run, actor=mw.officer)


def test_the_api_runs_a_failed_run_again(mw, client, django_capture_on_commit_callbacks):
    run = actions.start_run(actor=mw.bureau, queue=False)
    client.force_login(mw.bureau)
    url = f"/api/v1/matching/runs/{run.pk}/restart/"
    refused = client.post(url)
    assert refused.status_code == 400 and refused.json()["detail"] == "只有失败的运行才能重新运行。"
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.FAILED, failure=MatchRun.Failure.ERROR)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url)
    assert answer.status_code == 202 and answer.json()["status"] in ("queued", "done")
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE


def test_the_nightly_task_delivered_again_takes_up_tonights_runs(mw):
    assert tasks.nightly_run() == 2
    first = set(MatchRun.objects.values_list("pk", flat=True))
    referrals = MatchRun.objects.get(kind=MatchRun.Kind.REFERRALS)
    MatchRun.objects.filter(pk=referrals.pk).update(status=MatchRun.Status.RUNNING, progress=30)
    assert tasks.nightly_run() == 2
    assert set(MatchRun.objects.values_list("pk", flat=True)) == first  # no new runs
    referrals.refresh_from_db()
    assert referrals.status == MatchRun.Status.DONE and referrals.attempt == 2


# --- A real worker killed mid-run -------------------------------------------------------------


def _worker(env: dict[str, str]) -> subprocess.Popen:
    """A real Celery worker (prefork, one child) in its own process group."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"killtest{time.monotonic_ns()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _worker_env(**extra: str) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"  # the test database
    return {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "SECRET_KEY": "test-only",
        "MATCHING_RUN_HEARTBEAT_SECONDS": "1",
        **extra,
    }


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _state(pk: int) -> MatchRun:
    return MatchRun.objects.get(pk=pk)


def _lock_proposals() -> psycopg.Connection:
    """Hold the proposals table (the run blocks at its write step, 75 %, still beating)."""
    db = connection.settings_dict
    lock = psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])
    lock.execute("LOCK TABLE matching_proposal IN ACCESS EXCLUSIVE MODE")
    return lock


def _child_pids(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def _purge_queue() -> None:
    from config.celery import app

    app.control.purge()


@pytest.fixture
def world(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _purge_queue()
    yield make_match_world()
    _purge_queue()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_child_killed_mid_run_is_replaced_and_the_run_completes(world):
    worker = _worker(_worker_env())
    lock = _lock_proposals()
    try:
        run = actions.start_run(actor=world.bureau, office=None)  # queued on Redis after commit
        running = _wait(
            lambda: (r := _state(run.pk)).status == MatchRun.Status.RUNNING and r.progress == 75 and r, 60, "75 %"
        )
        beat = running.heartbeat_at
        _wait(lambda: _state(run.pk).heartbeat_at > beat, 10, "a heartbeat while blocked")
        children = _child_pids(worker.pid)
        assert len(children) == 1
        os.kill(children[0], signal.SIGKILL)  # the child dies holding the run
        lock.rollback()
        done = _wait(lambda: (r := _state(run.pk)).status == MatchRun.Status.DONE and r, 60, "the run done")
        assert done.attempt == 2  # the task came again and restarted the run
        assert Proposal.objects.filter(run=run).count() == 2
    finally:
        lock.close()
        _kill_group(worker)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_whole_worker_killed_mid_run_is_failed_by_the_sweep_and_runs_again(world):
    first = _worker(_worker_env())
    lock = _lock_proposals()
    try:
        run = actions.start_run(actor=world.bureau, office=None)
        _wait(lambda: _state(run.pk).progress == 75, 60, "75 %")
        _kill_group(first)  # the whole worker (main process and child) dies
        lock.rollback()
    finally:
        lock.close()
        _kill_group(first)
    assert _state(run.pk).status == MatchRun.Status.RUNNING
    second = _worker(_worker_env(MATCHING_RUN_STALE_SECONDS="3"))
    try:
        time.sleep(3.5)
        tasks.sweep_runs.delay()  # what beat sends every minute, on the new worker (results are not kept)
        _wait(lambda: _state(run.pk).status == MatchRun.Status.FAILED, 60, "failed by the sweep")
        failed = _state(run.pk)
        assert failed.status == MatchRun.Status.FAILED and failed.failure == MatchRun.Failure.WORKER_LOST
        actions.restart_run(run=failed, actor=world.bureau)
        done = _wait(lambda: (r := _state(run.pk)).status == MatchRun.Status.DONE and r, 60, "the run done")
        assert done.proposals_count == 2 and Proposal.objects.filter(run=run).count() == 2
    finally:
        _kill_group(second)
    assert connection.vendor == "postgresql"
