"""API of the sealed juvenile records (bureau administrators only): the same rules and messages as the pages."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scoping
from coordination.identity import lookup_hash
from coordination.models import SealedRecordOpening, Supervisee
from supervision.sealing import actions, selectors
from supervision.sealing.forms import MonthForm, OpenSealedForm


class MayOpenSealed(permissions.IsAuthenticated):
    """Bureau administrators (the only ones who may open a sealed record)."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and scoping.can(request.user, "open", SealedRecordOpening)


class SealedRecordOutput(serializers.ModelSerializer):
    judicial_office = serializers.CharField(source="judicial_office.name", read_only=True)

    class Meta:
        model = Supervisee
        fields = ["uuid", "case_number", "judicial_office", "sealed_at"]


class OpenInput(serializers.Serializer):
    organ = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=_("Requesting judicial organ")
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    purpose = serializers.CharField(required=False, allow_blank=True)


class OpeningOutput(serializers.ModelSerializer):
    case_number = serializers.CharField(source="supervisee.case_number", read_only=True)
    supervisee = serializers.UUIDField(source="supervisee.uuid", read_only=True)
    opened_by = serializers.CharField(source="opened_by.username", read_only=True)
    reads = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = SealedRecordOpening
        fields = [
            "id",
            "supervisee",
            "case_number",
            "opened_by",
            "organ",
            "reference",
            "purpose",
            "opened_at",
            "expires_at",
            "reads",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="Sealed juvenile records (case number only), for a bureau administrator",
        parameters=[OpenApiParameter("q", str, description="exact case number or resident ID number")],
    ),
)
class SealedRecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [MayOpenSealed]
    serializer_class = SealedRecordOutput
    lookup_field = "uuid"
    filter_backends: list = []

    def get_queryset(self):
        rows = actions.sealed_records(self.request.user).order_by("-sealed_at", "pk")
        query = (self.request.query_params.get("q") or "").strip()[:30]
        if query and self.action == "list":
            rows = rows.filter(Q(case_number=query) | Q(resident_id_hash=lookup_hash(query)))
        return rows

    @extend_schema(
        summary="Open a sealed record for a judicial organ's case-handling request",
        request=OpenInput,
        responses=OpeningOutput,
    )
    @action(detail=True, methods=["post"], url_path="open")
    def open_record(self, request: Request, uuid: str) -> Response:
        supervisee = get_object_or_404(self.get_queryset(), uuid=uuid)
        data = OpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        form = OpenSealedForm(data.validated_data)
        form.is_valid()
        opening = actions.open_sealed(supervisee=supervisee, actor=request.user, path=request.path, **form.cleaned_data)
        return Response(OpeningOutput(opening).data, status=201)


@extend_schema_view(
    list=extend_schema(
        summary="Openings of sealed records in a month (the monthly report)",
        parameters=[OpenApiParameter("month", str, description="YYYY-MM; this month when absent")],
    ),
)
class SealedOpeningViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [MayOpenSealed]
    serializer_class = OpeningOutput
    filter_backends: list = []
    queryset = SealedRecordOpening.objects.none()  # for the schema only; reads go through scope()

    def get_queryset(self):
        form = MonthForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        return selectors.openings_in_month(self.request.user, form.cleaned_data["month"])
