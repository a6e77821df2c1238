"""Staff API of the case archive (/api/v1/archive/): the archives (list, detail with each volume's table of
contents), the disposal of a due volume, and the bureau's yearly retention report; scoped like the pages."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import scoping
from archive import actions, selectors
from archive.models import ArchiveVolume, CaseArchive, DisposalRecord, VolumeKind
from archive.policies import may_use_archive
from config.api_fields import query_int


class MayUseArchive(permissions.IsAuthenticated):
    """The bureau and judicial-office officers."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_use_archive(request.user)


class DisposalOutput(serializers.ModelSerializer):
    disposed_by = serializers.StringRelatedField()

    class Meta:
        model = DisposalRecord
        fields = ["case_number", "kind", "due_on", "counts", "files_removed", "reason", "disposed_by", "disposed_at"]


class VolumeOutput(serializers.ModelSerializer):
    disposal = serializers.SerializerMethodField()

    class Meta:
        model = ArchiveVolume
        fields = ["kind", "rule_code", "due_on", "disposed_at", "disposal"]

    def get_disposal(self, obj: ArchiveVolume) -> dict | None:
        record = getattr(obj, "disposal", None) if obj.disposed_at else None
        return DisposalOutput(record).data if record else None


class EntryOutput(serializers.Serializer):
    on = serializers.DateField()
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()


class ArchiveOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    name = serializers.CharField(source="supervisee.name")
    office = serializers.CharField(source="office.name")
    closed_by = serializers.StringRelatedField()
    volumes = VolumeOutput(many=True)

    class Meta:
        model = CaseArchive
        fields = [
            "uuid",
            "case_number",
            "supervisee",
            "name",
            "office",
            "ending",
            "closed_on",
            "closed_at",
            "closed_by",
            "volumes",
        ]


class ArchiveDetailOutput(ArchiveOutput):
    contents = serializers.SerializerMethodField()

    class Meta(ArchiveOutput.Meta):
        fields = [*ArchiveOutput.Meta.fields, "contents"]

    def get_contents(self, obj: CaseArchive) -> dict[str, list[dict]]:
        toc = selectors.contents(self.context["request"].user, obj)
        return {kind: EntryOutput(entries, many=True).data for kind, entries in toc.items()}


class DisposeInput(serializers.Serializer):
    volume = serializers.ChoiceField(choices=VolumeKind.choices)
    reason = serializers.CharField(max_length=2000)


class ArchiveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [MayUseArchive]
    serializer_class = ArchiveOutput
    lookup_field = "uuid"

    def get_serializer_class(self):
        return ArchiveDetailOutput if self.action == "retrieve" else ArchiveOutput

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="name or case number"),
            OpenApiParameter("office", int),
            OpenApiParameter("year", int, description="year closed"),
            OpenApiParameter("state", str, enum=list(selectors.STATES)),
            OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        if self.action != "list":
            return selectors.archives_for(self.request.user)
        return selectors.listing(
            self.request.user,
            q=params.get("q", "")[:50],
            office_id=query_int(params.get("office", "")),
            state=params.get("state", ""),
            year=query_int(params.get("year", ""), low=1, high=9999),
            sort=params.get("sort", "closed"),
        )

    @extend_schema(
        summary="Dispose of a volume whose retention ended (bureau; the disposal record stays)",
        request=DisposeInput,
        responses=DisposalOutput,
    )
    @action(detail=True, methods=["post"])
    def dispose(self, request: Request, uuid: str) -> Response:
        if not scoping.policy_for(ArchiveVolume).can(request.user, "dispose"):
            raise PermissionDenied
        # The volumes whose retention the user keeps: a sealed record's too, its contents still unread.
        retained = scoping.scope(request.user, ArchiveVolume, "retain").filter(archive__uuid=uuid)
        if not retained.exists():
            raise NotFound
        serializer = DisposeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        volume = retained.filter(kind=serializer.validated_data["volume"]).first()
        if volume is None:
            raise NotFound
        record = actions.dispose(volume=volume, actor=request.user, reason=serializer.validated_data["reason"])
        return Response(DisposalOutput(record).data, status=201)


class RetentionRowOutput(serializers.ModelSerializer):
    office = serializers.CharField(source="archive.office.name")
    archive = serializers.UUIDField(source="archive.uuid")
    case_number = serializers.CharField(source="archive.case_number")
    name = serializers.SerializerMethodField()

    class Meta:
        model = ArchiveVolume
        fields = ["office", "archive", "case_number", "name", "kind", "due_on", "disposed_at", "sealed"]

    sealed = serializers.SerializerMethodField()

    def get_name(self, obj: ArchiveVolume) -> str:
        """The person's name; empty for a sealed record (CPL Art. 286), which is listed by case number only."""
        return "" if obj.archive.supervisee.sealed_at else obj.archive.supervisee.name

    def get_sealed(self, obj: ArchiveVolume) -> bool:
        return obj.archive.supervisee.sealed_at is not None


class RetentionView(APIView):
    """The volumes whose retention ends in a year (?year=, this year by default), per office: the bureau only."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=RetentionRowOutput(many=True))
    def get(self, request: Request) -> Response:
        if not scoping.policy_for(CaseArchive).can(request.user, "report"):
            raise PermissionDenied
        year = query_int(request.query_params.get("year", ""), low=1, high=9999) or timezone.localdate().year
        return Response(RetentionRowOutput(selectors.retention(request.user, year=year), many=True).data)
