"""Staff API of reporting, check-ins, visits and lost contact (/api/v1/supervision/...), scoped like the
pages: serializers parse, the actions refuse with the same messages as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from coordination.models import Supervisee
from supervision import selectors as supervision_selectors
from supervision.api import IsCaseStaff
from supervision.models import CorrectionPlan
from supervision.reporting import actions, selectors
from supervision.reporting.models import CheckIn, LostContactEpisode, SearchStep, Visit


def _supervisee(user, uuid) -> Supervisee:
    try:
        return supervision_selectors.supervisee_for(user, uuid)
    except (Supervisee.DoesNotExist, DjangoValidationError):
        raise NotFound from None


class SuperviseeFilter(serializers.Serializer):
    supervisee = serializers.UUIDField(required=False)


def filtered_by_supervisee(request: Request, rows):
    """``?supervisee=<uuid>`` on a list (a 400 for anything not a uuid)."""
    query = SuperviseeFilter(data=request.query_params)
    if not query.is_valid():
        raise ValidationError(query.errors)
    if "supervisee" in query.validated_data:
        rows = rows.filter(supervisee__uuid=query.validated_data["supervisee"])
    return rows


class ReportInput(serializers.Serializer):
    law_abiding = serializers.BooleanField(required=False)
    address_changed = serializers.BooleanField(required=False)
    job_changed = serializers.BooleanField(required=False)
    family_changed = serializers.BooleanField(required=False)
    work = serializers.CharField(required=False, allow_blank=True, max_length=actions.REPORT_TEXT_MAX)
    family = serializers.CharField(required=False, allow_blank=True, max_length=actions.REPORT_TEXT_MAX)
    changes = serializers.CharField(required=False, allow_blank=True, max_length=actions.REPORT_TEXT_MAX)
    other = serializers.CharField(required=False, allow_blank=True, max_length=actions.REPORT_TEXT_MAX)


class CheckInInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    method = serializers.ChoiceField(choices=[m for m in CheckIn.Method.choices if m[0] != CheckIn.Method.CODE])
    at = serializers.DateTimeField(required=False)
    report = ReportInput(required=False)


class CheckInOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    recorded_by = serializers.StringRelatedField()
    confirmed_by = serializers.StringRelatedField()
    acknowledged_by = serializers.StringRelatedField()

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "supervisee",
            "method",
            "state",
            "occurred_at",
            "due_on",
            "late",
            "report",
            "changes_flagged",
            "acknowledged_by",
            "acknowledged_at",
            "recorded_by",
            "confirmed_by",
            "confirmed_at",
        ]


class CheckInViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Check-ins: list (``?supervisee=``), record one (in person, phone, video), confirm, note a change."""

    permission_classes = [IsCaseStaff]
    serializer_class = CheckInOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.check_ins(self.request.user).order_by("-occurred_at", "-pk")
        return filtered_by_supervisee(self.request, rows) if self.action == "list" else rows

    @extend_schema(request=CheckInInput, responses={201: CheckInOutput})
    def create(self, request: Request) -> Response:
        data = CheckInInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        row = actions.check_in(
            supervisee=_supervisee(request.user, values["supervisee"]),
            actor=request.user,
            method=values["method"],
            at=values.get("at"),
            report=dict(values.get("report") or {}),
        )
        return Response(CheckInOutput(row).data, status=201)

    @extend_schema(request=None, responses=CheckInOutput)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk=None) -> Response:
        return Response(CheckInOutput(actions.confirm_check_in(check_in=self.get_object(), actor=request.user)).data)

    @extend_schema(request=None, responses=CheckInOutput)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk=None) -> Response:
        return Response(CheckInOutput(actions.acknowledge_changes(check_in=self.get_object(), actor=request.user)).data)


class CodeInput(serializers.Serializer):
    supervisee = serializers.UUIDField()


class CodeOutput(serializers.Serializer):
    code = serializers.CharField()
    valid_hours = serializers.IntegerField()


class CheckinCodeViewSet(viewsets.ViewSet):
    """Issue a one-time check-in code (shown once; only its hash is kept)."""

    permission_classes = [IsCaseStaff]

    @extend_schema(request=CodeInput, responses={201: CodeOutput})
    def create(self, request: Request) -> Response:
        from supervision import rulebook

        data = CodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        supervisee = _supervisee(request.user, data.validated_data["supervisee"])
        code = actions.issue_checkin_code(supervisee=supervisee, actor=request.user)
        return Response({"code": code, "valid_hours": rulebook.value(rulebook.CHECKIN_CODE_VALID)}, status=201)


class ReportingPlanInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    reporting_mode = serializers.ChoiceField(
        choices=[("", _("as the correction plan says")), *CorrectionPlan.ReportingMode.choices],
        required=False,
        allow_blank=True,
    )
    interval_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=365)
    health_reports = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=300)


class ReportingPlanOutput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    mode = serializers.CharField()
    interval_days = serializers.IntegerField()
    level = serializers.CharField()
    level_max_days = serializers.IntegerField()
    source = serializers.CharField()
    reason = serializers.CharField()
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    health_reports = serializers.BooleanField()


def _plan_values(supervisee: Supervisee) -> dict:
    plan = actions.reporting_plan(supervisee)
    return {
        "supervisee": supervisee.uuid,
        "mode": plan.mode,
        "interval_days": plan.interval_days,
        "level": plan.level,
        "level_max_days": plan.level_max_days,
        "source": plan.source,
        "reason": plan.reason,
        "decided_by": str(plan.decided_by) if plan.decided_by else None,
        "decided_at": plan.decided_at,
        "health_reports": plan.health_reports,
    }


