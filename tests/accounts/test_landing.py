"""After signing in, each role lands on its home page ("today", tests/test_home.py checks its counts); a safe
``next`` still wins; the places each role works are linked from the home page and the workspace."""

from __future__ import annotations

import pytest

from services.models import Membership
from tests.factories import PASSWORD
from tests.volunteers.factories import volunteer

Role = Membership.Role

PLACES = {
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


@pytest.mark.parametrize("role", list(PLACES))
def test_each_role_lands_on_its_home_page_which_links_its_own_place(client, role_users, role):
    response = _login(client, role_users[role].username)
    assert response.status_code == 302
    assert response["Location"] == "/today/"
    client.force_login(role_users[role])  # passes the second factor where the role needs one
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert f'href="{PLACES[role]}"' in home.content.decode()
    assert client.get(PLACES[role]).status_code == 200


def test_a_user_with_no_role_lands_on_the_workspace(client, db):
    from tests.factories import UserFactory

    user = UserFactory(username="nobody")
    assert _login(client, user.username)["Location"] == "/accounts/"


def test_a_volunteer_lands_on_the_volunteer_home_and_is_not_told_they_hold_no_role(client, db):
    person = volunteer()
    response = _login(client, person.user.username)
    assert response["Location"] == "/today/"
    assert 'href="/volunteers/home/"' in client.get("/today/").content.decode()
    workspace = client.get("/accounts/").content.decode()
    assert "您尚未在任何机构中担任角色" not in workspace
    assert "您是志愿者" in workspace and 'href="/volunteers/home/"' in workspace


def test_english_login_lands_on_the_english_page(client, role_users):
    response = _login(client, role_users[Role.PROVIDER_STAFF].username, prefix="/en")
    assert response["Location"] == "/en/today/"


def test_a_safe_next_wins_and_an_unsafe_one_is_ignored(client, role_users):
    officer = role_users[Role.OFFICE_OFFICER].username
    assert _login(client, officer, next_url="/directory/")["Location"] == "/directory/"
    client.logout()
    assert _login(client, officer, next_url="https://evil.example/")["Location"] == "/today/"


def test_the_workspace_links_every_place_the_user_holds(client, role_users):
    client.force_login(role_users[Role.BUREAU_ADMIN])
    page = client.get("/accounts/").content.decode()
    assert 'href="/casework/caseload/"' in page and 'href="/cms-admin/"' in page
