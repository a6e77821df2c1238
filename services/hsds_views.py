"""HSDS 3.0 read-only endpoints (see services/hsds_schema/openapi.json) and the full JSON dump."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from services import hsds, selectors
from services.models import Location, Organisation, ServiceAtLocation, ServiceCategory, ServiceOffering

JSON_OPTIONS = {"ensure_ascii": False}


def _json(document, *, status: int = 200, filename: str | None = None) -> JsonResponse:
    response = JsonResponse(document, status=status, safe=False, json_dumps_params=JSON_OPTIONS)
    response["Access-Control-Allow-Origin"] = "*"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _error(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message}, status=status)


def _paging(request: HttpRequest) -> tuple[int, int]:
    try:
        page_number = int(request.GET.get("page", 1))
        per_page = int(request.GET.get("per_page", hsds.DEFAULT_PER_PAGE))
    except ValueError as exc:
        raise ValueError("page and per_page must be whole numbers") from exc
    return page_number, min(max(per_page, 1), hsds.MAX_PER_PAGE)


def _listing(request: HttpRequest, queryset: QuerySet, render) -> JsonResponse:
    try:
        page_number, per_page = _paging(request)
    except ValueError as exc:
        return _error(str(exc))
    return _json(hsds.page(queryset, page_number=page_number, per_page=per_page, render=render))


def _filter_services(request: HttpRequest, queryset: QuerySet) -> QuerySet:
    if search := request.GET.get("search", "").strip():
        queryset = selectors.search_offerings(queryset, search)
    if term := request.GET.get("taxonomy_term_id"):
        queryset = queryset.filter(category__uuid=term)
    if request.GET.get("taxonomy_id") and request.GET["taxonomy_id"] != str(hsds.TAXONOMY_ID):
        queryset = queryset.none()
    if org := request.GET.get("organization_id"):
        queryset = queryset.filter(organisation__uuid=org)
    if after := request.GET.get("modified_after"):
        moment = parse_datetime(after)
        if moment is None:
            raise ValueError("modified_after must be an ISO 8601 date-time")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, dt.UTC)
        queryset = queryset.filter(updated_at__gte=moment)
    return queryset


@require_GET
def root(request: HttpRequest) -> JsonResponse:
    return _json(
        {
            "version": hsds.HSDS_VERSION,
            "profile": "https://docs.openreferral.org/en/latest/hsds/",
            "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
        }
    )


@require_GET
def services(request: HttpRequest) -> JsonResponse:
    full = request.GET.get("full", "").lower() == "true"
    queryset = selectors.public_offering_list() if full else selectors.public_offering_list_basic()
    try:
        queryset = _filter_services(request, queryset)
    except (ValueError, ValidationError) as exc:
        return _error(str(exc))
    return _listing(request, queryset, hsds.service_full if full else hsds.service)


@require_GET
def service_detail(request: HttpRequest, id) -> JsonResponse:
    try:
        offering = selectors.public_offering(id)
    except ServiceOffering.DoesNotExist as exc:
        raise Http404 from exc
    return _json(hsds.service_full(offering))


@require_GET
def organizations(request: HttpRequest) -> JsonResponse:
    queryset = selectors.public_organisation_list().order_by("name", "pk")
    if search := request.GET.get("search", "").strip():
        for word in search.split()[:8]:
            queryset = queryset.filter(name__icontains=word)
    return _listing(request, queryset, hsds.organization)


@require_GET
def organization_detail(request: HttpRequest, id) -> JsonResponse:
    try:
        org = (
            selectors.public_organisation_list()
            .prefetch_related(
                Prefetch("locations", queryset=Location.objects.select_related("township", "organisation"))
            )
            .get(uuid=id)
        )
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    return _json(hsds.organization_full(org, org.locations.all()))


@require_GET
def service_at_locations(request: HttpRequest) -> JsonResponse:
    queryset = selectors.public_service_at_locations()
    if org := request.GET.get("organization_id"):
        queryset = queryset.filter(offering__organisation__uuid=org)
    if term := request.GET.get("taxonomy_term_id"):
        queryset = queryset.filter(offering__category__uuid=term)
    return _listing(request, queryset, lambda link: hsds.service_at_location(link, with_service=True))


@require_GET
def service_at_location_detail(request: HttpRequest, id) -> JsonResponse:
    try:
        link = selectors.public_service_at_locations().get(uuid=id)
    except ServiceAtLocation.DoesNotExist as exc:
        raise Http404 from exc
    return _json(hsds.service_at_location(link, with_service=True))


@require_GET
def taxonomies(request: HttpRequest) -> JsonResponse:
    items = [hsds.taxonomy()]
    return _json(
        {
            "total_items": 1,
            "total_pages": 1,
            "page_number": 1,
            "size": 1,
            "first_page": True,
            "last_page": True,
            "empty": False,
            "contents": items,
        }
    )


@require_GET
def taxonomy_detail(request: HttpRequest, id) -> JsonResponse:
    if str(id) != str(hsds.TAXONOMY_ID):
        raise Http404
    return _json(hsds.taxonomy())


@require_GET
def taxonomy_terms(request: HttpRequest) -> JsonResponse:
    queryset = selectors.active_categories()
    if request.GET.get("taxonomy_id") and request.GET["taxonomy_id"] != str(hsds.TAXONOMY_ID):
        queryset = queryset.none()
    if search := request.GET.get("search", "").strip():
        queryset = queryset.filter(name__icontains=search) | queryset.filter(name_en__icontains=search)
    return _listing(request, queryset.order_by("sort_order", "code"), hsds.taxonomy_term)


@require_GET
def taxonomy_term_detail(request: HttpRequest, id) -> JsonResponse:
    try:
        category = selectors.active_categories().get(uuid=id)
    except ServiceCategory.DoesNotExist as exc:
        raise Http404 from exc
    return _json(hsds.taxonomy_term(category))


@require_GET
def dump(request: HttpRequest) -> JsonResponse:
    """Everything published, in one JSON file (a fixed number of queries)."""
    orgs = selectors.public_organisation_list().prefetch_related(
        Prefetch("locations", queryset=Location.objects.select_related("township", "organisation"))
    )
    document = {
        "version": hsds.HSDS_VERSION,
        "generated_at": timezone.now().isoformat(),
        "taxonomies": [hsds.taxonomy()],
        "taxonomy_terms": [hsds.taxonomy_term(c) for c in selectors.active_categories()],
        "organizations": [hsds.organization_full(org, org.locations.all()) for org in orgs.order_by("name", "pk")],
        "services": [hsds.service_full(o) for o in selectors.public_offering_list().order_by("name", "pk")],
    }
    return _json(document, filename="hsds-directory.json")
