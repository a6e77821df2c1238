"""Playwright driving Debian's Chromium (/usr/bin/chromium), headless; never a downloaded browser."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in this thread; the Django ORM calls
# made by the test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _playwright(django_db_setup) -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        yield None
        return
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Starting Playwright switches the context that Django's connection handler keys
    # on, so the test sees new connection objects. Hand them the serialized test data
    # so that transactional tests can restore what migrations created (serialized_rollback).
    saved = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as pw:
        for alias, contents in saved.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright) -> Iterator[object]:
    if _playwright is None:
        yield None
        return
    launched = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A fresh browser context (no cookies) per test, pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def pass_second_factor(page, username: str) -> None:
    """After "Log in": take the two-factor step when the site asks for it, as the user would.

    Officers and bureau administrators must (docs/security.md). Without a device they set one
    up from the key the page shows; with one they type its current code.
    """
    import base64

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/two-factor/setup/" in page.url:
        secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.get_by_label("Code").fill(f"{totp(key):06d}")
        page.get_by_role("button", name="Confirm").click()
        page.get_by_test_id("recovery-codes").wait_for()
        page.get_by_role("link", name="I have kept them, continue").click()
    elif "/two-factor/verify/" in page.url:
        from django_otp.oath import TOTP

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        # A code is good once: a second sign-in within the same 30 seconds types the next one, as a person
        # waiting for their app to change would (the device accepts one step of drift).
        ahead = 1 if device.last_t >= TOTP(device.bin_key, device.step, device.t0, device.digits).t() else 0
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + ahead)
        page.get_by_label("Code").fill(f"{code:06d}")
        page.get_by_role("button", name="Verify").click()
