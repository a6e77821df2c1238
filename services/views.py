"""The public directory: search and filter offerings, and one page per offering. No personal data."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from services import schedule, selectors
from services.filters import OfferingFilter
from services.models import ServiceOffering

PAGE_SIZE = 20
SORTS = {
    "relevance": ("name", "pk"),
    "name": ("name", "pk"),
    "vacancies": ("-vacancy_count", "name", "pk"),
    "newest": ("-created_at", "pk"),
}
SORT_LABELS = [
    ("relevance", _("Best match")),
    ("name", _("Name")),
    ("vacancies", _("Most free places")),
    ("newest", _("Newest")),
]


def directory(request: HttpRequest) -> HttpResponse:
    """Search, filter, sort and page the public offerings."""
    queryset = selectors.public_offering_list().annotate(vacancy_count=F("capacity") - F("places_taken"))
    filterset = OfferingFilter(request.GET, queryset=queryset)
    offerings = filterset.qs if filterset.is_valid() else queryset.none()
    sort = request.GET.get("sort", "relevance")
    if sort not in SORTS:
        sort = "relevance"
    searching = bool(request.GET.get("q", "").strip())
    if not (sort == "relevance" and searching):
        offerings = offerings.order_by(*SORTS[sort])
    try:
        page_size = min(max(int(request.GET.get("page_size", PAGE_SIZE)), 5), 100)
    except ValueError:
        page_size = PAGE_SIZE
    page = Paginator(offerings, page_size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/directory.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page,
            "offerings": page.object_list,
            "sort": sort,
            "sort_labels": SORT_LABELS,
            "query_string": query.urlencode(),
            "is_filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort", "page_size")),
            # Filters behind the "Filters (n)" button: everything but the search words, sort and paging.
            "active_filters": sum(
                1 for k, v in request.GET.items() if v and k not in ("q", "page", "sort", "page_size")
            ),
        },
    )


def offering_detail(request: HttpRequest, uuid) -> HttpResponse:
    """One offering: what, for whom, when, where, whom to ask."""
    try:
        offering = selectors.public_offering(uuid)
    except ServiceOffering.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "services/offering_detail.html",
        {
            "offering": offering,
            "schedule_text": schedule.describe_rule(offering.schedule_rrule),
            "hours_text": schedule.describe_hours(offering.opens_at, offering.closes_at),
            "next_dates": schedule.next_dates(offering.schedule_rrule),
        },
    )
