"""PostgreSQL: many volunteers book the last places at the same moment; nobody is overbooked."""

import threading

import pytest
from django.db import connection

from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import Booking, Shift

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_many_volunteers_booking_the_last_places_at_once_never_overbook():
    shift = f.shift(capacity=5)
    early = [f.volunteer() for _ in range(2)]
    for volunteer in early:
        actions.book_shift(actor=None, volunteer=volunteer, shift=shift)  # 3 places left
    crowd = [f.volunteer() for _ in range(12)]
    barrier = threading.Barrier(len(crowd))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def book(volunteer):
        try:
            barrier.wait()
            outcomes.append(actions.book_shift(actor=None, volunteer=volunteer, shift=shift).status)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(v,)) for v in crowd]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    shift.refresh_from_db()
    booked = Booking.objects.filter(shift=shift, status=Booking.Status.BOOKED).count()
    assert booked == shift.booked_count == shift.capacity == 5
    assert outcomes.count(Booking.Status.BOOKED) == 3
    assert outcomes.count(Booking.Status.WAITLISTED) == 9


def test_one_volunteer_booking_two_overlapping_shifts_at_once_gets_one():
    volunteer = f.volunteer()
    a, b = f.shift(in_hours=48), f.shift(in_hours=49)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def book(shift: Shift):
        try:
            barrier.wait()
            actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
            results.append("ok")
        except actions.VolunteerActionError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(s,)) for s in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert Booking.objects.filter(volunteer=volunteer, status__in=Booking.LIVE).count() == 1
