"""Intake, record edits, correction team management and closing a need on the workbench pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from coordination import actions, identity
from coordination.models import AccessLog, CaseNote, CorrectionTeamMember, Need, Referral, Supervisee
from tests import factories
from tests.coordination.factories import make_supervisee, resident_id
from tests.volunteers.factories import volunteer

BORN = dt.date(1990, 5, 17)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _intake(world, **overrides) -> dict:
    data = {
        "name": "赵新民",
        "given_name": "新民",
        "sex": "male",
        "date_of_birth": BORN.isoformat(),
        "resident_id": resident_id(born=BORN),
        "phone": "139 1234 5678",
        "household_type": "urban",
        "township": world.city.office.township_id,
        "address": "测试路2号",
        "judicial_office": world.city.office.pk,
        "sentence_type": "probation",
        "offence_category": "fraud",
        "correction_start": "2026-01-01",
        "correction_end": "2027-01-01",
        "risk_level": "low",
        "supervision_level": "ordinary",
        "preferred_language": "zh-hans",
    }
    data.update(overrides)
    return data


def _edit_form(s: Supervisee, **overrides) -> dict:
    data = {
        "name": s.name,
        "given_name": s.given_name,
        "sex": s.sex,
        "date_of_birth": s.date_of_birth.isoformat(),
        "resident_id": "",
        "phone": s.phone,
        "household_type": s.household_type,
        "township": s.township_id,
        "address": s.address,
        "judicial_office": s.judicial_office_id,
        "status": s.status,
        "sentence_type": s.sentence_type,
        "offence_category": s.offence_category,
        "correction_start": s.correction_start.isoformat(),
        "correction_end": s.correction_end.isoformat(),
        "risk_level": s.risk_level,
        "supervision_level": s.supervision_level,
        "preferred_language": s.preferred_language,
    }
    data.update(overrides)
    return data


# --- Intake -------------------------------------------------------------------------------


def test_an_officer_registers_a_supervisee_and_lands_on_the_record(world):
    officer = world.users["officer"]
    data = _intake(world)
    response = _client(officer).post("/en/casework/supervisees/new/", data)
    s = Supervisee.objects.get(name="赵新民")
    assert response.status_code == 302 and response["Location"].endswith(f"/casework/supervisees/{s.uuid}/")
    assert s.created_by == officer and s.status == Supervisee.Status.INTAKE
    assert s.phone == "+8613912345678"
    assert identity.decrypt(s.resident_id_encrypted) == data["resident_id"]
    assert data["resident_id"] not in s.resident_id_encrypted
    page = _client(officer).get(response["Location"]).content.decode()
    assert "赵新民" in page


def test_the_office_list_holds_only_offices_the_user_may_act_for(world):
    page = _client(world.users["officer"]).get("/casework/supervisees/new/").content.decode()
    assert world.city.office.name in page and world.city.other_office.name not in page
    refused = _client(world.users["officer"]).post(
        "/en/casework/supervisees/new/", _intake(world, judicial_office=world.city.other_office.pk)
    )
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not Supervisee.objects.filter(name="赵新民").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"resident_id": "410101199005170011"}, "check digit is wrong"),
        ({"date_of_birth": "1990-05-18"}, "born on 1990-05-17"),
        ({"sex": "female"}, "does not match the sex"),
        ({"phone": "12345"}, "Enter a valid phone number."),
        ({"correction_end": "2025-12-31"}, "cannot end before it starts"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_field_errors_are_shown_and_nothing_is_written(world, change, message):
    before = Supervisee.objects.count()
    response = _client(world.users["officer"]).post("/en/casework/supervisees/new/", _intake(world, **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Supervisee.objects.count() == before


def test_errors_are_in_chinese_by_default(world):
    response = _client(world.users["officer"]).post(
        "/casework/supervisees/new/", _intake(world, resident_id="410101199005170011")
    )
    page = response.content.decode()
    assert "校验码" in page and "check digit" not in page


def test_a_duplicate_names_the_office_only_to_those_who_may_see_the_record(world):
    number = resident_id(born=BORN)
    assert _client(world.users["officer"]).post("/en/casework/supervisees/new/", _intake(world, resident_id=number))
    again = _client(world.users["social_worker"]).post(
        "/en/casework/supervisees/new/", _intake(world, resident_id=number, name="重复")
    )
    office = world.city.office
    assert f"already registered in {office.name_en or office.name}" in again.content.decode()
    other_office = world.city.other_office
    elsewhere = _client(world.users["other_officer"]).post(
        "/en/casework/supervisees/new/",
        _intake(world, resident_id=number, name="重复", judicial_office=other_office.pk),
    )
    page = elsewhere.content.decode()
    assert "already registered" in page and "赵新民" not in page
    assert office.name not in page and (office.name_en or office.name) not in page
    assert Supervisee.objects.filter(name="重复").count() == 0


def test_intake_is_refused_to_providers_volunteers_and_agency_social_workers(world):
    agency_worker = factories.user_with_role(
        "social_worker", world.city.providers["social_work_agency"], username="agencysw"
    )
    for user in (world.users["provider"], world.users["volunteer"], agency_worker):
        assert _client(user).get("/en/casework/supervisees/new/").status_code == 403


# --- Edit ---------------------------------------------------------------------------------


def test_editing_the_record_leaves_a_case_note_and_logs_the_read(world):
    s = world.supervisee
    client = _client(world.users["officer"])
    logged = AccessLog.objects.filter(supervisee=s).count()
    assert client.get(f"/en/casework/supervisees/{s.uuid}/edit/").status_code == 200
    assert AccessLog.objects.filter(supervisee=s).count() == logged + 1
    response = client.post(f"/en/casework/supervisees/{s.uuid}/edit/", _edit_form(s, risk_level="high"))
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.risk_level == "high"
    note = CaseNote.objects.filter(supervisee=s).first()
    assert "risk level" in note.body and note.author == world.users["officer"]


def test_the_id_number_changes_only_with_a_note(world):
    s = world.supervisee
    client = _client(world.users["officer"])
    url = f"/en/casework/supervisees/{s.uuid}/edit/"
    new_number = resident_id(born=s.date_of_birth, sex=s.sex)
    refused = client.post(url, _edit_form(s, resident_id=new_number))
    assert refused.status_code == 200 and "Say why the resident ID number is changed." in refused.content.decode()
    old_hash = s.resident_id_hash
    s.refresh_from_db()
    assert s.resident_id_hash == old_hash
    done = client.post(url, _edit_form(s, resident_id=new_number, id_change_note="户籍更正"))
    assert done.status_code == 302
    s.refresh_from_db()
    assert identity.decrypt(s.resident_id_encrypted) == new_number
    assert "户籍更正" in CaseNote.objects.filter(supervisee=s).first().body


def test_the_id_number_on_record_must_still_match_a_changed_birth_date(world):
    s = world.supervisee
    response = _client(world.users["officer"]).post(
        f"/en/casework/supervisees/{s.uuid}/edit/",
        _edit_form(s, date_of_birth=(s.date_of_birth - dt.timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200 and "not on the date of birth given" in response.content.decode()


def test_an_agency_social_worker_on_the_team_may_read_but_not_edit(world):
    agency_worker = factories.user_with_role(
        "social_worker", world.city.providers["social_work_agency"], username="agencysw"
    )
    actions.add_team_member(
        actor=world.users["bureau"],
        supervisee=world.supervisee,
        role="social_worker",
        name="社工",
        sex="female",
        user=agency_worker,
    )
    client = _client(agency_worker)
    assert client.get(f"/en/casework/supervisees/{world.supervisee.uuid}/").status_code == 200
    assert client.get(f"/en/casework/supervisees/{world.supervisee.uuid}/edit/").status_code == 403
    assert client.get(f"/en/casework/supervisees/{world.supervisee.uuid}/team/add/").status_code == 403


# --- Correction team --------------------------------------------------------------------------


def test_staff_of_the_office_and_active_volunteers_may_join_the_team(world):
    s = world.supervisee
    active = volunteer()
    applicant = volunteer(status="applied", trained=False)
    outsider = world.users["other_officer"]
    client = _client(world.users["officer"])
    url = f"/en/casework/supervisees/{s.uuid}/team/add/"
    page = client.get(url).content.decode()
    assert world.users["social_worker"].get_full_name() in page
    for bad in (applicant.user, outsider):
        response = client.post(url, {"role": "volunteer", "user": bad.pk, "sex": "male"})
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    ok = client.post(url, {"role": "volunteer", "user": active.user.pk, "sex": "male", "meeting_schedule": "周五"})
    assert ok.status_code == 302
    member = s.team.get(user=active.user)
    assert member.name == active.user.get_full_name() and member.is_active


def test_a_family_contact_needs_a_name_and_no_user(world):
    url = f"/en/casework/supervisees/{world.supervisee.uuid}/team/add/"
    client = _client(world.users["officer"])
    response = client.post(url, {"role": "family_contact", "sex": "female"})
    assert "Give the family contact" in response.content.decode()
    assert client.post(url, {"role": "family_contact", "name": "李梅", "sex": "female", "phone": "13912345678"})
    assert world.supervisee.team.filter(name="李梅", phone="+8613912345678", is_active=True).exists()


def test_removing_and_re_adding_a_member_reuses_the_row(world):
    s = world.supervisee
    member = s.team.get(user=world.users["volunteer"])
    client = _client(world.users["officer"])
    assert (
        client.post(f"/en/casework/supervisees/{s.uuid}/team/{member.pk}/remove/", {"confirmed": "yes"}).status_code
        == 302
    )
    member.refresh_from_db()
    assert not member.is_active
    v = volunteer()
    url = f"/en/casework/supervisees/{s.uuid}/team/add/"
    client.post(url, {"role": "volunteer", "user": v.user.pk, "sex": "female"})
    again = client.post(url, {"role": "volunteer", "user": v.user.pk, "sex": "female"})
    assert "already on the team" in again.content.decode()
    assert s.team.filter(user=v.user).count() == 1


def test_art_25_a_female_supervisees_team_keeps_a_woman(world):
    woman = make_supervisee(office=world.city.office, sex="female", team=[])
    client = _client(world.users["officer"])
    url = f"/en/casework/supervisees/{woman.uuid}/team/add/"
    officer = world.users["officer"]
    refused = client.post(url, {"role": "officer", "user": officer.pk, "sex": "male"})
    assert refused.status_code == 200 and "must include a woman" in refused.content.decode()
    assert not woman.team.exists()
    assert client.post(url, {"role": "family_contact", "name": "李梅", "sex": "female"}).status_code == 302
    assert client.post(url, {"role": "officer", "user": officer.pk, "sex": "male"}).status_code == 302
    last_woman = woman.team.get(name="李梅")
    response = client.post(
        f"/en/casework/supervisees/{woman.uuid}/team/{last_woman.pk}/remove/", {"confirmed": "yes"}, follow=True
    )
    assert "must include a woman" in response.content.decode()
    last_woman.refresh_from_db()
    assert last_woman.is_active


def test_the_team_page_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(world.users["officer"])
    url = f"/en/casework/supervisees/{world.supervisee.uuid}/team/add/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    for _ in range(5):
        volunteer()
        factories.user_with_role("social_worker", world.city.office)
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert client.get(url).status_code == 200


# --- Closing a need ---------------------------------------------------------------------


def test_closing_a_need_withdraws_its_open_referrals_and_keeps_the_reason(world):
    client = _client(world.users["officer"])
    response = client.post(f"/en/casework/needs/{world.need.pk}/close/", {"reason": "已自行找到工作"})
    assert response.status_code == 302
    need = Need.objects.get(pk=world.need.pk)
    assert need.status == Need.Status.CLOSED and need.closed_at
    assert not need.referrals.filter(state__in=Referral.OPEN_STATES).exists()
    assert "已自行找到工作" in CaseNote.objects.filter(supervisee=world.supervisee).first().body


def test_closing_a_need_needs_a_reason(world):
    client = _client(world.users["officer"])
    client.post(f"/en/casework/needs/{world.need.pk}/close/", {"reason": " "})
    assert Need.objects.get(pk=world.need.pk).status != Need.Status.CLOSED


def test_the_close_api(world):
    client = _client(world.users["social_worker"])
    url = f"/api/v1/needs/{world.need.pk}/close/"
    assert client.post(url, {}, content_type="application/json").status_code == 400
    done = client.post(url, {"reason": "不再需要"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "closed"
    again = client.post(url, {"reason": "不再需要"}, content_type="application/json")
    assert again.status_code == 400


def test_suggestions_link_only_for_matching_users(world):
    from django.urls import reverse

    link = reverse("matching:need", args=[world.need.pk])
    page = _client(world.users["officer"]).get(f"/casework/supervisees/{world.supervisee.uuid}/").content.decode()
    assert link in page
    closed = actions.close_need(need=world.need, actor=world.users["officer"], reason="x")
    page = _client(world.users["officer"]).get(f"/casework/supervisees/{closed.supervisee.uuid}/").content.decode()
    assert link not in page


def test_the_supervisee_page_shows_team_and_close_controls_only_to_editors(world):
    page = _client(world.users["officer"]).get(f"/en/casework/supervisees/{world.supervisee.uuid}/").content.decode()
    assert "/team/add/" in page and "/edit/" in page and f"/casework/needs/{world.need.pk}/close/" in page
    member = CorrectionTeamMember.objects.filter(supervisee=world.supervisee, is_active=True).first()
    assert f"/team/{member.pk}/remove/" in page


def test_the_team_api_follows_the_page_rules(world):
    agency_worker = factories.user_with_role(
        "social_worker", world.city.providers["social_work_agency"], username="agencysw"
    )
    actions.add_team_member(
        actor=world.users["bureau"],
        supervisee=world.supervisee,
        role="social_worker",
        name="社工",
        sex="female",
        user=agency_worker,
    )
    body = {"supervisee": str(world.supervisee.uuid), "role": "family_contact", "name": "李梅", "sex": "female"}
    url = "/api/v1/team-members/"
    assert _client(agency_worker).post(url, body, content_type="application/json").status_code == 403
    outsider = {**body, "role": "officer", "user": world.users["other_officer"].username, "sex": "male"}
    refused = _client(world.users["officer"]).post(url, outsider, content_type="application/json")
    assert refused.status_code == 400 and "user" in refused.json()["errors"]


def test_removing_a_team_member_asks_first(world):
    s = world.supervisee
    member = CorrectionTeamMember.objects.filter(supervisee=s, is_active=True).first()
    client = _client(world.users["officer"])
    page = client.post(f"/en/casework/supervisees/{s.uuid}/team/{member.pk}/remove/")
    assert page.status_code == 200 and "Take this person off the team?" in page.content.decode()
    member.refresh_from_db()
    assert member.is_active
