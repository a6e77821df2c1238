"""Staff API of the document register (/api/v1/records/documents/): list and detail, scoped like the pages;
void and scan upload through the actions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scoping
from accounts.attachments import AttachmentField
from config.api_fields import query_int
from records import actions, selectors
from records.models import IssuedDocument
from records.views import may_use_register


class MayUseRegister(permissions.IsAuthenticated):
    """The bureau and judicial-office officers."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_use_register(request.user)


class IssuedDocumentOutput(serializers.ModelSerializer):
    office = serializers.CharField(source="office.name")
    supervisee = serializers.UUIDField(source="supervisee.uuid", allow_null=True, default=None)
    issued_by = serializers.StringRelatedField()
    voided_by = serializers.StringRelatedField()
    has_scan = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = [
            "uuid",
            "number",
            "kind",
            "office",
            "year",
            "sequence",
            "supervisee",
            "sha256",
            "issued_by",
            "issued_at",
            "voided_at",
            "voided_by",
            "void_reason",
            "has_scan",
        ]

    def get_has_scan(self, obj: IssuedDocument) -> bool:
        return bool(obj.scan)


class DocumentVoidInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DocumentScanInput(serializers.Serializer):
    file = serializers.FileField()

    def validate_file(self, value):
        return AttachmentField().clean(value)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [MayUseRegister]
    serializer_class = IssuedDocumentOutput
    lookup_field = "uuid"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        rows = selectors.register(
            self.request.user,
            kind=self.request.query_params.get("kind", ""),
            state=self.request.query_params.get("state", ""),
            q=self.request.query_params.get("q", "")[:50],
        )
        year = self.request.query_params.get("year", "")
        year = query_int(year, low=1, high=9999)
        return rows if year is None else rows.filter(year=year)

    def _writable(self, verb: str) -> IssuedDocument:
        document = self.get_object()
        if not scoping.policy_for(IssuedDocument).can(self.request.user, verb, document):
            raise PermissionDenied
        return document

    @extend_schema(summary="Void a document with a reason (it stays in the register)", request=DocumentVoidInput)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, uuid: str) -> Response:
        data = _valid(DocumentVoidInput, request.data)
        document = actions.void(document=self._writable("void"), actor=request.user, reason=data["reason"])
        return Response(IssuedDocumentOutput(document).data)

    @extend_schema(summary="Upload the signed and stamped scan (once)", request=DocumentScanInput)
    @action(detail=True, methods=["post"])
    def scan(self, request: Request, uuid: str) -> Response:
        data = _valid(DocumentScanInput, request.data)
        document = actions.upload_scan(document=self._writable("scan"), actor=request.user, file=data["file"])
        return Response(IssuedDocumentOutput(document).data)

    @extend_schema(
        summary="Issue the corrected document of a void one, from the same decision (a new number)", request=None
    )
    @action(detail=True, methods=["post"])
    def reissue(self, request: Request, uuid: str) -> Response:
        replacement = actions.reissue(document=self._writable("reissue"), actor=request.user, request=request)
        return Response(IssuedDocumentOutput(replacement).data, status=201)
