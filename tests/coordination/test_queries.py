"""Lists cost a fixed number of queries, whatever their length."""

import pytest
from django.test import Client

from coordination import actions
from coordination.models import CorrectionTeamMember, Sex
from services.models import Organisation
from tests import factories
from tests.coordination.factories import make_supervisee


def _grow(world, n: int) -> None:
    officer = world.users["officer"]
    for _ in range(n):
        supervisee = make_supervisee(office=world.city.office, actor=world.users["bureau"])
        need = actions.record_need(
            supervisee=supervisee, category=world.offering.category, urgency=2, description="", actor=officer
        )
        actions.record_consent(supervisee=supervisee, organisation=world.offering.organisation, recorded_by=officer)
        actions.create_referral(need=need, offering=world.offering, actor=officer, send=True)


URLS = [
    ("officer", "/casework/caseload/"),
    ("officer", "/casework/caseload/?risk_level=medium&open_needs=true&sort=risk"),
    ("officer", "/casework/overdue/"),
    ("officer", "/notifications/"),
    ("provider", "/casework/inbox/"),
    ("bureau", "/casework/access-log/"),
    ("officer", "/api/v1/supervisees/"),
    ("officer", "/api/v1/referrals/"),
    ("provider", "/api/v1/referrals/"),
    ("bureau", "/api/v1/referrals/"),
    ("officer", "/api/v1/needs/"),
    ("officer", "/api/v1/case-notes/"),
    ("officer", "/api/v1/consents/"),
    ("officer", "/api/v1/team-members/"),
    ("officer", "/api/v1/notifications/"),
    ("volunteer", "/api/v1/mentees/"),
]


def _count(client, url, _unused) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("role", "url"), URLS)
def test_list_cost_does_not_grow_with_rows(world, role, url, django_assert_num_queries):
    client = Client()
    client.force_login(world.users[role])
    reader = Client()
    reader.force_login(world.users["officer"])
    _grow(world, 1)
    reader.get(f"/casework/supervisees/{world.supervisee.uuid}/")  # an access-log row
    client.get(url)  # warm: session, memberships
    small = _count(client, url, None)
    _grow(world, 6)
    for _ in range(3):
        reader.get(f"/casework/supervisees/{world.supervisee.uuid}/")
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


def _grow_case(world, n: int) -> None:
    """More of everything the supervisee page lists: needs, referrals, notes, consents, team, access log."""
    officer, supervisee = world.users["officer"], world.supervisee
    for k in range(n):
        need = actions.record_need(
            supervisee=supervisee, category=world.offering.category, urgency=1, description=f"需求{k}", actor=officer
        )
        actions.create_referral(need=need, offering=world.offering, actor=officer, send=True)
        actions.add_note(supervisee=supervisee, author=officer, body=f"走访记录{k}")
        organisation = factories.OrganisationFactory(kind=Organisation.Kind.TRAINING_PROVIDER)
        actions.record_consent(supervisee=supervisee, organisation=organisation, recorded_by=officer)
        actions.add_team_member(
            actor=officer,
            supervisee=supervisee,
            role=CorrectionTeamMember.Role.FAMILY_CONTACT,  # staff roles need a user (the action's rule)
            name=f"家属{k}",
            sex=Sex.FEMALE,
        )


def test_the_supervisee_page_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    client = Client()
    client.force_login(world.users["officer"])
    url = f"/casework/supervisees/{world.supervisee.uuid}/"
    client.get(url)  # warm: session, memberships
    small = _count(client, url, None)
    _grow_case(world, 5)
    page = client.get(url).content.decode()
    assert "走访记录4" in page  # the grown rows are on the page, so they were loaded
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200
