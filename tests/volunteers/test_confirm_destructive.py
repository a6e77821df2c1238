"""Destructive actions ask first: the first post answers with a confirmation page, nothing changes;
only the confirmed post acts. Works without JavaScript (a plain form)."""

import pytest

from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import Booking, Shift


@pytest.fixture
def booked(db):
    volunteer = f.volunteer()
    shift = f.shift(in_hours=48)
    return volunteer, shift, actions.book_shift(volunteer=volunteer, shift=shift, actor=volunteer.user)


def test_a_volunteer_is_asked_before_a_booking_is_cancelled(client, booked):
    volunteer, _shift, booking = booked
    client.force_login(volunteer.user)
    url = f"/en/volunteers/bookings/{booking.pk}/cancel/"
    page = client.post(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cancel this booking?" in html and 'name="confirmed" value="yes"' in html
    assert "button--danger" in html and 'href="/en/volunteers/home/"' in html
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    done = client.post(url, {"confirmed": "yes"})
    assert done.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    # Undo is offered on the page the volunteer lands on, and books the shift again.
    home = client.get(done["Location"]).content.decode()
    assert "Undo: book this shift again" in home
    client.post(f"/volunteers/shifts/{_shift.pk}/book/")
    assert Booking.objects.filter(shift=_shift, volunteer=volunteer, status=Booking.Status.BOOKED).exists()
    assert "Undo: book this shift again" not in client.get(done["Location"]).content.decode()


def test_a_coordinator_is_asked_before_a_shift_or_a_booking_is_cancelled(client, booked):
    _volunteer, shift, booking = booked
    client.force_login(f.coordinator())
    url = f"/en/volunteers/manage/shifts/{shift.pk}/"
    page = client.post(url, {"form": "cancel", "x-reason": "暴雨"}).content.decode()
    assert "Cancel this shift?" in page
    assert 'name="x-reason" value="暴雨"' in page  # the reason is carried to the confirmed post
    shift.refresh_from_db()
    assert shift.status == Shift.Status.SCHEDULED
    page = client.post(url, {"form": "cancel_booking", "booking": booking.pk}).content.decode()
    assert "Cancel this booking?" in page
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    client.post(url, {"form": "cancel", "x-reason": "暴雨", "confirmed": "yes"})
    shift.refresh_from_db()
    assert shift.status == Shift.Status.CANCELLED
