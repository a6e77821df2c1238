"""Pages: the volunteer home, coordinator lists (search, filter, sort, paging) with fixed query counts, mentees."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from tests.volunteers import factories as f
from volunteers import actions, selectors
from volunteers.models import HourLog, Opportunity, Volunteer


def test_home_shows_shifts_hours_calendar_certificate_and_status(client, db):
    volunteer = f.volunteer()
    shift = f.shift(opp=f.opportunity(title="法治教育课"))
    actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    entry, _ = actions.log_hours(
        actor=None, volunteer=volunteer, activity="整理", date=timezone.localdate(), hours=Decimal("2.5")
    )
    actions.review_hours(entries=HourLog.objects.filter(pk=entry.pk), actor=None, approve=True)
    client.force_login(volunteer.user)
    body = client.get("/volunteers/home/").content.decode()
    assert "法治教育课" in body
    assert "2.5" in body
    assert f"/volunteers/calendar/{volunteer.feed_token}.ics" in body and "webcal://" in body
    assert "下载证明" in body
    assert "在岗" in body
    assert "暂未给您分配帮教对象" in body  # no coordination model yet: an empty mentees section


def test_index_sends_people_where_they_belong(client, db):
    volunteer = f.volunteer()
    coordinator = f.coordinator()
    assert client.get("/volunteers/").status_code == 200
    client.force_login(volunteer.user)
    assert client.get("/volunteers/")["Location"].endswith("/volunteers/home/")
    client.force_login(coordinator)
    assert client.get("/volunteers/")["Location"].endswith("/volunteers/manage/")


def test_a_volunteer_without_a_mentoring_assignment_has_no_mentees(db):
    assert selectors.mentees_for(f.volunteer()) == []


def test_volunteer_home_shows_only_the_mentees_given_name_and_meeting_times(client, db):
    """The correction team links a volunteer to a supervisee; the volunteer sees the given name and times only."""
    from coordination import actions as case_actions
    from coordination.models import CorrectionTeamMember
    from services.models import Sex
    from tests.coordination.factories import make_supervisee
    from tests.factories import make_city

    city = make_city()
    volunteer = f.volunteer()
    meeting = f.shift(opp=f.opportunity(kind=Opportunity.Kind.MENTORING_MEETING, title="谈心"))
    actions.book_shift(actor=None, volunteer=volunteer, shift=meeting)
    supervisee = make_supervisee(office=city.office, sex=Sex.MALE)
    case_actions.add_team_member(
        actor=supervisee.created_by,
        supervisee=supervisee,
        role=CorrectionTeamMember.Role.VOLUNTEER,
        name=volunteer.full_name,
        sex=Sex.MALE,
        user=volunteer.user,
        meeting_schedule="每周三 15:00",
    )
    minor = make_supervisee(office=city.office, sex=Sex.MALE, age=16)
    case_actions.add_team_member(
        actor=supervisee.created_by,
        supervisee=minor,
        role=CorrectionTeamMember.Role.VOLUNTEER,
        name=volunteer.full_name,
        sex=Sex.MALE,
        user=volunteer.user,
    )

    mentees = selectors.mentees_for(volunteer)
    assert mentees == [
        {
            "given_name": supervisee.given_name,
            "schedule": "每周三 15:00",
            "meetings": [timezone.localtime(meeting.starts_at)],
        }
    ]  # the minor is left out (Community Corrections Law Art. 54)
    client.force_login(volunteer.user)
    html = client.get("/volunteers/home/").content.decode()
    assert supervisee.given_name in html
    assert "每周三 15:00" in html
    assert supervisee.name not in html  # never the full name


@pytest.fixture
def crowd(db):
    team = f.team()
    coordinator = f.coordinator(team)
    township = __import__("tests.factories", fromlist=["TownshipFactory"]).TownshipFactory()
    names = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]
    people = []
    for i in range(30):
        status = [Volunteer.Status.APPLIED, Volunteer.Status.ACTIVE, Volunteer.Status.INTERVIEWED][i % 3]
        people.append(
            f.volunteer(
                organisation=team,
                status=status,
                trained=False,
                full_name=f"王{names[i % 10]}{i}",
                township=township if i % 2 else None,
            )
        )
    return coordinator, people


def test_coordinator_list_searches_filters_sorts_and_pages(client, crowd):
    coordinator, people = crowd
    client.force_login(coordinator)
    first = client.get("/volunteers/manage/").content.decode()
    assert "30 人" in first and "第 1 页，共 2 页" in first
    found = client.get("/volunteers/manage/", {"q": "王甲1"}).content.decode()
    assert "王甲10" in found and "王乙1" not in found
    applied = client.get("/volunteers/manage/", {"status": "applied"}).content.decode()
    assert "10 人" in applied
    sorted_page = client.get("/volunteers/manage/", {"ordering": "name"}).content.decode()
    assert sorted_page.index("王丁13") < sorted_page.index("王丁3")  # sorted by name
    assert client.get("/volunteers/manage/", {"status": "nonsense"}).status_code == 400
    page_two = client.get("/volunteers/manage/", {"status": "applied", "page": 2}).content.decode()
    assert "王" in page_two  # 10 rows: one page only; a page past the end shows the last one


@pytest.mark.parametrize("url", ["/volunteers/manage/", "/volunteers/manage/shifts/", "/volunteers/manage/hours/"])
def test_coordinator_lists_cost_a_fixed_number_of_queries(client, db, url):
    team = f.team()
    coordinator = f.coordinator(team)
    client.force_login(coordinator)

    def grow(n):
        for _ in range(n):
            volunteer = f.volunteer(organisation=team, township=None)
            shift = f.shift(opp=f.opportunity(organisation=team), in_hours=48 + 5 * HourLog.objects.count())
            actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
            actions.log_hours(
                actor=None,
                volunteer=volunteer,
                activity="服务",
                date=timezone.localdate() - dt.timedelta(days=1),
                hours=Decimal("1"),
            )

    grow(2)
    roles.forget(coordinator)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many]


def test_volunteer_pages_cost_a_fixed_number_of_queries(client, db):
    volunteer = f.volunteer()
    client.force_login(volunteer.user)

    def grow(n):
        for _ in range(n):
            shift = f.shift(opp=f.opportunity(courses=["legal_basics"]), in_hours=48 + 5 * volunteer.bookings.count())
            actions.book_shift(actor=None, volunteer=volunteer, shift=shift)

    counts = {}
    for n in (2, 6):
        grow(n)
        for url in ("/volunteers/home/", "/volunteers/shifts/", "/volunteers/hours/"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.setdefault(url, []).append(len(ctx))
    for url, (few, many) in counts.items():
        assert few == many, (url, few, many)
