"""API of the rule book and obligations, scoped like the pages (/api/v1/supervision/...)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scoping
from coordination.models import TEXT_MAX_LENGTH, CorrectionTeamMember, Supervisee, SupervisionLevel
from coordination.policies import case_offices
from coordination.selectors import supervisee_for_read
from services.models import RiskLevel
from supervision import actions, classification, forms, policies, selectors
from supervision.models import (
    Announcement,
    ClassificationReview,
    CorrectionPlan,
    Investigation,
    LegalDocument,
    Obligation,
    ReleaseNotice,
    Rule,
    Sentence,
    StatusChange,
)


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
    supervisee = serializers.UUIDField(
        source="supervisee.uuid", allow_null=True, help_text="Null when the office owns it (an investigation)."
    )
    judicial_office = serializers.SerializerMethodField(help_text="The owning office, or the supervisee's office.")
    investigation = serializers.SerializerMethodField(help_text="The investigation request an office owes, if any.")

    class Meta:
        model = Obligation
        fields = [
            "id",
            "supervisee",
            "judicial_office",
            "investigation",
            "kind",
            "rule_code",
            "due_at",
            "remind_from",
            "done_at",
            "escalation_level",
        ]

    def get_judicial_office(self, obj) -> int | None:
        return policies.owner_office_id(obj)

    def get_investigation(self, obj) -> int | None:
        return obj.source_id if obj.kind == Obligation.Kind.INVESTIGATION else None


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
        summary="Obligations of the supervisees I may see, and those my office owes itself (investigations)",
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
            rows = rows.filter(selectors.of_office(data["office"]))
        if "bucket" in data:
            rows = rows.filter(selectors.bucket_filters(timezone.now())[data["bucket"]])
        return rows

    @extend_schema(summary="Mark done", request=None, responses=ObligationOutput)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        obligation = get_object_or_404(scoping.scope(request.user, Obligation, "complete"), pk=pk)
        obligation = actions.complete_obligation(obligation=obligation, actor=request.user)
        return Response(ObligationOutput(obligation).data)


# --- The sentence lifecycle -------------------------------------------------------------------------


class DocumentOutput(serializers.ModelSerializer):
    class Meta:
        model = LegalDocument
        fields = ["id", "kind", "received_at", "receipt_returned_at"]


class SentenceOutput(serializers.ModelSerializer):
    documents = DocumentOutput(many=True, read_only=True)

    class Meta:
        model = Sentence
        fields = [
            "id",
            "organ_kind",
            "organ_name",
            "case_number",
            "judgment_date",
            "effective_date",
            "sentence_type",
            "term_months",
            "offence_date",
            "principal_term_months",
            "start",
            "end",
            "deprived_political_rights",
            "deprivation_months",
            "notice_received_on",
            "notice_late",
            "derived",
            "documents",
        ]


class StatusChangeOutput(serializers.ModelSerializer):
    class Meta:
        model = StatusChange
        fields = ["id", "action", "from_status", "to_status", "ground", "note", "occurred_on", "created_at"]


class AnnouncementOutput(serializers.ModelSerializer):
    has_signed_scan = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        fields = [
            "id",
            "kind",
            "held_on",
            "place",
            "attendees",
            "items",
            "is_public",
            "guardian_present",
            "has_signed_scan",
        ]

    def get_has_signed_scan(self, obj) -> bool:
        return bool(obj.signed_scan)


class ReleaseNoticeOutput(serializers.ModelSerializer):
    class Meta:
        model = ReleaseNotice
        fields = ["id", "recipient", "sent_on", "method"]


class LifecycleOutput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    status = serializers.CharField(help_text="Read-only: changed only by the steps below.")
    next_steps = serializers.ListField(child=serializers.CharField())
    sentences = SentenceOutput(many=True)
    history = StatusChangeOutput(many=True)
    announcements = AnnouncementOutput(many=True)
    notices = ReleaseNoticeOutput(many=True)
    obligations = ObligationOutput(many=True)
    sealed_on_closing = serializers.BooleanField(
        help_text="Whether a release or termination now would seal the record (a juvenile record): then the "
        "closing needs all three notices, as the sealed record takes no later entry. False when you may not "
        "close the case."
    )
    sealed_on_closing_reason = serializers.CharField(help_text="Why, in the reader's language; empty if not.")


def _lifecycle_values(user, supervisee) -> dict:
    record = selectors.lifecycle(user, supervisee)
    can_change = scoping.policy_for(StatusChange).can(user, "change", supervisee)
    steps = list(selectors.next_steps(supervisee)) if can_change else []
    closes = {"release", "terminate"} & set(steps)
    verdict = actions.verdict_on_closing(supervisee) if closes else None
    seals = bool(verdict and verdict.seals)
    return LifecycleOutput(
        {
            "supervisee": supervisee.uuid,
            "status": supervisee.status,
            "next_steps": steps,
            **record,
            "sealed_on_closing": seals,
            "sealed_on_closing_reason": verdict.reason if seals else "",
        }
    ).data


class LifecycleViewSet(viewsets.ViewSet):
    """A supervisee's sentences, documents, status history, announcements and notices; each step of the
    lifecycle is a POST to ``<uuid>/<step>/`` with the same fields and rules as the page."""

    permission_classes = [IsCaseStaff]
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def _supervisee(self, request: Request, uuid: str):
        try:
            return supervisee_for_read(request.user, uuid, purpose="supervision")
        except (Supervisee.DoesNotExist, DjangoValidationError):
            raise Http404 from None

    @extend_schema(summary="A supervisee's sentence lifecycle", responses=LifecycleOutput)
    def retrieve(self, request: Request, uuid: str) -> Response:
        return Response(_lifecycle_values(request.user, self._supervisee(request, uuid)))

    @extend_schema(
        summary="Run a lifecycle step: sentence, notified (the decision notice arrived), document, register, "
        "announce, suspend, resume, release, terminate, notice",
        description="The fields are those of the page's form for the step. ``release`` and ``terminate`` also "
        "take the closing notices sent with them: ``notice_<recipient>_on`` (a date) and "
        "``notice_<recipient>_method`` for each recipient (deciding_organ, procuratorate, public_security); a "
        "case sealed on closing needs all three, since the sealed record takes no later ``notice`` step.",
        request=None,
        responses=LifecycleOutput,
    )
    @action(detail=True, methods=["post"], url_path=r"(?P<step>[a-z]+)", url_name="step")
    def step(self, request: Request, uuid: str, step: str) -> Response:
        if step not in forms.STEP_FORMS:
            raise Http404
        supervisee = self._supervisee(request, uuid)
        if not policies.can_use_todo(request.user) or not scoping.policy_for(StatusChange).can(
            request.user, "change", supervisee
        ):
            raise PermissionDenied
        form = forms.STEP_FORMS[step](_form_data(request.data), request.FILES or None)
        if not form.is_valid():
            raise ValidationError(form.errors)
        actions.run_step(step, supervisee, request.user, dict(form.cleaned_data))
        supervisee.refresh_from_db()
        return Response(_lifecycle_values(request.user, supervisee), status=201)


# --- Pre-sentence investigations ---------------------------------------------------------------------


class InvestigationOutput(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Investigation
        fields = [
            "id",
            "judicial_office",
            "organ_kind",
            "organ_name",
            "subject_name",
            "received_on",
            "expedited",
            "rule_code",
            "due_on",
            "overdue",
            "opinion",
            "opinion_note",
            "opinion_sent_on",
        ]

    def get_overdue(self, obj) -> bool:
        return actions.investigation_overdue(obj)


class InvestigationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Investigation requests (调查评估) of the offices I may see; ``?open=true`` only those waiting."""

    permission_classes = [IsCaseStaff]
    serializer_class = InvestigationOutput
    filter_backends: list = []

    def get_queryset(self):
        open_only = self.request.query_params.get("open") in ("true", "1")
        return selectors.investigations(self.request.user, open_only=open_only)

    @extend_schema(summary="Record an investigation request", request=None, responses={201: InvestigationOutput})
    def create(self, request: Request) -> Response:
        if not policies.can_use_todo(request.user):
            raise PermissionDenied
        form = forms.InvestigationForm(_form_data(request.data), offices=case_offices(request.user))
        if not form.is_valid():
            raise ValidationError(form.errors)
        investigation = actions.record_investigation(actor=request.user, **form.cleaned_data)
        return Response(InvestigationOutput(investigation).data, status=201)

    @extend_schema(summary="Record the opinion", request=None, responses=InvestigationOutput)
    @action(detail=True, methods=["post"])
    def opinion(self, request: Request, pk: str) -> Response:
        investigation = get_object_or_404(self.get_queryset(), pk=pk)
        if not policies.can_use_todo(request.user):
            raise PermissionDenied
        form = forms.OpinionForm(_form_data(request.data))
        if not form.is_valid():
            raise ValidationError(form.errors)
        investigation = actions.record_opinion(investigation=investigation, actor=request.user, **form.cleaned_data)
        return Response(InvestigationOutput(investigation).data)

    @extend_schema(
        summary="Correct the day the request came or whether it is expedited (the due date is worked out again)",
        request=None,
        responses=InvestigationOutput,
    )
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        investigation = get_object_or_404(self.get_queryset(), pk=pk)
        if not policies.can_use_todo(request.user):
            raise PermissionDenied
        form = forms.CorrectInvestigationForm(_form_data(request.data))
        if not form.is_valid():
            raise ValidationError(form.errors)
        investigation = actions.correct_investigation(
            investigation=investigation, actor=request.user, **form.cleaned_data
        )
        return Response(InvestigationOutput(investigation).data)


