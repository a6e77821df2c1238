"""Mentor pairing pages and API; paged run lists (pages and API) at a fixed query count."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from coordination.models import CorrectionTeamMember
from matching import actions
from matching.models import MatchRun, MentorProposal
from services.models import Sex
from tests.coordination.factories import make_supervisee
from tests.matching.test_mentor_db import mentor, run_mentors


@pytest.fixture(autouse=True)
def _run_tasks_in_process(monkeypatch):
    from matching import tasks

    monkeypatch.setattr(tasks.run_matching, "delay", lambda run_id: tasks.run_matching(run_id))


def test_start_mentor_run_from_the_page_and_confirm(client, mw, django_capture_on_commit_callbacks):
    client.force_login(mw.officer)
    m = mentor(mw.city.townships[0], full_name="赵志愿")
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("matching:start-run"), {"kind": "mentors", "office": mw.city.office.pk})
    run = MatchRun.objects.get()
    assert started.status_code == 302 and run.kind == "mentors" and run.status == "done"
    page = client.get(reverse("matching:run", kwargs={"pk": run.pk})).content.decode()
    assert "赵志愿" in page and "同一乡镇" in page
    listing = client.get(reverse("matching:mentors")).content.decode()
    proposal = MentorProposal.objects.get()
    assert f"mentor-proposal-{proposal.pk}" in listing
    url = reverse("matching:mentor-proposal", kwargs={"pk": proposal.pk})
    assert client.post(url, {"verb": "reject", "reason": ""}).status_code == 400
    assert client.post(url, {"verb": "confirm"}).status_code == 302
    assert mw.supervisee.team.filter(role=CorrectionTeamMember.Role.VOLUNTEER, user=m.user).exists()


def test_art25_refusal_on_the_page_shows_the_error_and_writes_nothing(client, mw):
    woman = make_supervisee(office=mw.city.office, actor=mw.bureau, sex=Sex.FEMALE, team=[])
    mentor(sex=Sex.FEMALE)
    man = mentor(sex=Sex.MALE)
    run = run_mentors(mw.officer, mw.city.office)
    proposal = MentorProposal.objects.get(run=run, supervisee=woman)
    client.force_login(mw.officer)
    url = reverse("matching:mentor-proposal", kwargs={"pk": proposal.pk})
    refused = client.post(url, {"verb": "edit", "mentor": man.pk, "reason": "住得近"})
    assert refused.status_code == 400 and "第二十五条" in refused.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and not woman.team.exists()


def test_api_lists_confirms_and_refuses_with_400(mw):
    woman = make_supervisee(office=mw.city.office, actor=mw.bureau, sex=Sex.FEMALE, team=[])
    female = mentor(sex=Sex.FEMALE)
    man = mentor(sex=Sex.MALE, places=3)
    run = run_mentors(mw.bureau)
    api = APIClient()
    api.force_authenticate(mw.officer)
    data = api.get(f"/api/v1/matching/mentor-proposals/?run={run.pk}").json()
    assert data["count"] == 2  # the officer's two supervisees; not the other office's
    api.force_authenticate(mw.bureau)
    data = api.get("/api/v1/matching/mentor-proposals/?page_size=1").json()
    assert data["count"] == 3 and len(data["results"]) == 1 and data["next"]
    pid = MentorProposal.objects.get(run=run, supervisee=woman).pk
    refused = api.post(f"/api/v1/matching/mentor-proposals/{pid}/edit/", {"mentor": man.pk, "reason": "近"})
    assert refused.status_code == 400 and "sex" in refused.json()["errors"]
    assert api.post(f"/api/v1/matching/mentor-proposals/{pid}/reject/", {"reason": ""}).status_code == 400
    done = api.post(f"/api/v1/matching/mentor-proposals/{pid}/confirm/", {})
    assert done.status_code == 200 and done.json()["status"] == "confirmed" and done.json()["team_member"]
    assert woman.team.get().user == female.user
    assert api.get("/api/v1/matching/mentor-proposals/?run=x").status_code == 404
    api.force_authenticate(mw.other_officer)
    assert api.post(f"/api/v1/matching/mentor-proposals/{pid}/reject/", {"reason": "x"}).status_code == 404


@pytest.mark.parametrize("runs", [3, 14])
def test_run_lists_are_paged_at_a_fixed_query_count(client, mw, django_assert_num_queries, runs):
    for _ in range(runs):
        actions.start_run(actor=mw.bureau, queue=False, kind="mentors")
    api = APIClient()
    api.force_authenticate(mw.bureau)
    with django_assert_num_queries(2):  # count and one page, whatever the number of runs
        data = api.get("/api/v1/matching/runs/?kind=mentors&page_size=5").json()
    assert data["count"] == runs and len(data["results"]) == min(runs, 5)
    assert api.get("/api/v1/matching/runs/?kind=nope").status_code == 400
    client.force_login(mw.bureau)
    page = client.get(reverse("matching:index") + "?runs=2")
    assert page.status_code == 200
    assert ("?runs=1#h-runs" in page.content.decode()) == (runs > 10)


def test_mentor_proposal_list_page_costs_a_fixed_number_of_queries(client, mw, django_assert_num_queries):
    client.force_login(mw.bureau)
    counts = []
    for n in (1, 4):
        for _ in range(n):
            make_supervisee(office=mw.city.office, actor=mw.bureau)
            mentor(places=2)
        run_mentors(mw.bureau)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("matching:mentors")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_empty_states(client, mw):
    client.force_login(mw.officer)
    assert "No mentor proposals" in client.get("/en/casework/matching/mentors/").content.decode()
    assert "No runs yet" in client.get("/en/casework/matching/").content.decode()
