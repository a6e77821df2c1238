"""FilterSets shared by the casework pages and the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination import selectors
from coordination.models import ACCESS_OBJECT_TYPES, ACCESS_PURPOSES, AccessLog, Need, Referral, RiskLevel, Supervisee
from services.models import Organisation, ServiceCategory, Township


class SuperviseeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    township = django_filters.ModelChoiceFilter(queryset=Township.objects.all(), label=_("Township"))
    judicial_office = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE), label=_("Judicial office")
    )
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("Risk level"))
    status = django_filters.ChoiceFilter(choices=Supervisee.Status.choices, label=_("Status"))
    open_needs = django_filters.BooleanFilter(method="filter_open_needs", label=_("Has open needs"))

    class Meta:
        model = Supervisee
        fields = ["q", "township", "judicial_office", "risk_level", "status", "open_needs"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(given_name__icontains=value) | Q(case_number__icontains=value)
        )

    def filter_open_needs(self, queryset, name, value):
        return queryset if value is None else selectors.with_open_needs(queryset, value)


class NeedFilter(django_filters.FilterSet):
    supervisee = django_filters.UUIDFilter(field_name="supervisee__uuid", label=_("Supervisee"))
    category = django_filters.ModelChoiceFilter(
        queryset=ServiceCategory.objects.all(), to_field_name="code", label=_("Category")
    )
    status = django_filters.ChoiceFilter(choices=Need.Status.choices, label=_("Status"))

    class Meta:
        model = Need
        fields = ["supervisee", "category", "status", "urgency"]


class ReferralFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Referral.State.choices, label=_("State"))
    supervisee = django_filters.UUIDFilter(field_name="need__supervisee__uuid", label=_("Supervisee"))
    category = django_filters.ModelChoiceFilter(
        field_name="need__category", queryset=ServiceCategory.objects.all(), to_field_name="code", label=_("Category")
    )
    organisation = django_filters.UUIDFilter(field_name="offering__organisation__uuid", label=_("Organisation"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Referral
        fields = ["state", "supervisee", "category", "organisation", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = selectors.overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class SuperviseeRefFilter(django_filters.FilterSet):
    """Filter notes, consents and team rows by their supervisee's public id."""

    supervisee = django_filters.UUIDFilter(field_name="supervisee__uuid", label=_("Supervisee"))


class AccessLogFilter(django_filters.FilterSet):
    """The access log page's filters: person, record type, user, dates and purpose (the bureau reads it)."""

    person = django_filters.CharFilter(method="filter_person", label=_("Person (name or case number)"))
    object_type = django_filters.ChoiceFilter(
        choices=lambda: list(ACCESS_OBJECT_TYPES.items()), label=_("Record"), empty_label=_("Any record")
    )
    user = django_filters.CharFilter(method="filter_user", label=_("Read by (name or login)"))
    since = django_filters.DateFilter(
        method="filter_since", label=pgettext_lazy("date range", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        method="filter_until", label=pgettext_lazy("date range", "To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    purpose = django_filters.ChoiceFilter(
        choices=lambda: list(ACCESS_PURPOSES.items()),
        method="filter_purpose",
        label=_("Purpose"),
        empty_label=_("Any purpose"),
    )

    class Meta:
        model = AccessLog
        fields = ["person", "object_type", "user", "since", "until", "purpose"]

    def filter_person(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A sealed record is found by its case number only, never by the name (CPL Art. 286).
        by_name = Q(supervisee__name__icontains=value) | Q(supervisee__given_name__icontains=value)
        return queryset.filter(
            (by_name & Q(supervisee__sealed_at__isnull=True)) | Q(supervisee__case_number__icontains=value)
        )

    def filter_user(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(user__full_name__icontains=value))

    def filter_since(self, queryset, name, value):
        # Days are Beijing days (the current time zone), as the page shows the times. The first days of
        # the calendar bound nothing (their UTC instant would fall before year 1).
        if value <= dt.date.min + dt.timedelta(days=1):
            return queryset
        return queryset.filter(created_at__gte=timezone.make_aware(dt.datetime.combine(value, dt.time.min)))

    def filter_until(self, queryset, name, value):
        if value >= dt.date.max - dt.timedelta(days=1):  # the last days of the calendar bound nothing
            return queryset
        next_day = timezone.make_aware(dt.datetime.combine(value + dt.timedelta(days=1), dt.time.min))
        return queryset.filter(created_at__lt=next_day)

    def filter_purpose(self, queryset, name, value):
        # An API read carries the token's label after the purpose: "api · 对接系统".
        return queryset.filter(Q(purpose=value) | Q(purpose__startswith=f"{value} · "))
