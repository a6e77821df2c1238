"""Counselling sessions, their notes and psychological assessments (issue 16 item 4): the notes are read only
by the counsellor's organisation, summaries by the case staff, assessments by that organisation and the
bureau; recording is refused for a person not referred to the organisation. Through selectors, pages, API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination.models import AccessLog, Supervisee
from services.models import Membership, Organisation
from supervision.counselling import actions, selectors
from supervision.counselling.models import CounsellingNote, CounsellingSession, PsychAssessment
from tests import factories
from tests.factories import UserFactory
from tests.supervision.counselling_world import add_counselling

TODAY = timezone.localdate()
NOTE = "来访者谈到与父亲的冲突"
SUMMARY = "情绪稳定，按时参加"
Role = Membership.Role


@pytest.fixture
def w(world):
    add_counselling(world)
    world.users["office_head"] = factories.user_with_role(Role.OFFICE_HEAD, world.city.office, username="head")
    world.users["own"] = UserFactory(username="own-signin")
    Supervisee.objects.filter(pk=world.supervisee.pk).update(account=world.users["own"])
    world.supervisee.refresh_from_db()
    agency = world.city.providers[Organisation.Kind.SOCIAL_WORK_AGENCY]
    world.users["agency_worker"] = factories.user_with_role(Role.SOCIAL_WORKER, agency, username="agencyworker")
    world.session = actions.record_session(
        supervisee=world.supervisee,
        actor=world.users["counsellor"],
        held_on=TODAY,
        minutes=50,
        summary=SUMMARY,
        note=NOTE,
    )
    world.assessment = actions.record_assessment(
        supervisee=world.supervisee,
        actor=world.users["counsellor"],
        instrument="scl_90",
        score=Decimal("162.50"),
        assessed_on=TODAY,
        interpretation="轻度焦虑",
    )
    return world


NOT_NOTES = ["officer", "office_head", "bureau", "social_worker", "volunteer", "provider", "agency_worker", "own"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_session_is_recorded_under_the_counsellors_organisation(w):
    assert w.session.organisation == w.centre
    assert w.session.counsellor == w.users["counsellor"]
    assert CounsellingNote.objects.get(session=w.session).text == NOTE
    assert w.assessment.organisation == w.centre


@pytest.mark.django_db
@pytest.mark.parametrize("role", NOT_NOTES)
def test_notes_are_invisible_to_everyone_outside_the_organisation(w, role):
    user = w.users[role]
    assert not selectors.notes(user).exists()
    assert selectors.notes_by_session(user, [w.session.pk]) == {}


@pytest.mark.django_db
def test_the_counsellors_organisation_reads_the_notes_and_the_read_is_logged(w):
    colleague = factories.user_with_role(Role.PROVIDER_STAFF, w.centre, username="colleague")
    for user in (w.users["counsellor"], colleague):
        assert [n.text for n in selectors.notes(user)] == [NOTE]
    assert AccessLog.objects.filter(object_type="counselling_note", user=colleague).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "office_head", "bureau", "social_worker", "counsellor"])
def test_summaries_are_visible_to_case_staff_and_the_organisation(w, role):
    assert [s.summary for s in selectors.sessions(w.users[role])] == [SUMMARY]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_officer", "volunteer", "provider", "agency_worker", "own", "editor"])
def test_summaries_are_not_visible_to_others(w, role):
    assert not selectors.sessions(w.users[role]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("counsellor", True),
        ("bureau", True),
        ("officer", False),
        ("office_head", False),
        ("social_worker", False),
        ("volunteer", False),
        ("provider", False),
        ("agency_worker", False),
        ("own", False),
    ],
)
def test_assessments_only_for_the_organisation_and_the_bureau(w, role, sees):
    assert selectors.assessments(w.users[role]).exists() is sees


@pytest.mark.django_db
def test_recording_is_refused_for_a_person_not_referred_to_the_organisation(w):
    with pytest.raises(PermissionDenied):
        actions.record_session(
            supervisee=w.other_supervisee,
            actor=w.users["counsellor"],
            held_on=TODAY,
            minutes=30,
            summary="x",
        )
    with pytest.raises(PermissionDenied):
        actions.record_assessment(
            supervisee=w.other_supervisee,
            actor=w.users["counsellor"],
            instrument="sds",
            score=Decimal(50),
            assessed_on=TODAY,
        )
    # Nor may the officer or a provider of another organisation record for the referred person.
    for role in ("officer", "provider", "bureau"):
        with pytest.raises(PermissionDenied):
            actions.record_session(supervisee=w.supervisee, actor=w.users[role], held_on=TODAY, minutes=30, summary="x")


@pytest.mark.django_db
def test_a_future_session_is_a_field_error(w):
    with pytest.raises(ValidationError) as caught:
        actions.record_session(
            supervisee=w.supervisee,
            actor=w.users["counsellor"],
            held_on=TODAY + dt.timedelta(days=1),
            minutes=30,
            summary="x",
        )
    assert "held_on" in caught.value.message_dict


@pytest.mark.django_db
def test_only_the_author_edits_the_note(w):
    colleague = factories.user_with_role(Role.PROVIDER_STAFF, w.centre, username="colleague")
    with pytest.raises(PermissionDenied):
        actions.edit_note(session=w.session, actor=colleague, text="改")
    actions.edit_note(session=w.session, actor=w.users["counsellor"], text="补充")
    assert CounsellingNote.objects.get(session=w.session).text == "补充"


# Pages.


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "office_head", "bureau", "social_worker"])
def test_the_case_page_shows_summaries_but_never_notes(w, role):
    response = _client(w.users[role]).get(reverse("supervision:counselling", kwargs={"uuid": w.supervisee.uuid}))
    assert response.status_code == 200
    body = response.content.decode()
    assert SUMMARY in body
    assert NOTE not in body
    if role != "bureau":
        assert "轻度焦虑" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["volunteer", "provider", "agency_worker", "own", "other_officer"])
def test_the_case_page_is_closed_to_others(w, role):
    response = _client(w.users[role]).get(reverse("supervision:counselling", kwargs={"uuid": w.supervisee.uuid}))
    assert response.status_code in (403, 404)
    assert NOTE not in response.content.decode()


@pytest.mark.django_db
def test_the_counsellor_sees_notes_and_records_a_session(w):
    client = _client(w.users["counsellor"])
    url = reverse("supervision:counselling", kwargs={"uuid": w.supervisee.uuid})
    body = client.get(url).content.decode()
    assert NOTE in body
    assert "轻度焦虑" in body
    assert "辅导笔记（仅本机构可见）" in body  # Chinese first for users
    response = client.post(
        url, {"do": "session", "held_on": TODAY.isoformat(), "minutes": "45", "summary": "第二次", "note": "私密"}
    )
    assert response.status_code == 302
    assert CounsellingSession.objects.filter(summary="第二次", note__text="私密").exists()
    bad = client.post(url, {"do": "session", "held_on": "", "minutes": "-1", "summary": ""})
    assert bad.status_code == 400
    response = client.post(
        url, {"do": "assessment", "instrument": "sds", "score": "48.5", "assessed_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    assert PsychAssessment.objects.filter(instrument="sds").exists()


@pytest.mark.django_db
def test_the_counsellors_cases_list_searches_and_is_closed_to_others(w):
    url = reverse("supervision:counselling-cases")
    body = _client(w.users["counsellor"]).get(url).content.decode()
    assert w.supervisee.name in body
    assert w.other_supervisee.name not in body
    body = _client(w.users["counsellor"]).get(url, {"q": "不存在的名字"}).content.decode()
    assert w.supervisee.name not in body
    assert _client(w.users["officer"]).get(url).status_code == 403


# API.


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "office_head", "bureau", "social_worker"])
def test_the_api_gives_summaries_without_notes(w, role):
    response = _client(w.users[role]).get(reverse("supervision-counselling-session-list"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["summary"] for r in rows] == [SUMMARY]
    assert NOTE not in response.content.decode()
    assert "note" not in rows[0]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["volunteer", "provider", "agency_worker", "own", "other_officer"])
def test_the_api_gives_others_nothing(w, role):
    response = _client(w.users[role]).get(reverse("supervision-counselling-session-list"))
    assert response.status_code in (403, 404) or response.json()["results"] == []
    assert NOTE not in response.content.decode()
    response = _client(w.users[role]).get(reverse("supervision-psych-assessment-list"))
    assert response.status_code in (403, 404) or response.json()["results"] == []


@pytest.mark.django_db
def test_the_api_gives_the_counsellor_notes_and_records(w):
    client = _client(w.users["counsellor"])
    rows = client.get(reverse("supervision-counselling-session-list")).json()["results"]
    assert rows[0]["note"] == NOTE
    created = client.post(
        reverse("supervision-counselling-session-list"),
        {"supervisee": str(w.supervisee.uuid), "held_on": TODAY.isoformat(), "minutes": 30, "summary": "三"},
    )
    assert created.status_code == 201
    refused = client.post(
        reverse("supervision-counselling-session-list"),
        {"supervisee": str(w.other_supervisee.uuid), "held_on": TODAY.isoformat(), "minutes": 30, "summary": "三"},
    )
    assert refused.status_code in (403, 404)
    bad = client.post(reverse("supervision-counselling-session-list"), {"supervisee": str(w.supervisee.uuid)})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"held_on", "minutes", "summary"}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "count"), [("counsellor", 1), ("bureau", 1), ("officer", 0), ("social_worker", 0)])
def test_the_api_restricts_assessments(w, role, count):
    response = _client(w.users[role]).get(reverse("supervision-psych-assessment-list"))
    assert response.status_code == 200
    assert len(response.json()["results"]) == count


@pytest.mark.django_db
def test_a_counsellor_on_the_correction_team_may_record_without_a_referral(w):
    from coordination import actions as coordination
    from coordination.models import CorrectionTeamMember, Sex

    agency_worker = w.users["agency_worker"]
    with pytest.raises(PermissionDenied):
        actions.record_session(
            supervisee=w.other_supervisee, actor=agency_worker, held_on=TODAY, minutes=30, summary="x"
        )
    coordination.add_team_member(
        supervisee=w.other_supervisee,
        actor=w.users["bureau"],
        role=CorrectionTeamMember.Role.SOCIAL_WORKER,
        name=agency_worker.full_name,
        sex=Sex.FEMALE,
        user=agency_worker,
    )
    session = actions.record_session(
        supervisee=w.other_supervisee, actor=agency_worker, held_on=TODAY, minutes=30, summary="x", note="y"
    )
    assert session.organisation == w.city.providers[Organisation.Kind.SOCIAL_WORK_AGENCY]
    # The centre does not read the agency's notes, nor the agency the centre's.
    assert [n.session_id for n in selectors.notes(w.users["counsellor"])] == [w.session.pk]
    assert [n.session_id for n in selectors.notes(agency_worker)] == [session.pk]


@pytest.mark.django_db
def test_page_reads_are_logged(w):
    client = _client(w.users["officer"])
    client.get(reverse("supervision:counselling", kwargs={"uuid": w.supervisee.uuid}))
    logged = AccessLog.objects.filter(user=w.users["officer"])
    assert logged.filter(object_type="counselling_session", object_id=str(w.session.pk)).exists()
    assert not logged.filter(object_type="counselling_note").exists()
    _client(w.users["counsellor"]).get(reverse("supervision:counselling", kwargs={"uuid": w.supervisee.uuid}))
    assert AccessLog.objects.filter(user=w.users["counsellor"], object_type="counselling_note").exists()
    assert AccessLog.objects.filter(user=w.users["counsellor"], object_type="psych_assessment").exists()


@pytest.mark.django_db
def test_the_author_edits_the_note_on_the_page_and_a_colleague_may_not(w):
    url = reverse("supervision:counselling", kwargs={"uuid": w.supervisee.uuid})
    body = {"do": "note", "session": str(w.session.pk), "text": "补充"}
    assert _client(w.users["counsellor"]).post(url, body).status_code == 302
    assert CounsellingNote.objects.get(session=w.session).text == "补充"
    colleague = factories.user_with_role(Role.PROVIDER_STAFF, w.centre, username="colleague")
    assert _client(colleague).post(url, {**body, "text": "改"}).status_code == 403
    assert CounsellingNote.objects.get(session=w.session).text == "补充"


@pytest.mark.django_db
def test_the_session_list_costs_a_fixed_number_of_queries(w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(w.users["counsellor"])
    url = reverse("supervision-counselling-session-list")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = count()
    for _ in range(5):
        actions.record_session(
            supervisee=w.supervisee, actor=w.users["counsellor"], held_on=TODAY, minutes=30, summary="s", note="n"
        )
    assert count() == one
    rows = client.get(url).json()["results"]
    assert len(rows) == 6
    assert all("note" in r for r in rows)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"supervisee": "not-a-uuid", "instrument": "sds", "score": "40", "assessed_on": "2026-01-01"},
        {"instrument": "sds", "score": "99999999", "assessed_on": "2026-01-01"},
        {"instrument": "sds", "score": "-1", "assessed_on": "2026-01-01"},
        {"instrument": "nope", "score": "40", "assessed_on": "2026-01-01"},
        {"instrument": "sds", "score": "40", "assessed_on": "2999-01-01"},
    ],
)
def test_bad_assessments_are_400_with_field_messages(w, body):
    client = _client(w.users["counsellor"])
    response = client.post(reverse("supervision-psych-assessment-list"), {"supervisee": str(w.supervisee.uuid), **body})
    assert response.status_code == 400
    assert response.json()["errors"]
    if "supervisee" in body:
        return  # the page takes the person from its address
    page = client.post(
        reverse("supervision:counselling", kwargs={"uuid": w.supervisee.uuid}), {"do": "assessment", **body}
    )
    assert page.status_code == 400


def test_a_sealed_case_leaves_the_counsellors_list_and_takes_no_new_session(w):
    """CPL Art. 286: once sealed, the counsellor's organisation no longer lists, opens or records the person."""
    url = reverse("supervision:counselling-cases")
    assert w.supervisee.name in _client(w.users["counsellor"]).get(url).content.decode()
    Supervisee.objects.filter(pk=w.supervisee.pk).update(sealed_at=timezone.now())
    w.supervisee.refresh_from_db()
    assert w.supervisee.name not in _client(w.users["counsellor"]).get(url).content.decode()
    assert not selectors.counselled(w.users["counsellor"]).filter(pk=w.supervisee.pk).exists()
    with pytest.raises((PermissionDenied, ValidationError)):
        actions.record_session(
            supervisee=w.supervisee, actor=w.users["counsellor"], held_on=TODAY, minutes=30, summary="s", note="n"
        )
