"""Every casework page and coordination API endpoint, for every role: status code and fields.

The matrix must name every route of coordination/urls.py and coordination/api_urls.py;
a new route that is not in it fails ``test_the_matrix_covers_every_route``.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from coordination.models import Referral
from notifications.models import Notification
from tests.routes import route_names

ROLES = ["anonymous", "bureau", "officer", "social_worker", "provider", "other_officer", "volunteer", "editor"]
CASE = {"bureau", "officer", "social_worker"}


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


PAGE_LOGIN = 302  # anonymous users are sent to the login page
API_ANON = 403  # session authentication: unauthenticated API calls are refused
# Shapes that recur.
CASE_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=200)
OWN_CASE_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=404)
CASE_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=200)
OWN_CASE_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=404)
ANY_USER_PAGE = expect(200, PAGE_LOGIN)
ANY_USER_API = expect(200, API_ANON)
PROVIDER_VERB = expect(403, API_ANON, provider=200, other_officer=404)
CASE_VERB = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=404)

# (url name, method) -> (url kwargs builder, request body builder or None, expected status per role)
MATRIX: dict[tuple[str, str], tuple] = {
    # --- pages
    ("coordination:index", "get"): (
        lambda w: {},
        None,
        expect(
            403, PAGE_LOGIN, **dict.fromkeys(["bureau", "officer", "social_worker", "provider", "other_officer"], 302)
        ),
    ),
    ("coordination:caseload", "get"): (lambda w: {}, None, CASE_PAGE),
    ("coordination:caseload-export", "get"): (lambda w: {}, None, CASE_PAGE),
    ("coordination:supervisee", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OWN_CASE_PAGE),
    ("coordination:need-create", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OWN_CASE_PAGE),
    ("coordination:need-create", "post"): (
        lambda w: {"uuid": w.supervisee.uuid},
        lambda w: {"category": w.offering.category_id, "urgency": 2, "description": "x"},
        {**OWN_CASE_PAGE, "bureau": 302, "officer": 302, "social_worker": 302},
    ),
    ("coordination:note-create", "post"): (
        lambda w: {"uuid": w.supervisee.uuid},
        lambda w: {"kind": "note", "body": "家访"},
        {**OWN_CASE_PAGE, "bureau": 302, "officer": 302, "social_worker": 302},
    ),
    ("coordination:consent-create", "post"): (
        lambda w: {"uuid": w.supervisee.uuid},
        lambda w: {"organisation": w.provider_org.pk, "method": "written"},
        {**OWN_CASE_PAGE, "bureau": 302, "officer": 302, "social_worker": 302},
    ),
    ("coordination:consent-withdraw", "post"): (
        lambda w: {"uuid": w.supervisee.uuid, "pk": w.supervisee.consents.first().pk},
        lambda w: {},
        {**OWN_CASE_PAGE, "bureau": 302, "officer": 302, "social_worker": 302},
    ),
    ("coordination:referral-create", "get"): (lambda w: {"pk": w.need.pk}, None, OWN_CASE_PAGE),
    ("coordination:referral-create", "post"): (
        lambda w: {"pk": w.need.pk},
        lambda w: {"offering": w.offering.pk, "message": "请评估", "send_now": "on"},
        {**OWN_CASE_PAGE, "bureau": 302, "officer": 302, "social_worker": 302},
    ),
    ("coordination:referral", "get"): (
        lambda w: {"uuid": w.referrals["sent"].uuid},
        None,
        expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, provider=200, other_officer=404),
    ),
    # The referral letter: printed (issued) by the office's officers and the bureau; a social worker of the case is
    # refused by the document service, a provider never reaches the casework page.
    ("coordination:referral-letter", "get"): (
        lambda w: {"uuid": w.referrals["sent"].uuid},
        None,
        expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404),
    ),
    ("coordination:referral-transition", "post"): (
        lambda w: {"uuid": w.referrals["sent"].uuid, "verb": "accept"},
        lambda w: {},
        expect(403, PAGE_LOGIN, provider=302, other_officer=404),
    ),
    ("coordination:inbox", "get"): (lambda w: {}, None, expect(403, PAGE_LOGIN, bureau=200, provider=200)),
    ("coordination:overdue", "get"): (lambda w: {}, None, CASE_PAGE),
    ("coordination:mentees", "get"): (lambda w: {}, None, ANY_USER_PAGE),
    ("coordination:access-log", "get"): (lambda w: {}, None, expect(403, PAGE_LOGIN, bureau=200)),
    ("coordination:supervisee-create", "get"): (lambda w: {}, None, CASE_PAGE),
    ("coordination:supervisee-create", "post"): (
        lambda w: {},
        lambda w: w.new_supervisee_form,
        # another office's officer may not choose this office: the form answers with an error (200)
        {**CASE_PAGE, "bureau": 302, "officer": 302, "social_worker": 302},
    ),
    ("coordination:supervisee-edit", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OWN_CASE_PAGE),
    ("coordination:supervisee-edit", "post"): (
        lambda w: {"uuid": w.supervisee.uuid},
        lambda w: w.edit_supervisee_form,
        {**OWN_CASE_PAGE, "bureau": 302, "officer": 302, "social_worker": 302},
    ),
    ("coordination:team-add", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OWN_CASE_PAGE),
    ("coordination:team-add", "post"): (
        lambda w: {"uuid": w.supervisee.uuid},
        lambda w: {"role": "family_contact", "name": "李梅", "sex": "female", "phone": "13912345678"},
        {**OWN_CASE_PAGE, "bureau": 302, "officer": 302, "social_worker": 302},
    ),
    ("coordination:team-remove", "post"): (
        lambda w: {"uuid": w.supervisee.uuid, "pk": w.volunteer_member.pk},
        lambda w: {"confirmed": "yes"},  # removing asks first; this is the confirmed post
        {**OWN_CASE_PAGE, "bureau": 302, "officer": 302, "social_worker": 302},
    ),
    ("coordination:need-close", "post"): (
        lambda w: {"pk": w.need.pk},
        lambda w: {"reason": "已自行解决"},
        {**OWN_CASE_PAGE, "bureau": 302, "officer": 302, "social_worker": 302},
    ),
    # --- API
    ("coordination-supervisee-list", "get"): (lambda w: {}, None, CASE_API),
    ("coordination-supervisee-list", "post"): (
        lambda w: {},
        lambda w: w.new_supervisee_payload,
        expect(403, API_ANON, bureau=201, officer=201, social_worker=201),
    ),
    ("coordination-supervisee-detail", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OWN_CASE_API),
    ("coordination-need-list", "get"): (lambda w: {}, None, CASE_API),
    ("coordination-need-list", "post"): (
        lambda w: {},
        lambda w: {"supervisee": str(w.supervisee.uuid), "category": "vocational_training", "urgency": 3},
        expect(403, API_ANON, bureau=201, officer=201, social_worker=201, other_officer=400),
    ),
    ("coordination-need-detail", "get"): (lambda w: {"pk": w.need.pk}, None, OWN_CASE_API),
    ("coordination-need-close", "post"): (
        lambda w: {"pk": w.need.pk},
        lambda w: {"reason": "已自行解决"},
        CASE_VERB,
    ),
    ("coordination-referral-list", "get"): (lambda w: {}, None, {**CASE_API, "provider": 200}),
    ("coordination-referral-list", "post"): (
        lambda w: {},
        lambda w: {"need": w.need.pk, "offering": str(w.offering.uuid), "send": True},
        expect(403, API_ANON, bureau=201, officer=201, social_worker=201, other_officer=400),
    ),
    ("coordination-referral-detail", "get"): (
        lambda w: {"uuid": w.referrals["sent"].uuid},
        None,
        {**OWN_CASE_API, "provider": 200},
    ),
    ("coordination-referral-send", "post"): (
        lambda w: {"uuid": w.referrals["draft"].uuid},
        lambda w: {},
        {**CASE_VERB, "provider": 404},  # a provider never sees drafts
    ),
    ("coordination-referral-accept", "post"): (
        lambda w: {"uuid": w.referrals["sent"].uuid},
        lambda w: {},
        PROVIDER_VERB,
    ),
    ("coordination-referral-decline", "post"): (
        lambda w: {"uuid": w.referrals["sent"].uuid},
        lambda w: {"reason": "本期已满"},
        PROVIDER_VERB,
    ),
    ("coordination-referral-start", "post"): (
        lambda w: {"uuid": w.referrals["accepted"].uuid},
        lambda w: {},
        PROVIDER_VERB,
    ),
    ("coordination-referral-complete", "post"): (
        lambda w: {"uuid": w.referrals["in_service"].uuid},
        lambda w: {"grade": "achieved", "note": "已结业"},
        PROVIDER_VERB,
    ),
    ("coordination-referral-withdraw", "post"): (
        lambda w: {"uuid": w.referrals["sent"].uuid},
        lambda w: {"note": "对象已就业"},
        {**CASE_VERB, "provider": 403},
    ),
    ("coordination-note-list", "get"): (lambda w: {}, None, CASE_API),
    ("coordination-note-list", "post"): (
        lambda w: {},
        lambda w: {"supervisee": str(w.supervisee.uuid), "kind": "call", "body": "电话回访"},
        expect(403, API_ANON, bureau=201, officer=201, social_worker=201, other_officer=400),
    ),
    ("coordination-consent-list", "get"): (lambda w: {}, None, CASE_API),
    ("coordination-consent-list", "post"): (
        lambda w: {},
        lambda w: {"supervisee": str(w.supervisee.uuid), "organisation": str(w.provider_org.uuid)},
        expect(403, API_ANON, bureau=201, officer=201, social_worker=201, other_officer=400),
    ),
    ("coordination-consent-withdraw", "post"): (
        lambda w: {"pk": w.supervisee.consents.first().pk},
        lambda w: {},
        CASE_VERB,
    ),
    ("coordination-team-member-list", "get"): (lambda w: {}, None, CASE_API),
    ("coordination-team-member-list", "post"): (
        lambda w: {},
        lambda w: {"supervisee": str(w.supervisee.uuid), "role": "family_contact", "name": "李梅", "sex": "female"},
        expect(403, API_ANON, bureau=201, officer=201, social_worker=201, other_officer=400),
    ),
    ("coordination-mentee-list", "get"): (lambda w: {}, None, ANY_USER_API),
    ("coordination-access-log-list", "get"): (lambda w: {}, None, expect(403, API_ANON, bureau=200)),
}


def _route_names() -> set[str]:
    return route_names("coordination")


def test_the_matrix_covers_every_route():
    """A new page or endpoint must be added to MATRIX (with its expected answers) or this fails."""
    assert _route_names() == {name for name, _method in MATRIX}


def _client(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _prepare(world):
    world.officer_notification = Notification.objects.filter(
        recipient=world.users["officer"], channel=Notification.Channel.INBOX
    ).first()
    from tests.coordination.factories import resident_id

    born = world.supervisee.date_of_birth
    world.new_supervisee_payload = {
        "name": "赵新",
        "given_name": "新",
        "sex": "male",
        "date_of_birth": born.isoformat(),
        "resident_id": resident_id(born=born),
        "phone": "13800000000",
        "household_type": "urban",
        "township": world.city.office.township.code,
        "judicial_office": str(world.city.office.uuid),
        "sentence_type": "probation",
        "offence_category": "fraud",
        "correction_start": "2026-01-01",
        "correction_end": "2027-01-01",
        "risk_level": "low",
    }
    world.new_supervisee_form = {
        **world.new_supervisee_payload,
        "resident_id": resident_id(born=born),
        "township": world.city.office.township_id,
        "judicial_office": world.city.office.pk,
        "supervision_level": "ordinary",
        "preferred_language": "zh-hans",
    }
    s = world.supervisee
    world.edit_supervisee_form = {
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
        "risk_level": "high",
        "supervision_level": s.supervision_level,
        "preferred_language": s.preferred_language,
    }
    world.volunteer_member = s.team.get(user=world.users["volunteer"])


def _url(world, name: str, kwargs_builder) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs_builder(world))


GETS = [(name, method) for (name, method) in MATRIX if method == "get"]
POSTS = [(name, method) for (name, method) in MATRIX if method == "post"]


@pytest.mark.parametrize("role", ROLES)
def test_every_get_for_every_role(world, role):
    _prepare(world)
    client = _client(world, role)
    answers = {}
    for name, method in GETS:
        kwargs_builder, _body, expected = MATRIX[(name, method)]
        response = client.get(_url(world, name, kwargs_builder))
        answers[name] = (response.status_code, expected[role])
    wrong = {name: got_want for name, got_want in answers.items() if got_want[0] != got_want[1]}
    assert not wrong, f"{role}: (got, expected) {wrong}"


@pytest.mark.parametrize("route", POSTS, ids=[name for name, _ in POSTS])
def test_every_post_for_every_role(world, route):
    """Each role's POST runs in a savepoint that is rolled back, so every role starts from the same state."""
    _prepare(world)
    kwargs_builder, body_builder, expected = MATRIX[route]
    url = _url(world, route[0], kwargs_builder)
    body = body_builder(world)
    wrong = {}
    for role in ROLES:
        client = _client(world, role)
        with transaction.atomic():
            if route[0].startswith("coordination:"):
                response = client.post(url, body)
            else:
                response = client.post(url, body, content_type="application/json")
            transaction.set_rollback(True)
        if response.status_code != expected[role]:
            wrong[role] = (response.status_code, expected[role], getattr(response, "content", b"")[:200])
    assert not wrong, wrong


