"""Calendar feeds read by a second parser (vobject): same events, stable UIDs, SEQUENCE, cancellations, 304."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.utils import timezone

from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import Opportunity

SHANGHAI = ZoneInfo("Asia/Shanghai")


def parse(body: bytes):
    return vobject.readOne(body.decode("utf-8"))


def events(body: bytes) -> dict[str, object]:
    cal = parse(body)
    return {e.uid.value: e for e in getattr(cal, "vevent_list", [])}


@pytest.fixture
def booked(db):
    volunteer = f.volunteer()
    shifts = [f.shift(in_hours=48 + 24 * i, capacity=3) for i in range(3)]
    for shift in shifts:
        actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    return volunteer, shifts


def feed(client, volunteer, **headers):
    return client.get(f"/volunteers/calendar/{volunteer.feed_token}.ics", **headers)


def test_private_feed_has_the_same_events_for_a_second_parser(client, booked):
    volunteer, shifts = booked
    response = feed(client, volunteer)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = events(response.content)
    assert len(parsed) == 3
    for shift in shifts:
        event = parsed[f"shift-{shift.uuid}@volunteers.cc"]
        start = event.dtstart.value
        assert start.utcoffset() == dt.timedelta(hours=8)  # Asia/Shanghai, as the calendar will show it
        assert start == shift.starts_at
        assert event.dtend.value == shift.ends_at
        assert event.location.value == shift.place
        assert event.status.value == "CONFIRMED"
        assert int(event.sequence.value) == 0
    assert b"BEGIN:VTIMEZONE" in response.content and b"TZID:Asia/Shanghai" in response.content


def test_uids_are_stable_and_sequence_rises_after_a_reschedule(client, booked):
    volunteer, shifts = booked
    first = events(feed(client, volunteer).content)
    second = events(feed(client, volunteer).content)
    assert set(first) == set(second)
    moved = shifts[0]
    actions.reschedule_shift(
        shift=moved,
        starts_at=moved.starts_at + dt.timedelta(hours=2),
        ends_at=moved.ends_at + dt.timedelta(hours=2),
        place=moved.place,
        capacity=moved.capacity,
        actor=None,
    )
    third = events(feed(client, volunteer).content)
    assert set(third) == set(first)
    uid = f"shift-{moved.uuid}@volunteers.cc"
    assert int(third[uid].sequence.value) == int(first[uid].sequence.value) + 1
    assert third[uid].dtstart.value == moved.starts_at + dt.timedelta(hours=2)


def test_cancelled_shift_and_cancelled_booking_show_as_cancelled(client, booked):
    volunteer, shifts = booked
    actions.cancel_shift(shift=shifts[0], actor=None)
    actions.cancel_booking(booking=volunteer.bookings.get(shift=shifts[1]), actor=volunteer.user)
    parsed = events(feed(client, volunteer).content)
    assert parsed[f"shift-{shifts[0].uuid}@volunteers.cc"].status.value == "CANCELLED"
    assert parsed[f"shift-{shifts[1].uuid}@volunteers.cc"].status.value == "CANCELLED"
    assert parsed[f"shift-{shifts[2].uuid}@volunteers.cc"].status.value == "CONFIRMED"
    assert int(parsed[f"shift-{shifts[0].uuid}@volunteers.cc"].sequence.value) == 1


def test_unchanged_feed_answers_304_and_a_change_answers_200(client, booked):
    volunteer, shifts = booked
    first = feed(client, volunteer)
    etag = first["ETag"]
    assert first["Last-Modified"]
    assert feed(client, volunteer, HTTP_IF_NONE_MATCH=etag).status_code == 304
    actions.cancel_shift(shift=shifts[2], actor=None)
    again = feed(client, volunteer, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_commas_semicolons_and_newlines_are_escaped_and_read_back(client, db):
    opp = f.opportunity(
        title="普法; 宣传, 活动",
        is_public=True,
        kind=Opportunity.Kind.OUTREACH_EVENT,
        description="第一行\n第二行, 含;分号",
    )
    shift = f.shift(opp=opp, place="广场, 东门; 北侧")
    body = client.get("/volunteers/calendar/public.ics").content
    assert b"\\, " in body and b"\\;" in body and b"\\n" in body
    event = events(body)[f"shift-{shift.uuid}@volunteers.cc"]
    assert event.summary.value == "普法; 宣传, 活动"
    assert event.location.value == "广场, 东门; 北侧"
    assert event.description.value == "第一行\n第二行, 含;分号"


def test_mentoring_meetings_have_a_neutral_summary(client, db):
    volunteer = f.volunteer()
    opp = f.opportunity(kind=Opportunity.Kind.MENTORING_MEETING, title="与张某某谈心")
    shift = f.shift(opp=opp)
    actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    body = feed(client, volunteer).content
    assert "张某某".encode() not in body
    assert events(body)[f"shift-{shift.uuid}@volunteers.cc"].summary.value == "帮教会面"


def test_the_token_address_is_revocable(client, booked):
    volunteer, _ = booked
    old = volunteer.feed_token
    client.force_login(volunteer.user)
    client.post("/volunteers/calendar/new-address/")
    volunteer.refresh_from_db()
    assert volunteer.feed_token != old
    assert client.get(f"/volunteers/calendar/{old}.ics").status_code == 404
    assert feed(client, volunteer).status_code == 200


def test_public_feed_lists_only_public_events_and_shift_ics_is_guarded(client, db):
    public = f.shift(opp=f.opportunity(title="普法宣传日", is_public=True, kind=Opportunity.Kind.OUTREACH_EVENT))
    private = f.shift(opp=f.opportunity(title="内部学习"), in_hours=100)
    parsed = events(client.get("/volunteers/calendar/public.ics").content)
    assert set(parsed) == {f"shift-{public.uuid}@volunteers.cc"}
    one = client.get(f"/volunteers/shifts/{public.uuid}.ics")
    assert one.status_code == 200 and "attachment" in one["Content-Disposition"]
    assert len(events(one.content)) == 1
    assert client.get(f"/volunteers/shifts/{private.uuid}.ics").status_code == 404
    volunteer = f.volunteer()
    actions.book_shift(actor=None, volunteer=volunteer, shift=private)
    client.force_login(volunteer.user)
    assert client.get(f"/volunteers/shifts/{private.uuid}.ics").status_code == 200


def test_feed_times_are_in_shanghai_even_for_an_evening_shift(client, db):
    volunteer = f.volunteer()
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(23, 30)))
    shift = actions.create_shift(
        actor=None,
        opportunity=f.opportunity(),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="x",
        capacity=1,
    )
    actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    body = feed(client, volunteer).content.decode()
    assert f"DTSTART;TZID=Asia/Shanghai:{start.astimezone(SHANGHAI):%Y%m%dT%H%M%S}" in body
