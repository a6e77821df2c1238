"""iCalendar feeds: private per volunteer, public events, one shift.

- UID is derived from the shift's permanent uuid, so it never changes between generations;
- SEQUENCE is the shift's revision counter, raised by every reschedule or cancellation;
- cancelled shifts (and the volunteer's cancelled bookings) stay in the feed with STATUS:CANCELLED,
  so subscribed calendars remove them instead of keeping a stale event;
- times carry the Asia/Shanghai zone with its VTIMEZONE block;
- DTSTAMP is the shift's last change, so an unchanged feed is byte-identical (stable ETag);
- the summary is the neutral title: a mentoring meeting never names the supervisee.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from volunteers.models import Booking, Shift

PRODID = "-//Community Corrections Coordination Platform//Volunteers//ZH"
ZONE = ZoneInfo(settings.TIME_ZONE)


def shift_uid(shift: Shift) -> str:
    return f"shift-{shift.uuid}@volunteers.cc"


def _event(shift: Shift, *, status: str) -> Event:
    event = Event()
    event.add("uid", shift_uid(shift))
    event.add("sequence", shift.sequence)
    event.add("dtstamp", shift.updated_at)
    event.add("dtstart", shift.starts_at.astimezone(ZONE))
    event.add("dtend", shift.ends_at.astimezone(ZONE))
    event.add("summary", shift.opportunity.neutral_title)
    event.add("location", shift.place)
    event.add("categories", [str(shift.opportunity.get_kind_display())])
    event.add("status", status)
    if shift.opportunity.is_public and shift.opportunity.description:
        event.add("description", shift.opportunity.description)
    return event


def build_calendar(entries: Iterable[tuple[Shift, str]], *, name: str) -> bytes:
    """Serialise (shift, status) pairs into one VCALENDAR with the zone definitions it needs."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    seen: set[int] = set()
    for shift, status in entries:
        if shift.pk in seen:
            continue
        seen.add(shift.pk)
        cal.add_component(_event(shift, status=status))
    cal.add_missing_timezones()
    return cal.to_ical()


def _status_for_booking(booking: Booking) -> str:
    if booking.shift.status == Shift.Status.CANCELLED or booking.status == Booking.Status.CANCELLED:
        return "CANCELLED"
    if booking.status == Booking.Status.WAITLISTED:
        return "TENTATIVE"
    return "CONFIRMED"


def volunteer_feed(bookings: Iterable[Booking]) -> bytes:
    """The private feed: the first (live, if any) booking per shift decides the status."""
    ordered = sorted(bookings, key=lambda b: (b.shift.starts_at, b.shift_id, b.status == Booking.Status.CANCELLED))
    return build_calendar(((b.shift, _status_for_booking(b)) for b in ordered), name=_("My volunteer shifts"))


def shifts_feed(shifts: Iterable[Shift], *, name: str) -> bytes:
    return build_calendar(
        ((s, "CANCELLED" if s.status == Shift.Status.CANCELLED else "CONFIRMED") for s in shifts), name=name
    )


def calendar_response(
    request: HttpRequest,
    build: Callable[[], bytes],
    *,
    version: str,
    last_modified: dt.datetime | None = None,
    filename: str | None = None,
) -> HttpResponse:
    """Serve a calendar with ETag and Last-Modified, answering 304 without building it when unchanged.

    ``version`` is a cheap fingerprint of everything the calendar shows (row count and latest
    change); the ETag hashes it with the language. Built bodies are cached under the ETag, so a
    calendar app polling an unchanged feed costs one small query.
    """
    etag = '"' + hashlib.sha256(f"{version}|{get_language()}".encode()).hexdigest()[:32] + '"'
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        key = f"volunteers:ics:{etag.strip(chr(34))}"
        body = cache.get(key)
        if body is None:
            body = build()
            cache.set(key, body, timeout=60 * 60)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    if timestamp:
        response["Last-Modified"] = http_date(timestamp)
    response["Cache-Control"] = "private, max-age=300"
    return response
