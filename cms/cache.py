"""Full-page cache for anonymous readers of Wagtail pages.

Why not Django's whole-site cache or the wagtail-cache package: both key on the
request and its Vary headers (Cookie, Accept-Language), which every page here sets,
and purge by URL. This cache is small and fits the site: it is consulted only for
GET/HEAD without a query string and without a session or messages cookie (so nobody
signed in, and no pending message, is ever served someone else's page), and one
publish/unpublish/move anywhere purges everything in O(1) by changing a generation
number: a page shows its neighbours (home lists news, indexes list children,
section navigation), so purging one URL would leave others stale.

A hit costs one cache round trip (``get_many`` of the generation and the page).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "cms:pagecache:generation"
BYPASS_COOKIES = ("sessionid", "messages")
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Link")


def timeout() -> int:
    return int(getattr(settings, "CMS_PAGE_CACHE_SECONDS", 600))


def enabled() -> bool:
    return bool(getattr(settings, "CMS_PAGE_CACHE", True))


def _key(request: HttpRequest) -> str:
    return f"cms:page:{request.get_host()}:{request.path}"


def is_cacheable_request(request: HttpRequest) -> bool:
    if not enabled() or request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return False
    cookies = {settings.SESSION_COOKIE_NAME, *BYPASS_COOKIES}
    return not any(name in request.COOKIES for name in cookies)


def fetch(request: HttpRequest) -> HttpResponse | None:
    """The cached page for this request, or None."""
    key = _key(request)
    values = cache.get_many([GENERATION_KEY, key])
    generation = values.get(GENERATION_KEY)
    entry = values.get(key)
    if generation is None or entry is None or entry[0] != generation:
        return None
    _generation, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


def store(request: HttpRequest, response: HttpResponse) -> None:
    """Keep a rendered 200 response unless it carries anything personal (cookies, CSRF token, session)."""
    if response.status_code != 200 or getattr(response, "streaming", False) or response.cookies:
        return
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return  # the page embeds a CSRF token: not shareable
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
        return
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = _new_generation()
        cache.set(GENERATION_KEY, generation, None)
    headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
    cache.set(_key(request), (generation, response.status_code, headers, response.content), timeout())
    response["X-Page-Cache"] = "miss"


def purge() -> None:
    """Forget every cached page (a new generation makes every stored entry stale)."""
    cache.set(GENERATION_KEY, _new_generation(), None)


def _new_generation() -> int:
    return time.time_ns()
