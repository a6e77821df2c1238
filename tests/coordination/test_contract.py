"""Issue 10 §2 for cases and referrals: each coordination action owns its rules, so the same bad input
through the page and through the API is refused by both with the same message, and a write refused
for the user is refused by both. Both answer in the default language (Chinese), so the messages
compare as they are. Each test also checks nothing was written, and most have a positive control."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from coordination import actions
from coordination.models import CaseNote, Consent, CorrectionTeamMember, Need, Referral, Sex
from services.models import Organisation
from tests.coordination.factories import make_supervisee, offering, resident_id

State = Referral.State


@pytest.fixture
def api():
    return APIClient()


def _api_message(response, field: str | None = None) -> str:
    body = response.json()
    return body["errors"][field][0] if field else body["detail"]


def _on_the_page(page, message: str) -> None:
    html = page.content.decode()
    assert escape(message) in html or message in html, message


def _page(client, user):
    client.force_login(user)
    return client


def test_declining_without_a_reason_is_refused_the_same_way(world, api, client):
    referral = world.referrals["sent"]
    api.force_authenticate(world.users["provider"])
    response = api.post(f"/api/v1/referrals/{referral.uuid}/decline/", {"reason": " "}, format="json")
    assert response.status_code == 400
    message = _api_message(response, "reason")
    page = _page(client, world.users["provider"]).post(
        f"/casework/referrals/{referral.uuid}/decline/", {"reason": " "}, follow=True
    )
    _on_the_page(page, message)
    referral.refresh_from_db()
    assert referral.state == State.SENT
    # Positive control: with a reason the page declines it.
    _page(client, world.users["provider"]).post(f"/casework/referrals/{referral.uuid}/decline/", {"reason": "满员"})
    referral.refresh_from_db()
    assert referral.state == State.DECLINED


def test_a_step_the_table_does_not_allow_is_refused_the_same_way(world, api, client):
    referral = world.referrals["draft"]
    api.force_authenticate(world.users["officer"])
    response = api.post(f"/api/v1/referrals/{referral.uuid}/send/", {}, format="json")
    assert response.status_code == 201 or response.status_code == 200
    # Sent now; sending again is not in the table.
    response = api.post(f"/api/v1/referrals/{referral.uuid}/send/", {}, format="json")
    assert response.status_code == 409
    message = _api_message(response)
    page = _page(client, world.users["officer"]).post(f"/casework/referrals/{referral.uuid}/send/", {}, follow=True)
    _on_the_page(page, message)
    assert referral.events.filter(to_state=State.SENT).count() == 1


def test_the_wrong_side_is_refused_by_both(world, api, client):
    referral = world.referrals["sent"]
    api.force_authenticate(world.users["provider"])
    assert api.post(f"/api/v1/referrals/{referral.uuid}/withdraw/", {}, format="json").status_code == 403
    page = _page(client, world.users["provider"]).post(f"/casework/referrals/{referral.uuid}/withdraw/", {})
    assert page.status_code == 403
    referral.refresh_from_db()
    assert referral.state == State.SENT


def test_sending_without_consent_is_refused_the_same_way(world, api, client):
    employer = world.city.providers[Organisation.Kind.EMPLOYER]
    job = offering(employer, code=world.offering.category.code)
    before = Referral.objects.count()
    api.force_authenticate(world.users["social_worker"])
    response = api.post(
        "/api/v1/referrals/", {"need": world.need.pk, "offering": str(job.uuid), "send": True}, format="json"
    )
    assert response.status_code == 400
    message = _api_message(response)
    page = _page(client, world.users["social_worker"]).post(
        f"/casework/needs/{world.need.pk}/refer/", {"offering": job.pk, "send_now": "on"}
    )
    _on_the_page(page, message)
    assert Referral.objects.count() == before


def test_an_expired_consent_is_not_shown_as_recorded(world, client):
    """The page's "consent recorded" label reads the action's rule (expiry counts), not its own."""
    consent = world.supervisee.consents.get(organisation=world.offering.organisation)
    page = _page(client, world.users["officer"]).get(f"/casework/needs/{world.need.pk}/refer/")
    assert "已登记同意" in page.content.decode()
    Consent.objects.filter(pk=consent.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    page = client.get(f"/casework/needs/{world.need.pk}/refer/")
    assert "已登记同意" not in page.content.decode()


def test_an_override_without_a_reason_is_refused_the_same_way(world, api, client):
    employer = world.city.providers[Organisation.Kind.EMPLOYER]
    job = offering(employer, code=world.offering.category.code)
    before = Referral.objects.count()
    api.force_authenticate(world.users["officer"])
    payload = {"need": world.need.pk, "offering": str(job.uuid), "send": True, "override_consent": True, "note": ""}
    response = api.post("/api/v1/referrals/", payload, format="json")
    assert response.status_code == 400
    message = _api_message(response, "note")
    page = _page(client, world.users["officer"]).post(
        f"/casework/needs/{world.need.pk}/refer/",
        {"offering": job.pk, "send_now": "on", "override_consent": "on", "override_reason": ""},
    )
    _on_the_page(page, message)
    assert Referral.objects.count() == before


def test_closing_a_need_without_a_reason_is_refused_the_same_way(world, api, client):
    need = world.need
    api.force_authenticate(world.users["officer"])
    response = api.post(f"/api/v1/needs/{need.pk}/close/", {"reason": ""}, format="json")
    assert response.status_code == 400
    message = _api_message(response, "reason")
    page = _page(client, world.users["officer"]).post(f"/casework/needs/{need.pk}/close/", {"reason": ""}, follow=True)
    _on_the_page(page, message)
    need.refresh_from_db()
    assert need.status != Need.Status.CLOSED
    # Positive control, then closing twice is refused by both with one message.
    assert api.post(f"/api/v1/needs/{need.pk}/close/", {"reason": "已解决"}, format="json").status_code == 200
    again = api.post(f"/api/v1/needs/{need.pk}/close/", {"reason": "已解决"}, format="json")
    assert again.status_code == 400
    page = client.post(f"/casework/needs/{need.pk}/close/", {"reason": "已解决"}, follow=True)
    _on_the_page(page, _api_message(again, "need"))
    assert CaseNote.objects.filter(supervisee=need.supervisee, body__contains="已解决").count() == 1


def test_an_empty_note_is_refused_the_same_way(world, api, client):
    supervisee = world.supervisee
    before = CaseNote.objects.count()
    api.force_authenticate(world.users["officer"])
    response = api.post(
        "/api/v1/case-notes/", {"supervisee": str(supervisee.uuid), "kind": "note", "body": "  "}, format="json"
    )
    assert response.status_code == 400
    message = _api_message(response, "body")
    page = _page(client, world.users["officer"]).post(
        f"/casework/supervisees/{supervisee.uuid}/notes/new/", {"kind": "note", "body": "  "}, follow=True
    )
    _on_the_page(page, message)
    assert CaseNote.objects.count() == before
    client.post(f"/casework/supervisees/{supervisee.uuid}/notes/new/", {"kind": "note", "body": "电话回访"})
    assert CaseNote.objects.count() == before + 1


def test_a_note_on_another_offices_case_is_refused_by_both(world, api, client):
    other = world.other_supervisee
    before = CaseNote.objects.count()
    api.force_authenticate(world.users["other_officer"])
    response = api.post(
        "/api/v1/case-notes/", {"supervisee": str(world.supervisee.uuid), "kind": "note", "body": "x"}, format="json"
    )
    assert response.status_code == 400
    assert _api_message(response, "supervisee") == "您的案件中没有该社区矫正对象。"  # in the user's language
    page = _page(client, world.users["other_officer"]).post(
        f"/casework/supervisees/{world.supervisee.uuid}/notes/new/", {"kind": "note", "body": "x"}
    )
    assert page.status_code == 404
    assert CaseNote.objects.count() == before
    assert other.judicial_office_id != world.supervisee.judicial_office_id


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"role": CorrectionTeamMember.Role.FAMILY_CONTACT, "name": "", "sex": Sex.FEMALE}, "name"),
        ({"role": CorrectionTeamMember.Role.SOCIAL_WORKER, "name": "张三", "sex": Sex.FEMALE}, "user"),
    ],
    ids=["family contact without a name", "staff role without a user"],
)
def test_a_team_member_the_rules_refuse_is_refused_the_same_way(world, api, client, payload, field):
    supervisee = world.supervisee
    before = CorrectionTeamMember.objects.count()
    api.force_authenticate(world.users["officer"])
    response = api.post("/api/v1/team-members/", {"supervisee": str(supervisee.uuid), **payload}, format="json")
    assert response.status_code == 400
    message = _api_message(response, field)
    page = _page(client, world.users["officer"]).post(f"/casework/supervisees/{supervisee.uuid}/team/add/", payload)
    _on_the_page(page, message)
    assert CorrectionTeamMember.objects.count() == before
    # Positive control: a named family contact is added.
    family = {"role": CorrectionTeamMember.Role.FAMILY_CONTACT, "name": "李梅", "sex": Sex.FEMALE}
    client.post(f"/casework/supervisees/{supervisee.uuid}/team/add/", family)
    assert CorrectionTeamMember.objects.count() == before + 1


def test_withdrawing_a_consent_twice_is_refused_the_same_way(world, api, client):
    consent = world.supervisee.consents.first()
    actions.withdraw_consent(consent=consent, actor=world.users["officer"])
    api.force_authenticate(world.users["officer"])
    response = api.post(f"/api/v1/consents/{consent.pk}/withdraw/", {}, format="json")
    assert response.status_code == 409
    message = _api_message(response)
    page = _page(client, world.users["officer"]).post(
        f"/casework/supervisees/{world.supervisee.uuid}/consents/{consent.pk}/withdraw/", follow=True
    )
    _on_the_page(page, message)
    assert CaseNote.objects.filter(supervisee=world.supervisee, body__contains=str(consent.organisation)).count() == 1


def test_a_resident_id_already_registered_is_refused_the_same_way(world, api, client):
    existing = make_supervisee(office=world.city.office)
    from coordination import identity

    number = identity.decrypt(existing.resident_id_encrypted)
    assert number != resident_id(born=existing.date_of_birth)  # a fresh number differs (positive control below)
    body = {
        "name": "王五",
        "given_name": "五",
        "sex": existing.sex,
        "date_of_birth": existing.date_of_birth.isoformat(),
        "resident_id": number,
        "household_type": "rural",
        "township": world.city.office.township.code,
        "judicial_office": str(world.city.office.uuid),
        "sentence_type": "probation",
        "offence_category": "theft",
        "correction_start": existing.correction_start.isoformat(),
        "correction_end": existing.correction_end.isoformat(),
        "risk_level": "medium",
    }
    api.force_authenticate(world.users["officer"])
    response = api.post("/api/v1/supervisees/", body, format="json")
    assert response.status_code == 400
    message = _api_message(response, "resident_id")
    form = {
        **body,
        "township": world.city.office.township.pk,
        "judicial_office": world.city.office.pk,
        "supervision_level": "ordinary",
        "preferred_language": "zh-hans",
    }
    page = _page(client, world.users["officer"]).post("/casework/supervisees/new/", form)
    _on_the_page(page, message)
    assert type(existing).objects.filter(resident_id_hash=existing.resident_id_hash).count() == 1
