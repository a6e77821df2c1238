"""Browser smoke test: home page, language switch, log in as a demo user and see the name."""

import pytest
from django.core.management import call_command

from accounts.demo_support import DEMO_PASSWORD
from accounts.models import User
from tests.browser.conftest import pass_second_factor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_home_switch_language_and_log_in(page):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "社区矫正协同平台" in page.title()

    page.get_by_role("link", name="English").click()  # on Wagtail pages the switcher links to the translation
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Community Corrections Coordination Platform"

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    pass_second_factor(page, "officer")
    expected = User.objects.get(username="officer").full_name
    page.wait_for_url("**/en/")  # back where the reader was, still in English
    assert page.get_by_test_id("current-user").inner_text() == expected
    page.get_by_role("link", name="My workspace").click()
    assert expected in page.get_by_role("heading", level=1).inner_text()

    page.keyboard.press("Tab")  # keyboard users land on the skip link first
    assert page.evaluate("document.activeElement.className") == "skip-link"
