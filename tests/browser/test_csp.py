"""The Content-Security-Policy blocks nothing the pages need (issue 11, item 7): public site,
casework with its scripts (matching.js), and Wagtail's admin under its own policy."""

import pytest
from django.core.management import call_command

from accounts.demo_support import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _log_in(page, username: str) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_no_page_reports_a_policy_violation(page):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    for path in ("/", "/en/", "/directory/", "/volunteers/apply/", "/search/?q=志愿者"):
        page.goto(path)
    _log_in(page, "officer")
    for path in ("/casework/", "/casework/caseload/", "/casework/matching/", "/casework/matching/mentors/"):
        page.goto(path)
    page.context.clear_cookies()
    _log_in(page, "editor")
    page.goto("/cms-admin/")
    page.wait_for_load_state("networkidle")
    assert violations == []
    # The scripts did run: Wagtail's admin builds its sidebar with JavaScript.
    assert page.locator("[data-side-panel-toggle], #wagtail-sidebar, .sidebar").count() > 0