# --- Fields each role gets ----------------------------------------------------------------


def test_case_staff_see_the_record_with_the_id_number_only_where_needed(world):
    url = f"/api/v1/supervisees/{world.supervisee.uuid}/"
    number_owner = {}
    for role in ("bureau", "officer", "social_worker"):
        data = _client(world, role).get(url).json()
        assert {"offence_category", "risk_level", "name", "resident_id_masked"} <= set(data)
        number_owner[role] = "resident_id" in data
    assert number_owner == {"bureau": True, "officer": True, "social_worker": False}
    assert len(_client(world, "officer").get(url).json()["resident_id"]) == 18


def test_provider_fields_on_a_referral(world):
    url = f"/api/v1/referrals/{world.referrals['sent'].uuid}/"
    data = _client(world, "provider").get(url).json()
    assert data["side"] == "provider"
    person = data["supervisee"]
    assert person["name"] == world.supervisee.name
    assert not {"offence_category", "resident_id", "resident_id_masked", "risk_level", "address"} & set(person)
    assert "consent_override" not in data and "escalation_level" not in data
    assert data["allowed_actions"] == ["accept", "decline"]
    page = _client(world, "provider").get(f"/casework/referrals/{world.referrals['sent'].uuid}/")
    assert world.supervisee.get_offence_category_display() not in page.content.decode()


