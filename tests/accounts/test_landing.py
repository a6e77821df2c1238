"""After signing in, each role lands on its own page; a safe ``next`` still wins."""

from __future__ import annotations

import pytest

from services.models import Membership
from tests.conftest import pass_second_factor
from tests.factories import PASSWORD
from tests.volunteers.factories import volunteer

Role = Membership.Role

LANDINGS = {
    Role.BUREAU_ADMIN: "/casework/caseload/",
    Role.OFFICE_OFFICER: "/casework/caseload/",
    Role.SOCIAL_WORKER: "/casework/caseload/",
    Role.PROVIDER_STAFF: "/casework/inbox/",
    Role.VOLUNTEER_COORDINATOR: "/volunteers/manage/",
    Role.CONTENT_EDITOR: "/cms-admin/",
}


def _login(client, username, *, prefix="", next_url=None):
    data = {"username": username, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client.post(f"{prefix}/accounts/login/", data)


@pytest.mark.parametrize("role", list(LANDINGS))
def test_each_role_lands_on_its_own_page(client, role_users, role):
    response = _login(client, role_users[role].username)
    assert response.status_code == 302
    assert response["Location"] == LANDINGS[role]
    pass_second_factor(client, role_users[role])  # officers and the bureau pass it before any page opens
    assert client.get(response["Location"]).status_code == 200


def test_a_volunteer_lands_on_the_volunteer_home_and_is_not_told_they_hold_no_role(client, db):
    person = volunteer()
    response = _login(client, person.user.username)
    assert response["Location"] == "/volunteers/home/"
    assert client.get("/volunteers/home/").status_code == 200
    workspace = client.get("/accounts/").content.decode()
    assert "您尚未在任何机构中担任角色" not in workspace
    assert "您是志愿者" in workspace and 'href="/volunteers/home/"' in workspace


def test_english_login_lands_on_the_english_page(client, role_users):
    response = _login(client, role_users[Role.PROVIDER_STAFF].username, prefix="/en")
    assert response["Location"] == "/en/casework/inbox/"


def test_a_safe_next_wins_and_an_unsafe_one_is_ignored(client, role_users):
    officer = role_users[Role.OFFICE_OFFICER].username
    assert _login(client, officer, next_url="/directory/")["Location"] == "/directory/"
    client.logout()
    assert _login(client, officer, next_url="https://evil.example/")["Location"] == "/casework/caseload/"


def test_the_workspace_links_every_place_the_user_holds(client, role_users):
    client.force_login(role_users[Role.BUREAU_ADMIN])
    page = client.get("/accounts/").content.decode()
    assert 'href="/casework/caseload/"' in page and 'href="/cms-admin/"' in page
