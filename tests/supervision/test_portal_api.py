"""The person's own API (issue 15, item 9): /api/v1/me/ answers only their own sign-in, shows what the phone page
shows, and refuses what the page refuses with the same messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from coordination.models import AccessLog, CaseNote
from supervision.movement import actions as movement_actions
from supervision.movement.models import MovementRequest
from supervision.reporting import actions as reporting_actions
from supervision.reporting.models import CheckIn
from tests.supervision.test_portal import PNG, client_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _approved_travel(world, person, by) -> MovementRequest:
    start = TODAY - dt.timedelta(days=3)
    return MovementRequest.objects.create(
        supervisee=person,
        kind="travel",
        state="approved",
        route="office",
        route_reason="-",
        start=start,
        end=start + dt.timedelta(days=4),
        destination="郑州市",
        reason="探亲",
        applied_by=by,
        decided_by=world.users["bureau"],
        decided_at=timezone.now(),
    )


def test_the_overview_is_the_person_s_own_and_nothing_of_staff(world, person, officer, login):
    CaseNote.objects.create(supervisee=person, author=officer, body="内部备注：风险较高")
    reporting_actions.issue_checkin_code(supervisee=person, actor=officer)
    response = api(login).get(reverse("me-list"))
    assert response.status_code == 200
    body = response.json()
    assert body["person"]["name"] == person.name
    assert body["person"]["judicial_office"] == person.judicial_office.name
    assert set(body) == {"person", "reporting", "movement", "referrals", "notices"}
    text = response.content.decode()
    assert "内部备注" not in text and "risk" not in text and world.other_supervisee.name not in text
    # The read is logged as the person's own.
    assert AccessLog.objects.filter(user=login, supervisee=person, purpose="self").exists()
    # So are the referrals made for them (the overview lists each).
    listed = len(body["referrals"])
    assert listed and AccessLog.objects.filter(user=login, object_type="referral", purpose="self").count() == listed


def test_only_the_person_s_own_sign_in_gets_in(world, login, person):
    assert api().get(reverse("me-list")).status_code == 403  # not signed in
    for role in ("officer", "bureau", "volunteer", "provider"):
        assert api(world.users[role]).get(reverse("me-list")).status_code == 404, role
    person.status = "released"
    person.save(update_fields=["status"])
    assert api(login).get(reverse("me-list")).status_code == 404


def test_check_in_with_the_code_and_the_same_refusal_as_the_page(person, officer, login):
    code = reporting_actions.issue_checkin_code(supervisee=person, actor=officer)
    wrong = api(login).post(reverse("me-check-in"), {"code": "000000"}, format="json")
    assert wrong.status_code == 400
    page = client_for(login).post(reverse("portal:check_in"), {"code": "000000"})
    assert page.status_code == 400
    said = [m for messages in wrong.json()["errors"].values() for m in messages] or [wrong.json()["detail"]]
    assert said and all(m in page.content.decode() for m in said), wrong.json()
    malformed = api(login).post(reverse("me-check-in"), {"code": "12"}, format="json")
    assert malformed.status_code == 400 and "code" in str(malformed.json())
    done = api(login).post(
        reverse("me-check-in"), {"code": code, "report": {"law_abiding": True, "work": "在工厂上班"}}, format="json"
    )
    assert done.status_code == 201, done.json()
    assert done.json()["state"] == CheckIn.State.CONFIRMED
    assert CheckIn.objects.get(supervisee=person).report["work"] == "在工厂上班"


def test_apply_for_travel_with_a_photo_and_for_a_contact(person, login):
    start = TODAY + dt.timedelta(days=2)
    response = api(login).post(
        reverse("me-requests"),
        {
            "kind": "travel",
            "start": start.isoformat(),
            "end": (start + dt.timedelta(days=4)).isoformat(),
            "destination": "郑州市",
            "reason": "到医院复查",
            "attachments": [SimpleUploadedFile("hospital-letter.png", PNG, content_type="image/png")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "submitted" and response.json()["may_withdraw"] is True
    travel = MovementRequest.objects.get(supervisee=person, kind="travel")
    assert travel.applied_by == login and travel.attachments.count() == 1
    contact = api(login).post(
        reverse("me-requests"),
        {"kind": "contact", "start": start.isoformat(), "end": start.isoformat(), "people": "王某", "reason": "调解"},
        format="json",
    )
    assert contact.status_code == 201, contact.json()
    assert MovementRequest.objects.get(supervisee=person, kind="contact").route == MovementRequest.Route.BUREAU
    # Kinds only officers apply for are not offered to the person; a missing reason is a field error.
    assert api(login).post(reverse("me-requests"), {"kind": "relocation"}, format="json").status_code == 400
    bad = api(login).post(
        reverse("me-requests"),
        {"kind": "travel", "start": start.isoformat(), "end": start.isoformat(), "destination": "郑州市"},
        format="json",
    )
    assert bad.status_code == 400 and "reason" in str(bad.json())


def test_withdraw_and_report_back_only_the_person_s_own_requests(world, person, login):
    start = TODAY + dt.timedelta(days=2)
    mine = movement_actions.apply(
        supervisee=person, actor=login, kind="travel", start=start, end=start, destination="郑州市", reason="探亲"
    )
    theirs = movement_actions.apply(
        supervisee=world.other_supervisee,
        actor=world.users["bureau"],
        kind="travel",
        start=start,
        end=start,
        destination="郑州市",
        reason="探亲",
    )
    assert api(login).post(reverse("me-withdraw", kwargs={"pk": theirs.pk})).status_code == 404
    response = api(login).post(reverse("me-withdraw", kwargs={"pk": mine.pk}))
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"

    approved = _approved_travel(world, person, login)
    url = reverse("me-report-back", kwargs={"pk": approved.pk})
    assert api(login).post(url, {"returned_on": "2999-01-01"}, format="json").status_code == 400
    assert api(login).post(url, {"returned_on": "not a date"}, format="json").status_code == 400
    back = api(login).post(url, {"returned_on": TODAY.isoformat()}, format="json")
    assert back.status_code == 200 and back.json()["state"] == "returned"
    assert api(login).post(reverse("me-report-back", kwargs={"pk": theirs.pk}), {}, format="json").status_code == 404


def test_a_report_after_a_video_call_waits_for_the_office(person, login):
    no_code = api(login).post(reverse("me-check-in"), {}, format="json")
    assert no_code.status_code == 400 and "code" in no_code.json()["errors"]
    response = api(login).post(reverse("me-check-in"), {"method": "video", "report": {"work": "在家"}}, format="json")
    assert response.status_code == 201 and response.json()["state"] == CheckIn.State.PENDING
    assert api(login).get(reverse("me-list")).json()["reporting"]["pending_check_ins"][0]["method"] == "video"
