"""Several officers issue at the same moment on PostgreSQL: the numbers are 1..N, none repeated or skipped."""

import threading

import pytest
from django.db import connection

from records.models import IssuedDocument
from tests.coordination.factories import make_world
from tests.records.helpers import issue

WORKERS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_issues_get_gap_free_unique_numbers(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    barrier = threading.Barrier(WORKERS)
    errors: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            issue(world)
        except Exception as exc:
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = sorted(IssuedDocument.objects.filter(office=world.city.office).values_list("sequence", flat=True))
    assert sequences == list(range(1, WORKERS + 1))
    assert len(set(IssuedDocument.objects.values_list("number", flat=True))) == WORKERS
