"""Education sessions, public-interest activities and attendance (issue 16, item 3): monthly totals against the
rule book's targets (excused absences never count as attended), the unexcused-absence ground at its boundary,
minors kept apart from adults, a volunteer facilitator who sees only given names, and who may do what."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from config.errors import ActionError
from supervision import rulebook
from supervision.education import actions, selectors
from supervision.education.models import Attendance, Session
from supervision.models import Rule, SanctionGround
from supervision.portal import selectors as portal_selectors
from tests.coordination.factories import make_supervisee
from tests.volunteers import factories as volunteer_factories
from volunteers.models import Booking

pytestmark = pytest.mark.django_db


def month_start() -> dt.date:
    return timezone.localdate().replace(day=1)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def schedule(world, *, kind="legal", day=None, hours=2, actor=None, **kwargs) -> Session:
    day = day or month_start() + dt.timedelta(days=1)
    return actions.schedule_session(
        actor=actor or world.users["officer"],
        office=kwargs.pop("office", world.city.office),
        kind=kind,
        starts_at=at(day),
        ends_at=at(day) + dt.timedelta(hours=hours),
        place=kwargs.pop("place", "司法所会议室"),
        topic=kwargs.pop("topic", "宪法与社区矫正法学习"),
        **kwargs,
    )


def mark(world, session, status, *, supervisee=None, minutes=None, excuse=""):
    row = {"supervisee": supervisee or world.supervisee, "status": status, "excuse": excuse}
    if minutes is not None:
        row["minutes"] = minutes
    return actions.record_attendance(actor=world.users["officer"], session=session, rows=[row])[0]


# --- the rule book -------------------------------------------------------------------------------------------


def test_the_rule_book_has_the_education_rows_with_their_articles():
    rows = {
        r.code: r
        for r in Rule.objects.filter(
            code__in=[
                rulebook.EDUCATION_HOURS_MONTH,
                rulebook.ACTIVITY_HOURS_MONTH,
                rulebook.ABSENCE_GROUND_COUNT,
                rulebook.ABSENCE_WINDOW_MONTHS,
            ]
        )
    }
    assert rows[rulebook.EDUCATION_HOURS_MONTH].value == 8
    assert rows[rulebook.EDUCATION_HOURS_MONTH].unit == Rule.Unit.HOURS
    assert "第三十六条" in rows[rulebook.EDUCATION_HOURS_MONTH].law_zh
    assert "第四十二条" in rows[rulebook.ACTIVITY_HOURS_MONTH].law_zh
    assert rows[rulebook.ABSENCE_GROUND_COUNT].value == 3
    assert rows[rulebook.ABSENCE_WINDOW_MONTHS].value == 3
    assert all("Platform default" in row.law_en for row in rows.values())


# --- totals against targets ----------------------------------------------------------------------------------


def test_monthly_hours_count_present_minutes_and_never_excused_ones(world):
    first = schedule(world, kind="legal", hours=3)
    second = schedule(world, kind="mental_health", hours=2, day=month_start() + dt.timedelta(days=2))
    excused = schedule(world, kind="moral", hours=4, day=month_start() + dt.timedelta(days=3))
    activity = schedule(world, kind="public_interest", hours=5, day=month_start() + dt.timedelta(days=4))
    mark(world, first, "present")  # the session's length by default
    mark(world, second, "present", minutes=90)
    mark(world, excused, "excused", excuse="住院治疗，有医院证明")
    mark(world, activity, "present", minutes=240)

    hours = selectors.monthly_hours(world.supervisee, month_start())
    assert hours["education"] == 180 + 90
    assert hours["activity"] == 240
    assert hours["targets"] == {"education": 8 * 60, "activity": 8 * 60}
    assert hours["excused"] == 1
    assert hours["met"] == {"education": False, "activity": False}


def test_the_targets_follow_the_rule_book_override(world):
    Rule.objects.filter(code=rulebook.ACTIVITY_HOURS_MONTH).update(override_value=4)
    activity = schedule(world, kind="public_interest", hours=4)
    mark(world, activity, "present")
    hours = selectors.monthly_hours(world.supervisee, month_start())
    assert hours["targets"]["activity"] == 240
    assert hours["met"]["activity"] is True


def test_sessions_of_another_month_and_cancelled_sessions_do_not_count(world):
    last_month = schedule(world, day=month_start() - dt.timedelta(days=3))
    cancelled = schedule(world)
    mark(world, last_month, "present")
    mark(world, cancelled, "present")
    actions.cancel_session(actor=world.users["officer"], session=cancelled)
    assert selectors.monthly_hours(world.supervisee, month_start())["education"] == 0


def test_an_excuse_needs_a_reason_and_minutes_cannot_exceed_the_session(world):
    session = schedule(world, hours=2)
    with pytest.raises(ActionError) as excinfo:
        mark(world, session, "excused", excuse="  ")
    assert "excuse" in excinfo.value.message_dict
    with pytest.raises(ActionError) as excinfo:
        mark(world, session, "present", minutes=121)
    assert "minutes" in excinfo.value.message_dict
    row = mark(world, session, "absent", minutes=50)
    assert row.minutes == 0  # only those present attend minutes


def test_recording_again_updates_the_one_row(world):
    session = schedule(world)
    mark(world, session, "absent")
    mark(world, session, "present", minutes=60)
    assert Attendance.objects.get(session=session, supervisee=world.supervisee).status == "present"
    assert Attendance.objects.count() == 1


# --- the unexcused-absence ground ------------------------------------------------------------------------------


def grounds(world):
    return SanctionGround.objects.filter(supervisee=world.supervisee, code=SanctionGround.Code.ABSENCE)


def test_the_absence_ground_at_its_boundary(world):
    days = [month_start() - dt.timedelta(days=40), month_start() - dt.timedelta(days=20), month_start()]
    sessions = [schedule(world, day=d) for d in days]
    mark(world, sessions[0], "absent")
    mark(world, sessions[1], "absent")
    assert grounds(world).count() == 0  # N-1
    mark(world, sessions[2], "absent")
    assert grounds(world).count() == 1  # N
    ground = grounds(world).get()
    assert ground.occurred_on == days[2]
    # Recording the same absence again gives no second ground.
    mark(world, sessions[2], "absent")
    assert grounds(world).count() == 1


def test_excused_absences_never_count_toward_the_ground(world):
    sessions = [schedule(world, day=month_start() - dt.timedelta(days=n)) for n in (30, 20, 10, 0)]
    mark(world, sessions[0], "absent")
    mark(world, sessions[1], "excused", excuse="法院传唤")
    mark(world, sessions[2], "excused", excuse="病假")
    mark(world, sessions[3], "absent")
    assert grounds(world).count() == 0


def test_absences_outside_the_window_do_not_count(world):
    old = schedule(world, day=month_start() - dt.timedelta(days=130))
    recent = [schedule(world, day=month_start() - dt.timedelta(days=n)) for n in (10, 0)]
    for session in (old, *recent):
        mark(world, session, "absent")
    assert grounds(world).count() == 0


# --- minors kept apart -----------------------------------------------------------------------------------------


def test_a_minors_only_session_refuses_an_adult_and_an_adult_session_a_minor(world):
    minor = make_supervisee(office=world.city.office, age=16)
    assert minor.is_minor
    minors = schedule(world, minors_only=True)
    adults = schedule(world)
    with pytest.raises(ActionError) as excinfo:
        mark(world, minors, "present")
    assert "第五十二条" in excinfo.value.message_dict["supervisee"][0]  # the reason, in the user's language
    with pytest.raises(ActionError):
        mark(world, adults, "present", supervisee=minor)
    assert mark(world, minors, "present", supervisee=minor).status == "present"
    offered = selectors.sheet(world.users["officer"], minors)
    assert [row["supervisee"] for row in offered] == [minor]
    assert minor not in [row["supervisee"] for row in selectors.sheet(world.users["officer"], adults)]


def test_a_person_of_another_office_is_refused(world):
    session = schedule(world)
    with pytest.raises(ActionError):
        mark(world, session, "present", supervisee=world.other_supervisee)


# --- who may do what -------------------------------------------------------------------------------------------


def test_only_officers_of_the_office_and_the_bureau_schedule_and_record(world):
    session = schedule(world, actor=world.users["bureau"])
    for name in ("other_officer", "social_worker", "provider", "volunteer"):
        with pytest.raises(PermissionDenied):
            schedule(world, actor=world.users[name])
        with pytest.raises(PermissionDenied):
            actions.record_attendance(
                actor=world.users[name], session=session, rows=[{"supervisee": world.supervisee, "status": "present"}]
            )
        with pytest.raises(PermissionDenied):
            actions.cancel_session(actor=world.users[name], session=session)


def test_sessions_are_seen_by_the_office_and_the_bureau_only(world):
    session = schedule(world)
    assert list(selectors.sessions_for(world.users["officer"])) == [session]
    assert list(selectors.sessions_for(world.users["social_worker"])) == [session]
    assert list(selectors.sessions_for(world.users["bureau"])) == [session]
    assert list(selectors.sessions_for(world.users["other_officer"])) == []
    assert list(selectors.sessions_for(world.users["provider"])) == []


def test_editing_a_session_keeps_the_minors_flag_once_attendance_is_recorded(world):
    session = schedule(world)
    actions.edit_session(actor=world.users["officer"], session=session, topic="道德教育", place="社区活动室")
    session.refresh_from_db()
    assert (session.topic, session.place) == ("道德教育", "社区活动室")
    mark(world, session, "present")
    with pytest.raises(ActionError):
        actions.edit_session(actor=world.users["officer"], session=session, minors_only=True)


# --- a volunteer facilitator ----------------------------------------------------------------------------------


@pytest.fixture
def facilitator(world):
    """A volunteer booked on a shift that facilitates a session of the office."""
    vol = volunteer_factories.volunteer()
    shift = volunteer_factories.shift()
    Booking.objects.create(shift=shift, volunteer=vol, status=Booking.Status.BOOKED)
    session = schedule(world, volunteer_shift=shift, day=timezone.localdate())
    return vol.user, session


def test_a_volunteer_facilitator_sees_the_session_and_given_names_only(world, client, facilitator):
    user, session = facilitator
    assert list(selectors.sessions_for(user)) == [session]
    mark(world, session, "excused", excuse="住院治疗")
    client.force_login(user)
    response = client.get(reverse("supervision:education-session", args=[session.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert world.supervisee.given_name in body
    assert world.supervisee.name not in body
    assert world.supervisee.case_number not in body
    assert "住院治疗" not in body  # nor the reason for an excuse
    assert "请假" in body


def test_a_volunteer_not_on_the_shift_sees_nothing(world, client, facilitator):
    _user, session = facilitator
    other = volunteer_factories.volunteer()
    assert list(selectors.sessions_for(other.user)) == []
    client.force_login(other.user)
    assert client.get(reverse("supervision:education-session", args=[session.pk])).status_code in (403, 404)


def test_a_volunteer_facilitator_may_not_record_attendance(world, facilitator):
    user, session = facilitator
    with pytest.raises(PermissionDenied):
        actions.record_attendance(
            actor=user, session=session, rows=[{"supervisee": world.supervisee, "status": "present"}]
        )


# --- pages and API ------------------------------------------------------------------------------------------


def test_the_sessions_list_searches_filters_and_pages(world, client):
    schedule(world, topic="法治讲座", kind="legal")
    schedule(world, topic="公益劳动", kind="public_interest")
    schedule(world, topic="去年的课", day=month_start() - dt.timedelta(days=400))
    client.force_login(world.users["officer"])
    url = reverse("supervision:education-sessions")
    body = client.get(url).content.decode()
    assert "法治讲座" in body and "公益劳动" in body
    body = client.get(url, {"kind": "public_interest"}).content.decode()
    assert "公益劳动" in body and "法治讲座" not in body
    body = client.get(url, {"q": "法治"}).content.decode()
    assert "法治讲座" in body and "公益劳动" not in body
    body = client.get(url, {"month": month_start().strftime("%Y-%m")}).content.decode()
    assert "去年的课" not in body
    assert client.get(url, {"month": "bad", "kind": "nope", "page": "x"}).status_code == 200


def test_an_officer_schedules_and_records_on_the_pages(world, client):
    client.force_login(world.users["officer"])
    day = month_start() + dt.timedelta(days=2)
    response = client.post(
        reverse("supervision:education-schedule"),
        {
            "office": world.city.office.pk,
            "kind": "legal",
            "topic": "社区矫正法",
            "starts_at": f"{day:%Y-%m-%d}T09:00",
            "ends_at": f"{day:%Y-%m-%d}T11:00",
            "place": "司法所",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get()
    page = reverse("supervision:education-session", args=[session.pk])
    body = client.get(page).content.decode()
    assert world.supervisee.name in body
    pk = world.supervisee.pk
    response = client.post(page, {f"status_{pk}": "excused", f"excuse_{pk}": ""})
    assert response.status_code == 200  # the refusal is on the form, not a 500
    assert not Attendance.objects.exists()
    response = client.post(page, {f"status_{pk}": "present", f"minutes_{pk}": "100"})
    assert response.status_code == 302
    assert Attendance.objects.get().minutes == 100


def test_the_schedule_page_refuses_an_end_before_the_start(world, client):
    client.force_login(world.users["officer"])
    day = month_start()
    response = client.post(
        reverse("supervision:education-schedule"),
        {
            "office": world.city.office.pk,
            "kind": "legal",
            "topic": "x",
            "starts_at": f"{day:%Y-%m-%d}T11:00",
            "ends_at": f"{day:%Y-%m-%d}T09:00",
            "place": "司法所",
        },
    )
    assert response.status_code == 200
    assert not Session.objects.exists()


def test_the_case_page_shows_the_month_hours_against_targets(world, client):
    mark(world, schedule(world, hours=3), "present")
    client.force_login(world.users["officer"])
    body = client.get(reverse("supervision:reporting", args=[world.supervisee.uuid])).content.decode()
    assert "3.0 / 8.0" in body


def test_the_api_schedules_records_and_reports_hours(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.users["officer"])
    day = month_start() + dt.timedelta(days=1)
    response = api.post(
        "/api/v1/supervision/education-sessions/",
        {
            "office": world.city.office.pk,
            "kind": "public_interest",
            "topic": "社区清扫",
            "starts_at": at(day).isoformat(),
            "ends_at": (at(day) + dt.timedelta(hours=2)).isoformat(),
            "place": "社区",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    listed = api.get("/api/v1/supervision/education-sessions/", {"kind": "public_interest"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [pk]
    bad = api.post(
        f"/api/v1/supervision/education-sessions/{pk}/attendance/",
        {"rows": [{"supervisee": str(world.supervisee.uuid), "status": "excused"}]},
        format="json",
    )
    assert bad.status_code == 400
    assert "excuse" in bad.content.decode()
    # A person of another office is not on this user's sheet: the same field error, and nothing about them.
    foreign = api.post(
        f"/api/v1/supervision/education-sessions/{pk}/attendance/",
        {"rows": [{"supervisee": str(world.other_supervisee.uuid), "status": "present", "minutes": 30}]},
        format="json",
    )
    assert foreign.status_code == 400 and "supervisee" in foreign.json()["errors"]
    assert world.other_supervisee.given_name not in foreign.content.decode()
    ok = api.post(
        f"/api/v1/supervision/education-sessions/{pk}/attendance/",
        {"rows": [{"supervisee": str(world.supervisee.uuid), "status": "present", "minutes": 90}]},
        format="json",
    )
    assert ok.status_code == 200, ok.content
    hours_url = reverse("supervision-education-hours", args=[world.supervisee.uuid])
    hours = api.get(hours_url, {"month": month_start().strftime("%Y-%m")}).json()
    assert hours["activity"] == 90
    assert hours["targets"] == {"education": 480, "activity": 480}
    other = APIClient()
    other.force_authenticate(world.users["other_officer"])
    assert other.get(f"/api/v1/supervision/education-sessions/{pk}/").status_code == 404
    assert other.get(hours_url).status_code == 404
    assert api.get(hours_url, {"month": "2026-13"}).status_code == 400
    refused = other.post(
        "/api/v1/supervision/education-sessions/",
        {
            "office": world.city.office.pk,
            "kind": "legal",
            "topic": "x",
            "starts_at": at(day).isoformat(),
            "ends_at": (at(day) + dt.timedelta(hours=1)).isoformat(),
            "place": "x",
        },
        format="json",
    )
    assert refused.status_code == 403


def test_the_phone_page_shows_the_month_hours(world, client):
    from tests.factories import UserFactory

    account = UserFactory(username="own-education")
    world.supervisee.account = account
    world.supervisee.save(update_fields=["account"])
    mark(world, schedule(world, kind="public_interest", hours=2), "present", minutes=90)
    data = portal_selectors.overview(account)
    assert data["education"]["activity"] == 90
    assert [line["done"] for line in data["education"]["lines"]] == ["0.0", "1.5"]


def test_the_list_and_the_sheet_cost_a_fixed_number_of_queries(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users["officer"])
    session = schedule(world)
    list_url = reverse("supervision:education-sessions")
    sheet_url = reverse("supervision:education-session", args=[session.pk])
    client.get(list_url)
    with CaptureQueriesContext(connection) as list_before:
        client.get(list_url)
    with CaptureQueriesContext(connection) as sheet_before:
        client.get(sheet_url)
    for _n in range(3):
        schedule(world)
        person = make_supervisee(office=world.city.office)
        mark(world, session, "present", supervisee=person)
    with CaptureQueriesContext(connection) as list_after:
        client.get(list_url)
    with CaptureQueriesContext(connection) as sheet_after:
        client.get(sheet_url)
    assert len(list_after) == len(list_before)
    # The access log writes one row a person read; the reads themselves do not grow.
    reads = lambda ctx: [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]  # noqa: E731
    assert len(reads(sheet_after)) == len(reads(sheet_before))


def test_a_minors_only_session_is_led_only_by_a_volunteer_cleared_for_minors(world):
    shift = volunteer_factories.shift()
    session = schedule(world, volunteer_shift=shift, minors_only=True)
    plain = volunteer_factories.volunteer()
    cleared = volunteer_factories.volunteer(cleared_for_minors=True)
    for vol in (plain, cleared):
        Booking.objects.create(shift=shift, volunteer=vol, status=Booking.Status.BOOKED)
    assert list(selectors.sessions_for(plain.user)) == []
    assert list(selectors.sessions_for(cleared.user)) == [session]
