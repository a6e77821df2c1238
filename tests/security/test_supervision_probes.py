"""Attacks on the supervision pages and API added this session: bad input never gives a 500."""

import pytest
from django.utils import timezone

from tests.coordination.factories import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.mark.parametrize("year", ["0", "99999999", "10000"])
def test_a_year_out_of_the_calendar_shows_this_year_not_a_server_error(client, world, year):
    client.force_login(world.users["officer"])
    response = client.get("/casework/supervision/holidays/", {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


def _named(world):
    from coordination.models import Supervisee
    from supervision import actions
    from tests.supervision.test_plans import PLAN

    Supervisee.objects.filter(pk=world.supervisee.pk).update(name="欧阳甲乙丙", given_name="甲乙丙")
    world.supervisee.refresh_from_db()
    actions.write_plan(supervisee=world.supervisee, actor=world.users["officer"], **PLAN)
    actions.sync_obligations(supervisee=world.supervisee)
    return world.supervisee


SUPERVISION_READS = [
    ("officer", "/casework/supervision/today/"),
    ("bureau", "/casework/supervision/today/"),
    ("bureau", "/casework/supervision/cleanup/"),
    ("officer", "/casework/supervision/plans/{uuid}/"),
    ("officer", "/casework/supervision/supervisees/{uuid}/"),
    ("social_worker", "/casework/supervision/plans/{uuid}/"),
    ("officer", "/api/v1/supervision/plans/?supervisee={uuid}"),
    ("officer", "/api/v1/supervision/classification-reviews/"),
    ("officer", "/api/v1/supervision/supervisees/{uuid}/"),
    ("officer", "/api/v1/supervision/obligations/"),
]


@pytest.mark.parametrize(("role", "url"), SUPERVISION_READS)
def test_every_supervision_read_of_a_supervisee_is_logged(client, world, role, url):
    from coordination.models import AccessLog

    person = _named(world)
    client.force_login(world.users[role])
    before = AccessLog.objects.count()
    response = client.get(url.format(uuid=person.uuid))
    assert response.status_code == 200
    text = response.content.decode()
    if person.given_name in text or str(person.uuid) in text:
        assert AccessLog.objects.count() > before, "a page showed the person and logged nothing"


def test_a_head_deciding_their_own_proposal_is_told_why_on_the_page_as_in_the_api(world):
    from django.test import Client

    from accounts.roles import Role
    from supervision import actions
    from tests.factories import user_with_role
    from tests.supervision.test_plans import PLAN

    head = user_with_role(Role.OFFICE_HEAD, world.city.office, username="officehead")
    actions.write_plan(supervisee=world.supervisee, actor=world.users["officer"], **PLAN)
    review = actions.propose_review(supervisee=world.supervisee, actor=head, to_level="strict", reasons="未按时报到")
    client = Client()
    client.force_login(head)
    api = client.post(
        f"/api/v1/supervision/classification-reviews/{review.pk}/decide/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert api.status_code == 403, api.content
    message = api.json()["detail"]
    page = client.post(f"/casework/supervision/reviews/{review.pk}/decide/", {"decision": "approve"})
    assert page.status_code == 403
    assert message and message in page.content.decode()
    review.refresh_from_db()
    assert review.state == "proposed"


@pytest.mark.parametrize(
    "url",
    [
        "/casework/access-log/?until=9999-12-31",
        "/casework/access-log/?show=token-uses&until=9999-12-31",
        "/casework/access-log/?since=0001-01-01&until=0001-01-01",
        "/api/v1/access-log/?until=9999-12-31",
    ],
)
def test_the_last_day_of_the_calendar_in_an_access_log_filter_is_no_server_error(client, world, url):
    client.force_login(world.users["bureau"])
    response = client.get(url)
    assert response.status_code in (200, 400)


STEP_FIELDS = ["organ_kind", "judgment_date", "effective_date", "start", "end", "reported_on", "on", "note", "held_on"]


@pytest.mark.parametrize("bad", [{"x": 1}, [1, 2], 10**30, True, -1])
@pytest.mark.parametrize("step", ["sentence", "register", "suspend", "release"])
def test_a_lifecycle_step_given_the_wrong_json_types_is_a_400(world, step, bad):
    from rest_framework.test import APIClient

    from coordination.models import Supervisee

    client = APIClient()
    client.force_login(world.users["officer"])
    url = f"/api/v1/supervision/supervisees/{world.supervisee.uuid}/{step}/"
    response = client.post(url, dict.fromkeys(STEP_FIELDS, bad), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]
    assert Supervisee.objects.get(pk=world.supervisee.pk).status == world.supervisee.status


@pytest.mark.parametrize(
    "body", [[1, 2], {"subject_name": ["张三"], "received_on": {"y": 2026}}, {"expedited": 10**30}]
)
def test_an_investigation_given_the_wrong_json_types_is_a_400(world, body):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(world.users["officer"])
    response = client.post("/api/v1/supervision/investigations/", body, format="json")
    assert response.status_code == 400
