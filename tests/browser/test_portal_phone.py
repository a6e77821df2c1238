"""The person's own phone page in a phone-sized browser: they sign in, land on /me/, check in with the code
from the office and apply for travel with a photo; axe-core finds no serious or critical violations."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from supervision.movement.models import MovementRequest
from supervision.portal import actions
from supervision.reporting import actions as reporting_actions
from supervision.reporting.models import CheckIn
from tests.coordination.factories import make_world
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


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
    for path in ("/me/", "/me/check-in/", "/me/travel/"):
        page.goto(path)
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
    start = timezone.localdate() + dt.timedelta(days=3)
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
    context.close()
