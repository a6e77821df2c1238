"""Every outreach page type, in Chinese and English, passes axe-core (no serious or critical
violations) and works by keyboard; the language switcher lands on the translated page."""

from __future__ import annotations

import io

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.demo_support import DemoContext

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# One page of every type (home, programme, standard, news index, news, event index, event,
# recruitment, FAQ, policy document), then search and the 404 page.
PATHS = [
    "/",
    "/about/",
    "/about-this-site/",
    "/news/",
    "/news/vocational-training-story/",
    "/events/",
    "/events/legal-awareness-day/",
    "/volunteer/",
    "/faq/",
    "/policy-2012-17/",
    "/search/?q=%E5%BF%97%E6%84%BF%E8%80%85",
    "/no-such-page/",
]


def _load_demo() -> None:
    from cms import demo

    demo.load(DemoContext(stdout=io.StringIO()))


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_every_page_type_passes_axe_in_both_languages(page):
    _load_demo()
    axe = Axe()
    problems = {}
    for prefix in ("", "/en"):
        for path in PATHS:
            url = prefix + path
            page.goto(url)
            expected = "en" if prefix else "zh-hans"
            assert page.locator("html").get_attribute("lang") == expected, url
            found = _serious(axe.run(page))
            if found:
                problems[url] = found
    assert problems == {}


def test_keyboard_and_language_switch(page):
    _load_demo()
    page.goto("/news/vocational-training-story/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The section navigation and the search box are reachable by Tab from the main content.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search":
            break
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.type("帮困扶助")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.get_by_test_id("page-results").get_by_role("link", name="帮困扶助").is_visible()

    page.goto("/news/vocational-training-story/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/news/vocational-training-story/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "vocational training" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="简体中文").click()
    page.wait_for_url("**/news/vocational-training-story/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page.goto("/faq/")
    summary = page.locator("summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details").first.get_attribute("open") is not None
