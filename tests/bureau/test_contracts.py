"""Purchased-service contracts (issue 18 item 7): each target against the live measure for the contract's
period, checked against an independent count of the rows; a new intervention changes the measure; the
contracted organisation's staff see their contract and nothing else; payments against the contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from bureau import actions, selectors
from bureau.models import Contract
from config.errors import ActionError
from coordination import actions as coordination
from coordination.models import CorrectionTeamMember, Referral, Sex
from services.models import Organisation
from supervision.casework import actions as casework
from supervision.casework.models import Intervention
from supervision.education import actions as education
from supervision.education.models import Session
from tests import factories
from tests.bureau.conftest import budget_line, contract, expenditure, today
from tests.volunteers import factories as volunteer_factories

pytestmark = pytest.mark.django_db
Kind = Organisation.Kind


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agency(world):
    """A social-work agency under contract, its social worker on the person's team, and a case plan."""
    org = world.city.providers[Kind.SOCIAL_WORK_AGENCY]
    worker = factories.user_with_role(Role.SOCIAL_WORKER, org, username="agencysw")
    coordination.add_team_member(
        supervisee=world.supervisee,
        actor=world.users["bureau"],
        role=CorrectionTeamMember.Role.SOCIAL_WORKER,
        name=worker.full_name,
        sex=Sex.FEMALE,
        user=worker,
    )
    world.users["agency_sw"] = worker
    world.plan = casework.open_plan(
        supervisee=world.supervisee,
        actor=worker,
        needs_assessment="就业困难",
        opened_on=today() - dt.timedelta(days=90),
    )
    world.agency = org
    return world


def _intervene(w, *, days_ago: int, minutes: int) -> Intervention:
    return casework.record_intervention(
        plan=w.plan,
        actor=w.users["agency_sw"],
        kind="employment",
        held_on=today() - dt.timedelta(days=days_ago),
        minutes=minutes,
    )


def _target(measures, code):
    return next(t for t in measures["targets"] if t["code"] == code)


def test_the_targets_are_measured_from_the_rows_and_follow_a_new_intervention(agency):
    w = agency
    c = contract(w, w.agency, target_cases=10, target_hours=2, target_sessions=5)
    _intervene(w, days_ago=10, minutes=50)
    _intervene(w, days_ago=5, minutes=40)
    _intervene(w, days_ago=80, minutes=600)  # before the contract's period: not counted
    in_period = Intervention.objects.filter(plan__agency=w.agency, held_on__gte=c.starts_on, held_on__lte=c.ends_on)
    measures = selectors.contract_measures(c)
    assert _target(measures, "sessions")["measured"] == in_period.count() == 2
    assert _target(measures, "cases")["measured"] == len({i.plan.supervisee_id for i in in_period}) == 1
    minutes = sum(i.minutes for i in in_period)
    assert _target(measures, "hours")["measured"] == Decimal(minutes / 60).quantize(Decimal("0.1")) == Decimal("1.5")
    client = _client(w.users["bureau"])
    page = client.get(reverse("bureau:contract", args=[c.pk])).content.decode()
    assert "1.5" in page and "75.0%" in page  # 1.5 of 2 hours
    # A new intervention is counted at once, on the page and in the API.
    _intervene(w, days_ago=0, minutes=30)
    assert _target(selectors.contract_measures(c), "hours")["measured"] == Decimal("2.0")
    page = client.get(reverse("bureau:contract", args=[c.pk])).content.decode()
    assert "100.0%" in page and "75.0%" not in page
    api = client.get(reverse("bureau-contract-detail", args=[c.pk])).json()
    assert {t["code"]: t["measured"] for t in api["targets"]} == {"cases": "1.0", "hours": "2.0", "sessions": "3.0"}
    assert next(t for t in api["targets"] if t["code"] == "hours")["met"] is True


