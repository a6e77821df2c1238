"""Phone size (390x844): directory filters fold behind a counted button; tables become cards."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import PASSWORD, ServiceOfferingFactory, make_city
from tests.volunteers import factories as f
from volunteers.models import HourLog

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_directory_filters_fold_behind_a_button_with_the_count(phone):
    city = make_city()
    ServiceOfferingFactory(organisation=next(iter(city.providers.values())), name="周末心理咨询")
    phone.goto("/directory/")
    assert not phone.get_by_label("类别").is_visible()
    toggle = phone.get_by_text("筛选（0）")
    assert toggle.is_visible()
    # The first screen shows results, not a wall of filters.
    assert phone.get_by_role("link", name="周末心理咨询").bounding_box()["y"] < PHONE["height"]
    toggle.click()
    assert phone.get_by_label("类别").is_visible()

    phone.goto("/directory/?is_free=true&accepts_minors=true")
    assert phone.get_by_text("筛选（2）").is_visible()


def test_hours_review_rows_are_cards_with_labels_on_a_phone(phone, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    coordinator = f.coordinator(username="coord")
    for name in ("欧阳明月", "司马青云"):
        HourLog.objects.create(
            volunteer=f.volunteer(full_name=name),
            activity="整理普法材料",
            date=timezone.localdate() - dt.timedelta(days=1),
            hours=Decimal("2"),
        )
    phone.goto("/accounts/login/")
    phone.locator("#id_username").fill(coordinator.username)
    phone.locator("#id_password").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_load_state()
    phone.goto("/volunteers/manage/hours/")
    name = phone.get_by_text("欧阳明月", exact=True)
    box = name.bounding_box()
    assert box["height"] < 40  # one line, not one character per line
    assert phone.locator("thead").first.bounding_box()["x"] < 0  # header moved off screen
    assert phone.locator("td[data-label='志愿者']").first.is_visible()
    # Select all ticks every entry.
    phone.get_by_label("全选").check()
    assert phone.locator("input[name=entries]:checked").count() == 2


def _luminance(rgb: str) -> float:
    channels = [int(x) / 255 for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_the_unread_count_in_the_header_is_readable(phone, settings):
    from notifications.actions import notify

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    coordinator = f.coordinator(username="coord")
    notify(recipients=[coordinator], kind="test", subject="新的工时待审核")
    phone.goto("/accounts/login/")
    phone.locator("#id_username").fill(coordinator.username)
    phone.locator("#id_password").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_load_state()
    badge = phone.get_by_test_id("unread-badge").locator(".badge")
    assert badge.inner_text() == "1"
    colour, background = badge.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    light, dark = sorted([_luminance(colour), _luminance(background)], reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5  # WCAG AA: the count must not be white on white


def test_a_name_followed_by_who_they_are_stays_on_one_line_in_a_table_card(phone, settings):
    from accounts.roles import Role
    from tests.browser.test_coordination_referral import log_in
    from tests.coordination.factories import make_supervisee
    from tests.factories import user_with_role

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city = make_city()
    officer = user_with_role(Role.OFFICE_OFFICER, city.office, username="officer")
    make_supervisee(office=city.office, actor=officer, name="欧阳明月")
    log_in(phone, "officer", "/en/casework/caseload/")
    name = phone.get_by_role("link", name="欧阳明月", exact=True)
    assert name.bounding_box()["height"] < 40  # one line, not one character per line
    who = phone.locator(".cw-table .who").first
    assert who.is_visible() and who.bounding_box()["x"] + who.bounding_box()["width"] <= PHONE["width"]


def test_the_access_logs_other_views_are_separate_links_on_a_phone(phone, settings):
    from accounts.roles import Role
    from tests.browser.test_coordination_referral import log_in
    from tests.factories import user_with_role

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city = make_city()
    user_with_role(Role.BUREAU_ADMIN, city.bureau, username="bureau")
    log_in(phone, "bureau", "/en/casework/access-log/")
    phone.goto("/casework/access-log/")  # in Chinese the two links fitted on one line and read as one
    probes = phone.get_by_test_id("id-probes").bounding_box()
    tokens = phone.get_by_test_id("token-uses").bounding_box()
    # Each on its own line: the end of one never runs into the start of the other as one sentence.
    assert tokens["y"] >= probes["y"] + probes["height"]


@pytest.mark.parametrize("width", [1280, 768, 390])
@pytest.mark.parametrize("url", ["/directory/", "/search/?q=培训", "/"])
def test_search_buttons_never_wrap_their_label(browser, live_server, width, url):
    """Issue 12, item 12: on the desktop a search button read "搜/索", one character per line."""
    make_city()
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(url)
        buttons = page.locator("form[role=search] button[type=submit], form button.button--nowrap")
        assert buttons.count() >= 1, f"no search button on {url}"
        for n in range(buttons.count()):
            lines = buttons.nth(n).evaluate(
                "b => { const s = getComputedStyle(b); const line = parseFloat(s.lineHeight) || 1.2 * parseFloat(s.fontSize);"
                " return (b.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)) / line; }"
            )
            assert lines < 1.5, f"a search button on {url} takes {lines:.1f} lines at {width}px"
    finally:
        context.close()
