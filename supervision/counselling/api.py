"""API of counselling (/api/v1/supervision/...): sessions (the notes only for the counsellor's organisation)
and psychological assessments, scoped and logged like the pages; serializers parse, the actions decide."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from coordination.models import TEXT_MAX_LENGTH, Supervisee
from supervision.counselling import actions, policies, selectors
from supervision.counselling.models import CounsellingSession, PsychAssessment
from supervision.policies import is_case_staff
from supervision.reporting.api import filtered_by_supervisee


class MayOpen(permissions.IsAuthenticated):
    """Case staff and counsellors (the rows decide the rest)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return super().has_permission(request, view) and (is_case_staff(user) or policies.is_counsellor(user))


def _supervisee(user, uuid) -> Supervisee:
    try:
        return selectors.supervisee_for_counselling(user, uuid)
    except (Supervisee.DoesNotExist, DjangoValidationError):
        raise NotFound from None


class CounsellingSessionInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    held_on = serializers.DateField()
    minutes = serializers.IntegerField(min_value=1, max_value=600)
    summary = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True)


class CounsellingSessionOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    counsellor = serializers.StringRelatedField()
    organisation = serializers.StringRelatedField()

    class Meta:
        model = CounsellingSession
        fields = ["id", "supervisee", "counsellor", "organisation", "held_on", "minutes", "summary", "created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        notes = self.context.get("notes")
        # The notes only where the reader may see them (their organisation's sessions): else no key at all.
        if notes is not None and instance.pk in notes:
            data["note"] = notes[instance.pk].text
        return data


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Counselling sessions: list (``?supervisee=``), one, or record one (a counsellor, with notes)."""

    permission_classes = [MayOpen]
    serializer_class = CounsellingSessionOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.sessions(self.request.user).order_by("-held_on", "-pk")
        return filtered_by_supervisee(self.request, rows) if self.action == "list" else rows

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        notes = selectors.notes_by_session(request.user, [row.pk for row in page])
        return self.get_paginated_response(CounsellingSessionOutput(page, many=True, context={"notes": notes}).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        row = self.get_object()
        notes = selectors.notes_by_session(request.user, [row.pk])
        return Response(CounsellingSessionOutput(row, context={"notes": notes}).data)

    @extend_schema(request=CounsellingSessionInput, responses={201: CounsellingSessionOutput})
    def create(self, request: Request) -> Response:
        data = CounsellingSessionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        supervisee = _supervisee(request.user, values.pop("supervisee"))
        session = actions.record_session(supervisee=supervisee, actor=request.user, **values)
        notes = selectors.notes_by_session(request.user, [session.pk])
        return Response(CounsellingSessionOutput(session, context={"notes": notes}).data, status=201)


class AssessmentInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    instrument = serializers.ChoiceField(choices=PsychAssessment.Instrument.choices)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    assessed_on = serializers.DateField()
    interpretation = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True)


class AssessmentOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    assessed_by = serializers.StringRelatedField()
    organisation = serializers.StringRelatedField()

    class Meta:
        model = PsychAssessment
        fields = [
            "id",
            "supervisee",
            "instrument",
            "score",
            "assessed_on",
            "assessed_by",
            "organisation",
            "interpretation",
            "created_at",
        ]


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Psychological assessments: only the assessing organisation and the bureau see them."""

    permission_classes = [MayOpen]
    serializer_class = AssessmentOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.assessments(self.request.user).order_by("-assessed_on", "-pk")
        return filtered_by_supervisee(self.request, rows) if self.action == "list" else rows

    @extend_schema(request=AssessmentInput, responses={201: AssessmentOutput})
    def create(self, request: Request) -> Response:
        data = AssessmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        supervisee = _supervisee(request.user, values.pop("supervisee"))
        row = actions.record_assessment(supervisee=supervisee, actor=request.user, **values)
        return Response(AssessmentOutput(row).data, status=201)