class ReportingPlanViewSet(viewsets.ViewSet):
    """The reporting plan in force for a supervisee (``/{uuid}/``), and an officer's override (POST)."""

    permission_classes = [IsCaseStaff]
    lookup_field = "uuid"
    lookup_value_converter = "uuid"

    @extend_schema(
        responses=ReportingPlanOutput,
        parameters=[OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)],
    )
    def retrieve(self, request: Request, uuid=None) -> Response:
        return Response(ReportingPlanOutput(_plan_values(_supervisee(request.user, uuid))).data)

    @extend_schema(request=ReportingPlanInput, responses={201: ReportingPlanOutput})
    def create(self, request: Request) -> Response:
        data = ReportingPlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        supervisee = _supervisee(request.user, values.pop("supervisee"))
        actions.set_reporting_plan(supervisee=supervisee, actor=request.user, **values)
        return Response(ReportingPlanOutput(_plan_values(supervisee)).data, status=201)


class VisitInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Visit.Kind.choices)
    state = serializers.ChoiceField(choices=Visit.State.choices)
    scheduled_on = serializers.DateField(required=False)
    done_on = serializers.DateField(required=False)
    people_seen = serializers.CharField(required=False, allow_blank=True, max_length=300)
    findings = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    discreet = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        field = "scheduled_on" if attrs["state"] == Visit.State.SCHEDULED else "done_on"
        if not attrs.get(field):
            raise ValidationError({field: [_("Give the date of the visit.")]})
        return attrs


class VisitOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "supervisee",
            "kind",
            "state",
            "scheduled_on",
            "done_on",
            "people_seen",
            "findings",
            "discreet",
            "recorded_by",
        ]


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Visits: list (``?supervisee=``), plan one or record one done."""

    permission_classes = [IsCaseStaff]
    serializer_class = VisitOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.visits(self.request.user).order_by("-created_at", "-pk")
        return filtered_by_supervisee(self.request, rows) if self.action == "list" else rows

    @extend_schema(request=VisitInput, responses={201: VisitOutput})
    def create(self, request: Request) -> Response:
        data = VisitInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        supervisee = _supervisee(request.user, values["supervisee"])
        if values["state"] == Visit.State.SCHEDULED:
            visit = actions.schedule_visit(
                supervisee=supervisee,
                actor=request.user,
                kind=values["kind"],
                scheduled_on=values["scheduled_on"],
                discreet=values["discreet"],
            )
        else:
            visit = actions.record_visit(
                supervisee=supervisee,
                actor=request.user,
                kind=values["kind"],
                done_on=values["done_on"],
                people_seen=values.get("people_seen", ""),
                findings=values.get("findings", ""),
                discreet=values["discreet"],
            )
        return Response(VisitOutput(visit).data, status=201)


class StepOutput(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = SearchStep
        fields = ["id", "kind", "taken_at", "result", "recorded_by"]


class EpisodeOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    steps = StepOutput(many=True, read_only=True)
    opened_by = serializers.StringRelatedField()
    closed_by = serializers.StringRelatedField()

    class Meta:
        model = LostContactEpisode
        fields = [
            "id",
            "supervisee",
            "trigger",
            "lost_since",
            "last_contact_at",
            "opened_at",
            "opened_by",
            "note",
            "police_notified_on",
            "procuratorate_notified_on",
            "found_at",
            "outcome",
            "outcome_note",
            "closed_at",
            "closed_by",
            "steps",
        ]


class EpisodeInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    lost_since = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class StepInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SearchStep.Kind.choices)
    result = serializers.CharField(max_length=2000)
    taken_at = serializers.DateTimeField(required=False)


class EpisodeNoticeInput(serializers.Serializer):
    recipient = serializers.ChoiceField(choices=list(actions.NOTICE_FIELDS))
    sent_on = serializers.DateField()


class CloseInput(serializers.Serializer):
    found_at = serializers.DateTimeField()
    outcome = serializers.ChoiceField(choices=LostContactEpisode.Outcome.choices)
    outcome_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class EpisodeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lost-contact episodes: list (``?supervisee=``), report one, add a search step, record a notice, close."""

    permission_classes = [IsCaseStaff]
    serializer_class = EpisodeOutput
    filter_backends: list = []
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        rows = selectors.episodes(self.request.user).prefetch_related("steps", "steps__recorded_by")
        return filtered_by_supervisee(self.request, rows) if self.action == "list" else rows

    @extend_schema(request=EpisodeInput, responses={201: EpisodeOutput})
    def create(self, request: Request) -> Response:
        data = EpisodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        supervisee = _supervisee(request.user, values.pop("supervisee"))
        episode = actions.report_lost_contact(supervisee=supervisee, actor=request.user, **values)
        return Response(EpisodeOutput(episode).data, status=201)

    def _step(self, request: Request, serializer, run) -> Response:
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        episode = self.get_object()
        run(episode, dict(data.validated_data))
        return Response(EpisodeOutput(self.get_queryset().get(pk=episode.pk)).data)

    @extend_schema(request=StepInput, responses=EpisodeOutput)
    @action(detail=True, methods=["post"])
    def steps(self, request: Request, pk=None) -> Response:
        return self._step(request, StepInput, lambda e, v: actions.add_search_step(episode=e, actor=request.user, **v))

    @extend_schema(request=EpisodeNoticeInput, responses=EpisodeOutput)
    @action(detail=True, methods=["post"])
    def notices(self, request: Request, pk=None) -> Response:
        return self._step(
            request, EpisodeNoticeInput, lambda e, v: actions.record_notice(episode=e, actor=request.user, **v)
        )

    @extend_schema(request=CloseInput, responses=EpisodeOutput)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        return self._step(request, CloseInput, lambda e, v: actions.close_episode(episode=e, actor=request.user, **v))
