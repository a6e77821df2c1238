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
