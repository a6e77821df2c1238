"""Filters shared by the public directory and the API."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from services import selectors
from services.models import HouseholdType, Organisation, ServiceCategory, ServiceOffering, Township


class OfferingFilter(django_filters.FilterSet):
    """Text, category, township and eligibility hints for offerings."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=ServiceCategory.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("All categories"),
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township"),
        queryset=Township.objects.all(),
        to_field_name="code",
        field_name="service_townships",
        method="filter_township",
        empty_label=_("All townships"),
    )
    organisation = django_filters.UUIDFilter(field_name="organisation__uuid", label=_("Organisation"))
    organisation_kind = django_filters.ChoiceFilter(
        label=_("Organisation kind"), field_name="organisation__kind", choices=Organisation.Kind.choices
    )
    household_type = django_filters.ChoiceFilter(
        label=_("Household"),
        choices=HouseholdType.choices,
        method="filter_household",
        empty_label=_("Any household"),
    )
    accepts_minors = django_filters.BooleanFilter(label=_("Accepts minors"), method="filter_true_only")
    is_free = django_filters.BooleanFilter(label=_("Free of charge"), method="filter_true_only")
    has_vacancies = django_filters.BooleanFilter(label=_("Has free places"), method="filter_vacancies")

    class Meta:
        model = ServiceOffering
        fields = ["q", "category", "township", "organisation", "organisation_kind", "household_type"]

    def filter_text(self, queryset, name, value):
        return selectors.search_offerings(queryset, value)

    def filter_township(self, queryset, name, value):
        return selectors.serving_township(queryset, value) if value else queryset

    def filter_household(self, queryset, name, value):
        # An offering with no household restriction serves both.
        return queryset.filter(household_type__in=["", value]) if value else queryset

    def filter_true_only(self, queryset, name, value):
        return queryset.filter(**{name: value}) if value is not None else queryset

    def filter_vacancies(self, queryset, name, value):
        if value is None:
            return queryset
        return selectors.with_vacancies(queryset) if value else queryset.filter(capacity=F("places_taken"))


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organisation.Kind.choices)
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Township.objects.all(), to_field_name="code"
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "township"]

    def filter_text(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(name_en__icontains=word) | Q(description__icontains=word)
            )
        return queryset