def test_an_employer_never_sees_offence_id_number_or_risk(world):
    from coordination import actions
    from tests.coordination.factories import offering

    employer_org = world.city.providers["employer"]
    job = offering(employer_org, code="vocational_training")
    actions.record_consent(supervisee=world.supervisee, organisation=employer_org, recorded_by=world.users["officer"])
    referral = actions.create_referral(need=world.need, offering=job, actor=world.users["officer"], send=True)
    client = Client()
    client.force_login(world.users["employer"])
    person = client.get(f"/api/v1/referrals/{referral.uuid}/").json()["supervisee"]
    assert not {"offence_category", "resident_id", "resident_id_masked", "risk_level", "sentence_type"} & set(person)
    listed = client.get("/api/v1/referrals/").json()["results"]
    assert [r["uuid"] for r in listed] == [str(referral.uuid)]  # nothing sent elsewhere
    assert not {"offence_category", "resident_id", "risk_level"} & set(listed[0]["supervisee"])


def test_a_volunteer_sees_only_the_given_name_and_meeting_times(world):
    data = _client(world, "volunteer").get("/api/v1/mentees/").json()["results"]
    assert data == [
        {"id": data[0]["id"], "given_name": world.supervisee.given_name, "meeting_schedule": "每周三 15:00"}
    ]
    page = _client(world, "volunteer").get("/casework/mentees/").content.decode()
    assert world.supervisee.given_name in page and world.supervisee.name not in page


