"""FilterSets shared by the coordinators' pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from services.models import Township
from volunteers.models import HourLog, Opportunity, Shift, Volunteer


class VolunteerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Volunteer.Status.choices)
    township = django_filters.ModelChoiceFilter(label=_("Township"), queryset=Township.objects.all())
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("full_name", "name"), ("created_at", "applied"), ("status", "status")),
        field_labels={"full_name": pgettext_lazy("person", "name"), "created_at": _("applied"), "status": _("status")},
    )

    class Meta:
        model = Volunteer
        fields = ["q", "status", "township"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(full_name__icontains=value)
            | Q(phone__icontains=value)
            | Q(email__icontains=value)
            | Q(skills__icontains=value)
        )


class ShiftFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), field_name="opportunity__kind", choices=Opportunity.Kind.choices
    )
    opportunity = django_filters.NumberFilter(label=_("Opportunity"), field_name="opportunity_id")
    starts_after = django_filters.IsoDateTimeFilter(label=_("Starts after"), field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(label=_("Starts before"), field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Shift
        fields = ["kind", "opportunity", "starts_after", "starts_before"]


class HourLogFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=HourLog.Status.choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte")

    class Meta:
        model = HourLog
        fields = ["status", "date_from", "date_to"]
