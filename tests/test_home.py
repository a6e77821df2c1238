"""The home page ("today") of every role: it is where each lands, it is never empty, and each count equals an
independent count of the rows it stands for (only the rows the role may see)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from bureau import actions as bureau_actions
from bureau.models import StaffTraining
from coordination.models import Referral, Supervisee
from notifications.models import Notification
from services.models import Membership
from tests.coordination.factories import make_world
from tests.factories import PASSWORD, user_with_role
from tests.volunteers import factories as vf
from volunteers import actions as volunteer_actions
from volunteers.models import HourLog

Role = Membership.Role


def _items(client) -> dict[str, object]:
    response = client.get("/today/")
    assert response.status_code == 200
    return {item.key: item for _title, items in response.context["groups"] for item in items}


@pytest.fixture
def world(db):
    w = make_world()
    # The sent referral is late: its answer deadline passed yesterday.
    Referral.objects.filter(pk=w.referrals["sent"].pk).update(deadline=timezone.now() - dt.timedelta(days=1))
    return w


def test_officer_and_office_head_counts_match_their_office(client, world):
    office = world.city.office
    head = user_with_role(Role.OFFICE_HEAD, office, username="head")
    of_office = Referral.objects.filter(need__supervisee__judicial_office=office)
    for user in (world.users["officer"], head):
        client.force_login(user)
        items = _items(client)
        assert items["caseload"].count == Supervisee.objects.filter(judicial_office=office).count() == 1
        assert items["waiting"].count == of_office.filter(state=Referral.State.SENT).count() == 1
        assert items["overdue"].count == of_office.filter(state="sent", deadline__lt=timezone.now()).count() == 1
        assert items["overdue"].warn
        assert items["todo"].url == "/casework/supervision/today/"  # 今日待办 of the supervision app
    client.force_login(head)
    assert _items(client)["people"].count >= 3  # the officer, the social worker and the head themselves


def test_the_other_office_sees_none_of_it(client, world):
    client.force_login(world.users["other_officer"])
    items = _items(client)
    assert items["overdue"].count == 0 and items["waiting"].count == 0
    assert items["caseload"].count == Supervisee.objects.filter(judicial_office=world.city.other_office).count()


def test_the_bureau_sees_the_city(client, world):
    client.force_login(world.users["bureau"])
    items = _items(client)
    assert items["caseload"].count == Supervisee.objects.count() == 2
    assert items["waiting"].count == Referral.objects.filter(state=Referral.State.SENT).count()
    assert items["unstaffed"].count == 0  # both offices have an officer
    assert items["people"].count == User.objects.filter(is_active=True).count()


def test_provider_counts_referrals_to_answer(client, world):
    client.force_login(world.users["provider"])
    items = _items(client)
    sent = Referral.objects.filter(offering__organisation=world.provider_org, state=Referral.State.SENT)
    assert items["to_answer"].count == sent.count() == 1
    assert items["late"].count == sent.filter(deadline__lt=timezone.now()).count() == 1
    assert "caseload" not in items
    client.force_login(world.users["employer"])
    assert _items(client)["to_answer"].count == 0


def test_coordinator_counts_hours_to_approve_and_applications(client, db):
    team = vf.team()
    coordinator = vf.coordinator(team, username="coord")
    people = [vf.volunteer(organisation=team) for _ in range(3)]
    for person in people:
        volunteer_actions.log_hours(
            volunteer=person, date=timezone.localdate(), hours=Decimal("2"), activity="宣传", actor=person.user
        )
    elsewhere = vf.volunteer(organisation=vf.team("别的志愿队"))
    volunteer_actions.log_hours(
        volunteer=elsewhere, date=timezone.localdate(), hours=Decimal("1"), activity="x", actor=elsewhere.user
    )
    vf.volunteer(organisation=team, status="applied")
    client.force_login(coordinator)
    items = _items(client)
    assert items["hours"].count == HourLog.objects.filter(status="pending", volunteer__organisation=team).count() == 3
    assert items["applicants"].count == 1


def test_unread_notifications_are_counted(client, world):
    officer = world.users["officer"]
    client.force_login(officer)
    expected = Notification.objects.filter(recipient=officer, channel="inbox", read_at__isnull=True).count()
    assert client.get("/today/").context["unread"] == expected
    Notification.objects.create(recipient=officer, channel="inbox", kind="referral_overdue", subject="x")
    assert client.get("/today/").context["unread"] == expected + 1


@pytest.mark.parametrize(
    "role",
    [
        Role.BUREAU_ADMIN,
        Role.OFFICE_OFFICER,
        Role.SOCIAL_WORKER,
        Role.PROVIDER_STAFF,
        Role.VOLUNTEER_COORDINATOR,
        Role.CONTENT_EDITOR,
    ],
)
def test_every_role_lands_on_a_home_page_with_something_to_do(client, role_users, role):
    response = client.post("/accounts/login/", {"username": role_users[role].username, "password": PASSWORD})
    assert response["Location"] == "/today/"
    client.force_login(role_users[role])
    page = client.get("/today/")
    assert page.context["groups"], role
    assert "您尚未在任何机构中担任角色" not in page.content.decode()


def test_a_volunteer_lands_on_today_with_their_shifts(client, db):
    person = vf.volunteer()
    response = client.post("/accounts/login/", {"username": person.user.username, "password": PASSWORD})
    assert response["Location"] == "/today/"
    client.force_login(person.user)
    items = _items(client)
    assert items["shifts"].count == 0 and items["my_hours"].count == 0
    assert "您尚未在任何机构中担任角色" not in client.get("/today/").content.decode()


def test_staff_see_their_training_this_year_and_the_overseers_the_table(client, world):
    office = world.city.office
    officer = world.users["officer"]
    head = user_with_role(Role.OFFICE_HEAD, office, username="head")
    today = timezone.localdate()
    for day, hours in ((today, "2"), (today, "3"), (today.replace(year=today.year - 1), "4")):
        bureau_actions.record_training(
            actor=officer,
            trainee=officer,
            organisation=office,
            course="业务培训",
            provider="市司法局",
            kind="casework",
            trained_on=day,
            hours=Decimal(hours),
        )
    voided = StaffTraining.objects.filter(trainee=officer).first()
    bureau_actions.void_training(actor=head, training=voided, reason="重复")
    client.force_login(officer)
    items = _items(client)
    expected = StaffTraining.objects.filter(
        trainee=officer, trained_on__year=today.year, voided_at__isnull=True
    ).count()
    assert items["my_training"].count == expected == 1
    assert items["my_training"].url == "/casework/leadership/training/"
    assert "staff_training" not in items  # an officer oversees nobody's training
    assert "/casework/leadership/training/" in {url for url, _label in client.get("/today/").context["places"]}
    client.force_login(head)
    items = _items(client)
    assert items["my_training"].count == 0
    assert items["staff_training"].url == "/casework/leadership/training/offices/"
    client.force_login(world.users["provider"])
    assert "my_training" not in _items(client)


def test_budget_and_contract_counts(client, world):
    from bureau import actions as bureau_actions
    from bureau.models import BudgetLine, Contract

    bureau = world.users["bureau"]
    today = timezone.localdate()
    line = bureau_actions.record_budget_line(actor=bureau, year=today.year, category="equipment", approved=Decimal(10))
    bureau_actions.record_expenditure(
        actor=bureau,
        budget_line=line,
        spent_on=today,
        amount=Decimal(11),
        purpose="执法记录仪",
        overspend_reason="追加",
    )
    bureau_actions.record_contract(
        actor=bureau,
        organisation=world.provider_org,
        title="职业技能培训服务",
        number="GM-H-1",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
        amount=Decimal(1000),
    )
    client.force_login(bureau)
    items = _items(client)
    overspent = [
        ln
        for ln in BudgetLine.objects.filter(year=today.year)
        if sum(e.amount for e in ln.expenditures.all()) > ln.approved
    ]
    assert items["overspent"].count == len(overspent) == 1 and items["overspent"].warn
    in_force = Contract.objects.filter(starts_on__lte=today, ends_on__gte=today)
    assert items["contracts"].count == in_force.count() == 1
    # The provider holding the contract sees it, not the budget; the employer (no contract) sees neither.
    client.force_login(world.users["provider"])
    items = _items(client)
    assert items["contracts"].count == 1 and "overspent" not in items
    client.force_login(world.users["employer"])
    assert "contracts" not in _items(client)
