"""Issue 11, items 7 and 19: no script links in CMS content, CSP and friends, no-store, throttles, docs, robots."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView
from wagtail import blocks
from wagtail.models import get_page_models

from accounts.validators import validate_safe_url
from cms.blocks import CallToActionBlock, ContentStreamBlock
from cms.models import RecruitmentPage
from config import security

BASE_DIR = Path(settings.BASE_DIR)
HOSTILE_LINKS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "ftp://files.example.cn/x",
]
GOOD_LINKS = [
    "/volunteers/apply/",
    "https://www.xinmi.gov.cn/",
    "http://example.cn/a?b=c#d",
    "mailto:sfj@example.cn",
    "tel:+86-371-6998-0000",
    "#apply",
    "?page=2",
    "volunteers/apply/",
]


# --- 7. Links in CMS content --------------------------------------------------------------------


@pytest.mark.parametrize("link", HOSTILE_LINKS)
def test_a_script_link_in_a_call_to_action_is_refused(link):
    block = CallToActionBlock()
    value = block.to_python({"title": "报名", "text": "", "link_url": link, "link_label": "立即报名"})
    with pytest.raises(ValidationError):
        block.clean(value)


@pytest.mark.parametrize("link", GOOD_LINKS)
def test_ordinary_links_in_a_call_to_action_are_kept(link):
    block = CallToActionBlock()
    value = block.to_python({"title": "报名", "text": "", "link_url": link, "link_label": "立即报名"})
    assert block.clean(value)["link_url"] == link


def test_a_script_link_as_the_recruitment_apply_url_is_refused(db):
    page = RecruitmentPage(title="成为志愿者", slug="v", apply_url="javascript:alert(1)")
    with pytest.raises(ValidationError) as info:
        page.full_clean(exclude=["path", "depth", "url_path", "translation_key", "locale", "content_type"])
    assert "apply_url" in info.value.message_dict


def _is_url_name(name: str) -> bool:
    return name.endswith(("url", "link", "href")) or "url" in name.split("_") or name in {"website", "link"}


def _walk_blocks(block: blocks.Block, name: str = ""):
    yield name, block
    if isinstance(block, blocks.ListBlock):
        yield from _walk_blocks(block.child_block, name)
    for child_name, child in getattr(block, "child_blocks", {}).items():
        yield from _walk_blocks(child, child_name)


def test_every_url_input_of_every_block_uses_the_safe_url_validator():
    stream_fields = [
        field
        for model in get_page_models()
        for field in model._meta.get_fields()
        if field.__class__.__name__ == "StreamField"
    ]
    roots = [ContentStreamBlock(), *(f.stream_block for f in stream_fields)]
    checked = []
    for root in roots:
        for name, block in _walk_blocks(root):
            if isinstance(block, blocks.URLBlock | blocks.PageChooserBlock) or (
                isinstance(block, blocks.FieldBlock) and _is_url_name(name)
            ):
                if isinstance(block, blocks.PageChooserBlock):
                    continue  # an internal page, never a typed address
                assert validate_safe_url in block.field.validators, f"block {name!r} of {type(root).__name__}"
                checked.append(name)
    assert "link_url" in checked


def test_every_url_field_of_every_model_uses_the_safe_url_validator():
    project_apps = {"accounts", "services", "coordination", "matching", "volunteers", "cms"}
    checked = []
    for model in [*apps.get_models(), *get_page_models()]:
        if model._meta.app_label not in project_apps:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.URLField) or (isinstance(field, models.CharField) and _is_url_name(field.name)):
                if (model._meta.label, field.name) in INTERNAL_URL_FIELDS:
                    continue
                assert validate_safe_url in field.validators, f"{model._meta.label}.{field.name}"
                checked.append(f"{model._meta.label}.{field.name}")
    assert {"cms.RecruitmentPage.apply_url", "services.Organisation.website"} <= set(checked)


# Written by the platform's own code (reverse()), never typed in by a person.
INTERNAL_URL_FIELDS = {("notifications.Notification", "url")}


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    template_dirs = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    for directory in template_dirs:
        for path in directory.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(r"<script\b([^>]*)>", text, re.IGNORECASE):
                if "src=" not in match.group(1) and 'type="application/json"' not in match.group(1):
                    offenders.append(f"{path}: inline <script>")
            if re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE) or "javascript:" in text.lower():
                offenders.append(f"{path}: inline handler or javascript: link")
    assert offenders == []


# --- 7. Content-Security-Policy and Permissions-Policy -------------------------------------------


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/en/", "/directory/", "/volunteers/apply/", "/casework/", "/search/?q=x"])
def test_public_site_and_casework_get_the_strict_policy(client, db, path):
    response = client.get(path)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)
    assert "camera=()" in response["Permissions-Policy"]


def test_casework_signed_in_gets_the_strict_policy(client, role_users):
    client.force_login(role_users["office_officer"])
    policy = _directives(client.get("/casework/")["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]


def test_the_content_admin_gets_its_own_looser_policy(client, db):
    response = client.get("/cms-admin/login/")
    policy = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "camera=()" in response["Permissions-Policy"]


def test_no_page_needs_inline_style_the_500_page_included():
    """The strict policy allows no inline style; the 500 page links the site's stylesheet instead."""
    text = (BASE_DIR / "cms/templates/cms/500.html").read_text(encoding="utf-8")
    assert "<style" not in text and "style=" not in text
    assert "css/site.css" in text
    assert security.STRICT_POLICY["style-src"] == ["'self'"]


