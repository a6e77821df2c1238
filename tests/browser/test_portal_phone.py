"""The person's own phone page in a phone-sized browser: they sign in, land on /me/, check in with the code
from the office and apply for 5 days' travel with a photo of a hospital letter; the office head approves it
on their phone; the person sees the approval and reports back (销假). axe-core finds no serious or critical
violations on the person's pages, in Chinese and in English."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from services.models import Membership
from supervision.movement.models import MovementRequest
from supervision.portal import actions
from supervision.reporting import actions as reporting_actions
from supervision.reporting.models import CheckIn
from tests import factories
from tests.browser.test_coordination_referral import log_in
from tests.coordination.factories import make_world
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _shot(page, name: str) -> None:
    """A screenshot for a person to look at when SCREENSHOTS names a folder (never in CI)."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_person_checks_in_and_applies_for_travel_on_a_phone(browser, live_server, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    world = make_world()
    person, officer = world.supervisee, world.users["officer"]
    login = actions.grant_login(supervisee=person, actor=officer, phone="+8613800138000")
    login.set_password(PASSWORD)
    login.save()
    code = reporting_actions.issue_checkin_code(supervisee=person, actor=officer)
    factories.user_with_role(Membership.Role.OFFICE_HEAD, person.judicial_office, username="head")

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/en/accounts/login/")
    page.get_by_label("Username").fill(login.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert page.url.endswith("/me/"), page.url  # no staff second factor, straight to the phone page

    axe = Axe()
    problems = {}
    for path in ("/me/", "/me/check-in/", "/me/travel/", "/en/me/", "/en/me/check-in/", "/en/me/travel/"):
        page.goto(path)
        _shot(page, "person" + path.replace("/", "_"))
        found = _serious(axe.run(page))
        if found:
            problems[path] = found
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, path
    assert problems == {}

    page.goto("/me/check-in/")
    page.locator("input[name=code]").fill(code)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/me/")
    assert CheckIn.objects.get(supervisee=person).state == CheckIn.State.CONFIRMED

    photo = tmp_path / "hospital-letter.png"
    photo.write_bytes(PNG)
    start = timezone.localdate()  # leaving today, back within the 5 days
    page.goto("/me/travel/")
    page.locator("input[name=start]").fill(start.isoformat())
    page.locator("input[name=end]").fill((start + dt.timedelta(days=4)).isoformat())
    page.locator("input[name=destination]").fill("郑州市")
    page.locator("textarea[name=reason]").fill("到医院复查")
    page.locator("input[name=attachments]").set_input_files(str(photo))
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/me/")
    request = MovementRequest.objects.get(supervisee=person)
    assert request.state == "submitted" and request.attachments.count() == 1
    assert request.route == MovementRequest.Route.OFFICE  # up to 7 days: the judicial office decides

    # The office head decides on their own phone.
    head_context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE
    )
    head_context.set_default_timeout(15_000)
    head_page = head_context.new_page()
    log_in(head_page, "head", f"/en/casework/supervision/movement/requests/{request.pk}/")
    _shot(head_page, "head_request")
    head_page.locator("input[name=decision][value=approve]").check()
    with head_page.expect_navigation():
        head_page.locator("#step-decide").locator("xpath=..").get_by_role("button").click()
    request.refresh_from_db()
    assert request.state == "approved"
    head_context.close()

    # The person sees the decision (a notice and the request's state) and reports back.
    page.goto("/me/")
    _shot(page, "person_after_approval")
    notices = page.locator("section[aria-labelledby=h-notices]").inner_text()
    assert "已批准" in notices
    requests = page.locator("section[aria-labelledby=h-travel]")
    assert "已批准" in requests.inner_text()
    assert requests.get_by_role("link", name="外出证明（PDF）").count() == 1
    requests.get_by_role("link", name="销假").click()
    _shot(page, "person_report_back")
    page.locator("input[name=returned_on]").fill(timezone.localdate().isoformat())
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/me/")
    request.refresh_from_db()
    assert request.state == "returned" and request.returned_on == timezone.localdate()
    context.close()