def test_completed_referrals_count_for_the_provider_that_completed_them(world):
    provider = world.city.providers[Kind.TRAINING_PROVIDER]
    c = contract(world, provider, target_cases=3)
    assert _target(selectors.contract_measures(c), "cases")["measured"] == 0
    coordination.apply_verb(
        referral=world.referrals["in_service"], verb="complete", actor=world.users["provider"], grade="achieved"
    )
    done = Referral.objects.filter(offering__organisation=provider, state=Referral.State.COMPLETED)
    measures = selectors.contract_measures(c)
    assert measures["parts"]["referrals_completed"] == done.count() == 1
    assert _target(measures, "cases")["measured"] == len({r.need.supervisee_id for r in done}) == 1


def test_sessions_run_through_the_organisations_volunteer_shifts_count(world):
    team = world.city.providers[Kind.VOLUNTEER_TEAM]
    c = contract(world, team, number="GM-2026-009", target_sessions=2, target_hours=10)
    shift = volunteer_factories.shift(opp=volunteer_factories.opportunity(organisation=team))
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=2)
    education.schedule_session(
        actor=world.users["officer"],
        office=world.city.office,
        kind="legal",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=90),
        place="司法所会议室",
        topic="法治教育",
        volunteer_shift=shift,
    )
    # A session of the office without the team's shift is not the team's.
    education.schedule_session(
        actor=world.users["officer"],
        office=world.city.office,
        kind="legal",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=60),
        place="司法所会议室",
        topic="法治教育",
    )
    theirs = Session.objects.filter(volunteer_shift__opportunity__organisation=team, cancelled=False)
    measures = selectors.contract_measures(c)
    assert measures["parts"]["sessions"] == theirs.count() == 1
    assert measures["parts"]["session_minutes"] == 90
    assert _target(measures, "sessions")["measured"] == 1
    assert _target(measures, "hours")["measured"] == Decimal("1.5")


def test_payments_against_the_contract_cannot_pass_its_amount_and_voided_ones_do_not_count(world):
    line = budget_line(world, category="purchased_services", approved="500000")
    c = contract(world, amount="1000", line=line)
    first = expenditure(world, line, amount="600", contract=c)
    with pytest.raises(ActionError) as refused:
        expenditure(world, line, amount="400.01", contract=c)
    assert "amount" in refused.value.message_dict
    actions.void_expenditure(expenditure=first, actor=world.users["bureau"], reason="付错账户")
    expenditure(world, line, amount="700", contract=c)
    measures = selectors.contract_measures(c)
    assert measures["paid"] == sum(e.amount for e in c.expenditures.all() if not e.is_void) == Decimal("700")
    assert measures["unpaid"] == Decimal("300")
    page = _client(world.users["bureau"]).get(reverse("bureau:contract", args=[c.pk])).content.decode()
    assert "700.00" in page and "300.00" in page and "已作废" in page
    # Paid from another line than the contract's: refused.
    other = budget_line(world, category="casework")
    with pytest.raises(ActionError) as refused:
        expenditure(world, other, amount="1", contract=c)
    assert "contract" in refused.value.message_dict
    # The amount cannot be cut below what was paid.
    with pytest.raises(ActionError):
        actions.edit_contract(contract=c, actor=world.users["bureau"], amount=Decimal("699"))


def test_a_contract_is_with_an_agency_or_provider_for_a_sound_period(world):
    with pytest.raises(ActionError) as refused:
        contract(world, world.city.office)
    assert "organisation" in refused.value.message_dict
    with pytest.raises(ActionError) as refused:
        actions.record_contract(
            actor=world.users["bureau"],
            organisation=world.city.providers[Kind.SOCIAL_WORK_AGENCY],
            title="t",
            number="X-1",
            starts_on=today(),
            ends_on=today() - dt.timedelta(days=1),
            amount=Decimal(1),
        )
    assert "ends_on" in refused.value.message_dict
    contract(world)
    with pytest.raises(ActionError) as refused:
        contract(world)
    assert "number" in refused.value.message_dict


