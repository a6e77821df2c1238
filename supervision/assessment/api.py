"""Staff API of monthly assessments (/api/v1/supervision/assessments/...), scoped like the pages and refused
with the same messages (the actions raise them); every assessment returned is logged."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from coordination.models import TEXT_MAX_LENGTH
from services.models import Organisation
from supervision.api import IsCaseStaff, validated
from supervision.assessment import actions, selectors
from supervision.assessment.models import Assessment


class AssessmentScoreOutput(serializers.Serializer):
    item = serializers.CharField(source="item.code")
    label = serializers.CharField(source="item.label")
    max_points = serializers.IntegerField(source="item.max_points")
    source = serializers.CharField(source="item.source")
    prefilled = serializers.IntegerField(allow_null=True)
    explanation = serializers.CharField()
    points = serializers.IntegerField(allow_null=True)
    override_reason = serializers.CharField()


class MonthlyAssessmentOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    rubric_version = serializers.IntegerField(source="rubric.version")
    grade = serializers.SerializerMethodField()
    scores = AssessmentScoreOutput(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "supervisee",
            "month",
            "rubric_version",
            "state",
            "total",
            "grade",
            "note",
            "prefilled_at",
            "submitted_at",
            "reviewed_at",
            "review_note",
            "scores",
        ]

    def get_grade(self, obj) -> str | None:
        return obj.grade.label if obj.grade else None


class MonthlyAssessmentQuery(serializers.Serializer):
    q = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    state = serializers.ChoiceField(choices=Assessment.State.choices, required=False, allow_blank=True, default="")
    month = serializers.DateField(input_formats=["%Y-%m"], required=False, allow_null=True, default=None)
    office = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True, default=None)
    sort = serializers.ChoiceField(choices=list(selectors.SORTS), required=False, default="-month")


class AssessmentScoreInput(serializers.Serializer):
    item = serializers.SlugField(max_length=40)
    points = serializers.IntegerField(min_value=0, max_value=1000)
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class AssessmentScoresInput(serializers.Serializer):
    scores = AssessmentScoreInput(many=True, allow_empty=False, max_length=100)
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default=None)


class AssessmentReviewInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", _("approve")), ("return", _("return"))])
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class AssessmentPrefillInput(serializers.Serializer):
    office = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True, default=None)
    month = serializers.DateField(input_formats=["%Y-%m"])


class AssessmentPrefillOutput(serializers.Serializer):
    created = serializers.IntegerField()
    prefilled = serializers.IntegerField()


class MonthlyAssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assessments of the people I may see; ``scores``, ``submit``, ``review``; ``prefill`` an office's month."""

    permission_classes = [IsCaseStaff]
    serializer_class = MonthlyAssessmentOutput
    filter_backends: list = []

    def get_queryset(self):
        if self.action != "list":
            return selectors.assessments_for(self.request.user).prefetch_related("scores__item")
        query = validated(MonthlyAssessmentQuery, self.request.query_params)
        return selectors.assessments_for(self.request.user, **query).prefetch_related("scores__item")

    def _one(self, pk: str) -> Assessment:
        if not str(pk).isdigit():
            raise NotFound
        try:
            return selectors.assessment_for(self.request.user, int(pk))
        except Assessment.DoesNotExist:
            raise NotFound from None

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(MonthlyAssessmentOutput(self._one(pk)).data)

    @extend_schema(
        summary="Set the officer's points (a change from the pre-filled points needs a reason)",
        request=AssessmentScoresInput,
    )
    @action(detail=True, methods=["post"])
    def scores(self, request: Request, pk: str) -> Response:
        assessment = self._one(pk)
        data = validated(AssessmentScoresInput, request.data)
        given = {row["item"]: {"points": row["points"], "reason": row["reason"]} for row in data["scores"]}
        actions.save_scores(actor=request.user, assessment=assessment, scores=given, note=data["note"])
        return Response(MonthlyAssessmentOutput(self._one(pk)).data)

    @extend_schema(summary="Submit for the office head's review", request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        actions.submit(actor=request.user, assessment=self._one(pk))
        return Response(MonthlyAssessmentOutput(self._one(pk)).data)

    @extend_schema(
        summary="Approve or return (the head of the person's judicial office)", request=AssessmentReviewInput
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        assessment = self._one(pk)
        data = validated(AssessmentReviewInput, request.data)
        actions.review(
            actor=request.user, assessment=assessment, approve=data["decision"] == "approve", note=data["note"]
        )
        return Response(MonthlyAssessmentOutput(self._one(pk)).data)

    @extend_schema(
        summary="Create and pre-fill an office's assessments for a month",
        request=AssessmentPrefillInput,
        responses=AssessmentPrefillOutput,
    )
    @action(detail=False, methods=["post"])
    def prefill(self, request: Request) -> Response:
        data = validated(AssessmentPrefillInput, request.data)
        offices = Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE)
        office = offices.filter(pk=data["office"]).first() if data["office"] else _own_office(request.user)
        if office is None:
            raise ValidationError({"office": [_("Choose a judicial office.")]})
        if data["month"] > timezone.localdate():
            raise ValidationError({"month": [_("A month not yet begun is not assessed.")]})
        counts = actions.prefill_office(office=office, month=data["month"], actor=request.user)
        return Response(AssessmentPrefillOutput(counts).data)


def _own_office(user) -> Organisation | None:
    from accounts.roles import Role, organisation_ids

    ids = organisation_ids(user, Role.OFFICE_OFFICER)
    return Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.JUDICIAL_OFFICE).order_by("pk").first()
