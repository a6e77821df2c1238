"""Reads for the outreach site; each costs a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language
from wagtail.models import Page

from accounts.links import absolute_url, page_url
from accounts.scoping import scope
from cms import segment

NEWS_PER_PAGE = 10
SECTION_DEPTH = 3  # the children of each language's home page
HREFLANG = {"zh-hans": "zh-Hans", "en": "en"}
OG_LOCALE = {"zh-hans": "zh_CN", "en": "en_GB"}


def current_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).lower()


def page_chrome(page: Page, request: HttpRequest) -> dict:
    """What every outreach page shows around its content: languages, hreflang, canonical, sections.

    Two queries: the page's translations, and the top-level sections of its language.
    """
    from cms.models import HomePage

    names = dict(settings.LANGUAGES)
    current = current_language()
    translations = {
        p.locale.language_code: p
        for p in page.get_translations(inclusive=True).live().select_related("locale").only("url_path", "locale")
    }
    translations.setdefault(current, page)
    missing = [code for code in names if code not in translations]
    fallbacks = {}
    if missing:
        # No translation yet: send readers of that language to its home page.
        fallbacks = {
            p.locale.language_code: p
            for p in HomePage.objects.live().filter(locale__language_code__in=missing).select_related("locale")
        }
    language_links, alternates = [], []
    for code, name in settings.LANGUAGES:
        target = translations.get(code) or fallbacks.get(code)
        if target is None:
            continue
        url = target.get_url(request)
        language_links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "is_current": code == current,
                "is_translation": code in translations,
            }
        )
        if code in translations:
            alternates.append({"hreflang": HREFLANG.get(code, code), "url": page_url(target, request)})
    if settings.LANGUAGE_CODE in translations:
        alternates.append({"hreflang": "x-default", "url": page_url(translations[settings.LANGUAGE_CODE], request)})

    sections = list(
        Page.objects.live()
        .filter(depth=SECTION_DEPTH, locale_id=page.locale_id)
        .filter(show_in_menus=True)
        .only("title", "url_path", "locale_id", "depth", "path")
        .order_by("path")
    )
    og_image_url = ""
    image = getattr(page, "social_image", None) if page.social_image_id else None
    if image is not None:
        rendition = image.get_rendition("fill-1200x630|format-jpeg")
        og_image_url = absolute_url(rendition.url, request)
    return {
        "language_links": language_links,
        "alternates": alternates,
        "canonical_url": page_url(page, request),
        "og_locale": OG_LOCALE.get(current, current),
        "og_image_url": og_image_url,
        "sections": sections,
        "home_url": "/" if current == settings.LANGUAGE_CODE else f"/{current}/",
    }


def latest_news(*, locale_id: int, limit: int) -> list:
    from cms.models import NewsPage

    return list(
        NewsPage.objects.live()
        .public()
        .filter(locale_id=locale_id)
        .defer_streamfields()
        .order_by("-date", "-pk")[:limit]
    )


def upcoming_events(*, locale_id: int, limit: int) -> list:
    from cms.models import EventPage

    return list(
        EventPage.objects.live()
        .public()
        .filter(locale_id=locale_id, end_at__gte=timezone.now())
        .defer_streamfields()
        .order_by("start_at")[:limit]
    )


def child_pages(page: Page) -> list[Page]:
    """Live, public children in tree order (generic pages: title and URL only)."""
    return list(page.get_children().live().public().only("title", "url_path", "search_description", "path"))


def news_list(*, index: Page, tag: str | None, page_number: str | None) -> PaginatorPage:
    """One page of the index's news, newest first, tags prefetched (count + rows + tags)."""
    from cms.models import NewsPage

    queryset = (
        NewsPage.objects.child_of(index)
        .live()
        .public()
        .defer_streamfields()
        .prefetch_related("tags")
        .order_by("-date", "-pk")
    )
    if tag:
        queryset = queryset.filter(tags__name=tag).distinct()
    return Paginator(queryset, NEWS_PER_PAGE).get_page(page_number)


def events_of(*, index: Page) -> tuple[list, list]:
    """Upcoming (soonest first) and past (latest first, ten) events of an index."""
    from cms.models import EventPage

    now = timezone.now()
    base = EventPage.objects.child_of(index).live().public().defer_streamfields()
    upcoming = list(base.filter(end_at__gte=now).order_by("start_at"))
    past = list(base.filter(end_at__lt=now).order_by("-start_at")[:10])
    return upcoming, past


# --- Search -----------------------------------------------------------------


@dataclass
class SearchHit:
    kind: str  # "page" or "offering"
    title: str
    url: str
    snippet: str
    score: float
    context: str = ""


