"""Public views of the outreach site besides Wagtail's pages: cached serve, search, calendar, feeds, robots."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event
from wagtail.models import Site
from wagtail.views import serve as wagtail_serve

from accounts.links import page_url
from cms import cache as page_cache
from cms import selectors
from cms.forms import SearchForm
from cms.models import EventPage


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's page serve behind the anonymous full-page cache."""
    if not page_cache.is_cacheable_request(request):
        return _serve_page(request, path)
    cached = page_cache.fetch(request)
    if cached is not None:
        return cached
    response = _serve_page(request, path)
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    page_cache.store(request, response)
    return response


def _serve_page(request: HttpRequest, path: str) -> HttpResponse:
    # Wagtail looks the site up by hostname on every request (a query); sites change
    # rarely, so remember it per cache generation (purged when a site is saved).
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = page_cache.memoise(
            f"site:{request.get_host()}", lambda: Site.find_for_request(request), request
        )
    if not hasattr(request, "_wagtail_cached_site_root_paths"):
        request._wagtail_cached_site_root_paths = page_cache.memoise(
            "site-root-paths", Site.get_site_root_paths, request
        )
    site = request._wagtail_site
    if site is not None and not hasattr(request, "_wagtail_route_for_request"):
        # Wagtail's route_for_request, with the language's home page kept per generation.
        language = get_language()
        root = page_cache.memoise(f"root:{site.pk}:{language}", lambda: site.root_page.localized.specific, request)
        try:
            request._wagtail_route_for_request = root.route(request, [c for c in path.split("/") if c])
        except Http404:
            request._wagtail_route_for_request = None
    return wagtail_serve(request, path)


SEARCH_OFFERINGS_SHOWN = 20


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    pages, offerings = [], []
    if query:
        language = selectors.current_language()
        pages = selectors.search_pages(query=query, language_code=language, request=request)
        # One more than shown tells whether the directory holds more: then link to all of them there.
        offerings = selectors.search_offerings(query=query, limit=SEARCH_OFFERINGS_SHOWN + 1)
    more_offerings = len(offerings) > SEARCH_OFFERINGS_SHOWN
    return render(
        request,
        "cms/search.html",
        {
            "form": form,
            "query": query,
            "page_hits": pages,
            "offering_hits": offerings[:SEARCH_OFFERINGS_SHOWN],
            "more_offerings": more_offerings,
            "searched": bool(query),
        },
    )


@require_GET
def event_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """One event as an iCalendar file."""
    event_page = EventPage.objects.live().public().filter(pk=pk).first()
    if event_page is None:
        raise Http404
    calendar = Calendar()
    calendar.add("prodid", "-//Community Corrections Coordination Platform//cms//")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"event-{event_page.translation_key}-{event_page.locale_id}@{request.get_host()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", event_page.start_at)
    event.add("dtend", event_page.end_at)
    event.add("summary", event_page.title)
    event.add("location", event_page.place)
    if event_page.summary:
        event.add("description", event_page.summary)
    event.add("url", page_url(event_page, request))
    calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event_page.pk}.ics"'
    return response


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    lines = [
        # The admin paths are not named here (that would point attackers at them); they
        # answer with X-Robots-Tag: noindex instead (config/security.py).
        "User-agent: *",
        "Disallow: /accounts/",
        "Disallow: /en/accounts/",
        "Disallow: /casework/",
        "Disallow: /en/casework/",
        "Disallow: /api/",
        "Disallow: /search/",
        "Disallow: /en/search/",
        f"Sitemap: {base}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