# --- 19. Cache-Control: no-store on personal data ------------------------------------------------

SAMPLE = {"int": "1", "uuid": str(uuid.uuid4()), "slug": "x", "str": "x", "path": "x"}


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield prefix + route


def _concrete(route: str) -> str | None:
    if "^" in route or "(?P" in route:
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route).replace("^", "").replace("$", "").replace("\\.", ".")
        if any(ch in route for ch in "()[]*+?\\"):
            return None
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    return "/" + path.lstrip("/")


def personal_routes() -> list[str]:
    paths = {_concrete(r) for r in _routes()}
    wanted = ("/casework/", "/api/", "/volunteers/calendar/", "/volunteers/home/", "/volunteers/manage/")
    return sorted(p for p in paths if p and p.startswith(wanted) and not p.startswith("/api/docs"))


def test_the_walk_finds_the_casework_and_api_routes():
    routes = personal_routes()
    assert "/casework/caseload/export.csv" in routes
    assert any(r.startswith("/api/v1/supervisees/") for r in routes)
    assert len(routes) > 40


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_casework_and_api_route_is_sent_with_no_store(client, role_users, signed_in):
    if signed_in:
        client.force_login(role_users["office_officer"])
    missing = []
    for path in personal_routes():
        response = client.get(path)
        if "no-store" not in response.get("Cache-Control", ""):
            missing.append((path, response.status_code))
    assert missing == []


def test_public_pages_stay_cacheable_for_anonymous_readers_but_not_for_signed_in_users(client, role_users):
    assert "no-store" not in client.get("/directory/").get("Cache-Control", "")
    client.force_login(role_users["volunteer_coordinator"])
    assert "no-store" in client.get("/directory/")["Cache-Control"]


# --- 19. Throttles, API docs, robots.txt ---------------------------------------------------------


def test_throttles_are_enabled_for_every_api_view():
    assert {AnonRateThrottle, UserRateThrottle} <= set(APIView.throttle_classes)


def test_the_user_limit_answers_429_in_the_api_error_shape(client, role_users, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "4/min"})
    client.force_login(role_users["office_officer"])
    not_found = client.get("/api/v1/supervisees/00000000-0000-0000-0000-000000000000/")
    assert not_found.status_code == 404
    statuses = [client.get("/api/v1/supervisees/").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.get("/api/v1/supervisees/")
    assert limited.status_code == 429
    assert "Retry-After" in limited
    assert set(limited.json()) == set(not_found.json())


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_api_docs_need_a_login_when_debug_is_off(client, role_users, settings, path):
    settings.API_DOCS_PUBLIC = False
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(role_users["office_officer"])
    assert client.get(path).status_code == 200


def test_robots_txt_does_not_name_the_admin_paths(client, db):
    body = client.get("/robots.txt").content.decode()
    assert "cms-admin" not in body
    assert settings.DJANGO_ADMIN_PATH.strip("/") not in body
    assert "Disallow: /casework/" in body