# --- correction plans and classification reviews ------------------------------------------------------


class PlanOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    team = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    created_by = serializers.StringRelatedField()
    review = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = CorrectionPlan
        fields = [
            "id",
            "supervisee",
            "version",
            "supervision_level",
            "risk_level",
            "classification_reasons",
            "reporting_mode",
            "reporting_interval_days",
            "education_goals",
            "help_goals",
            "team",
            "next_review_on",
            "change_note",
            "review",
            "created_by",
            "created_at",
        ]


class PlanInput(serializers.Serializer):
    """Parses a plan version; the action decides what may change."""

    supervisee = serializers.UUIDField()
    supervision_level = serializers.ChoiceField(choices=SupervisionLevel.choices)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    classification_reasons = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    reporting_mode = serializers.ChoiceField(choices=CorrectionPlan.ReportingMode.choices)
    reporting_interval_days = serializers.IntegerField(min_value=1, max_value=366)
    education_goals = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")
    help_goals = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")
    team = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    change_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SuperviseeQuery(serializers.Serializer):
    supervisee = serializers.UUIDField(required=False)


class ReviewOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    proposed_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = ClassificationReview
        fields = [
            "id",
            "supervisee",
            "from_level",
            "to_level",
            "reasons",
            "suggested_level",
            "suggestion_reasons",
            "state",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class ReviewInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    to_level = serializers.ChoiceField(choices=SupervisionLevel.choices)
    reasons = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SuggestionOutput(serializers.Serializer):
    level = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


def _form_data(data):
    """A JSON body as the page's form would receive it: each field one string (numbers and booleans
    written out); an object or a list where one value belongs is a 400, never a server error."""
    if hasattr(data, "getlist"):
        return data
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Enter a valid value.")]})
    values, errors = {}, {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, (dict, list)):
            errors[key] = [_("Enter a valid value.")]
        elif isinstance(value, bool):
            values[key] = "true" if value else "false"
        else:
            values[key] = str(value)
    if errors:
        raise ValidationError(errors)
    return values


def validated(serializer_class, data) -> dict:
    """The input parsed by ``serializer_class``, or a 400 with its field messages (every supervision API)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _supervisee(user, uuid) -> Supervisee:
    try:
        return selectors.supervisee_for(user, uuid)
    except Supervisee.DoesNotExist:
        raise NotFound from None


def _filter_supervisee(request: Request, rows):
    query = SuperviseeQuery(data=request.query_params)
    if not query.is_valid():
        raise ValidationError(query.errors)
    if "supervisee" in query.validated_data:
        rows = rows.filter(supervisee__uuid=query.validated_data["supervisee"])
    return rows


@extend_schema_view(
    list=extend_schema(
        summary="Correction plan versions (newest first)",
        parameters=[OpenApiParameter("supervisee", str, description="only this supervisee (uuid)")],
    ),
    retrieve=extend_schema(summary="One plan version"),
    create=extend_schema(summary="Write a plan version", request=PlanInput, responses={201: PlanOutput}),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsCaseStaff]
    serializer_class = PlanOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.plans(self.request.user)
        return _filter_supervisee(self.request, rows) if self.action == "list" else rows

    def create(self, request: Request) -> Response:
        data = PlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        supervisee = _supervisee(request.user, values.pop("supervisee"))
        team_ids = set(values.pop("team"))
        team = list(CorrectionTeamMember.objects.filter(supervisee=supervisee, is_active=True, pk__in=team_ids))
        if len(team) != len(team_ids):
            raise ValidationError({"team": [_("Choose members of this person's current correction team.")]})
        plan = actions.write_plan(supervisee=supervisee, actor=request.user, team=team, **values)
        return Response(PlanOutput(plan).data, status=201)

    @extend_schema(
        summary="The platform's suggested level, with its reasons (a suggestion, never a decision)",
        parameters=[OpenApiParameter("supervisee", str, required=True)],
        responses=SuggestionOutput,
    )
    @action(detail=False, methods=["get"])
    def suggestion(self, request: Request) -> Response:
        query = SuperviseeQuery(data=request.query_params)
        if not query.is_valid() or "supervisee" not in query.validated_data:
            raise ValidationError(query.errors or {"supervisee": [_("This field is required.")]})
        supervisee = _supervisee(request.user, query.validated_data["supervisee"])
        if not scoping.policy_for(CorrectionPlan).can(request.user, "write", supervisee):
            raise PermissionDenied
        current = actions.current_plan(supervisee)
        result = classification.suggest(supervisee, risk_level=current.risk_level if current else None)
        return Response({"level": result.level, "reasons": result.reasons})


@extend_schema_view(
    list=extend_schema(
        summary="Classification reviews (newest first)",
        parameters=[OpenApiParameter("supervisee", str, description="only this supervisee (uuid)")],
    ),
    retrieve=extend_schema(summary="One classification review"),
    create=extend_schema(summary="Propose a level change", request=ReviewInput, responses={201: ReviewOutput}),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsCaseStaff]
    serializer_class = ReviewOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.reviews(self.request.user)
        return _filter_supervisee(self.request, rows) if self.action == "list" else rows

    def create(self, request: Request) -> Response:
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        supervisee = _supervisee(request.user, data.validated_data["supervisee"])
        review = actions.propose_review(
            supervisee=supervisee,
            actor=request.user,
            to_level=data.validated_data["to_level"],
            reasons=data.validated_data["reasons"],
        )
        return Response(ReviewOutput(review).data, status=201)

    @extend_schema(summary="Approve or reject (the office head; never one's own proposal)", request=DecisionInput)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = actions.decide_review(
            review=review,
            actor=request.user,
            approve=data.validated_data["decision"] == "approve",
            note=data.validated_data["note"],
        )
        return Response(ReviewOutput(review).data)