def test_minors_are_seen_only_by_their_office_and_the_bureau(world):
    from coordination import actions
    from coordination.models import CorrectionTeamMember
    from tests.coordination.factories import make_supervisee

    minor = make_supervisee(office=world.city.office, age=16, correction_start=timezone.localdate())
    assert minor.is_minor
    actions.add_team_member(
        actor=world.users["bureau"],
        supervisee=minor,
        role=CorrectionTeamMember.Role.VOLUNTEER,
        name="志愿者",
        sex="female",
        user=world.users["volunteer"],
    )
    # An agency social worker on the minor's team still does not see the record.
    agency = world.city.providers["social_work_agency"]
    from tests import factories

    agency_worker = factories.user_with_role("social_worker", agency, username="agencysw")
    actions.add_team_member(
        actor=world.users["bureau"],
        supervisee=minor,
        role="social_worker",
        name="社工",
        sex="female",
        user=agency_worker,
    )
    url = f"/api/v1/supervisees/{minor.uuid}/"
    seen = {}
    for role in ("bureau", "officer", "social_worker", "other_officer"):
        seen[role] = _client(world, role).get(url).status_code
    client = Client()
    client.force_login(agency_worker)
    seen["agency"] = client.get(url).status_code
    assert seen == {"bureau": 200, "officer": 200, "social_worker": 200, "other_officer": 404, "agency": 404}
    mentees = _client(world, "volunteer").get("/api/v1/mentees/").json()["results"]
    assert [m["given_name"] for m in mentees] == [world.supervisee.given_name]
    # A provider sees a referral about a minor without the name.
    need = actions.record_need(
        supervisee=minor, category=world.offering.category, urgency=2, description="", actor=world.users["officer"]
    )
    actions.record_consent(supervisee=minor, organisation=world.provider_org, recorded_by=world.users["officer"])
    referral = actions.create_referral(need=need, offering=world.offering, actor=world.users["officer"], send=True)
    person = _client(world, "provider").get(f"/api/v1/referrals/{referral.uuid}/").json()["supervisee"]
    assert "name" not in person and "phone" not in person and person["given_name"] == minor.given_name


def test_state_after_allowed_posts(world):
    """The 2xx answers of the matrix really changed something (spot check)."""
    client = _client(world, "provider")
    client.post(f"/api/v1/referrals/{world.referrals['sent'].uuid}/accept/", {}, content_type="application/json")
    assert Referral.objects.get(pk=world.referrals["sent"].pk).state == "accepted"
    again = client.post(
        f"/api/v1/referrals/{world.referrals['sent'].uuid}/accept/", {}, content_type="application/json"
    )
    assert again.status_code == 409
    bad = client.post(
        f"/api/v1/referrals/{world.referrals['in_service'].uuid}/complete/",
        {"grade": "bogus"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "grade" in bad.json()["errors"]
