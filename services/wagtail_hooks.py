"""The directory in the Wagtail admin: organisations, offerings, locations, capacity log, categories.

Bureau administrators manage everything; provider staff see and edit only their own
organisation's offerings and locations (querysets from the directory's policies, ``accounts.scoping.scope``), so a
crafted URL for another organisation's offering gives 404. Offering saves and capacity
changes go through ``services.actions``.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from wagtail import hooks
from wagtail.admin.active_filters import BaseFilterAdapter, register_filter_adapter_class
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts import roles, scoping
from accounts.validators import validate_safe_url
from services import actions
from services.models import CapacityChange, Location, Organisation, ServiceCategory, ServiceOffering


class ScopedObjectMixin:
    """Detail views load only objects from the viewset's scoped queryset (else 404)."""

    scope = None  # a function (user) -> QuerySet, set by the viewset

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not type(self).scope(self.request.user).filter(pk=obj.pk).exists():
            raise Http404
        return obj


class ScopedIndexView(generic.IndexView):
    scope = None

    def get_base_queryset(self):
        return type(self).scope(self.request.user)


def scoped_views(scope, *, index_queryset=None):
    """View classes for a viewset whose rows are limited by ``scope(user)``."""
    index_scope = index_queryset or scope
    return {
        "index_view_class": type("ScopedIndex", (ScopedIndexView,), {"scope": staticmethod(index_scope)}),
        "edit_view_class": type("ScopedEdit", (ScopedObjectMixin, generic.EditView), {"scope": staticmethod(scope)}),
        "delete_view_class": type(
            "ScopedDelete", (ScopedObjectMixin, generic.DeleteView), {"scope": staticmethod(scope)}
        ),
        "history_view_class": type(
            "ScopedHistory", (ScopedObjectMixin, history.HistoryView), {"scope": staticmethod(scope)}
        ),
        "usage_view_class": type("ScopedUsage", (ScopedObjectMixin, usage.UsageView), {"scope": staticmethod(scope)}),
    }


# --- Offerings ---------------------------------------------------------------------------------


