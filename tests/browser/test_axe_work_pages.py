"""axe-core finds no serious or critical violations on the casework, volunteer and matching pages,
signed in as the role that uses each, in Chinese, at phone size."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from services.models import Membership
from tests.browser.conftest import pass_second_factor
from tests.coordination.factories import make_world
from tests.factories import PASSWORD
from tests.volunteers import factories as vf

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = {"width": 390, "height": 844}


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _signed_in(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    # Signed in through the English form (pass_second_factor reads its English labels);
    # the pages are then checked in Chinese (no language prefix).
    page.goto("/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    pass_second_factor(page, username)
    return context, page


def test_work_pages_pass_axe(browser, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    team = Membership.objects.get(user__username="coordinator").organisation
    volunteer = vf.volunteer(organisation=team)
    volunteer.user.set_password(PASSWORD)
    volunteer.user.save()
    vf.shift(opp=vf.opportunity(organisation=team), in_hours=48)
    s = world.supervisee
    pages = {
        "officer": [
            "/casework/caseload/",
            f"/casework/supervisees/{s.uuid}/",
            "/casework/supervisees/new/",
            f"/casework/needs/{world.need.pk}/refer/",
            f"/casework/referrals/{world.referrals['sent'].uuid}/",
            "/casework/matching/",
            f"/casework/matching/needs/{world.need.pk}/",
        ],
        "provider": ["/casework/inbox/", f"/casework/referrals/{world.referrals['accepted'].uuid}/"],
        "coordinator": ["/volunteers/manage/", "/volunteers/manage/hours/", "/volunteers/manage/shifts/"],
        volunteer.user.username: ["/volunteers/home/", "/volunteers/shifts/", "/volunteers/hours/"],
    }
    axe = Axe()
    problems = {}
    for username, paths in pages.items():
        context, page = _signed_in(browser, live_server, username)
        for path in paths:
            response = page.goto(path)
            assert response.status < 400, (path, response.status)
            found = _serious(axe.run(page))
            if found:
                problems[path] = found
        context.close()
    assert problems == {}


def _way_forward(page) -> int:
    """Links and buttons inside the page's main content (not the site header): a way forward."""
    return page.locator("main a[href], main button").count()


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_every_roles_main_journey_at_phone_size_has_no_dead_end(browser, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    team = Membership.objects.get(user__username="coordinator").organisation
    volunteer = vf.volunteer(organisation=team)
    volunteer.user.set_password(PASSWORD)
    volunteer.user.save()
    vf.shift(opp=vf.opportunity(organisation=team), in_hours=48)
    s = world.supervisee
    # (user, the role's main page, the steps of its main journey: a link or button text to follow)
    journeys = [
        ("officer", "/casework/caseload/", [s.name]),
        ("socialworker", "/casework/caseload/", [s.name]),
        ("bureau", "/casework/caseload/", [s.name]),
        ("provider", "/casework/inbox/", [f"{s.given_name} · {world.need.category.display_name}"]),
        ("coordinator", "/volunteers/manage/", [volunteer.full_name]),
        (volunteer.user.username, "/volunteers/home/", []),
    ]
    dead_ends = {}
    for username, landing, steps in journeys:
        context, page = _signed_in(browser, live_server, username)
        page.wait_for_load_state()
        assert page.url.endswith("/today/"), (username, page.url)  # every role lands on its home page first
        assert page.locator(f'main a[href$="{landing}"]').count() >= 1, (username, "no way from home to", landing)
        page.goto(landing)
        visited = [page.url]
        for step in steps:
            page.locator("main").get_by_role("link", name=step).first.click()
            page.wait_for_load_state()
            visited.append(page.url)
        for url in visited:
            page.goto(url)
            if _way_forward(page) == 0 or not _fits_the_phone(page):
                dead_ends[url] = (username, _way_forward(page), _fits_the_phone(page))
        context.close()
    assert dead_ends == {}
