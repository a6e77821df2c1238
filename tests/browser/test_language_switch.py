"""The language switch works from every page of the project: public pages and signed-in ones."""

from __future__ import annotations

import pytest
from django.test import Client

from services.models import Membership
from tests.factories import make_city, user_with_role
from tests.volunteers import factories as f
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PUBLIC = [
    "/directory/",
    "/volunteers/",
    "/volunteers/apply/",
    "/volunteers/verify/",
    "/search/",
    "/accounts/login/",
    "/accounts/password/reset/",
]
SIGNED_IN = [
    "/accounts/",
    "/casework/caseload/",
    "/casework/supervisees/new/",
    "/casework/inbox/",
    "/casework/overdue/",
    "/notifications/",
    "/casework/access-log/",
    "/casework/matching/",
    "/volunteers/home/",
    "/volunteers/shifts/",
    "/volunteers/hours/",
    "/volunteers/manage/",
    "/accounts/password/change/",
]


def _switch(page, path: str, *, to: str, expected: str) -> None:
    page.goto(path)
    page.get_by_role("button", name=to).click()
    page.wait_for_url(f"**{expected}")
    assert page.url.endswith(expected), (path, page.url)
    assert page.locator("html").get_attribute("lang") == ("zh-hans" if to == "简体中文" else "en")


def test_switching_language_from_every_page(page, live_server):
    city = make_city()
    user = user_with_role(Membership.Role.BUREAU_ADMIN, city.bureau, username="everywhere")
    Volunteer.objects.filter(pk=f.volunteer().pk).update(user=user)  # the bureau user also volunteers
    for path in PUBLIC:
        _switch(page, "/en" + path, to="简体中文", expected=path)
        _switch(page, path, to="English", expected="/en" + path)

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    for path in SIGNED_IN:
        _switch(page, "/en" + path, to="简体中文", expected=path)
        _switch(page, path, to="English", expected="/en" + path)
