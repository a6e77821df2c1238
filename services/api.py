"""Directory API: organisations and service offerings.

Anyone may read; bureau administrators write everything, provider staff write their own
organisation and its offerings. Writes go through ``services.actions``.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import roles, scoping
from accounts.validators import validate_safe_url
from services import actions, availability, schedule, selectors
from services.filters import OfferingFilter, OrganisationFilter
from services.models import (
    HouseholdType,
    Language,
    Location,
    Organisation,
    RiskLevel,
    SentenceType,
    ServiceCategory,
    ServiceOffering,
    Sex,
    Township,
    validate_rrule,
)

Role = roles.Role


class DirectoryPermission(permissions.BasePermission):
    """Read for everyone; write for bureau administrators and provider staff (scoped by queryset)."""

    def has_permission(self, request: Request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return roles.has_role(request.user, Role.BUREAU_ADMIN, Role.PROVIDER_STAFF)


def _as_drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    )


# --- Output ------------------------------------------------------------------------------------


class TownshipOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class CategoryOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class OrganisationSummaryOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField()
    name_en = serializers.CharField()
    kind = serializers.CharField()


class OrganisationOutput(OrganisationSummaryOutput):
    township = TownshipOutput(allow_null=True)
    parent_id = serializers.SerializerMethodField()
    description = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    website = serializers.CharField()
    is_active = serializers.BooleanField()
    updated_at = serializers.DateTimeField()

    def get_parent_id(self, org: Organisation) -> str | None:
        return str(org.parent.uuid) if org.parent_id else None


class LocationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="location.uuid")
    service_at_location_id = serializers.UUIDField(source="uuid")
    name = serializers.CharField(source="location.name")
    address = serializers.CharField(source="location.address")
    township = TownshipOutput(source="location.township")
    latitude = serializers.DecimalField(source="location.latitude", max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(source="location.longitude", max_digits=9, decimal_places=6, allow_null=True)


class EligibilityOutput(serializers.Serializer):
    household_type = serializers.CharField()
    whole_city = serializers.BooleanField()
    townships = TownshipOutput(source="service_townships", many=True)
    sex = serializers.CharField()
    min_age = serializers.IntegerField(allow_null=True)
    max_age = serializers.IntegerField(allow_null=True)
    sentence_types = serializers.ListField(child=serializers.CharField())
    risk_levels = serializers.ListField(child=serializers.CharField())
    accepts_minors = serializers.BooleanField()
    income_limit = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    description = serializers.CharField(source="eligibility_description")


class ScheduleOutput(serializers.Serializer):
    rrule = serializers.CharField(source="schedule_rrule")
    text = serializers.SerializerMethodField()
    opens_at = serializers.TimeField(allow_null=True)
    closes_at = serializers.TimeField(allow_null=True)
    description = serializers.CharField(source="schedule_description")

    def get_text(self, offering: ServiceOffering) -> str:
        return schedule.describe_rule(offering.schedule_rrule)


class OfferingOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField()
    description = serializers.CharField()
    organisation = OrganisationSummaryOutput()
    category = CategoryOutput()
    capacity = serializers.IntegerField()
    places_taken = serializers.IntegerField()
    vacancies = serializers.IntegerField()
    eligibility = EligibilityOutput(source="*")
    schedule = ScheduleOutput(source="*")
    locations = LocationOutput(source="at_locations", many=True)
    languages = serializers.ListField(child=serializers.CharField())
    is_free = serializers.BooleanField()
    cost_description = serializers.CharField()
    application_process = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    contact_email = serializers.CharField()
    is_active = serializers.BooleanField()
    updated_at = serializers.DateTimeField()
    availability = serializers.ChoiceField(
        choices=availability.Availability.choices,
        read_only=True,
        help_text="For the public instead of capacity, places_taken and vacancies.",
    )

    def to_representation(self, offering: ServiceOffering) -> dict:
        data = super().to_representation(offering)
        request = self.context.get("request")
        if request is None or not roles.is_staff_member(request.user):
            return availability.public_representation(data, offering.vacancies)
        return data


# --- Input -------------------------------------------------------------------------------------


class ChoiceList(serializers.MultipleChoiceField):
    """A list of codes; stored sorted for stable output."""

    def to_internal_value(self, data):
        return sorted(super().to_internal_value(data))


class OfferingInput(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="uuid", queryset=Organisation.objects.none())
    category = serializers.SlugRelatedField(slug_field="code", queryset=ServiceCategory.objects.filter(is_active=True))
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=0, max_value=100_000)
    is_active = serializers.BooleanField(required=False)
    household_type = serializers.ChoiceField(choices=HouseholdType.choices, required=False, allow_blank=True)
    whole_city = serializers.BooleanField(required=False)
    service_townships = serializers.SlugRelatedField(
        slug_field="code", queryset=Township.objects.all(), many=True, required=False
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    min_age = serializers.IntegerField(min_value=0, max_value=150, required=False, allow_null=True)
    max_age = serializers.IntegerField(min_value=0, max_value=150, required=False, allow_null=True)
    sentence_types = ChoiceList(choices=SentenceType.choices, required=False)
    risk_levels = ChoiceList(choices=RiskLevel.choices, required=False)
    accepts_minors = serializers.BooleanField(required=False)
    income_limit = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    languages = ChoiceList(choices=Language.choices, required=False)
    eligibility_description = serializers.CharField(required=False, allow_blank=True)
    application_process = serializers.CharField(required=False, allow_blank=True)
    schedule_rrule = serializers.CharField(required=False, allow_blank=True, validators=[validate_rrule])
    opens_at = serializers.TimeField(required=False, allow_null=True)
    closes_at = serializers.TimeField(required=False, allow_null=True)
    schedule_description = serializers.CharField(max_length=255, required=False, allow_blank=True)
    locations = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Location.objects.none(), many=True, required=False
    )
    is_free = serializers.BooleanField(required=False)
    cost_description = serializers.CharField(max_length=255, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, write_only=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # schema generation
            return
        user = request.user
        self.fields["organisation"].queryset = scoping.scope(user, Organisation, "manage").filter(is_active=True)
        self.fields["locations"].child_relation.queryset = scoping.scope(user, Location, "attach")
        if self.instance is not None:
            # An offering stays with its organisation.
            self.fields["organisation"].required = False
            self.fields["organisation"].read_only = True

    def validate(self, attrs):
        def value(name):
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        errors = {}
        min_age, max_age = value("min_age"), value("max_age")
        if min_age is not None and max_age is not None and min_age > max_age:
            errors["max_age"] = _("The maximum age must not be below the minimum age.")
        opens_at, closes_at = value("opens_at"), value("closes_at")
        if (opens_at is None) != (closes_at is None):
            errors["closes_at"] = _("Give both the opening and the closing time, or neither.")
        elif opens_at and closes_at and opens_at >= closes_at:
            errors["closes_at"] = _("The closing time must be after the opening time.")
        organisation = value("organisation")
        name = value("name")
        if organisation and name:
            clash = ServiceOffering.objects.filter(organisation=organisation, name=name)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                errors["name"] = _("This organisation already has an offering with this name.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class CapacityInput(serializers.Serializer):
    capacity = serializers.IntegerField(min_value=0, max_value=100_000)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)


class OrganisationInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
    township = serializers.SlugRelatedField(
        slug_field="code", queryset=Township.objects.all(), required=False, allow_null=True
    )
    parent = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True, validators=[validate_safe_url])
    is_active = serializers.BooleanField(required=False)

    # Deactivating (is_active false) goes through actions.deactivate_organisation: say what happens to the
    # open referrals and why (the same fields as POST …/deactivate/).
    open_referrals = serializers.ChoiceField(choices=list(actions.Disposition.ALL), required=False, write_only=True)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, write_only=True)
    reassign = serializers.DictField(
        child=serializers.UUIDField(),
        required=False,
        write_only=True,
        help_text="for open_referrals=reassign: {offering id (uuid) of this organisation: another offering id}",
    )

    BUREAU_ONLY = ("name", "kind", "parent", "is_active")

    def validate(self, attrs):
        user = self.context["request"].user
        if not roles.is_bureau_admin(user):
            refused = {
                name: _("Only the justice bureau can change this.")
                for name in self.BUREAU_ONLY
                if name in attrs and attrs[name] != getattr(self.instance, name, None)
            }
            if refused:
                raise serializers.ValidationError(refused)
        name = attrs.get("name")
        if name:
            clash = Organisation.objects.filter(name=name)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise serializers.ValidationError({"name": _("An organisation with this name already exists.")})
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        township = attrs["township"] if "township" in attrs else getattr(self.instance, "township", None)
        if kind == Organisation.Kind.JUDICIAL_OFFICE and township is None:
            raise serializers.ValidationError({"township": _("A judicial office belongs to a township.")})
        return attrs


# --- Views -------------------------------------------------------------------------------------

OFFERING_ORDERING = ["name", "capacity", "vacancy_count", "created_at", "updated_at"]


@extend_schema_view(
    list=extend_schema(summary="List public service offerings", responses=OfferingOutput(many=True)),
    retrieve=extend_schema(summary="One public service offering", responses=OfferingOutput),
    create=extend_schema(summary="Create an offering", request=OfferingInput, responses={201: OfferingOutput}),
    partial_update=extend_schema(summary="Change an offering", request=OfferingInput, responses=OfferingOutput),
    destroy=extend_schema(summary="Delete an offering (bureau only)", responses={204: None}),
)
class OfferingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Service offerings of the directory (`/api/v1/services/`)."""

    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    lookup_value_converter = "uuid"
    permission_classes = [DirectoryPermission]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = OfferingFilter
    ordering_fields = OFFERING_ORDERING
    serializer_class = OfferingOutput
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if self.request.method in permissions.SAFE_METHODS:
            queryset = selectors.public_offering_list()
        else:
            queryset = selectors.with_offering_details(scoping.scope(self.request.user, ServiceOffering, "manage"))
        return queryset.annotate(vacancy_count=F("capacity") - F("places_taken"))

    def _save(self, request: Request, offering: ServiceOffering, *, partial: bool) -> ServiceOffering:
        serializer = OfferingInput(
            instance=offering if offering.pk else None, data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        townships = data.pop("service_townships", None)
        locations = data.pop("locations", None)
        capacity = data.pop("capacity", offering.capacity)
        note = data.pop("note", "")
        for name, value in data.items():
            setattr(offering, name, value)
        try:
            actions.save_offering(
                offering=offering,
                capacity=capacity,
                user=request.user,
                service_townships=townships,
                locations=locations,
                note=note,
            )
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc
        return selectors.with_offering_details(ServiceOffering.objects.all()).get(pk=offering.pk)

    def create(self, request: Request) -> Response:
        offering = self._save(request, ServiceOffering(), partial=False)
        return Response(OfferingOutput(offering, context={"request": request}).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, id=None) -> Response:
        offering = self._save(request, self.get_object(), partial=True)
        return Response(OfferingOutput(offering, context={"request": request}).data)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        if not roles.is_bureau_admin(request.user):
            self.permission_denied(
                request, message=_("Only the justice bureau deletes offerings; deactivate it instead.")
            )
        return super().destroy(request, *args, **kwargs)

    @extend_schema(summary="Publish a new capacity", request=CapacityInput, responses=OfferingOutput)
    @action(detail=True, methods=["post"])
    def capacity(self, request: Request, id=None) -> Response:
        offering = self.get_object()
        serializer = CapacityInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            actions.publish_capacity(
                offering=offering,
                capacity=serializer.validated_data["capacity"],
                user=request.user,
                note=serializer.validated_data.get("note", ""),
            )
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc
        offering = selectors.with_offering_details(ServiceOffering.objects.all()).get(pk=offering.pk)
        return Response(OfferingOutput(offering, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(summary="List active organisations", responses=OrganisationOutput(many=True)),
    retrieve=extend_schema(summary="One active organisation", responses=OrganisationOutput),
    create=extend_schema(
        summary="Create an organisation (bureau only)", request=OrganisationInput, responses={201: OrganisationOutput}
    ),
    partial_update=extend_schema(
        summary="Change an organisation", request=OrganisationInput, responses=OrganisationOutput
    ),
)
class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Organisations of the directory (`/api/v1/organisations/`)."""

    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    lookup_value_converter = "uuid"
    permission_classes = [DirectoryPermission]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "kind", "updated_at"]
    serializer_class = OrganisationOutput
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.request.method in permissions.SAFE_METHODS:
            return selectors.public_organisation_list()
        return scoping.scope(self.request.user, Organisation, "manage").select_related("township", "parent")

    def _save(self, request: Request, org: Organisation, *, partial: bool) -> Organisation:
        serializer = OrganisationInput(
            instance=org if org.pk else None, data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        deactivation = {k: data.pop(k) for k in ("open_referrals", "reason", "reassign") if k in data}
        deactivate = org.pk is not None and org.is_active and data.get("is_active") is False
        if deactivate:
            data.pop("is_active")
        for name, value in data.items():
            setattr(org, name, value)
        try:
            with transaction.atomic():
                actions.save_organisation(organisation=org)
                if deactivate:
                    self._deactivate(request, org, deactivation)
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc
        return Organisation.objects.select_related("township", "parent").get(pk=org.pk)

    def _deactivate(self, request: Request, org: Organisation, data: dict) -> None:
        reassign = {}
        if data.get("reassign"):
            refused = serializers.ValidationError(
                {"reassign": [_("Choose an active service of the same category at another organisation.")]}
            )
            try:
                pairs = {uuid.UUID(str(k)): v for k, v in data["reassign"].items()}
            except ValueError as exc:
                raise refused from exc
            found = {
                o.uuid: o
                for o in ServiceOffering.objects.filter(uuid__in=[*pairs, *pairs.values()]).select_related(
                    "organisation"
                )
            }
            for key, target in pairs.items():
                source, chosen = found.get(key), found.get(target)
                if source is None or source.organisation_id != org.pk or chosen is None:
                    raise refused
                reassign[source.pk] = chosen
        actions.deactivate_organisation(
            organisation=org,
            actor=request.user,
            disposition=data.get("open_referrals", ""),
            reason=data.get("reason", ""),
            reassign_to=reassign,
        )

    @extend_schema(
        summary="Deactivate a provider (bureau only)", request=OrganisationInput, responses=OrganisationOutput
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, id=None) -> Response:
        if not roles.is_bureau_admin(request.user):
            self.permission_denied(request, message=_("Only the justice bureau can change this."))
        org = self.get_object()
        serializer = OrganisationInput(instance=org, data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                self._deactivate(request, org, dict(serializer.validated_data))
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc
        return Response(
            OrganisationOutput(Organisation.objects.select_related("township", "parent").get(pk=org.pk)).data
        )

    def create(self, request: Request) -> Response:
        if not roles.is_bureau_admin(request.user):
            self.permission_denied(request, message=_("Only the justice bureau adds organisations."))
        org = self._save(request, Organisation(), partial=False)
        return Response(OrganisationOutput(org).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, id=None) -> Response:
        org = self._save(request, self.get_object(), partial=True)
        return Response(OrganisationOutput(org).data)
