"""API of case plans (/api/v1/supervision/case-plans/ and their goals, interventions and reviews), scoped and
logged like the pages; the interventions' working notes only for the plan's organisation. Serializers parse,
the actions decide."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scoping
from coordination.models import TEXT_MAX_LENGTH, Supervisee
from supervision.api import validated
from supervision.casework import actions, policies, selectors
from supervision.casework.forms import MAX_REVIEW_MONTHS
from supervision.casework.models import CaseGoal, CasePlan, Intervention, ProgressReview
from supervision.reporting.api import filtered_by_supervisee


class MayOpenCasePlans(permissions.IsAuthenticated):
    """Social workers, office staff and the bureau (the rows decide the rest)."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and policies.may_open(request.user)


def _plan(user, pk) -> CasePlan:
    found = selectors.plans(user).filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found


class PlanFilter(serializers.Serializer):
    plan = serializers.IntegerField(required=False, min_value=1)


def _by_plan(request: Request, rows):
    """``?plan=<id>`` on a list (a 400 for anything not a number)."""
    query = PlanFilter(data=request.query_params)
    if not query.is_valid():
        raise ValidationError(query.errors)
    if "plan" in query.validated_data:
        rows = rows.filter(plan_id=query.validated_data["plan"])
    return rows


class CasePlanInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    needs_assessment = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    opened_on = serializers.DateField(required=False)
    review_every_months = serializers.IntegerField(min_value=1, max_value=MAX_REVIEW_MONTHS, required=False)


class CasePlanCloseInput(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    closed_on = serializers.DateField(required=False)


class CasePlanOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    social_worker = serializers.StringRelatedField()
    agency = serializers.StringRelatedField()
    overdue_goals = serializers.IntegerField(read_only=True, default=0)
    next_review_due = serializers.SerializerMethodField()

    class Meta:
        model = CasePlan
        fields = [
            "id",
            "supervisee",
            "social_worker",
            "agency",
            "opened_on",
            "needs_assessment",
            "review_every_months",
            "status",
            "closed_on",
            "closing_note",
            "overdue_goals",
            "next_review_due",
        ]

    def get_next_review_due(self, obj) -> str | None:
        due = selectors.next_review_due(obj)
        return due.isoformat() if due else None


class CasePlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Case plans: list (``?supervisee=``), one, open one (a social worker), close one (its organisation)."""

    permission_classes = [MayOpenCasePlans]
    serializer_class = CasePlanOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.plans(self.request.user).order_by("-opened_on", "-pk")
        return filtered_by_supervisee(self.request, rows) if self.action == "list" else rows

    @extend_schema(request=CasePlanInput, responses={201: CasePlanOutput})
    def create(self, request: Request) -> Response:
        values = validated(CasePlanInput, request.data)
        try:
            supervisee = selectors.supervisee_for_plan(request.user, values.pop("supervisee"))
        except (Supervisee.DoesNotExist, DjangoValidationError):
            raise NotFound from None
        made = actions.open_plan(supervisee=supervisee, actor=request.user, **values)
        return Response(CasePlanOutput(_plan(request.user, made.pk)).data, status=201)

    @extend_schema(request=CasePlanCloseInput, responses={200: CasePlanOutput})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        values = validated(CasePlanCloseInput, request.data)
        actions.close_plan(plan=self.get_object(), actor=request.user, **values)
        return Response(CasePlanOutput(_plan(request.user, pk)).data)


class CaseGoalInput(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1)
    description = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    target_date = serializers.DateField()


class CaseGoalStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseGoal.Status.choices)
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class CaseGoalOutput(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = CaseGoal
        fields = ["id", "plan", "description", "target_date", "status", "status_reason", "status_changed_on", "overdue"]

    def get_overdue(self, obj) -> bool:
        return obj.status == CaseGoal.Status.OPEN and obj.target_date < timezone.localdate()


class CaseGoalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Goals of case plans: list (``?plan=``), one, add one, change its status."""

    permission_classes = [MayOpenCasePlans]
    serializer_class = CaseGoalOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.goals(self.request.user).order_by("target_date", "pk")
        return _by_plan(self.request, rows) if self.action == "list" else rows

    @extend_schema(request=CaseGoalInput, responses={201: CaseGoalOutput})
    def create(self, request: Request) -> Response:
        values = validated(CaseGoalInput, request.data)
        plan = _plan(request.user, values.pop("plan"))
        return Response(CaseGoalOutput(actions.add_goal(plan=plan, actor=request.user, **values)).data, status=201)

    @extend_schema(request=CaseGoalStatusInput, responses={200: CaseGoalOutput})
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk=None) -> Response:
        values = validated(CaseGoalStatusInput, request.data)
        goal = actions.set_goal_status(goal=self.get_object(), actor=request.user, **values)
        return Response(CaseGoalOutput(goal).data)


class InterventionInput(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=Intervention.Kind.choices)
    held_on = serializers.DateField()
    minutes = serializers.IntegerField(min_value=1, max_value=600)
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True)


class InterventionOutput(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = Intervention
        fields = ["id", "plan", "kind", "held_on", "minutes", "note", "recorded_by", "created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The fields the policy shows this reader: the working note only for the plan's organisation (else no key).
        if "note" not in scoping.fields(self.context["request"].user, instance):
            data.pop("note")
        return data


class InterventionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Interventions of case plans: list (``?plan=``), one, record one (the plan's organisation)."""

    permission_classes = [MayOpenCasePlans]
    serializer_class = InterventionOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.interventions(self.request.user).order_by("-held_on", "-pk")
        return _by_plan(self.request, rows) if self.action == "list" else rows

    @extend_schema(request=InterventionInput, responses={201: InterventionOutput})
    def create(self, request: Request) -> Response:
        values = validated(InterventionInput, request.data)
        plan = _plan(request.user, values.pop("plan"))
        row = actions.record_intervention(plan=plan, actor=request.user, **values)
        return Response(InterventionOutput(row, context={"request": request}).data, status=201)


class ProgressReviewInput(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1)
    reviewed_on = serializers.DateField()
    changes = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    next_steps = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class ProgressReviewOutput(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = ProgressReview
        fields = ["id", "plan", "reviewed_on", "changes", "next_steps", "recorded_by", "created_at"]


class ProgressReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Progress reviews of case plans: list (``?plan=``), one, record one (the plan's organisation)."""

    permission_classes = [MayOpenCasePlans]
    serializer_class = ProgressReviewOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.reviews(self.request.user).order_by("-reviewed_on", "-pk")
        return _by_plan(self.request, rows) if self.action == "list" else rows

    @extend_schema(request=ProgressReviewInput, responses={201: ProgressReviewOutput})
    def create(self, request: Request) -> Response:
        values = validated(ProgressReviewInput, request.data)
        plan = _plan(request.user, values.pop("plan"))
        row = actions.record_review(plan=plan, actor=request.user, **values)
        return Response(ProgressReviewOutput(row).data, status=201)
