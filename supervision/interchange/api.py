"""The interchange API: a person's case package, and the import of one (errors keyed by JSON path)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import scoping
from coordination.models import Supervisee
from services.models import Organisation
from supervision.api import IsCaseStaff
from supervision.interchange import actions
from supervision.interchange.models import ImportedCase
from supervision.interchange.package import PackageRefused


def _errors_by_path(errors: list[dict[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in errors:
        out.setdefault(error["path"] or "/", []).append(error["message"])
    return out


class PackageView(APIView):
    """``GET supervision/supervisees/<uuid>/package/``: the case package (docs/interchange.md)."""

    permission_classes = [IsCaseStaff]

    @extend_schema(summary="A person's case package for another deployment", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, uuid: str) -> Response:
        try:
            supervisee = scoping.scope(request.user, Supervisee).get(uuid=uuid)
        except (Supervisee.DoesNotExist, DjangoValidationError):
            raise Http404 from None
        return Response(actions.export_case(supervisee=supervisee, actor=request.user))


class ImportInput(serializers.Serializer):
    judicial_office = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE),
        help_text=_("The receiving judicial office."),
    )
    package = serializers.JSONField(help_text=_("The case package (schema/case-v1.json)."))


class ImportOutput(serializers.ModelSerializer):
    uuid = serializers.UUIDField(source="supervisee.uuid", read_only=True)
    case_number = serializers.CharField(source="supervisee.case_number", read_only=True)

    class Meta:
        model = ImportedCase
        fields = ["id", "source_deployment", "source_case_id", "source_case_number", "uuid", "case_number", "at"]


class ImportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Cases imported from other deployments (the bureau: all; an officer: into their office)."""

    permission_classes = [IsCaseStaff]
    serializer_class = ImportOutput
    filter_backends: list = []

    def get_queryset(self):
        return scoping.scope(self.request.user, ImportedCase).select_related("supervisee").order_by("-at", "-pk")

    @extend_schema(summary="Import a case package into a judicial office", request=ImportInput, responses=ImportOutput)
    def create(self, request: Request) -> Response:
        serializer = ImportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            supervisee = actions.import_case(
                data=serializer.validated_data["package"],
                actor=request.user,
                judicial_office=serializer.validated_data["judicial_office"],
            )
        except PackageRefused as refused:
            return Response({"errors": _errors_by_path(refused.errors)}, status=400)
        return Response(ImportOutput(supervisee.imported_from).data, status=201)
