"""Every API error has one body: status, code, detail, errors (docs/api.md); pages get action errors on the form."""

import json
import uuid

import pytest
from django import forms
from rest_framework import exceptions
from rest_framework.test import APIClient

from config.api_errors import api_exception_handler
from config.errors import ActionError, form_errors
from coordination.models import Referral
from notifications.models import Notification
from tests.coordination.factories import make_world
from tests.volunteers import factories as volunteer_factories

SHAPE = {"status", "code", "detail", "errors"}


@pytest.mark.parametrize(
    ("code", "status"),
    [(None, 400), ("required", 400), ("forbidden", 403), ("not_found", 404), ("transition", 409), ("no_place", 409)],
)
def test_an_action_errors_code_decides_its_status(code, status):
    response = api_exception_handler(ActionError({"reason": "说明原因"}, code=code), {})
    assert response.status_code == status
    assert response.data == {
        "status": status,
        "code": code or "invalid",
        "detail": "部分输入无效。",
        "errors": {"reason": ["说明原因"]},
    }


def test_throttled_keeps_retry_after_in_the_one_body():
    response = api_exception_handler(exceptions.Throttled(wait=30), {})
    assert response.status_code == 429 and response["Retry-After"] == "30"
    assert response.data["code"] == "throttled" and set(response.data) == SHAPE


def test_form_errors_puts_field_messages_on_fields_and_the_rest_on_top():
    class Form(forms.Form):
        reason = forms.CharField(required=False)

    form = Form({"reason": ""})
    assert form.is_valid()
    form_errors(form, ActionError({"reason": "说明原因", "other": "别的"}, code="required"))
    assert form.errors["reason"] == ["说明原因"] and form.non_field_errors() == ["别的"]
    form = Form({"reason": ""})
    form.is_valid()
    form_errors(form, ActionError("此状态不能操作。", code="transition"))
    assert form.non_field_errors() == ["此状态不能操作。"]


@pytest.fixture
def world(db):
    return make_world()


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_every_kind_of_api_error_answers_the_one_body(world):
    officer = _api(world.users["officer"])
    provider = _api(world.users["provider"])
    answers = {
        "validation": (officer.post("/api/v1/needs/", {}, format="json"), 400, "invalid"),
        "forbidden": (provider.post("/api/v1/referrals/", {}, format="json"), 403, "permission_denied"),
        "anonymous": (_api().get("/api/v1/needs/"), 403, "not_authenticated"),
        "not found": (officer.get(f"/api/v1/referrals/{uuid.uuid4()}/"), 404, "not_found"),
        "method": (officer.delete("/api/v1/needs/"), 405, "method_not_allowed"),
        "parse": (officer.post("/api/v1/needs/", "{nope", content_type="application/json"), 400, "parse_error"),
        "media type": (officer.post("/api/v1/needs/", "x", content_type="text/plain"), 415, "unsupported_media_type"),
    }
    for name, (response, status, code) in answers.items():
        assert response.status_code == status, (name, response.content)
        assert response["Content-Type"] == "application/json", name
        assert set(response.json()) == SHAPE and response.json()["code"] == code, (name, response.json())
        assert response.json()["detail"], name
    assert "supervisee" in answers["validation"][0].json()["errors"]


def test_a_refused_transition_is_a_409_with_its_code(world):
    officer = _api(world.users["officer"])
    referral = Referral.objects.create(need=world.need, offering=world.offering, created_by=world.users["officer"])
    withdrawn = officer.post(f"/api/v1/referrals/{referral.uuid}/withdraw/", {}, format="json")
    assert withdrawn.status_code == 200
    again = officer.post(f"/api/v1/referrals/{referral.uuid}/withdraw/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "transition" and again.json()["detail"]


def test_bad_bodies_and_paths_are_client_errors_not_500s(world):
    officer = _api(world.users["officer"])
    deep = "[" * 100_000 + "]" * 100_000
    nested = officer.post("/api/v1/needs/", deep, content_type="application/json")
    assert nested.status_code == 400 and nested.json()["code"] == "parse_error"
    big = json.dumps({"supervisee": str(world.supervisee.uuid), "description": "长" * (5 * 1024 * 1024 // 3)})
    too_large = officer.post("/api/v1/needs/", big, content_type="application/json")
    assert too_large.status_code == 413 and too_large.json()["code"] == "too_large"
    big_form = officer.post("/api/v1/needs/", {"description": "x" * (5 * 1024 * 1024)}, format="multipart")
    assert big_form.status_code in (400, 413) and set(big_form.json()) == SHAPE
    nul = officer.post("/api/v1/needs/", {"supervisee": str(world.supervisee.uuid), "category": "a\x00"}, format="json")
    assert nul.status_code == 400 and nul.json()["code"] == "parse_error"
    for url in ("/api/v1/needs/abc/close/", "/api/v1/needs/1.5/close/", "/api/v1/notifications/x/read/"):
        assert officer.post(url, {"reason": "x"}, format="json").status_code == 404, url
    assert officer.get("/api/v1/referrals/not-a-uuid/").status_code == 404


def test_the_api_caps_text_where_the_form_does(world):
    officer = _api(world.users["officer"])
    body = {"need": world.need.pk, "offering": str(world.offering.uuid), "message": "话" * 100_000}
    refused = officer.post("/api/v1/referrals/", body, format="json")
    assert refused.status_code == 400 and "message" in refused.json()["errors"]
    assert not Referral.objects.filter(need=world.need, message__startswith="话话").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/services/?category=%00",
        "/api/v1/services/?township=a%00b",
        "/api/v1/needs/?supervisee=%00",
        "/api/v1/team-members/?user=%00",
        "/volunteers/calendar/%00.ics",
        "/search/?q=%00",
    ],
)
def test_a_nul_character_in_an_address_is_a_400(world, url):
    response = _api(world.users["officer"]).get(url)
    assert response.status_code == 400, (url, response.status_code)
    if url.startswith("/api/"):
        assert response.json()["code"] == "invalid_character"


def test_an_unexpected_api_error_is_a_json_500(world, monkeypatch):
    from notifications import actions

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(actions, "mark_read", broken)
    notification = Notification.objects.create(
        recipient=world.users["officer"],
        kind="referral_sent",
        subject="s",
        body="b",
        channel=Notification.Channel.INBOX,
    )
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(world.users["officer"])
    response = client.post(f"/api/v1/notifications/{notification.pk}/read/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error" and "a bug" not in response.content.decode()


def test_an_id_beyond_the_largest_key_is_a_400_on_every_id_field(world):
    """Found by the fuzz test: an id past 2**63 - 1 overflowed SQLite and answered a 500."""
    huge = 2**63
    active_volunteer = volunteer_factories.volunteer().user
    calls = [
        ("bureau", "/api/v1/volunteers/manage/hours/review/", {"ids": [huge], "decision": "approve"}, "ids.0"),
        (active_volunteer, "/api/v1/volunteers/bookings/", {"shift": huge}, "shift"),
        (active_volunteer, "/api/v1/volunteers/hours/", {"shift": huge, "hours": "2", "date": "2026-11-30"}, "shift"),
        ("officer", "/api/v1/referrals/", {"need": huge, "offering": str(world.offering.uuid)}, "need"),
    ]
    for who, url, body, field in calls:
        user = world.users[who] if isinstance(who, str) else who
        response = _api(user).post(url, body, format="json")
        assert response.status_code == 400, (url, response.status_code)
        assert field in response.json()["errors"], (url, response.json())
