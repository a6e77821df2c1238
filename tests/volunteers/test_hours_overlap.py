"""One person cannot serve two shifts at once: overlapping hours are refused, shown, and not offered."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import Booking, HourLog

Error = actions.VolunteerActionError


@pytest.fixture
def two_same_time_shifts(db):
    """A volunteer booked on two shifts at the same time (as old data or a direct write could leave it)."""
    volunteer = f.volunteer()
    first = f.shift(in_hours=30, hours=3)
    second = f.shift(opp=f.opportunity(title="社区普法宣传"), in_hours=31, hours=3)
    actions.book_shift(volunteer=volunteer, shift=first, actor=volunteer.user)
    Booking.objects.create(volunteer=volunteer, shift=second, status=Booking.Status.BOOKED)
    return volunteer, first, second


def later(hours: float):
    return time_machine.travel(timezone.now() + dt.timedelta(hours=hours), tick=False)


def _log(volunteer, shift):
    return actions.log_hours(
        volunteer=volunteer,
        shift=shift,
        date=timezone.localdate(shift.starts_at),
        hours=Decimal("3"),
        actor=volunteer.user,
    )


def test_hours_for_an_overlapping_shift_are_refused_with_the_clash_named(two_same_time_shifts):
    volunteer, first, second = two_same_time_shifts
    with later(40):
        _log(volunteer, first)
        with pytest.raises(Error) as err:
            _log(volunteer, second)
    assert "法治教育集中学习" in str(err.value.message_dict["shift"])
    assert HourLog.objects.filter(volunteer=volunteer).count() == 1


def test_a_rejected_entry_does_not_block_the_other_shift(two_same_time_shifts):
    volunteer, first, second = two_same_time_shifts
    with later(40):
        entry, _ = _log(volunteer, first)
        actions.review_hours(entries=HourLog.objects.filter(pk=entry.pk), actor=f.coordinator(), approve=False)
        _second, created = _log(volunteer, second)
    assert created


def test_touching_shifts_both_count(db):
    volunteer = f.volunteer()
    first = f.shift(in_hours=30, hours=3)
    second = f.shift(opp=f.opportunity(title="社区普法宣传"), in_hours=33, hours=2)
    actions.book_shift(volunteer=volunteer, shift=first, actor=volunteer.user)
    actions.book_shift(volunteer=volunteer, shift=second, actor=volunteer.user)
    with later(40):
        _log(volunteer, first)
        _log(volunteer, second)
    assert HourLog.objects.filter(volunteer=volunteer).count() == 2


def test_the_hours_form_does_not_offer_a_shift_already_logged(client, two_same_time_shifts):
    volunteer, first, second = two_same_time_shifts
    with later(40):
        _log(volunteer, first)
        client.force_login(volunteer.user)
        page = client.get("/volunteers/hours/").content.decode()
    assert f'value="{second.pk}"' in page
    assert f'value="{first.pk}"' not in page


def test_review_list_warns_about_same_time_entries(client, two_same_time_shifts):
    volunteer, first, second = two_same_time_shifts
    with later(40):
        entry, _ = _log(volunteer, first)
    # An entry from before the rule: stored directly, as old data would be.
    HourLog.objects.create(volunteer=volunteer, shift=second, date=entry.date, hours=Decimal("3"))
    client.force_login(f.coordinator())
    page = client.get("/en/volunteers/manage/hours/").content.decode()
    assert page.count('class="row--warn"') == 2
    assert "Same time as 社区普法宣传" in page