def _score(title: str, title_words: str, text: str, words: str, query: str, qwords: list[str]) -> float:
    """Whole query in the title counts most, then words in the title, then words in the text."""
    score = 0.0
    query = query.lower().strip()
    title_l, text_l = title.lower(), text.lower()
    if query and query in title_l:
        score += 10 + (5 if title_l == query else 0)
    if query and query in text_l:
        score += 4 + min(text_l.count(query), 5)
    for word in qwords:
        weight = min(len(word), 4) / 2
        token = f" {word} "
        if token in title_words:
            score += 3 * weight
        hits = words.count(token)
        if hits:
            score += weight * (1 + min(hits, 5) / 2)
    return score


def _snippet(text: str, query: str, qwords: list[str], width: int = 80) -> str:
    lower = text.lower()
    positions = [lower.find(t) for t in [query.lower(), *qwords] if t and lower.find(t) >= 0]
    start = max(min(positions) - width // 3, 0) if positions else 0
    snippet = text[start : start + width].strip()
    return ("…" if start else "") + snippet + ("…" if start + width < len(text) else "")


def search_pages(
    *, query: str, language_code: str, request: HttpRequest | None = None, limit: int = 20
) -> list[SearchHit]:
    """Live pages of one language matching a query (jieba words or the whole phrase), best first."""
    from cms.models import SearchEntry

    qwords = segment.query_words(query)
    phrase = query.strip()
    if not qwords and not phrase:
        return []
    condition = Q(title__icontains=phrase) | Q(text__icontains=phrase)
    for word in qwords:
        condition |= Q(words__contains=f" {word} ") | Q(title_words__contains=f" {word} ")
    # Only what an anonymous visitor may open: live pages without a privacy restriction on
    # themselves or an ancestor (Wagtail's .public()), whoever is searching.
    entries = (
        scope(getattr(request, "user", None), SearchEntry)
        .filter(language_code=language_code, page__in=Page.objects.live().public().values("pk"))
        .filter(condition)
        .select_related("page")[:200]
    )
    hits = []
    for entry in entries:
        score = _score(entry.title, entry.title_words, entry.text, entry.words, phrase, qwords)
        if score <= 0:
            continue
        hits.append(
            SearchHit(
                kind="page",
                title=entry.title,
                url=entry.page.get_url(request) or "",
                snippet=_snippet(entry.text, phrase, qwords),
                score=score,
            )
        )
    hits.sort(key=lambda h: (-h.score, h.title))
    return hits[:limit]


def offering_url(offering) -> str:
    for name, kwargs in (
        ("services:offering_detail", {"uuid": offering.uuid}),
        ("services:offering", {"uuid": offering.uuid}),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    try:
        return reverse("services:directory") + f"?q={offering.name}"
    except NoReverseMatch:
        from cms.models import localise_path

        return localise_path("/directory/")


def search_offerings(*, query: str, limit: int = 20) -> list[SearchHit]:
    """Public directory offerings whose name, description or organisation contain the query or its words."""
    qwords = segment.query_words(query)
    phrase = query.strip()
    terms = list(dict.fromkeys([t for t in [phrase.lower(), *qwords] if t]))
    if not terms:
        return []
    condition = Q()
    for term in terms:
        condition |= (
            Q(name__icontains=term)
            | Q(description__icontains=term)
            | Q(organisation__name__icontains=term)
            | Q(organisation__name_en__icontains=term)
        )
    rows = scope(None, "services.ServiceOffering").filter(condition).select_related("organisation")[:200]
    hits = []
    for offering in rows:
        organisation = offering.organisation.display_name
        title = offering.name
        text = f"{offering.description} {organisation}"
        score = _score(title, segment.padded(title), text, segment.padded(text), phrase, qwords)
        if score <= 0:
            continue
        hits.append(
            SearchHit(
                kind="offering",
                title=title,
                url=offering_url(offering),
                snippet=_snippet(strip_tags(offering.description), phrase, qwords),
                score=score,
                context=organisation,
            )
        )
    hits.sort(key=lambda h: (-h.score, h.title))
    return hits[:limit]


def searchable_text(page: Page) -> str:
    """The visible words of a page: summary, intro, body, place, tags, attachment titles."""
    parts = [page.search_description or "", getattr(page, "summary", "") or ""]
    for name in ("intro",):
        value = getattr(page, name, "")
        if value:
            parts.append(strip_tags(str(value)))
    body = getattr(page, "body", None)
    if body is not None:
        field = type(page)._meta.get_field("body")
        parts.extend(strip_tags(str(item)) for item in field.get_searchable_content(body))
    for name in ("place", "document_number", "issuer"):
        value = getattr(page, name, "")
        if value:
            parts.append(str(value))
    if hasattr(page, "tags"):
        parts.extend(tag.name for tag in page.tags.all())
    if hasattr(page, "attachments"):
        parts.extend(a.display_title for a in page.attachments.select_related("document"))
    return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()