class OfferingAdminForm(WagtailAdminModelForm):
    capacity_note = forms.CharField(
        label=_("Note on the capacity change"),
        required=False,
        max_length=255,
        help_text=_("Recorded with the new capacity in the capacity log."),
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None:
            if "organisation" in self.fields:
                self.fields["organisation"].queryset = scoping.scope(for_user, Organisation, "manage").filter(
                    kind__in=Organisation.PROVIDER_KINDS
                )
                if self.instance.pk:
                    self.fields["organisation"].disabled = True
            if "locations" in self.fields:
                self.fields["locations"].queryset = scoping.scope(for_user, Location, "attach").select_related(
                    "township"
                )
        if "capacity" in self.fields:
            self.fields["capacity"].help_text = _(
                "Places in all. %(taken)d taken now; the capacity cannot go below that."
            ) % {"taken": self.instance.places_taken}

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            taken = ServiceOffering.objects.values_list("places_taken", flat=True).get(pk=self.instance.pk)
            if capacity is not None and capacity < taken:
                raise ValidationError(
                    _(
                        "Capacity cannot be set below the %(taken)d places already taken; "
                        "close or withdraw referrals first."
                    )
                    % {"taken": taken}
                )
        return capacity


def _offering_scope(user):
    return scoping.scope(user, ServiceOffering, "manage")


def _offering_index(user):
    return (
        scoping.scope(user, ServiceOffering, "manage")
        .select_related("organisation", "category")
        .annotate(vacancy_count=F("capacity") - F("places_taken"))
    )


class OfferingSaveMixin:
    """Create and edit offerings through ``actions.save_offering`` (capacity via publish_capacity)."""

    def save_instance(self):
        form = self.form
        is_new = form.instance.pk is None
        offering = form.save(commit=False)
        actions.save_offering(
            offering=offering,
            capacity=form.cleaned_data["capacity"],
            user=self.request.user,
            service_townships=form.cleaned_data.get("service_townships"),
            locations=form.cleaned_data.get("locations"),
            note=form.cleaned_data.get("capacity_note", ""),
        )
        log(instance=offering, action="wagtail.create" if is_new else "wagtail.edit", user=self.request.user)
        return offering

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            # Lost a race with a referral taking a place after the form was checked.
            form.add_error(None, exc)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class YesNoColumn(Column):
    """A true/false field shown as 是/否 (yes/no), not Python's "True"."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return pgettext("yes or no", "yes") if value else pgettext("yes or no", "no")


class YesNoFilterAdapter(BaseFilterAdapter):
    """An active true/false filter chip reads 是/否 (yes/no), not "有效: True"."""

    def get_active_filters(self):
        for active in super().get_active_filters():
            yield active._replace(value=pgettext("yes or no", "yes") if self.value else pgettext("yes or no", "no"))


# Every admin listing's boolean filters (offerings, organisations, categories, ...).
register_filter_adapter_class(django_filters.BooleanFilter, YesNoFilterAdapter)


class OfferingViewSet(ModelViewSet):
    name = "directory_offerings"
    url_prefix = "directory/offerings"
    model = ServiceOffering
    icon = "list-ul"
    menu_label = _("Service offerings")
    menu_order = 100
    copy_view_enabled = False
    list_display = [
        "name",
        "organisation",
        "category",
        Column("capacity", label=_("capacity (places)"), sort_key="capacity"),
        Column("vacancies", label=_("free places"), sort_key="vacancy_count"),
        "is_active",
    ]
    list_filter = ["category", "is_active", "whole_city", "is_free", "accepts_minors", "organisation__kind"]
    search_fields = ["name", "description", "organisation__name"]
    search_backend_name = None
    ordering = ["organisation__name", "name"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("organisation"),
                    FieldPanel("category"),
                    FieldPanel("name"),
                    FieldPanel("description"),
                    FieldRowPanel([FieldPanel("capacity"), FieldPanel("capacity_note")]),
                    FieldPanel("is_active"),
                ],
                heading=_("Service"),
            ),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("household_type"), FieldPanel("sex")]),
                    FieldRowPanel([FieldPanel("min_age"), FieldPanel("max_age"), FieldPanel("accepts_minors")]),
                    FieldPanel("whole_city"),
                    FieldPanel("service_townships", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("sentence_types"),
                    FieldPanel("risk_levels"),
                    FieldPanel("income_limit"),
                    FieldPanel("languages"),
                    FieldPanel("eligibility_description"),
                    FieldPanel("application_process"),
                ],
                heading=_("Eligibility"),
            ),
            ObjectList(
                [
                    FieldPanel("schedule_rrule"),
                    FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                    FieldPanel("schedule_description"),
                    FieldPanel("locations", widget=forms.CheckboxSelectMultiple),
                    MultiFieldPanel([FieldPanel("is_free"), FieldPanel("cost_description")], heading=_("Cost")),
                    MultiFieldPanel(
                        [FieldPanel("contact_name"), FieldPanel("contact_phone"), FieldPanel("contact_email")],
                        heading=_("Contact"),
                    ),
                ],
                heading=_("Schedule, place and contact"),
            ),
        ],
        base_form_class=OfferingAdminForm,
    )

    def __init__(self, *args, **kwargs):
        views = scoped_views(_offering_scope, index_queryset=_offering_index)
        views["edit_view_class"] = type("OfferingEdit", (OfferingSaveMixin, views["edit_view_class"]), {})
        views["add_view_class"] = type("OfferingCreate", (OfferingSaveMixin, generic.CreateView), {})
        for name, cls in views.items():
            setattr(self, name, cls)
        super().__init__(*args, **kwargs)


# --- Organisations, locations, categories, capacity log ----------------------------------------


class OrganisationAdminForm(WagtailAdminModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https", validators=[validate_safe_url])

    def clean_is_active(self):
        """Deactivating asks what happens to the open referrals: that is the bureau's deactivation page."""
        value = self.cleaned_data.get("is_active")
        if self.instance.pk and self.instance.is_active and value is False:
            from django.urls import reverse

            url = reverse("provider-deactivate", kwargs={"uuid": self.instance.uuid})
            raise forms.ValidationError(
                _(
                    "Deactivate the organisation on its deactivation page (%(url)s): it asks what happens to its open referrals."
                )
                % {"url": url}
            )
        return value


class OrganisationViewSet(ModelViewSet):
    name = "directory_organisations"
    url_prefix = "directory/organisations"
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 200
    copy_view_enabled = False
    list_display = ["name", "kind", "township", YesNoColumn("is_active", label=_("active"), sort_key="is_active")]
    list_filter = ["kind", "township", "is_active"]
    search_fields = ["name", "name_en", "description"]
    search_backend_name = None
    form_fields = [
        "name",
        "name_en",
        "kind",
        "township",
        "parent",
        "description",
        "address",
        "phone",
        "email",
        "website",
        "is_active",
    ]

    def get_form_class(self, for_update=False):
        from django.forms import modelform_factory

        return modelform_factory(Organisation, form=OrganisationAdminForm, fields=self.form_fields)

    def __init__(self, *args, **kwargs):
        for name, cls in scoped_views(
            lambda user: scoping.scope(user, Organisation, "manage"),
            index_queryset=lambda user: scoping.scope(user, Organisation, "manage").select_related("township"),
        ).items():
            setattr(self, name, cls)
        super().__init__(*args, **kwargs)


class LocationAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "organisation" in self.fields and not roles.is_bureau_admin(for_user):
            self.fields["organisation"].queryset = scoping.scope(for_user, Organisation, "manage")
            self.fields["organisation"].required = True


class LocationViewSet(ModelViewSet):
    name = "directory_locations"
    url_prefix = "directory/locations"
    model = Location
    icon = "site"
    menu_label = _("Locations")
    menu_order = 300
    copy_view_enabled = False
    list_display = ["name", "address", "township", "organisation"]
    list_filter = ["township"]
    search_fields = ["name", "address"]
    search_backend_name = None
    form_fields = ["organisation", "name", "address", "township", "latitude", "longitude", "transportation"]

    def get_form_class(self, for_update=False):
        from django.forms import modelform_factory

        return modelform_factory(Location, form=LocationAdminForm, fields=self.form_fields)

    def __init__(self, *args, **kwargs):
        for name, cls in scoped_views(
            lambda user: scoping.scope(user, Location, "manage"),
            index_queryset=lambda user: scoping.scope(user, Location, "manage").select_related(
                "township", "organisation"
            ),
        ).items():
            setattr(self, name, cls)
        super().__init__(*args, **kwargs)


class CategoryViewSet(ModelViewSet):
    name = "directory_categories"
    url_prefix = "directory/categories"
    model = ServiceCategory
    icon = "tag"
    menu_label = _("Service categories")
    menu_order = 400
    copy_view_enabled = False
    list_display = [
        "name",
        "name_en",
        "code",
        "sort_order",
        YesNoColumn("is_active", label=_("active"), sort_key="is_active"),
    ]
    search_fields = ["name", "name_en", "code"]
    search_backend_name = None
    form_fields = ["name", "name_en", "code", "description", "sort_order", "is_active"]


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Only the view permission counts: the capacity log is written by publish_capacity alone."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")


