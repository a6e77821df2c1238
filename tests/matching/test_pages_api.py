"""Matching pages and API: scoping, reasons in both languages, the one-click send, runs, decisions, 400s."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from coordination.models import Referral
from matching import actions
from matching.models import MatchRun, Proposal
from tests import factories


@pytest.fixture(autouse=True)
def _run_tasks_in_process(monkeypatch):
    """With a real broker (CI's Redis pass) no worker runs here: execute the queued run in-process."""
    from matching import tasks

    monkeypatch.setattr(tasks.run_matching, "delay", lambda run_id: tasks.run_matching(run_id))


@pytest.fixture
def officer_client(client, mw):
    client.force_login(mw.officer)
    return client


def test_suggestions_page_shows_reasons_and_the_excluded(officer_client, mw):
    page = officer_client.get(reverse("matching:need", kwargs={"pk": mw.need.pk}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "电工培训" in text and "同一乡镇" in text and "剩余 1 个名额" in text
    assert "名额已满" in text and "服务范围不含该对象所在乡镇" in text and "不接收该户籍类型" in text
    english = officer_client.get("/en" + reverse("matching:need", kwargs={"pk": mw.need.pk}).removeprefix("/zh-hans"))
    assert "same township" in english.content.decode()


def test_one_view_of_the_suggestions_writes_one_access_log_row(officer_client, mw):
    from coordination.models import AccessLog

    before = AccessLog.objects.count()
    assert officer_client.get(reverse("matching:need", kwargs={"pk": mw.need.pk})).status_code == 200
    rows = list(AccessLog.objects.order_by("pk")[before:])
    assert [(r.user, r.object_type, r.object_id, r.supervisee_id, r.purpose) for r in rows] == [
        (mw.officer, "need", str(mw.need.pk), mw.need.supervisee_id, "match suggestions")
    ]


def test_other_office_cannot_open_the_need_and_the_public_is_sent_to_log_in(client, mw):
    client.force_login(mw.other_officer)
    assert client.get(reverse("matching:need", kwargs={"pk": mw.need.pk})).status_code == 404
    client.logout()
    assert client.get(reverse("matching:need", kwargs={"pk": mw.need.pk})).status_code == 302
    volunteer = factories.UserFactory(username="justavolunteer")
    client.force_login(volunteer)
    assert client.get(reverse("matching:index")).status_code == 403


def test_one_click_send_with_consent_sends(officer_client, mw):
    response = officer_client.post(reverse("matching:send", kwargs={"pk": mw.need.pk}), {"offering": mw.near.pk})
    referral = Referral.objects.get(need=mw.need)
    assert response.status_code == 302 and str(referral.uuid) in response["Location"]
    assert referral.state == Referral.State.SENT and referral.offering_id == mw.near.pk


def test_one_click_send_without_consent_keeps_a_draft(officer_client, mw):
    officer_client.post(reverse("matching:send", kwargs={"pk": mw.need.pk}), {"offering": mw.far.pk})
    referral = Referral.objects.get(need=mw.need)
    assert referral.state == Referral.State.DRAFT and referral.offering_id == mw.far.pk


def test_send_with_a_bad_offering_writes_nothing(officer_client, mw):
    response = officer_client.post(reverse("matching:send", kwargs={"pk": mw.need.pk}), {"offering": "nope"})
    assert response.status_code == 302 and not Referral.objects.exists()


def test_run_page_progress_and_review(officer_client, mw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("matching:start-run"), {"office": mw.city.office.pk})
    assert response.status_code == 302  # eager Celery: the run is done already
    run = mw.city.office.match_runs.get()
    progress = officer_client.get(reverse("matching:run-progress", kwargs={"pk": run.pk})).json()
    assert progress == {
        "status": "done",
        "status_label": "已完成",
        "progress": 100,
        "proposals": 1,
        "done": True,
        "failure": "",
    }
    page = officer_client.get(reverse("matching:run", kwargs={"pk": run.pk})).content.decode()
    assert "电工培训" in page and "焊工培训" in page  # proposal and runner-up
    proposal = Proposal.objects.get(run=run)
    bad = officer_client.post(reverse("matching:proposal", kwargs={"pk": proposal.pk}), {"verb": "reject"})
    assert bad.status_code == 400 and "请说明理由" in bad.content.decode()
    done = officer_client.post(reverse("matching:proposal", kwargs={"pk": proposal.pk}), {"verb": "confirm"})
    assert done.status_code == 302
    assert Referral.objects.get(need=mw.need).state == Referral.State.DRAFT


def test_officer_cannot_start_a_city_run(client, mw):
    # A city run has office=None, so look at every run, not the office's: none may exist.
    client.force_login(mw.officer)
    refused = client.post(reverse("matching:start-run"), {"office": ""})
    assert refused.status_code == 302 and refused["Location"] == reverse("matching:index")
    assert not MatchRun.objects.exists()
    # Control: the same request from the bureau starts a city run.
    client.force_login(mw.bureau)
    client.post(reverse("matching:start-run"), {"office": ""})
    assert MatchRun.objects.get().office is None


def test_api_suggestions_runs_and_proposals(mw, django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_authenticate(mw.officer)
    data = api.get(f"/api/v1/matching/needs/{mw.need.pk}/suggestions/").json()
    assert [s["offering_id"] for s in data["suggestions"]] == [mw.near.pk, mw.far.pk]
    assert data["suggestions"][0]["reasons"][0] == {"code": "same_township", "params": {}, "text": "同一乡镇"}
    assert {e["rule"] for e in data["excluded"]} == {"vacancies", "service_area", "household_type"}
    assert api.get(f"/api/v1/matching/needs/{mw.need.pk}/suggestions/?limit=0").status_code == 400
    assert api.get(f"/api/v1/matching/needs/{mw.other_need.pk}/suggestions/").status_code == 404

    refused = api.post("/api/v1/matching/runs/", {"office": mw.city.other_office.pk}, format="json")
    assert refused.status_code == 400 and "office" in refused.json()["errors"]
    assert api.post("/api/v1/matching/runs/", {"office": "x"}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        run = api.post("/api/v1/matching/runs/", {"office": mw.city.office.pk}, format="json").json()
    assert api.get(f"/api/v1/matching/runs/{run['id']}/").json()["status"] == "done"
    proposals = api.get(f"/api/v1/matching/proposals/?run={run['id']}").json()["results"]
    assert len(proposals) == 1 and proposals[0]["runner_up"] == mw.far.pk
    pid = proposals[0]["id"]
    assert (
        api.post(f"/api/v1/matching/proposals/{pid}/edit/", {"offering": mw.far.pk}, format="json").status_code == 400
    )
    edited = api.post(
        f"/api/v1/matching/proposals/{pid}/edit/", {"offering": mw.far.pk, "reason": "更近"}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["status"] == "edited" and edited.json()["referral"]
    assert api.post(f"/api/v1/matching/proposals/{pid}/confirm/", {}, format="json").status_code == 400


def test_api_proposal_list_costs_a_fixed_number_of_queries(mw, django_assert_max_num_queries):
    run = actions.execute_run(run_id=actions.start_run(actor=mw.bureau, queue=False).pk)
    api = APIClient()
    api.force_authenticate(mw.bureau)
    with django_assert_max_num_queries(7):
        assert len(api.get(f"/api/v1/matching/proposals/?run={run.pk}").json()["results"]) == 2


def test_schema_lists_the_matching_endpoints(client, settings):
    settings.API_DOCS_PUBLIC = True  # the schema is public only where the deployment says so
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/matching/needs/{id}/suggestions/" in schema or "/api/v1/matching/needs/{pk}/suggestions/" in schema
    assert "/api/v1/matching/proposals/{id}/confirm/" in schema
