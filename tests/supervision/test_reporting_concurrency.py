"""Simultaneous writers on PostgreSQL: the daily task run by several workers opens one lost-contact episode,
and one check-in code used twice at the same moment checks in once."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from coordination.models import Supervisee
from supervision.actions import end_of_day
from supervision.models import Obligation
from supervision.reporting import actions
from supervision.reporting.models import CheckIn, LostContactEpisode
from tests.coordination.factories import make_world
from tests.factories import UserFactory

WORKERS = 4


def _race(target) -> tuple[list, list[str]]:
    barrier = threading.Barrier(WORKERS)
    results: list = []
    errors: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            value = target()
            with lock:
                results.append(value)
        except Exception as exc:
            with lock:
                errors.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_daily_runs_open_one_episode(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    Obligation.objects.create(
        supervisee=world.supervisee,
        kind="report",
        rule_code="report_interval_ordinary",
        due_at=end_of_day(timezone.localdate() - dt.timedelta(days=5)),
    )
    results, errors = _race(lambda: len(actions.open_missed()))
    assert errors == []
    assert sum(results) == 1
    assert LostContactEpisode.objects.filter(supervisee=world.supervisee).count() == 1
    assert Obligation.objects.filter(supervisee=world.supervisee, kind="lost_contact", done_at=None).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_code_used_twice_at_once_checks_in_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    login = UserFactory(username="own-login")
    Supervisee.objects.filter(pk=world.supervisee.pk).update(account=login)
    code = actions.issue_checkin_code(supervisee=world.supervisee, actor=world.users["officer"])

    def use() -> int:
        person = Supervisee.objects.get(pk=world.supervisee.pk)
        return actions.check_in(supervisee=person, actor=login, method="code", code=code).pk

    results, errors = _race(use)
    assert len(results) == 1
    assert set(errors) == {"ActionError"} and len(errors) == WORKERS - 1
    assert CheckIn.objects.filter(supervisee=world.supervisee).count() == 1
