"""The filters of the lost-contact list (shared by the page; the API filters by supervisee)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coordination.policies import case_offices
from supervision.reporting.models import LostContactEpisode


def _offices(request):
    return case_offices(getattr(request, "user", None))


class EpisodeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search by name"), method="search")
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("open", _("still open")), ("closed", _("episode closed"))],
        method="by_state",
        empty_label=_("Any state"),
    )
    office = django_filters.ModelChoiceFilter(
        label=_("Judicial office"), field_name="supervisee__judicial_office", queryset=_offices
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(("opened_at", "opened"), ("lost_since", "since")),
        field_labels={"opened": _("episode opened"), "since": _("out of contact since")},
    )

    class Meta:
        model = LostContactEpisode
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(supervisee__name__icontains=value)) if value else queryset

    def by_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(closed_at__isnull=True)
        if value == "closed":
            return queryset.filter(closed_at__isnull=False)
        return queryset
