"""The supervisee's own phone page (issue 15, item 7): officers give and take back the sign-in; the person
sees only their own record, checks in, reports, applies for travel and reports back; staff pages stay shut."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from accounts.actions import grant_membership
from accounts.models import AccountChange, User
from config.errors import ActionError
from coordination.models import AccessLog, CaseNote, Supervisee
from services.models import Membership
from supervision.movement import actions as movement_actions
from supervision.movement.models import MovementRequest
from supervision.policies import own_record
from supervision.portal import actions, selectors
from supervision.reporting import actions as reporting_actions
from supervision.reporting.models import CheckIn
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PHONE = "+8613800138000"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def me(name: str, **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs=kwargs or None)


# --- granting and revoking the sign-in ------------------------------------------------------------------


def test_an_officer_of_the_office_grants_a_sign_in_and_the_link_goes_by_sms(person, officer, login, sms):
    assert person.account == login
    assert login.phone == PHONE and login.is_active and not login.has_usable_password()
    assert not login.memberships.exists() and not login.is_staff
    assert own_record(User.objects.get(pk=login.pk)) == person
    assert [m.to for m in sms.outbox] == [PHONE]
    assert "/accounts/password/reset/" in sms.outbox[0].body
    change = AccountChange.objects.get(user=login)
    assert change.actor == officer and change.kind == AccountChange.Kind.INVITED


@pytest.mark.parametrize("who", ["other_officer", "volunteer", "social_worker", "provider"])
def test_only_officers_of_the_office_and_the_bureau_grant(world, person, who):
    with pytest.raises(ActionError) as refused:
        actions.grant_login(supervisee=person, actor=world.users[who], phone=PHONE)
    assert refused.value.code == "forbidden"
    assert Supervisee.objects.get(pk=person.pk).account is None


def test_the_bureau_may_grant(world, person):
    assert actions.grant_login(supervisee=person, actor=world.users["bureau"], phone=PHONE).pk


def test_a_second_grant_is_refused_with_a_clear_message(person, officer, login):
    with pytest.raises(ActionError) as refused:
        actions.grant_login(supervisee=person, actor=officer, phone="+8613800138001")
    assert refused.value.messages


def test_a_released_person_gets_no_sign_in(person, officer):
    Supervisee.objects.filter(pk=person.pk).update(status=Supervisee.Status.RELEASED)
    person.refresh_from_db()
    with pytest.raises(ActionError):
        actions.grant_login(supervisee=person, actor=officer, phone=PHONE)


def test_a_bad_phone_is_a_field_error(person, officer):
    with pytest.raises(ActionError) as refused:
        actions.grant_login(supervisee=person, actor=officer, phone="12345")
    assert "phone" in refused.value.error_dict


def test_the_link_is_sent_again(person, officer, login, sms, django_capture_on_commit_callbacks):
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.resend_login_link(supervisee=person, actor=officer)
    assert [m.to for m in sms.outbox] == [PHONE]


def test_revoking_deactivates_and_unlinks(world, person, officer, login):
    with pytest.raises(ActionError):
        actions.revoke_login(supervisee=person, actor=world.users["other_officer"], reason="离开")
    actions.revoke_login(supervisee=person, actor=officer, reason="手机丢失")
    person.refresh_from_db()
    login.refresh_from_db()
    assert person.account is None and not login.is_active
    assert AccountChange.objects.filter(user=login, kind=AccountChange.Kind.DEACTIVATED, reason="手机丢失").exists()
    with pytest.raises(ActionError):
        actions.revoke_login(supervisee=person, actor=officer, reason="再次")


def test_the_officer_page_grants_resends_and_revokes(world, person, sms):
    client = client_for(world.users["officer"])
    page = reverse("supervision:portal-login", kwargs={"uuid": person.uuid})
    assert client.get(page).status_code == 200
    bad = client.post(page, {"do": "grant", "phone": "123"})
    assert bad.status_code == 400
    assert client.post(page, {"do": "grant", "phone": PHONE}).status_code == 302
    person.refresh_from_db()
    assert person.account is not None
    assert client.post(page, {"do": "resend"}).status_code == 302
    assert client.post(page, {"do": "revoke", "reason": "本人要求"}).status_code == 400
    assert client.post(page, {"do": "revoke", "reason": "本人要求", "confirm": "on"}).status_code == 302
    person.refresh_from_db()
    assert person.account is None
    other = client_for(world.users["other_officer"])
    assert other.get(page).status_code == 404


# --- what the person sees ---------------------------------------------------------------------------------


def test_the_overview_shows_the_own_record_and_never_risk_or_notes(world, person, officer, login):
    CaseNote.objects.create(supervisee=person, author=officer, body="机密工作笔记内容")
    data = selectors.overview(login)
    assert data["supervisee"] == person
    assert {r["service"] for r in data["referrals"]} == {world.offering.name}
    page = client_for(login).get(me("overview"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "机密工作笔记内容" not in text
    assert person.get_risk_level_display() not in text and "risk" not in text.lower()
    assert world.other_supervisee.name not in text
    assert AccessLog.objects.filter(user=login, supervisee_id=person.pk, purpose="self").exists()


def test_the_overview_renders_in_chinese_and_english(login):
    client = client_for(login)
    chinese = client.get(me("overview")).content.decode()
    assert "报到" in chinese
    with override("en"):
        english_url = me("overview")
    assert english_url.startswith("/en/")
    assert "check in" in client.get(english_url).content.decode().lower()


def test_a_supervisee_does_not_need_the_staff_second_factor(login):
    login.set_password("a-long-test-password-1")
    login.save()
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": login.username, "password": "a-long-test-password-1"}
    )
    assert response.status_code == 302 and response["Location"].endswith(me("overview"))
    assert client.get(me("overview")).status_code == 200


def test_staff_and_strangers_get_no_phone_page(world, login):
    assert client_for(world.users["officer"]).get(me("overview")).status_code == 404
    assert client_for(UserFactory(username="nobody")).get(me("check_in")).status_code == 404
    assert Client().get(me("overview")).status_code == 302


def test_a_released_person_sees_nothing(person, login):
    Supervisee.objects.filter(pk=person.pk).update(status=Supervisee.Status.RELEASED)
    client = client_for(login)
    assert client.get(me("overview")).status_code == 404
    assert client.get(me("travel")).status_code == 404
    assert selectors.overview(User.objects.get(pk=login.pk)) is None


def test_staff_pages_are_shut_to_the_supervisee(world, person, login):
    client = client_for(login)
    assert client.get(reverse("supervision:today")).status_code == 403
    assert client.get(reverse("today"))["Location"].endswith(me("overview"))
    assert client.get(reverse("supervision:reporting", kwargs={"uuid": person.uuid})).status_code == 403
    assert client.get(reverse("coordination:caseload")).status_code in (403, 404)
    listed = client.get(reverse("coordination-supervisee-list"))
    assert listed.status_code == 403 or listed.json()["results"] == []
    assert client.get(reverse("coordination-supervisee-detail", kwargs={"uuid": person.uuid})).status_code in (403, 404)


# --- check-in and report -----------------------------------------------------------------------------------


def test_a_check_in_with_a_valid_code_is_confirmed(person, officer, login):
    code = reporting_actions.issue_checkin_code(supervisee=person, actor=officer)
    client = client_for(login)
    assert client.get(me("check_in")).status_code == 200
    response = client.post(me("check_in"), {"code": code, "law_abiding": "on", "work": "在工厂上班"})
    assert response.status_code == 302
    row = CheckIn.objects.get(supervisee=person)
    assert row.state == CheckIn.State.CONFIRMED and row.report["work"] == "在工厂上班"


def test_a_wrong_code_is_a_form_error(person, officer, login):
    reporting_actions.issue_checkin_code(supervisee=person, actor=officer)
    response = client_for(login).post(me("check_in"), {"code": "000000"})
    assert response.status_code == 400
    assert not CheckIn.objects.filter(supervisee=person).exists()
    assert client_for(login).post(me("check_in"), {"code": "abc"}).status_code == 400


# --- travel -------------------------------------------------------------------------------------------------


def _travel_post(days=5):
    start = timezone.localdate() + dt.timedelta(days=2)
    return {
        "start": start.isoformat(),
        "end": (start + dt.timedelta(days=days - 1)).isoformat(),
        "destination": "郑州市",
        "reason": "到医院复查",
        "attachments": SimpleUploadedFile("hospital-letter.png", PNG, content_type="image/png"),
    }


def test_a_travel_application_with_a_photo_is_pending(person, login):
    client = client_for(login)
    assert client.get(me("travel")).status_code == 200
    response = client.post(me("travel"), _travel_post())
    assert response.status_code == 302
    request = MovementRequest.objects.get(supervisee=person)
    assert request.state == "submitted" and request.kind == "travel" and request.applied_by == login
    assert request.attachments.count() == 1
    assert client.post(me("travel"), {**_travel_post(), "reason": ""}).status_code == 400


def test_report_back_after_approval(world, person, login):
    start = timezone.localdate() - dt.timedelta(days=3)
    request = MovementRequest.objects.create(
        supervisee=person,
        kind="travel",
        state="approved",
        route="office",
        route_reason="-",
        start=start,
        end=start + dt.timedelta(days=4),
        destination="郑州市",
        reason="探亲",
        applied_by=login,
        decided_by=world.users["bureau"],
        decided_at=timezone.now(),
    )
    client = client_for(login)
    overview = client.get(me("overview")).content.decode()
    assert reverse("supervision:movement-certificate", args=[request.pk]) in overview
    assert client.get(me("report_back", pk=request.pk)).status_code == 200
    bad = client.post(me("report_back", pk=request.pk), {"returned_on": "2999-01-01"})
    assert bad.status_code == 400
    ok = client.post(me("report_back", pk=request.pk), {"returned_on": timezone.localdate().isoformat()})
    assert ok.status_code == 302
    request.refresh_from_db()
    assert request.state == "returned"


def test_another_persons_ids_are_not_found(world, login):
    theirs = movement_actions.apply(
        supervisee=world.other_supervisee,
        actor=world.users["bureau"],
        kind="travel",
        start=timezone.localdate() + dt.timedelta(days=1),
        end=timezone.localdate() + dt.timedelta(days=2),
        destination="郑州市",
        reason="探亲",
    )
    client = client_for(login)
    assert client.get(me("report_back", pk=theirs.pk)).status_code == 404
    assert client.post(me("report_back", pk=theirs.pk), {"returned_on": "2026-01-01"}).status_code == 404
    assert client.get(reverse("supervision:movement-certificate", args=[theirs.pk])).status_code == 404


def test_the_overview_costs_a_fixed_number_of_queries(world, person, officer, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(login)
    client.get(me("overview"))
    with CaptureQueriesContext(connection) as before:
        assert client.get(me("overview")).status_code == 200
    for n in range(3):
        start = timezone.localdate() + dt.timedelta(days=10 * (n + 1))
        movement_actions.apply(
            supervisee=person,
            actor=officer,
            kind="travel",
            start=start,
            end=start + dt.timedelta(days=1),
            destination="郑州市",
            reason="探亲",
        )
    with CaptureQueriesContext(connection) as after:
        assert client.get(me("overview")).status_code == 200
    assert len(after) == len(before)


def test_terminating_the_correction_empties_the_phone_page(person, officer, login):
    from supervision import actions as lifecycle

    client = client_for(login)
    assert client.get(me("overview")).status_code == 200
    lifecycle.terminate(
        supervisee=person, actor=officer, ground="revocation", on=timezone.localdate(), note="法院裁定撤销缓刑"
    )
    assert client.get(me("overview")).status_code == 404
    assert client.get(me("check_in")).status_code == 404


def test_the_decision_reaches_the_person_as_a_notice_and_an_sms(
    world, person, login, sms, django_capture_on_commit_callbacks
):
    head = UserFactory(username="office-head")
    grant_membership(user=head, organisation=person.judicial_office, role=Membership.Role.OFFICE_HEAD)
    start = timezone.localdate() + dt.timedelta(days=2)
    request = movement_actions.apply(
        supervisee=person, actor=login, kind="travel", start=start, end=start, destination="郑州市", reason="探亲"
    )
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        movement_actions.decide(request=request, actor=head, approve=True, note="")
    with override("zh-hans"):
        page = client_for(login).get(me("overview")).content.decode()
    assert "已批准" in page and "通知" in page
    assert any("已批准" in message.body for message in sms.outbox if message.to == PHONE)


def test_asking_to_meet_someone_goes_to_the_county_bureau(person, login):
    start = timezone.localdate() + dt.timedelta(days=3)
    client = client_for(login)
    assert client.get(me("contact")).status_code == 200
    post = {"start": start.isoformat(), "end": start.isoformat(), "people": "王某（被害人）", "reason": "赔偿协商"}
    assert client.post(me("contact"), {**post, "people": ""}).status_code == 400
    assert client.post(me("contact"), post).status_code == 302
    row = MovementRequest.objects.get(supervisee=person, kind="contact")
    assert row.route == MovementRequest.Route.BUREAU and row.applied_by == login


def test_withdrawing_asks_first(person, login):
    start = timezone.localdate() + dt.timedelta(days=3)
    row = movement_actions.apply(
        supervisee=person, actor=login, kind="travel", start=start, end=start, destination="郑州市", reason="探亲"
    )
    client = client_for(login)
    assert reverse("portal:withdraw", kwargs={"pk": row.pk}) in client.get(me("overview")).content.decode()
    assert client.get(me("withdraw", pk=row.pk)).status_code == 200
    assert client.post(me("withdraw", pk=row.pk), {}).status_code == 400  # not confirmed
    row.refresh_from_db()
    assert row.state == "submitted"
    assert client.post(me("withdraw", pk=row.pk), {"confirm": "on"}).status_code == 302
    row.refresh_from_db()
    assert row.state == "withdrawn"


def test_a_report_after_a_phone_call_waits_for_the_office(person, login):
    client = client_for(login)
    assert client.get(me("remote_report")).status_code == 200
    assert client.post(me("remote_report"), {"method": "in_person"}).status_code == 400  # the office records that
    response = client.post(me("remote_report"), {"method": "phone", "law_abiding": "on", "work": "在家务农"})
    assert response.status_code == 302
    row = CheckIn.objects.get(supervisee=person)
    assert row.state == CheckIn.State.PENDING and row.method == "phone" and row.recorded_by == login
    with override("zh-hans"):
        assert "正等待司法所确认" in client.get(me("overview")).content.decode()
