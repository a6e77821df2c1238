"""Training gate, capacity and waitlist, overlaps, cancellations and reschedules."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import Booking, Opportunity, Shift, TrainingRecord, Volunteer

Error = actions.VolunteerActionError


def test_missing_training_blocks_booking_and_names_the_course(db):
    volunteer = f.volunteer(trained=False)
    shift = f.shift(opp=f.opportunity(courses=["confidentiality"]))
    with pytest.raises(Error) as err:
        actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    assert "保密与个人信息保护" in str(err.value)
    assert not Booking.objects.exists()


def test_training_that_expires_before_the_shift_blocks_it_with_the_date(db):
    volunteer = f.volunteer(trained=False)
    # completed 13 months ago, valid 12: expired a month ago
    f.train(volunteer, ["confidentiality"], completed_on=timezone.localdate() - dt.timedelta(days=395))
    expiry = TrainingRecord.objects.get(volunteer=volunteer).expires_on
    shift = f.shift(opp=f.opportunity(courses=["confidentiality"]))
    with pytest.raises(Error) as err:
        actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    assert "保密与个人信息保护" in str(err.value) and expiry.isoformat() in str(err.value)
    f.train(volunteer, ["confidentiality"])  # renewed
    assert actions.book_shift(actor=None, volunteer=volunteer, shift=shift).status == Booking.Status.BOOKED


def test_full_shift_puts_people_on_the_waitlist_and_promotes_in_order(db, django_capture_on_commit_callbacks):
    shift = f.shift(capacity=2)
    a, b, c, d = (f.volunteer() for _ in range(4))
    assert actions.book_shift(actor=None, volunteer=a, shift=shift).status == Booking.Status.BOOKED
    booking_b = actions.book_shift(actor=None, volunteer=b, shift=shift)
    assert actions.book_shift(actor=None, volunteer=c, shift=shift).status == Booking.Status.WAITLISTED
    assert actions.book_shift(actor=None, volunteer=d, shift=shift).status == Booking.Status.WAITLISTED
    shift.refresh_from_db()
    assert shift.booked_count == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_booking(booking=booking_b, actor=b.user)
    statuses = dict(Booking.objects.filter(shift=shift).values_list("volunteer_id", "status"))
    assert statuses[c.pk] == Booking.Status.BOOKED  # first in the queue
    assert statuses[d.pk] == Booking.Status.WAITLISTED
    shift.refresh_from_db()
    assert shift.booked_count == 2
    assert any(c.email in m.to and "候补" in m.body for m in mail.outbox)


def test_cancelling_a_waitlist_place_promotes_nobody(db):
    shift = f.shift(capacity=1)
    a, b = f.volunteer(), f.volunteer()
    actions.book_shift(actor=None, volunteer=a, shift=shift)
    waiting = actions.book_shift(actor=None, volunteer=b, shift=shift)
    actions.cancel_booking(booking=waiting, actor=b.user)
    shift.refresh_from_db()
    assert shift.booked_count == 1


def test_raising_capacity_promotes_the_waitlist(db):
    shift = f.shift(capacity=1)
    a, b = f.volunteer(), f.volunteer()
    actions.book_shift(actor=None, volunteer=a, shift=shift)
    waiting = actions.book_shift(actor=None, volunteer=b, shift=shift)
    actions.reschedule_shift(
        shift=shift, starts_at=shift.starts_at, ends_at=shift.ends_at, place=shift.place, capacity=2, actor=None
    )
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.BOOKED
    shift.refresh_from_db()
    assert shift.sequence == 0  # places are not a change calendars need to see


def test_capacity_cannot_drop_below_the_booked_places(db):
    shift = f.shift(capacity=2)
    actions.book_shift(actor=None, volunteer=f.volunteer(), shift=shift)
    actions.book_shift(actor=None, volunteer=f.volunteer(), shift=shift)
    with pytest.raises(Error) as err:
        actions.reschedule_shift(
            shift=shift, starts_at=shift.starts_at, ends_at=shift.ends_at, place=shift.place, capacity=1, actor=None
        )
    assert "capacity" in err.value.message_dict


def test_the_database_refuses_an_overbooked_count(db):
    from django.db import IntegrityError, transaction
    from django.db.models import F

    shift = f.shift(capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.filter(pk=shift.pk).update(booked_count=F("capacity") + 1)


def test_overlapping_shifts_cannot_both_be_booked(db):
    volunteer = f.volunteer()
    first = f.shift(in_hours=48, hours=3)
    overlapping = f.shift(in_hours=50, hours=3)
    touching = actions.create_shift(
        actor=None,  # starts when the first ends
        opportunity=first.opportunity,
        starts_at=first.ends_at,
        ends_at=first.ends_at + dt.timedelta(hours=2),
        place="x",
        capacity=1,
    )
    actions.book_shift(actor=None, volunteer=volunteer, shift=first)
    with pytest.raises(Error) as err:
        actions.book_shift(actor=None, volunteer=volunteer, shift=overlapping)
    assert "重叠" in str(err.value)
    assert actions.book_shift(actor=None, volunteer=volunteer, shift=touching).status == Booking.Status.BOOKED
    # cancelled bookings no longer block
    for booking in Booking.objects.filter(volunteer=volunteer):
        actions.cancel_booking(booking=booking, actor=None)
    actions.book_shift(actor=None, volunteer=volunteer, shift=overlapping)


def test_booking_twice_past_start_or_by_inactive_people_is_refused(db):
    volunteer = f.volunteer()
    shift = f.shift()
    actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    with pytest.raises(Error):
        actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    with pytest.raises(Error):
        actions.book_shift(actor=None, volunteer=f.volunteer(), shift=f.shift(in_hours=-1))
    with pytest.raises(Error):
        actions.book_shift(
            actor=None, volunteer=f.volunteer(status=Volunteer.Status.TRAINED), shift=f.shift(in_hours=100)
        )
    with pytest.raises(Error):
        other_team = f.opportunity(organisation=f.team("别的协会"))
        actions.book_shift(actor=None, volunteer=f.volunteer(), shift=f.shift(opp=other_team))


def test_coordinator_cancellation_tells_the_volunteer_and_volunteer_cancellation_tells_coordinators(
    db, django_capture_on_commit_callbacks
):
    coordinator = f.coordinator()
    volunteer = f.volunteer()
    shift = f.shift()
    booking = actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_booking(booking=booking, actor=coordinator, reason="场地临时调整")
    assert [m.to for m in mail.outbox] == [[volunteer.email]]
    assert "场地临时调整" in mail.outbox[0].body
    booking = actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_booking(booking=booking, actor=volunteer.user)
    recipients = {a for m in mail.outbox for a in m.to}
    assert coordinator.email in recipients and volunteer.email in recipients


def test_reschedule_raises_the_sequence_and_mails_booked_volunteers(db, django_capture_on_commit_callbacks):
    volunteer = f.volunteer()
    shift = f.shift()
    actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.reschedule_shift(
            shift=shift,
            starts_at=shift.starts_at + dt.timedelta(hours=1),
            ends_at=shift.ends_at + dt.timedelta(hours=1),
            place="新地点",
            capacity=shift.capacity,
            actor=None,
        )
    shift.refresh_from_db()
    assert shift.sequence == 1
    assert len(mail.outbox) == 1 and "新地点" in mail.outbox[0].body


def test_a_reschedule_that_would_double_book_a_volunteer_is_refused_and_changes_nothing(db):
    volunteer = f.volunteer(full_name="李志愿")
    morning = f.shift(in_hours=48, hours=3)
    afternoon = f.shift(in_hours=52, hours=3)
    actions.book_shift(actor=None, volunteer=volunteer, shift=morning)
    actions.book_shift(actor=None, volunteer=volunteer, shift=afternoon)
    with pytest.raises(actions.VolunteerActionError) as excinfo:
        actions.reschedule_shift(
            shift=afternoon,
            starts_at=morning.starts_at + dt.timedelta(hours=1),
            ends_at=morning.ends_at + dt.timedelta(hours=1),
            place=afternoon.place,
            capacity=afternoon.capacity,
            actor=None,
        )
    assert "李志愿" in str(excinfo.value)
    before = (afternoon.starts_at, afternoon.sequence)
    afternoon.refresh_from_db()
    assert (afternoon.starts_at, afternoon.sequence) == before
    # Moving it to a free time still works.
    actions.reschedule_shift(
        shift=afternoon,
        starts_at=afternoon.starts_at + dt.timedelta(hours=24),
        ends_at=afternoon.ends_at + dt.timedelta(hours=24),
        place=afternoon.place,
        capacity=afternoon.capacity,
        actor=None,
    )


def test_cancelling_a_shift_ends_every_booking(db):
    shift = f.shift(capacity=1)
    actions.book_shift(actor=None, volunteer=f.volunteer(), shift=shift)
    actions.book_shift(actor=None, volunteer=f.volunteer(), shift=shift)
    actions.cancel_shift(shift=shift, actor=None, reason="天气原因")
    shift.refresh_from_db()
    assert shift.status == Shift.Status.CANCELLED and shift.booked_count == 0 and shift.sequence == 1
    assert not Booking.objects.filter(shift=shift, status__in=Booking.LIVE).exists()


def test_volunteer_books_and_cancels_on_the_pages(client, db):
    volunteer = f.volunteer()
    shift = f.shift(opp=f.opportunity(kind=Opportunity.Kind.SKILLS_TUTORING, title="电脑辅导"))
    blocked = f.shift(opp=f.opportunity(courses=["working_with_supervisees"], title="帮教"), in_hours=200)
    TrainingRecord.objects.filter(volunteer=volunteer, course__code="working_with_supervisees").delete()
    client.force_login(volunteer.user)
    listing = client.get("/volunteers/shifts/").content.decode()
    assert "电脑辅导" in listing
    assert "与社区矫正对象工作" in listing  # the blocking course is named before trying
    assert client.post(f"/volunteers/shifts/{shift.pk}/book/").status_code == 302
    booking = Booking.objects.get(volunteer=volunteer, shift=shift)
    response = client.post(f"/volunteers/shifts/{blocked.pk}/book/", follow=True)
    assert "与社区矫正对象工作" in response.content.decode()
    assert "电脑辅导" in client.get("/volunteers/home/").content.decode()
    client.post(f"/volunteers/bookings/{booking.pk}/cancel/", {"confirmed": "yes"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_coordinator_manages_a_shift_on_its_page(client, db):
    coordinator = f.coordinator()
    opp = f.opportunity()
    client.force_login(coordinator)
    start = timezone.localtime() + dt.timedelta(days=3)
    bad = client.post(
        "/en/volunteers/manage/shifts/",
        {
            "opportunity": opp.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": start.strftime("%Y-%m-%dT%H:%M"),
            "place": "",
            "capacity": 0,
        },
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "This field is required." in body
    parsed_but_wrong = client.post(
        "/en/volunteers/manage/shifts/",
        {
            "opportunity": opp.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": start.strftime("%Y-%m-%dT%H:%M"),
            "place": "活动室",
            "capacity": 2,
        },
    )
    assert parsed_but_wrong.status_code == 400
    assert "The end must be after the start." in parsed_but_wrong.content.decode()
    ok = client.post(
        "/volunteers/manage/shifts/",
        {
            "opportunity": opp.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "会议室",
            "capacity": 3,
        },
    )
    assert ok.status_code == 302
    shift = Shift.objects.get(opportunity=opp)
    page = client.get(f"/volunteers/manage/shifts/{shift.pk}/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert client.get(f"/volunteers/manage/shifts/{shift.pk}/qr.svg")["Content-Type"] == "image/svg+xml"
    client.post(
        f"/volunteers/manage/shifts/{shift.pk}/",
        {
            "form": "reschedule",
            "r-starts_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "r-ends_at": (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "r-place": "新会议室",
            "r-capacity": 3,
        },
    )
    shift.refresh_from_db()
    assert shift.place == "新会议室" and shift.sequence == 1
    assert (
        client.post(f"/volunteers/manage/shifts/{shift.pk}/", {"form": "cancel_booking", "booking": "abc"}).status_code
        == 404
    )
    long_reason = client.post(f"/en/volunteers/manage/shifts/{shift.pk}/", {"form": "cancel", "x-reason": "长" * 600})
    assert long_reason.status_code == 400 and "at most 500 characters" in long_reason.content.decode()
    client.post(f"/volunteers/manage/shifts/{shift.pk}/", {"form": "cancel", "x-reason": "取消", "confirmed": "yes"})
    shift.refresh_from_db()
    assert shift.status == Shift.Status.CANCELLED


def test_new_opportunity_form_shows_field_errors_and_publishes(client, db):
    coordinator = f.coordinator()
    client.force_login(coordinator)
    bad = client.post("/en/volunteers/manage/opportunities/new/", {"kind": "nonsense", "title": ""})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode() and "This field is required." in bad.content.decode()
    ok = client.post(
        "/volunteers/manage/opportunities/new/",
        {
            "organisation": f.team().pk,
            "kind": Opportunity.Kind.OUTREACH_EVENT,
            "title": "普法宣传日",
            "is_public": "on",
        },
    )
    assert ok.status_code == 302
    assert Opportunity.objects.get(title="普法宣传日").is_public
    other_team = f.team("别的协会")
    refused = client.post(
        "/volunteers/manage/opportunities/new/",
        {"organisation": other_team.pk, "kind": Opportunity.Kind.OUTREACH_EVENT, "title": "越权"},
    )
    assert refused.status_code == 400


def test_publishing_a_shift_twice_with_one_form_makes_one_shift(client, db):
    import re

    coordinator = f.coordinator()
    opp = f.opportunity()
    client.force_login(coordinator)
    page = client.get("/volunteers/manage/shifts/").content.decode()
    token = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)
    start = timezone.localtime() + dt.timedelta(days=3)
    form = {
        "opportunity": opp.pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "会议室",
        "capacity": 3,
        "idempotency_key": token,
    }
    assert client.post("/volunteers/manage/shifts/", form).status_code == 302
    assert client.post("/volunteers/manage/shifts/", form).status_code == 302
    assert Shift.objects.filter(opportunity=opp).count() == 1
    form["idempotency_key"] = "f" * 32  # another form: another shift
    client.post("/volunteers/manage/shifts/", form)
    assert Shift.objects.filter(opportunity=opp).count() == 2
