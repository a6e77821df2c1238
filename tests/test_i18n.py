"""Translations: compiled catalogues match their sources, and pages are Chinese first."""

from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PO_FILES = sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def test_there_are_catalogues():
    assert PO_FILES, "no zh_Hans catalogues found"


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_mo_matches_po_and_everything_is_translated(po_path):
    with po_path.open("rb") as fh:
        catalog = read_po(fh)
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    with mo_path.open("rb") as fh:
        compiled = GNUTranslations(fh)
    untranslated = []
    for message in catalog:
        if not message.id or message.fuzzy and message.id:
            continue
        if isinstance(message.id, tuple):
            singular = message.id[0]
            strings = message.string
            if not all(strings):
                untranslated.append(singular)
                continue
            key = (f"{message.context}\x04{singular}" if message.context else singular, 0)
            assert compiled._catalog.get(key) == strings[0], f"{singular!r} differs in {mo_path.name}"
        else:
            if not message.string:
                untranslated.append(message.id)
                continue
            key = f"{message.context}\x04{message.id}" if message.context else message.id
            assert compiled._catalog.get(key) == message.string, f"{message.id!r}: .mo is stale, run `make messages`"
    assert not untranslated, f"untranslated in {po_path}: {untranslated}"
    compiled_ids = {k if isinstance(k, str) else k[0] for k in compiled._catalog if k}
    source_ids = {
        (f"{m.context}\x04" if m.context else "") + (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and not m.fuzzy
    }
    assert compiled_ids <= source_ids, f".mo has entries the .po no longer has: {compiled_ids - source_ids}"


def test_home_page_is_chinese_by_default_and_english_under_en(client, db):
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    zh = client.get("/")
    assert zh.status_code == 200
    body = zh.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "社区矫正协同平台" in body
    assert "跳到主要内容" in body
    en = client.get("/en/")
    assert en.status_code == 200
    assert '<html lang="en">' in en.content.decode()
    assert "Community Corrections Coordination Platform" in en.content.decode()


def test_language_switcher_sets_the_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/"
    page = client.get(response["Location"])
    assert "Log in" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "next_url", "expected"),
    [
        ("zh-hans", "/en/directory/", "/directory/"),
        ("zh-hans", "/en/volunteers/apply/?x=1", "/volunteers/apply/?x=1"),
        ("en", "/directory/", "/en/directory/"),
        ("zh-hans", "/directory/", "/directory/"),
    ],
)
def test_the_language_switch_leaves_the_page_it_was_on(client, db, language, next_url, expected):
    """The switch's own URL has no prefix, so the request's language is the browser's (here
    Chinese); the target is still worked out from the page's language."""
    response = client.post(
        "/i18n/setlang/", {"language": language, "next": next_url}, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    )
    assert response.status_code == 302
    assert response["Location"] == expected


def test_no_string_is_translated_two_ways_in_different_catalogues():
    """Django merges every app's catalogue into one: a msgid translated differently in two apps
    shows whichever app wins everywhere. Give such strings a context (pgettext) instead."""
    translations: dict[tuple[str | None, str], dict[str, str]] = {}
    for po_path in PO_FILES:
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            text = message.string if isinstance(message.string, str) else message.string[0]
            translations.setdefault((message.context, msgid), {})[str(po_path.relative_to(ROOT))] = text
    clashes = {key: found for key, found in translations.items() if len(set(found.values())) > 1}
    assert not clashes, f"translated differently in different catalogues: {clashes}"


def test_page_types_and_the_admin_menu_have_their_own_chinese_names(db):
    """Leftovers of fuzzy matches: "programme page" as 首页, Wagtail's "Pages" menu as 分页."""
    from django.utils.translation import gettext, override, pgettext

    from cms.models import EventPage, HomePage, ProgrammePage

    with override("zh-hans"):
        names = {str(m._meta.verbose_name) for m in (HomePage, ProgrammePage, EventPage)}
        assert len(names) == 3, names
        assert gettext("Pages") == "页面"
        assert pgettext("pagination", "Pages") == "分页"
        # django-filter's ordering labels ("姓名 (descending)" on the volunteer list).
        assert gettext("%s (descending)") == "%s（降序）"
        assert gettext("Privacy checklist before publishing") == "发布前的隐私核对清单"


def _shared_error_messages() -> set[str]:
    """The English text of every default error message of Django's and DRF's form, model and API fields."""
    from django import forms
    from django.db import models
    from django.utils import translation
    from rest_framework import serializers

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    texts = set()
    with translation.override("en"):
        for base in (forms.Field, models.Field, serializers.Field):
            for cls in (base, *subclasses(base)):
                texts.update(str(m) for m in getattr(cls, "default_error_messages", {}).values())
    return texts


def test_no_app_catalogue_changes_the_shared_error_messages(db):
    """An app catalogue wins over Django's and DRF's own: redefining one of their field error messages
    (such as "This field is required.") changes that error on every form and API of the site."""
    shared = _shared_error_messages()
    assert "This field is required." in shared
    changed = []
    for po_path in PO_FILES:
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        changed += [
            (str(po_path.relative_to(ROOT)), m.id)
            for m in catalog
            if m.id and m.context is None and isinstance(m.id, str) and m.id in shared
        ]
    assert not changed, f"app catalogues that redefine a Django/DRF field error: {changed}"
