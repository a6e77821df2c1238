"""Many providers' staff accept the last places of an offering at the same moment: no overbooking."""

import threading

import pytest
from django.db import connection

from coordination import actions
from coordination.models import Referral
from services.models import ServiceOffering
from tests.coordination.factories import make_world

THREADS = 12
ROUNDS = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_acceptances_never_overbook(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    officer, provider = world.users["officer"], world.users["provider"]
    offering = world.offering
    for round_number in range(ROUNDS):
        capacity = 3 + round_number
        free = 2 + round_number % 2  # the last places
        ServiceOffering.objects.filter(pk=offering.pk).update(capacity=capacity, places_taken=0)
        Referral.objects.filter(offering=offering, holds_place=True).update(state="withdrawn", holds_place=False)
        ServiceOffering.objects.filter(pk=offering.pk).update(places_taken=capacity - free)
        referrals = [
            actions.create_referral(need=world.need, offering=offering, actor=officer, send=True)
            for _ in range(THREADS)
        ]
        barrier = threading.Barrier(THREADS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def accept(referral: Referral, barrier=barrier, lock=lock, outcomes=outcomes) -> None:
            try:
                barrier.wait()
                actions.apply_verb(referral=referral, verb="accept", actor=provider)
                result = "accepted"
            except actions.NoPlaceLeft:
                result = "full"
            except Exception as exc:
                result = f"error: {exc!r}"
            finally:
                connection.close()
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=accept, args=(r,)) for r in referrals]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        offering.refresh_from_db()
        assert sorted(set(outcomes)) <= ["accepted", "full"], outcomes
        assert outcomes.count("accepted") == free, (round_number, outcomes)
        assert offering.places_taken == capacity
        accepted = Referral.objects.filter(pk__in=[r.pk for r in referrals], state="accepted")
        assert accepted.count() == free
        assert Referral.objects.filter(pk__in=[r.pk for r in referrals], state="sent").count() == THREADS - free


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_registrations_in_one_office_get_consecutive_case_numbers(settings):
    from coordination.models import Supervisee
    from tests.coordination.factories import make_supervisee

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    office, bureau = world.city.office, world.users["bureau"]
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def register() -> None:
        try:
            barrier.wait()
            result = make_supervisee(office=office, actor=bureau).case_number
        except Exception as exc:
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=register) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    numbers = sorted(Supervisee.objects.filter(judicial_office=office).values_list("case_number", flat=True))
    sequences = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert sequences == list(range(1, len(numbers) + 1)) and len(numbers) == threads_count + 1