register_permission_policy(CapacityChange, ReadOnlyPolicy(CapacityChange))


def _capacity_log(user):
    return scoping.scope(user, CapacityChange).select_related("offering", "offering__organisation", "changed_by")


class CapacityChangeViewSet(ModelViewSet):
    name = "directory_capacity_log"
    url_prefix = "directory/capacity-log"
    model = CapacityChange
    icon = "history"
    menu_label = _("Capacity log")
    menu_order = 500
    copy_view_enabled = False
    list_display = ["offering", "old_capacity", "new_capacity", "places_taken", "changed_by", "changed_at", "note"]
    list_filter = ["changed_at"]
    search_fields = ["offering__name", "note"]
    search_backend_name = None
    form_fields = ["note"]
    ordering = ["-changed_at", "-pk"]

    def __init__(self, *args, **kwargs):
        for name, cls in scoped_views(_capacity_log).items():
            setattr(self, name, cls)
        super().__init__(*args, **kwargs)


class DirectoryGroup(ModelViewSetGroup):
    menu_label = _("Service directory")
    menu_icon = "list-ul"
    menu_order = 250
    items = (OfferingViewSet, OrganisationViewSet, LocationViewSet, CategoryViewSet, CapacityChangeViewSet)


@hooks.register("register_admin_viewset")
def register_directory_viewsets():
    return DirectoryGroup()
