"""accounts.idempotency.once: a create users retry happens once per key, also when two tries race."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from accounts import idempotency
from accounts.models import HealthReport, IdempotencyKey


def _report() -> HealthReport:
    return HealthReport.objects.create(summary={}, ok=True)


def test_a_repeat_returns_the_first_result_and_no_key_always_creates(db, django_user_model):
    user = django_user_model.objects.create(username="idem")
    first, created = idempotency.once(user=user, endpoint="test.create", key="key-12345678", create=_report)
    again, created_again = idempotency.once(user=user, endpoint="test.create", key="key-12345678", create=_report)
    assert (created, created_again) == (True, False) and again.pk == first.pk
    idempotency.once(user=user, endpoint="other.create", key="key-12345678", create=_report)  # another endpoint
    idempotency.once(user=user, endpoint="test.create", key="", create=_report)  # no key
    assert HealthReport.objects.count() == 3 and IdempotencyKey.objects.count() == 2


def test_a_failed_create_records_no_key(db, django_user_model):
    user = django_user_model.objects.create(username="idem")

    def broken():
        _report()
        raise ValueError("bad input")

    with pytest.raises(ValueError):
        idempotency.once(user=user, endpoint="test.create", key="key-12345678", create=broken)
    assert not IdempotencyKey.objects.exists() and not HealthReport.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_tries_make_one_object(django_user_model):
    user = django_user_model.objects.create(username="racer")
    results: list[tuple[int, bool]] = []

    def slow_create() -> HealthReport:
        time.sleep(0.5)  # the second try arrives while the first is still inside its transaction
        return _report()

    def attempt() -> None:
        try:
            obj, created = idempotency.once(user=user, endpoint="race", key="double-click", create=slow_create)
            results.append((obj.pk, created))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join(10)
    assert HealthReport.objects.count() == 1
    assert sorted(created for _pk, created in results) == [False, True] and len({pk for pk, _ in results}) == 1
