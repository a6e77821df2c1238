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
