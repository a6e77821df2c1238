"""The staff API of reporting and lost contact: the same refusals as the actions, bad input a 400."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from supervision.reporting.models import CheckIn, LostContactEpisode

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user, path: str, data: dict):
    return client_for(user).post(f"/api/v1/supervision/{path}", data, content_type="application/json")


def test_an_officer_records_a_check_in_and_bad_input_is_a_400(world):
    officer, person = world.users["officer"], world.supervisee
    bad = post(officer, "check-ins/", {"supervisee": str(person.uuid), "method": "teleport"})
    assert bad.status_code == 400 and "method" in str(bad.json())
    missing = post(
        officer,
        "check-ins/",
        {"supervisee": str(person.uuid), "method": "in_person", "report": {"address_changed": True}},
    )
    assert missing.status_code == 400 and "report" in str(missing.json())
    ok = post(
        officer, "check-ins/", {"supervisee": str(person.uuid), "method": "in_person", "report": {"law_abiding": True}}
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["state"] == CheckIn.State.CONFIRMED
    listed = client_for(officer).get(f"/api/v1/supervision/check-ins/?supervisee={person.uuid}")
    assert listed.status_code == 200 and len(listed.json()["results"]) == 1


def test_the_api_refuses_what_the_actions_refuse(world):
    person = world.supervisee
    assert (
        post(
            world.users["other_officer"], "check-ins/", {"supervisee": str(person.uuid), "method": "in_person"}
        ).status_code
        == 404
    )
    assert (
        post(
            world.users["social_worker"], "check-ins/", {"supervisee": str(person.uuid), "method": "in_person"}
        ).status_code
        == 403
    )
    assert post(world.users["provider"], "checkin-codes/", {"supervisee": str(person.uuid)}).status_code == 403
    assert post(world.users["social_worker"], "lost-contact/", {"supervisee": str(person.uuid)}).status_code == 403


def test_a_code_is_shown_once_by_the_api(world):
    response = post(world.users["officer"], "checkin-codes/", {"supervisee": str(world.supervisee.uuid)})
    assert response.status_code == 201 and len(response.json()["code"]) == 6


def test_an_episode_through_the_api(world):
    officer, person = world.users["officer"], world.supervisee
    opened = post(officer, "lost-contact/", {"supervisee": str(person.uuid), "note": "电话不通"})
    assert opened.status_code == 201
    pk = opened.json()["id"]
    assert post(officer, "lost-contact/", {"supervisee": str(person.uuid)}).status_code == 409
    assert post(officer, f"lost-contact/{pk}/steps/", {"kind": "phone", "result": ""}).status_code == 400
    assert post(officer, f"lost-contact/{pk}/steps/", {"kind": "phone", "result": "关机"}).status_code == 200
    assert (
        post(officer, f"lost-contact/{pk}/notices/", {"recipient": "court", "sent_on": "2020-01-01"}).status_code == 400
    )
    closed = post(officer, f"lost-contact/{pk}/close/", {"found_at": timezone.now().isoformat(), "outcome": "found"})
    assert closed.status_code == 200 and closed.json()["closed_at"]
    assert LostContactEpisode.objects.get(pk=pk).steps.count() == 1


def test_the_reporting_plan_override_needs_a_reason(world):
    officer, person = world.users["officer"], world.supervisee
    assert post(officer, "reporting-plans/", {"supervisee": str(person.uuid), "interval_days": 3}).status_code == 400
    assert (
        post(
            officer, "reporting-plans/", {"supervisee": str(person.uuid), "interval_days": 0, "reason": "x"}
        ).status_code
        == 400
    )
    ok = post(officer, "reporting-plans/", {"supervisee": str(person.uuid), "interval_days": 3, "reason": "情绪不稳"})
    assert ok.status_code == 201 and ok.json()["interval_days"] == 3 and ok.json()["source"] == "override"
    got = client_for(world.users["social_worker"]).get(f"/api/v1/supervision/reporting-plans/{person.uuid}/")
    assert got.status_code == 200 and got.json()["interval_days"] == 3


def test_visits_through_the_api(world):
    officer, person = world.users["officer"], world.supervisee
    bad = post(officer, "visits/", {"supervisee": str(person.uuid), "kind": "home", "state": "done"})
    assert bad.status_code == 400 and "done_on" in str(bad.json())
    ok = post(
        officer,
        "visits/",
        {
            "supervisee": str(person.uuid),
            "kind": "home",
            "state": "done",
            "done_on": timezone.localdate().isoformat(),
            "people_seen": "母亲",
            "findings": "正常",
        },
    )
    assert ok.status_code == 201


def test_the_check_in_and_episode_lists_cost_a_fixed_number_of_queries(world):
    from supervision.reporting import actions

    officer, person = world.users["officer"], world.supervisee
    client = client_for(officer)

    def count(path: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/supervision/{path}").status_code == 200
        return len(queries)

    actions.check_in(supervisee=person, actor=officer, method="in_person")
    episode = actions.report_lost_contact(supervisee=person, actor=officer)
    actions.add_search_step(episode=episode, actor=officer, kind="phone", result="关机")
    few = (count("check-ins/"), count("lost-contact/"))
    for _n in range(4):
        actions.check_in(supervisee=person, actor=officer, method="in_person")
        actions.add_search_step(episode=episode, actor=officer, kind="family", result="不知去向")
    actions.close_episode(episode=episode, actor=officer, found_at=timezone.now(), outcome="found")
    actions.report_lost_contact(supervisee=person, actor=officer)
    assert (count("check-ins/"), count("lost-contact/")) == few
