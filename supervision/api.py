"""API of the rule book and obligations, scoped like the pages (/api/v1/supervision/...)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scoping
from coordination.policies import case_offices
from supervision import actions, policies, selectors
from supervision.models import Obligation, Rule


class IsCaseStaff(permissions.IsAuthenticated):
    """The bureau, officers and social workers."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and policies.is_case_staff(request.user)


class RuleOutput(serializers.ModelSerializer):
    value = serializers.IntegerField(read_only=True)

    class Meta:
        model = Rule
        fields = [
            "code",
            "measures_zh",
            "measures_en",
            "default_value",
            "override_value",
            "override_reason",
            "value",
            "unit",
            "law_zh",
            "law_en",
            "updated_at",
        ]


class ObligationOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    judicial_office = serializers.IntegerField(source="supervisee.judicial_office_id")

    class Meta:
        model = Obligation
        fields = [
            "id",
            "supervisee",
            "judicial_office",
            "kind",
            "rule_code",
            "due_at",
            "remind_from",
            "done_at",
            "escalation_level",
        ]


class ObligationQuery(serializers.Serializer):
    bucket = serializers.ChoiceField(choices=selectors.BUCKETS, required=False)
    office = serializers.IntegerField(required=False, min_value=1)
    open = serializers.BooleanField(required=False, default=True)


@extend_schema_view(
    list=extend_schema(summary="The rule book: legal clocks and thresholds", responses=RuleOutput(many=True)),
    retrieve=extend_schema(summary="One rule"),
)
class RuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsCaseStaff]
    serializer_class = RuleOutput
    lookup_field = "code"
    filter_backends: list = []

    def get_queryset(self):
        return selectors.rules(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Obligations of the supervisees I may see",
        parameters=[
            OpenApiParameter("bucket", str, enum=list(selectors.BUCKETS), description="overdue, today, week, upcoming"),
            OpenApiParameter("office", int, description="only this judicial office"),
            OpenApiParameter("open", bool, description="only open obligations (default true)"),
        ],
    ),
    retrieve=extend_schema(summary="One obligation"),
)
class ObligationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsCaseStaff]
    serializer_class = ObligationOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.obligations(self.request.user).order_by("due_at", "pk")
        if self.action != "list":
            return rows
        query = ObligationQuery(data=self.request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors)
        data = query.validated_data
        if data.get("open", True):
            rows = rows.filter(done_at__isnull=True)
        if "office" in data:
            if not case_offices(self.request.user).filter(pk=data["office"]).exists():
                raise ValidationError({"office": [_("Not a judicial office you may see.")]})
            rows = rows.filter(supervisee__judicial_office_id=data["office"])
        if "bucket" in data:
            rows = rows.filter(selectors.bucket_filters(timezone.now())[data["bucket"]])
        return rows

    @extend_schema(summary="Mark done", request=None, responses=ObligationOutput)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        obligation = get_object_or_404(scoping.scope(request.user, Obligation, "complete"), pk=pk)
        obligation = actions.complete_obligation(obligation=obligation, actor=request.user)
        return Response(ObligationOutput(obligation).data)
