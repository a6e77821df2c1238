"""Hour logging (idempotent), QR check-in/out, review one by one or in bulk, totals."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tests.volunteers import factories as f
from volunteers import actions, selectors
from volunteers.models import HourLog

Error = actions.VolunteerActionError


@pytest.fixture
def attended(db):
    """A volunteer booked on a shift that started two hours ago."""
    volunteer = f.volunteer()
    shift = f.shift(in_hours=30, hours=3)
    actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    return volunteer, shift


def later(hours: float):
    return time_machine.travel(timezone.now() + dt.timedelta(hours=hours), tick=False)


def test_the_same_entry_twice_counts_once(attended):
    volunteer, shift = attended
    token = uuid.uuid4()
    with later(32):
        first, created = actions.log_hours(
            actor=None,
            volunteer=volunteer,
            shift=shift,
            date=timezone.localdate(shift.starts_at),
            hours=Decimal("3"),
            client_token=token,
        )
        again, created_again = actions.log_hours(
            actor=None,
            volunteer=volunteer,
            shift=shift,
            date=timezone.localdate(shift.starts_at),
            hours=Decimal("3"),
            client_token=token,
        )
    assert created and not created_again and first.pk == again.pk
    assert HourLog.objects.count() == 1


def test_a_shift_is_counted_once_even_with_a_new_token(attended):
    volunteer, shift = attended
    with later(32):
        actions.log_hours(
            actor=None, volunteer=volunteer, shift=shift, date=timezone.localdate(shift.starts_at), hours=Decimal("3")
        )
        with pytest.raises(Error) as err:
            actions.log_hours(
                actor=None,
                volunteer=volunteer,
                shift=shift,
                date=timezone.localdate(shift.starts_at),
                hours=Decimal("2"),
            )
    assert "shift" in err.value.message_dict


def test_bad_hour_entries_get_field_errors(attended):
    volunteer, shift = attended
    today = timezone.localdate()
    with pytest.raises(Error) as err:
        actions.log_hours(actor=None, volunteer=volunteer, date=today + dt.timedelta(days=2), hours=Decimal("30"))
    assert set(err.value.message_dict) == {"date", "hours", "activity"}
    with pytest.raises(Error) as err:
        actions.log_hours(
            actor=None, volunteer=volunteer, shift=shift, date=today, hours=Decimal("1")
        )  # not started yet
    assert "shift" in err.value.message_dict
    stranger_shift = f.shift(in_hours=-5)
    with pytest.raises(Error) as err:
        actions.log_hours(actor=None, volunteer=volunteer, shift=stranger_shift, date=today, hours=Decimal("1"))
    assert "shift" in err.value.message_dict


def test_log_hours_page_is_idempotent_and_shows_field_errors(client, attended):
    volunteer, shift = attended
    client.force_login(volunteer.user)
    bad = client.post("/en/volunteers/hours/", {"hours": "0", "date": "", "client_token": "x"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "This field is required." in text and "Enter a valid UUID." in text
    token = str(uuid.uuid4())
    data = {"activity": "整理普法材料", "date": timezone.localdate().isoformat(), "hours": "1.5", "client_token": token}
    assert client.post("/volunteers/hours/", data).status_code == 302
    assert client.post("/volunteers/hours/", data).status_code == 302  # a double click
    assert HourLog.objects.filter(volunteer=volunteer).count() == 1


def test_qr_check_in_and_out_logs_the_hours_once(client, attended):
    volunteer, shift = attended
    client.force_login(volunteer.user)
    url = f"/volunteers/shifts/{shift.pk}/check/{shift.checkin_code}/"
    assert client.post(f"/volunteers/shifts/{shift.pk}/check/wrong/").status_code == 404
    assert not volunteer.bookings.get().checked_in_at
    with time_machine.travel(shift.starts_at - dt.timedelta(minutes=10), tick=False):
        client.force_login(volunteer.user)  # the session of "now" has expired by then
        client.post(url)
        assert volunteer.bookings.get().checked_in_at
    with time_machine.travel(shift.ends_at + dt.timedelta(minutes=5), tick=False):
        client.force_login(volunteer.user)
        client.post(url)
        client.post(url)  # scanned twice on the way out
    entry = HourLog.objects.get(volunteer=volunteer)
    assert entry.hours == Decimal("3.00")  # clamped to the shift
    assert entry.shift == shift and entry.status == HourLog.Status.PENDING


def test_review_one_or_many_only_within_the_coordinators_team(client, attended):
    volunteer, shift = attended
    coordinator = f.coordinator()
    other = f.volunteer(organisation=f.team("别的协会"))
    today = timezone.localdate()
    a, _ = actions.log_hours(actor=None, volunteer=volunteer, activity="甲", date=today, hours=Decimal("1"))
    b, _ = actions.log_hours(actor=None, volunteer=volunteer, activity="乙", date=today, hours=Decimal("2"))
    c, _ = actions.log_hours(actor=None, volunteer=volunteer, activity="丙", date=today, hours=Decimal("4"))
    foreign, _ = actions.log_hours(actor=None, volunteer=other, activity="丁", date=today, hours=Decimal("1"))
    client.force_login(coordinator)
    page = client.get("/volunteers/manage/hours/").content.decode()
    assert "甲" in page and "丁" not in page
    assert (
        client.post("/en/volunteers/manage/hours/", {"entries": [foreign.pk], "decision": "approve"}).status_code == 400
    )
    client.post("/volunteers/manage/hours/", {"entries": [a.pk], "decision": "approve"})
    client.post("/volunteers/manage/hours/", {"entries": [b.pk, c.pk], "decision": "reject", "note": "无记录"})
    statuses = dict(HourLog.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "approved", b.pk: "rejected", c.pk: "rejected", foreign.pk: "pending"}
    # a second decision on a decided entry is refused and changes nothing
    with pytest.raises(actions.VolunteerActionError, match="已被他人批准或驳回"):
        actions.review_hours(entries=HourLog.objects.filter(pk=a.pk), actor=coordinator, approve=False)
    assert HourLog.objects.get(pk=a.pk).status == "approved"


def test_totals_per_volunteer_month_and_organisation(db):
    team_a, team_b = f.team("甲协会"), f.team("乙协会")
    x, y = f.volunteer(organisation=team_a, full_name="张三"), f.volunteer(organisation=team_b, full_name="李四")
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    for volunteer, day, hours in [(x, today, "2"), (x, last_month, "3"), (y, today, "5")]:
        entry, _ = actions.log_hours(actor=None, volunteer=volunteer, activity="服务", date=day, hours=Decimal(hours))
        actions.review_hours(entries=HourLog.objects.filter(pk=entry.pk), actor=None, approve=True)
    actions.log_hours(actor=None, volunteer=x, activity="待审", date=today, hours=Decimal("7"))  # pending: not counted
    totals = selectors.hour_totals(HourLog.objects.all())
    assert {r["volunteer__full_name"]: r["hours"] for r in totals["by_volunteer"]} == {
        "张三": Decimal("5"),
        "李四": Decimal("5"),
    }
    assert {r["volunteer__organisation__name"]: r["hours"] for r in totals["by_organisation"]} == {
        "甲协会": Decimal("5"),
        "乙协会": Decimal("5"),
    }
    months = {
        r["month"].strftime("%Y-%m") if hasattr(r["month"], "strftime") else r["month"]: r["hours"]
        for r in totals["by_month"]
    }
    assert months[today.strftime("%Y-%m")] == Decimal("7") and months[last_month.strftime("%Y-%m")] == Decimal("3")
    assert selectors.hours_in_year(x, today.year)["pending"] == Decimal("7")
