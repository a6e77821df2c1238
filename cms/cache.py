"""Full-page cache for anonymous readers of Wagtail pages.

Why not Django's whole-site cache or the wagtail-cache package: both key on the
request and its Vary headers (Cookie, Accept-Language), which every page here sets,
and purge by URL. This cache is small and fits the site: it is consulted only for
GET/HEAD without a query string and without a session or messages cookie (so nobody
signed in, and no pending message, is ever served someone else's page), and one
publish/unpublish/move anywhere purges everything in O(1) by changing a generation
number: a page shows its neighbours (home lists news, indexes list children,
section navigation), so purging one URL would leave others stale.

A hit usually costs no round trip at all: the generation is checked in the shared cache at
most once a second per process (``CMS_PAGE_CACHE_GENERATION_CHECK_SECONDS``), and entries of
a generation never change, so each process keeps them in memory too.
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


def generation_check_seconds() -> float:
    return float(getattr(settings, "CMS_PAGE_CACHE_GENERATION_CHECK_SECONDS", 1.0))


def _shared_generation() -> int | None:
    """The generation in the shared cache, asked at most once a second per process.

    A purge in this process is seen at once; one in another worker within a second.
    """
    now = time.monotonic()
    if _local_generation[0] is not None and now - _generation_checked_at[0] < generation_check_seconds():
        return _local_generation[0]
    value = cache.get(GENERATION_KEY)
    _generation_checked_at[0] = now
    if value is not None:
        _switch_local_generation(value)
    return value


def _key(request: HttpRequest) -> str:
    return f"cms:page:{request.get_host()}:{request.path}"


def is_cacheable_request(request: HttpRequest) -> bool:
    if not enabled() or request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return False
    cookies = {settings.SESSION_COOKIE_NAME, *BYPASS_COOKIES}
    return not any(name in request.COOKIES for name in cookies)


def fetch(request: HttpRequest) -> HttpResponse | None:
    """The cached page for this request, or None.

    The generation is checked in the shared cache at most once a second; the page itself
    usually comes from this process's memory (entries of a generation never change), else
    from the shared cache.
    """
    key = _key(request)
    current = _shared_generation()
    if current is None:
        return None
    request._cms_cache_generation = current
    _switch_local_generation(current)
    entry = _local_pages.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is None or entry[0] != current:
            return None
        _remember_page(key, entry)
    _stored_generation, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


_local_pages: dict[str, tuple] = {}


def _remember_page(key: str, entry: tuple) -> None:
    if len(_local_pages) < _LOCAL_MAX:
        _local_pages[key] = entry


def _switch_local_generation(current: int) -> None:
    if _local_generation[0] != current:
        _local.clear()
        _local_pages.clear()
        _local_generation[0] = current


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
    current = generation(request)
    headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
    entry = (current, response.status_code, headers, response.content)
    cache.set(_key(request), entry, timeout())
    _switch_local_generation(current)
    _remember_page(_key(request), entry)
    response["X-Page-Cache"] = "miss"


def generation(request: HttpRequest | None = None) -> int:
    """The current cache generation (created when missing, e.g. after a Redis restart).

    Read once per request: the request remembers it.
    """
    value = getattr(request, "_cms_cache_generation", None)
    if value is None:
        value = _shared_generation()
        if value is None:
            value = _new_generation()
            cache.set(GENERATION_KEY, value, None)
            _switch_local_generation(value)
        if request is not None:
            request._cms_cache_generation = value
    return value


# Values of one generation never change, so each process keeps them too (no round trip).
_local: dict[str, tuple[float, object]] = {}
_local_generation: list[int | None] = [None]
_generation_checked_at: list[float] = [0.0]
_LOCAL_MAX = 2000


def memoise(name: str, build, request: HttpRequest | None = None):
    """A value computed once per cache generation: what a page shows of its neighbours
    (translations, sections, latest news) changes only when something is published.

    Kept in the shared cache (so every worker reuses it) and in this process's memory.
    """
    if not enabled():
        return build()
    current = generation(request)
    _switch_local_generation(current)
    key = f"cms:memo:{current}:{name}"
    now = time.monotonic()
    local = _local.get(key)
    if local is not None and local[0] > now:
        return local[1]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout())
    if len(_local) < _LOCAL_MAX:
        _local[key] = (now + timeout(), value)
    return value


def purge() -> None:
    """Forget every cached page (a new generation makes every stored entry stale)."""
    new = _new_generation()
    cache.set(GENERATION_KEY, new, None)
    _switch_local_generation(new)
    _generation_checked_at[0] = time.monotonic()


def _new_generation() -> int:
    return time.time_ns()
