"""Reads of the directory: public lists and details, with a fixed number of queries per list."""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from accounts import scoping
from services.models import Organisation, ServiceAtLocation, ServiceCategory, ServiceOffering


def with_offering_details(queryset: QuerySet[ServiceOffering]) -> QuerySet[ServiceOffering]:
    """Everything an offering card, page, API or HSDS document shows, in a fixed number of queries."""
    return queryset.select_related(
        "organisation", "organisation__township", "organisation__parent", "category"
    ).prefetch_related(
        "service_townships",
        Prefetch(
            "at_locations",
            queryset=ServiceAtLocation.objects.select_related(
                "location", "location__township", "location__organisation"
            ).order_by("location__name"),
        ),
    )


def search_offerings(queryset: QuerySet[ServiceOffering], text: str) -> QuerySet[ServiceOffering]:
    """Offerings matching every word of ``text`` (substring match, so it works for Chinese), best first.

    A word in the name ranks above one in the category or organisation name, above one only in the description.
    """
    words = [w for w in text.split() if w][:8]
    if not words:
        return queryset
    for word in words:
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(eligibility_description__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation__name_en__icontains=word)
            | Q(category__name__icontains=word)
            | Q(category__name_en__icontains=word)
        )
    first = words[0]
    return queryset.annotate(
        search_rank=Case(
            When(name__icontains=first, then=Value(0)),
            When(Q(category__name__icontains=first) | Q(organisation__name__icontains=first), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("search_rank", "name", "pk")


def public_offering_list() -> QuerySet[ServiceOffering]:
    """Offerings anyone may see, with the details a list shows."""
    return with_offering_details(scoping.scope(None, ServiceOffering)).filter(category__is_active=True)


def public_offering_list_basic() -> QuerySet[ServiceOffering]:
    """Public offerings with their organisation and category only (one-to-one fields)."""
    return (
        scoping.scope(None, ServiceOffering)
        .filter(category__is_active=True)
        .select_related("organisation", "organisation__parent", "category")
        .order_by("name", "pk")
    )


def public_offering(uuid) -> ServiceOffering:
    """One public offering by its public id (raises DoesNotExist)."""
    return public_offering_list().get(uuid=uuid)


def with_vacancies(queryset: QuerySet[ServiceOffering]) -> QuerySet[ServiceOffering]:
    """Offerings with at least one free place."""
    return queryset.filter(capacity__gt=F("places_taken"))


def serving_township(queryset: QuerySet[ServiceOffering], township) -> QuerySet[ServiceOffering]:
    """Offerings open to people living in ``township`` (city-wide ones included)."""
    served = ServiceOffering.service_townships.through.objects.filter(township=township).values("serviceoffering_id")
    return queryset.filter(Q(whole_city=True) | Q(pk__in=served))


def public_organisation_list() -> QuerySet[Organisation]:
    """Active organisations with what a list shows of them."""
    return scoping.scope(None, Organisation).select_related("township", "parent")


def active_categories() -> QuerySet[ServiceCategory]:
    """The categories in use (the HSDS taxonomy terms)."""
    return ServiceCategory.objects.filter(is_active=True)


def public_service_at_locations() -> QuerySet[ServiceAtLocation]:
    """Links between public offerings and their locations."""
    return (
        ServiceAtLocation.objects.filter(
            offering__in=scoping.scope(None, ServiceOffering).filter(category__is_active=True)
        )
        .select_related(
            "location",
            "location__township",
            "location__organisation",
            "offering",
            "offering__organisation",
            "offering__organisation__parent",
        )
        .order_by("offering__name", "location__name", "pk")
    )
