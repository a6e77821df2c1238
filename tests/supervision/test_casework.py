"""Social-work case plans (issue 16 item 5): who sees what, overdue goals, minutes, the contract counts, the
history and bad input, as a user notices them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination import actions as coordination
from coordination.models import AccessLog, CorrectionTeamMember, Sex
from services.models import Membership, Organisation
from supervision.casework import actions, selectors
from supervision.casework.models import CaseGoal, CasePlan, CasePlanEvent, Intervention
from tests import factories
from tests.supervision.counselling_world import add_counselling

TODAY = timezone.localdate()
Role = Membership.Role


@pytest.fixture
def agency_world(world):
    """An agency's social worker on the person's team (purchased services), a colleague at the agency, and a
    counsellor."""
    agency = world.city.providers[Organisation.Kind.SOCIAL_WORK_AGENCY]
    worker = factories.user_with_role(Role.SOCIAL_WORKER, agency, username="agencysw")
    colleague = factories.user_with_role(Role.SOCIAL_WORKER, agency, username="agencysw2")
    coordination.add_team_member(
        supervisee=world.supervisee,
        actor=world.users["bureau"],
        role=CorrectionTeamMember.Role.SOCIAL_WORKER,
        name=worker.full_name,
        sex=Sex.FEMALE,
        user=worker,
    )
    add_counselling(world)
    world.agency = agency
    world.users["agency_sw"] = worker
    world.users["colleague"] = colleague
    return world


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _plan(w, **extra) -> CasePlan:
    return actions.open_plan(
        supervisee=w.supervisee, actor=w.users["agency_sw"], needs_assessment="失业，家庭矛盾", **extra
    )


@pytest.mark.django_db
def test_an_agency_social_worker_opens_a_plan_from_the_persons_page(agency_world):
    w = agency_world
    client = _client(w.users["agency_sw"])
    url = reverse("supervision:case-plans-person", kwargs={"uuid": w.supervisee.uuid})
    assert client.get(url).context["may_open"] is True
    response = client.post(url, {"needs_assessment": "需要就业帮助", "review_every_months": "2"})
    plan = CasePlan.objects.get()
    assert response.status_code == 302 and response.url == reverse("supervision:case-plan", kwargs={"pk": plan.pk})
    assert plan.agency == w.agency and plan.review_every_months == 2
    # A second open plan of the same agency for the same person is refused with a message.
    again = client.post(url, {"needs_assessment": "重复"})
    assert again.status_code == 400 and CasePlan.objects.count() == 1


@pytest.mark.django_db
def test_who_sees_the_plan_and_the_working_notes(agency_world):
    w = agency_world
    plan = _plan(w)
    actions.add_goal(plan=plan, actor=w.users["agency_sw"], description="找到稳定工作", target_date=TODAY)
    actions.record_intervention(
        plan=plan, actor=w.users["agency_sw"], kind="employment", held_on=TODAY, minutes=40, note="私密工作记录"
    )
    url = reverse("supervision:case-plan", kwargs={"pk": plan.pk})
    for role in ("agency_sw", "colleague"):
        page = _client(w.users[role]).get(url).content.decode()
        assert "找到稳定工作" in page and "私密工作记录" in page
    for role in ("officer", "bureau"):
        response = _client(w.users[role]).get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "找到稳定工作" in page and "私密工作记录" not in page
    # The office's own social worker is not the agency: nothing.
    assert _client(w.users["social_worker"]).get(url).status_code == 404
    assert _client(w.users["other_officer"]).get(url).status_code == 404
    for role in ("provider", "volunteer", "counsellor"):
        assert _client(w.users[role]).get(url).status_code in (403, 404)
    # The API: the note only for the agency.
    api = reverse("supervision-case-intervention-list")
    assert _client(w.users["colleague"]).get(api).json()["results"][0]["note"] == "私密工作记录"
    assert "note" not in _client(w.users["officer"]).get(api).json()["results"][0]
    assert _client(w.users["counsellor"]).get(api).status_code == 403


@pytest.mark.django_db
def test_every_read_is_logged(agency_world):
    w = agency_world
    plan = _plan(w)
    actions.add_goal(plan=plan, actor=w.users["agency_sw"], description="就业", target_date=TODAY)
    _client(w.users["officer"]).get(reverse("supervision:case-plan", kwargs={"pk": plan.pk}))
    logged = set(
        AccessLog.objects.filter(user=w.users["officer"], supervisee=w.supervisee).values_list("object_type", flat=True)
    )
    assert {"case_plan", "case_goal"} <= logged


@pytest.mark.django_db
def test_an_overdue_goal_is_marked_and_filtered(agency_world):
    w = agency_world
    plan = _plan(w, opened_on=TODAY - dt.timedelta(days=60))
    actions.add_goal(
        plan=plan, actor=w.users["agency_sw"], description="逾期目标", target_date=TODAY - dt.timedelta(days=1)
    )
    actions.add_goal(
        plan=plan, actor=w.users["agency_sw"], description="未到期目标", target_date=TODAY + dt.timedelta(days=9)
    )
    client = _client(w.users["agency_sw"])
    page = client.get(reverse("supervision:case-plan", kwargs={"pk": plan.pk})).content.decode()
    assert page.count('class="overdue"') == 1
    listing = client.get(reverse("supervision:case-plans"), {"overdue": "on"})
    assert listing.context["page"].object_list[0].overdue_goals == 1
    # Achieving it takes it off the overdue list.
    goal = CaseGoal.objects.get(description="逾期目标")
    actions.set_goal_status(goal=goal, actor=w.users["agency_sw"], status="achieved")
    assert list(client.get(reverse("supervision:case-plans"), {"overdue": "on"}).context["page"].object_list) == []


@pytest.mark.django_db
def test_my_case_plans_is_searchable_and_says_what_to_do_when_empty(agency_world):
    w = agency_world
    client = _client(w.users["agency_sw"])
    empty = client.get(reverse("supervision:case-plans")).content.decode()
    assert "empty-state" in empty
    _plan(w)
    assert len(client.get(reverse("supervision:case-plans"), {"q": w.supervisee.name[:1]}).context["page"]) == 1
    assert len(client.get(reverse("supervision:case-plans"), {"q": "不存在的人"}).context["page"]) == 0
    assert len(client.get(reverse("supervision:case-plans"), {"status": "closed"}).context["page"]) == 0
    assert client.get(reverse("supervision:case-plans"), {"sort": "reviewed"}).status_code == 200


@pytest.mark.django_db
def test_intervention_minutes_are_totalled(agency_world):
    w = agency_world
    plan = _plan(w)
    for kind, minutes in (("employment", 40), ("employment", 35), ("family", 60)):
        actions.record_intervention(plan=plan, actor=w.users["agency_sw"], kind=kind, held_on=TODAY, minutes=minutes)
    response = _client(w.users["agency_sw"]).get(reverse("supervision:case-plan", kwargs={"pk": plan.pk}))
    assert response.context["total_minutes"] == 135
    assert ("就业帮扶", 2, 75) in response.context["by_kind"]
    assert ("家庭工作", 1, 60) in response.context["by_kind"]


@pytest.mark.django_db
def test_the_contract_counts_match_an_independent_count(agency_world):
    w = agency_world
    plan = _plan(w)
    worker = w.users["agency_sw"]
    start, end = TODAY - dt.timedelta(days=30), TODAY
    actions.record_intervention(plan=plan, actor=worker, kind="family", held_on=TODAY, minutes=50)
    actions.record_intervention(plan=plan, actor=worker, kind="group", held_on=TODAY - dt.timedelta(days=3), minutes=20)
    # Outside the period, and another organisation's plan: neither counts.
    Intervention.objects.create(
        plan=plan, kind="other", held_on=TODAY - dt.timedelta(days=40), minutes=99, recorded_by=worker
    )
    other = CasePlan.objects.create(
        supervisee=w.supervisee,
        social_worker=w.users["social_worker"],
        agency=w.city.office,
        opened_on=TODAY,
        needs_assessment="x",
    )
    Intervention.objects.create(plan=other, kind="other", held_on=TODAY, minutes=77, recorded_by=worker)
    actions.record_review(plan=plan, actor=worker, reviewed_on=TODAY, changes="好转", next_steps="继续")
    in_period = [
        row for row in Intervention.objects.all() if row.plan.agency_id == w.agency.pk and start <= row.held_on <= end
    ]
    expected = {
        "cases_served": len({row.plan.supervisee_id for row in in_period}),
        "interventions": len(in_period),
        "minutes": sum(row.minutes for row in in_period),
        "reviews": 1,
    }
    assert (
        selectors.casework_counts(w.agency, start, end)
        == expected
        == {
            "cases_served": 1,
            "interventions": 2,
            "minutes": 70,
            "reviews": 1,
        }
    )


@pytest.mark.django_db
def test_edits_are_traceable_and_a_closed_plan_is_read_only(agency_world):
    w = agency_world
    plan = _plan(w)
    client = _client(w.users["agency_sw"])
    url = reverse("supervision:case-plan", kwargs={"pk": plan.pk})
    assert client.post(url, {"do": "assessment", "needs_assessment": "新的评估"}).status_code == 302
    event = CasePlanEvent.objects.get(action="assessment")
    assert event.previous == "失业，家庭矛盾" and event.actor == w.users["agency_sw"]
    # Closing asks for confirmation first.
    assert client.post(url, {"do": "close", "closed_on": TODAY.isoformat(), "note": "服务结束"}).status_code == 400
    assert (
        client.post(
            url, {"do": "close", "closed_on": TODAY.isoformat(), "note": "服务结束", "confirmed": "on"}
        ).status_code
        == 302
    )
    plan.refresh_from_db()
    assert plan.status == "closed"
    refused = client.post(url, {"do": "goal", "description": "再加一个", "target_date": TODAY.isoformat()})
    assert refused.status_code == 400 and not CaseGoal.objects.exists()


@pytest.mark.django_db
def test_bad_input_gives_field_errors(agency_world):
    w = agency_world
    plan = _plan(w)
    client = _client(w.users["agency_sw"])
    bad = client.post(
        reverse("supervision-case-intervention-list"),
        {"plan": plan.pk, "kind": "magic", "held_on": "not a date", "minutes": 0},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert {"kind", "held_on", "minutes"} <= set(bad.json()["errors"])
    future = client.post(
        reverse("supervision-case-review-list"),
        {"plan": plan.pk, "reviewed_on": (TODAY + dt.timedelta(days=3)).isoformat(), "changes": "a", "next_steps": "b"},
        content_type="application/json",
    )
    assert future.status_code == 400
    goal = actions.add_goal(plan=plan, actor=w.users["agency_sw"], description="就业", target_date=TODAY)
    dropped = client.post(
        reverse("supervision-case-goal-status", kwargs={"pk": goal.pk}),
        {"status": "dropped"},
        content_type="application/json",
    )
    assert dropped.status_code == 400
    page = client.post(reverse("supervision:case-plan", kwargs={"pk": plan.pk}), {"do": "goal", "description": ""})
    assert page.status_code == 400 and page.context["forms"]["goal"].errors
    assert client.get(reverse("supervision-case-goal-list"), {"plan": "abc"}).status_code == 400


@pytest.mark.django_db
def test_the_nav_links_for_social_workers_and_counsellors(agency_world):
    w = agency_world
    caseload = reverse("coordination:caseload")
    assert reverse("supervision:case-plans") in _client(w.users["agency_sw"]).get(caseload).content.decode()
    inbox = _client(w.users["counsellor"]).get(reverse("coordination:inbox")).content.decode()
    assert reverse("supervision:counselling-cases") in inbox
    assert (
        reverse("supervision:counselling-cases")
        not in _client(w.users["provider"]).get(reverse("coordination:inbox")).content.decode()
    )


@pytest.mark.django_db
def test_the_api_refuses_a_second_open_plan_and_writing_to_a_closed_one_as_conflicts(agency_world):
    """The state refuses these, not the input: 409 with the same words the page shows."""
    w = agency_world
    plan = _plan(w)
    client = _client(w.users["agency_sw"])
    again = client.post(
        reverse("supervision-case-plan-list"),
        {"supervisee": str(w.supervisee.uuid), "needs_assessment": "重复"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert "贵机构已为该对象开立了一份进行中的个案服务计划。" in str(again.json())
    actions.close_plan(plan=plan, actor=w.users["agency_sw"], note="服务结束", closed_on=TODAY)
    late = client.post(
        reverse("supervision-case-goal-list"),
        {"plan": plan.pk, "description": "再加一个", "target_date": TODAY.isoformat()},
        content_type="application/json",
    )
    assert late.status_code == 409 and not CaseGoal.objects.exists()