def test_the_contracted_staff_see_their_contract_and_its_measures_and_nothing_else(world):
    line = budget_line(world, category="purchased_services")
    mine = contract(world, line=line, target_cases=5)
    expenditure(world, line, amount="1234.56", contract=mine, purpose="首期服务费")
    other = contract(world, world.city.providers[Kind.SOCIAL_WORK_AGENCY], number="GM-2026-002")
    client = _client(world.users["provider"])
    page = client.get(reverse("bureau:contract", args=[mine.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert mine.title in text and "首期服务费" not in text and "1,234.56" not in text
    listing = client.get(reverse("bureau:contracts")).content.decode()
    assert mine.number in listing and other.number not in listing
    assert client.get(reverse("bureau:contract", args=[other.pk])).status_code == 404
    assert client.get(reverse("bureau:budget")).status_code == 404
    assert client.get(reverse("bureau:contract-edit", args=[mine.pk])).status_code == 403
    api = client.get(reverse("bureau-contract-detail", args=[mine.pk])).json()
    assert "paid" not in api and api["targets"][0]["target"] == 5
    # The employer (another provider without a contract) and an office head find nothing.
    for role in ("employer", "head"):
        assert _client(world.users[role]).get(reverse("bureau:contract", args=[mine.pk])).status_code == 404
        assert _client(world.users[role]).get(reverse("bureau:contracts")).status_code == 404


def test_the_contract_list_searches_filters_and_says_what_to_do_when_empty(world):
    client = _client(world.users["bureau"])
    assert "登记合同" in client.get(reverse("bureau:contracts")).content.decode()
    a = contract(world)
    b = contract(world, world.city.providers[Kind.SOCIAL_WORK_AGENCY], number="GM-2026-002")
    page = client.get(reverse("bureau:contracts"), {"q": "GM-2026-002"}).content.decode()
    assert b.number in page and a.number not in page
    page = client.get(reverse("bureau:contracts"), {"organisation": a.organisation_id}).content.decode()
    assert a.number in page and b.number not in page
    page = client.get(reverse("bureau:contracts"), {"sort": "number"}).content.decode()
    assert page.index(a.number) < page.index(b.number)


@pytest.mark.django_db
def test_impossible_dates_targets_and_filters_are_refused_or_ignored_never_a_server_error(world):
    """Found by walking the pages: a contract from year 1 was saved and its page then failed; a huge target
    and a filter of "²" or of an id past the largest key gave server errors."""
    bureau = Client()
    bureau.force_login(world.users["bureau"])
    agency = world.city.providers[Kind.SOCIAL_WORK_AGENCY]
    body = {
        "organisation": agency.pk,
        "title": "服务项目",
        "number": "GM-X-1",
        "starts_on": "0001-01-01",
        "ends_on": today().isoformat(),
        "amount": "1000.00",
    }
    refused = bureau.post(reverse("bureau-contract-list"), body, content_type="application/json")
    assert refused.status_code == 400 and "starts_on" in refused.json()["errors"]
    huge = {**body, "starts_on": today().isoformat(), "target_cases": 10**23}
    refused = bureau.post(reverse("bureau-contract-list"), huge, content_type="application/json")
    assert refused.status_code == 400 and "target_cases" in refused.json()["errors"]
    page = bureau.post(reverse("bureau:contract-new"), {**body, "ends_on": "9999-12-31", "starts_on": "2026-01-01"})
    assert page.status_code == 400 and "ends_on" in page.context["form"].errors
    assert not Contract.objects.exists()
    for url, query in (
        (reverse("bureau-expenditure-list"), {"year": "²", "contract": "²"}),
        (reverse("bureau-expenditure-list"), {"contract": "9" * 23}),
        (reverse("bureau-contract-list"), {"organisation": "9" * 23}),
        (reverse("bureau-contract-list"), {"organisation": "²"}),
        ("/casework/records/", {"office": "9" * 23, "year": "²"}),
        ("/casework/records/export.pdf", {"office": "9" * 23}),
    ):
        assert bureau.get(url, query).status_code == 200, (url, query)
