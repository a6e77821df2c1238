"""On a phone, an officer opens 今日待办, sees an overdue release and follows its link to record it."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from coordination.models import Supervisee
from services.models import Membership
from supervision import actions
from tests import factories
from tests.browser.test_coordination_referral import log_in
from tests.coordination.factories import make_supervisee

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Role = Membership.Role


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_an_officer_opens_todo_on_a_phone_and_follows_the_link(phone):
    page = phone
    city = factories.make_city()
    officer = factories.user_with_role(Role.OFFICE_OFFICER, city.office, username="officer")
    today = timezone.localdate()
    late = make_supervisee(
        office=city.office,
        actor=officer,
        name="赵建国",
        correction_start=today - dt.timedelta(days=400),
        correction_end=today - dt.timedelta(days=3),
        status=Supervisee.Status.UNDER_CORRECTION,
    )
    bureau = factories.user_with_role(Role.BUREAU_ADMIN, city.bureau, username="bureau")
    elsewhere = make_supervisee(office=city.other_office, actor=bureau, name="钱立新")
    for supervisee in (late, elsewhere):
        actions.sync_obligations(supervisee=supervisee)

    log_in(page, "officer", "/en/casework/supervision/today/")
    overdue = page.locator("section.todo-overdue")
    assert "赵建国" in overdue.inner_text()
    assert "钱立新" not in page.content()
    # Nothing spills sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    overdue.get_by_role("link", name="Record the release").click()
    page.wait_for_url(re.compile(rf"/casework/supervision/supervisees/{late.uuid}/release/$"))
    assert "赵建国" in page.content()


def test_an_officer_marks_an_obligation_done_from_the_phone_by_keyboard(phone):
    """Every row's "Mark done" submits the page's one form to that row's address, and comes back."""
    page = phone
    city = factories.make_city()
    officer = factories.user_with_role(Role.OFFICE_OFFICER, city.office, username="officer")
    today = timezone.localdate()
    people = [
        make_supervisee(
            office=city.office,
            actor=officer,
            name=name,
            correction_start=today - dt.timedelta(days=400),
            correction_end=today - dt.timedelta(days=days),
            status=Supervisee.Status.UNDER_CORRECTION,
        )
        for name, days in (("赵建国", 3), ("孙丽华", 5))
    ]
    for supervisee in people:
        actions.sync_obligations(supervisee=supervisee)

    log_in(page, "officer", "/en/casework/supervision/today/")
    page.goto("/casework/supervision/today/")  # in Chinese
    overdue = page.locator("section.todo-overdue")
    row = overdue.locator("li.todo-person", has_text="孙丽华")
    button = row.get_by_role("button", name="标记为已办")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/casework/supervision/today/$", page.url)
    assert "已标记为已办" in page.content()
    overdue = page.locator("section.todo-overdue")
    assert "孙丽华" not in overdue.inner_text()
    assert "赵建国" in overdue.inner_text()
