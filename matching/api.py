"""Matching API: suggestions for one need, optimiser runs, proposals (review, confirm, edit, reject)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.pagination import StandardPagination
from coordination.models import Need
from matching import actions, kinds, policies, selectors
from matching.engine.explain import Reason
from matching.models import MatchRun, MentorProposal, Proposal, ProposalBase
from matching.reasons import render, render_rule
from services.models import Organisation


class CanUseMatching(permissions.IsAuthenticated):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and policies.can_use_matching(request.user)


def _django_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


class ReasonSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MatchReason"

    code = serializers.CharField()
    params = serializers.DictField()
    text = serializers.CharField(help_text="In the request's language (Chinese by default).")


def _reasons(reasons: list[Reason]) -> list[dict]:
    return [{"code": r.code, "params": r.params, "text": render(r)} for r in reasons]


def _stored_reasons(stored: list[dict]) -> list[dict]:
    return _reasons([Reason(r["code"], r.get("params") or {}) for r in stored])


class SuggestionsView(APIView):
    """Ranked offerings for one need with the reasons, and the same-category offerings left out with the rule."""

    permission_classes = [CanUseMatching]

    class SuggestionOutput(serializers.Serializer):
        class Meta:
            ref_name = "MatchingSuggestion"

        offering = serializers.UUIDField(source="offering_uuid")
        offering_id = serializers.IntegerField()
        name = serializers.CharField()
        organisation = serializers.CharField()
        score = serializers.IntegerField()
        cost = serializers.FloatField()
        terms = serializers.DictField(child=serializers.FloatField())
        reasons = ReasonSerializer(many=True)

    class ExcludedOutput(serializers.Serializer):
        class Meta:
            ref_name = "MatchingExcludedOffering"

        offering_id = serializers.IntegerField()
        name = serializers.CharField()
        rule = serializers.CharField()
        text = serializers.CharField()

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "MatchingSuggestions"

        need = serializers.IntegerField()
        eligible_count = serializers.IntegerField()
        suggestions = serializers.ListField()
        excluded = serializers.ListField()

    @extend_schema(
        operation_id="matching_need_suggestions",
        parameters=[],
        responses={200: Output},
        summary="Suggestions for one need",
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            need = selectors.need_for_matching(request.user, pk)
        except Need.DoesNotExist:
            raise NotFound from None
        found = selectors.suggestions_for_need(need, limit=_limit(request))
        offerings = found.offerings
        suggestions = [
            {
                "offering_uuid": offerings[s.offering_id].uuid,
                "offering_id": s.offering_id,
                "name": offerings[s.offering_id].name,
                "organisation": offerings[s.offering_id].organisation.display_name,
                "score": s.score,
                "cost": s.cost,
                "terms": s.terms,
                "reasons": _reasons(s.reasons),
            }
            for s in found.result.eligible
        ]
        excluded = [
            {"offering_id": oid, "name": offerings[oid].name, "rule": rule, "text": render_rule(rule)}
            for oid, rule in found.result.excluded
        ]
        return Response(
            {
                "need": need.pk,
                "eligible_count": found.result.eligible_count,
                "suggestions": self.SuggestionOutput(suggestions, many=True).data,
                "excluded": self.ExcludedOutput(excluded, many=True).data,
            }
        )


def _limit(request: Request) -> int | None:
    raw = request.query_params.get("limit")
    if raw is None:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 50:
        raise ValidationError({"limit": ["A whole number from 1 to 50."]})
    return int(raw)


class RunViewSet(viewsets.GenericViewSet):
    """Optimiser runs: list (paginated, newest first; ``?kind=referrals|mentors``), open (with progress), start."""

    permission_classes = [CanUseMatching]
    pagination_class = StandardPagination
    queryset = MatchRun.objects.none()  # for the schema only; reads go through selectors

    class Output(serializers.ModelSerializer):
        status = serializers.CharField(read_only=True, help_text="queued, running, done or failed")
        kind = serializers.CharField(read_only=True, help_text="referrals or mentors")

        class Meta:
            model = MatchRun
            ref_name = "MatchRun"
            fields = [
                "id",
                "kind",
                "status",
                "progress",
                "office",
                "created_at",
                "started_at",
                "finished_at",
                "needs_count",
                "offerings_count",
                "places_count",
                "proposals_count",
                "total_cost",
                "seconds",
                "failure",
                "attempt",
                "heartbeat_at",
            ]

    serializer_class = Output

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "MatchRunInput"

        office = serializers.PrimaryKeyRelatedField(
            queryset=Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE),
            allow_null=True,
            required=False,
        )
        kind = serializers.CharField(
            default=MatchRun.Kind.REFERRALS, help_text="referrals (needs to services, the default) or mentors"
        )

        def validate_kind(self, value: str) -> str:
            if value not in MatchRun.Kind.values:
                raise ValidationError("referrals or mentors")
            return value

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=MatchRun.Kind.values, required=False)],
        responses={200: Output(many=True)},
    )
    def list(self, request: Request) -> Response:
        kind = request.query_params.get("kind")
        if kind is not None and kind not in MatchRun.Kind.values:
            raise ValidationError({"kind": ["referrals or mentors"]})
        page = self.paginate_queryset(selectors.runs(request.user, kind))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: Output})
    def retrieve(self, request: Request, pk: str) -> Response:
        run = selectors.runs(request.user).filter(pk=pk).first() if pk.isdigit() else None
        if run is None:
            raise NotFound
        return Response(self.get_serializer(run).data)

    @extend_schema(request=Input, responses={202: Output})
    def create(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        office = data.validated_data.get("office")
        if not policies.can_start_match_run(request.user, office.pk if office else None):
            raise ValidationError({"office": ["You may run the optimiser only for your own judicial office."]})
        try:
            run = actions.start_run(actor=request.user, office=office, kind=data.validated_data["kind"])
        except DjangoValidationError as exc:
            raise _django_error(exc) from exc
        run.refresh_from_db()
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: Output})
    @action(detail=True, methods=["post"])
    def restart(self, request: Request, pk: str) -> Response:
        """Run a failed run again (same scope, kind and policy)."""
        run = selectors.runs(request.user).filter(pk=pk).first() if pk.isdigit() else None
        if run is None:
            raise NotFound
        try:
            run = actions.restart_run(run=run, actor=request.user)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _django_error(exc) from exc
        run.refresh_from_db()
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)


class _ProposalViewSet(viewsets.GenericViewSet):
    """The one shape of a proposals endpoint: list, open, and the three decisions through ``actions.decide``.

    A kind sets ``kind`` (``matching.kinds``), its ``serializer_class`` (the output), its
    ``DecisionInput`` and how its list is read (``listing``).
    """

    kind: kinds.ProposalKind
    DecisionInput: type[serializers.Serializer]
    permission_classes = [CanUseMatching]
    pagination_class = StandardPagination

    def listing(self, request: Request) -> QuerySet:
        raise NotImplementedError

    def _get(self, request: Request, pk: str) -> ProposalBase:
        found = self.kind.visible(request.user).select_related(*self.detail_related)
        proposal = found.filter(pk=pk).first() if str(pk).isdigit() else None
        if proposal is None:
            raise NotFound
        return proposal

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.listing(request))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self._get(request, pk)).data)

    def _decide(self, request: Request, pk: str, verb: str) -> Response:
        proposal = self._get(request, pk)
        data = self.DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        target = None
        if verb == actions.Verb.EDIT:
            wanted = values.get(proposal.target_field)
            target = self.kind.choices(proposal).filter(pk=wanted).first() if wanted else None
            if target is None:
                raise ValidationError({proposal.target_field: [str(self.kind.pick_message)]})
        try:
            actions.decide(
                proposal=proposal,
                verb=verb,
                actor=request.user,
                target=target,
                reason=values.get("reason", ""),
                message=values.get("message", ""),
            )
        except DjangoValidationError as exc:
            raise _django_error(exc) from exc
        return Response(self.get_serializer(self._get(request, pk)).data)

    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, actions.Verb.CONFIRM)

    @action(detail=True, methods=["post"])
    def edit(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, actions.Verb.EDIT)

    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._decide(request, pk, actions.Verb.REJECT)


def _decision_schema(Output, DecisionInput, confirm: str, edit: str):
    """The OpenAPI description of a kind's three decisions."""
    return extend_schema_view(
        confirm=extend_schema(request=DecisionInput, responses={200: Output}, description=confirm),
        edit=extend_schema(request=DecisionInput, responses={200: Output}, description=edit),
        reject=extend_schema(request=DecisionInput, responses={200: Output}, description="Reject with a reason."),
    )


def _output_fields(who: list[str], chosen: str, result: str) -> list[str]:
    """The fields of a proposal in the API, in the order clients have always received them."""
    scored = ["cost", "score", "reasons", "runner_up", "runner_up_cost", "cost_difference", "runner_up_full"]
    return ["id", "run", *who, *scored, "status", chosen, "decision_note", result, "decided_at"]


class _ProposalOutput(serializers.ModelSerializer):
    reasons = serializers.SerializerMethodField()
    cost_difference = serializers.FloatField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="proposed, confirmed, edited, rejected or superseded")

    def get_reasons(self, obj: ProposalBase) -> list[dict]:
        return _stored_reasons(obj.reasons)


class ProposalOutput(_ProposalOutput):
    referral = serializers.UUIDField(source="referral.uuid", read_only=True, allow_null=True)

    class Meta:
        model = Proposal
        ref_name = "MatchProposal"
        fields = _output_fields(["need", "offering"], "chosen_offering", "referral")
        read_only_fields = fields  # an output: no choice list of people in any form


class ProposalDecisionInput(serializers.Serializer):
    class Meta:
        ref_name = "MatchProposalDecision"

    offering = serializers.IntegerField(required=False, help_text="Edit: the offering chosen instead.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255)
    message = serializers.CharField(required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("run", int, required=True)]),
)
@_decision_schema(
    ProposalOutput,
    ProposalDecisionInput,
    confirm="Confirm: a referral DRAFT to the proposed offering (not sent).",
    edit="Override with another offering of the need's category and a reason: a referral DRAFT to it.",
)
class ProposalViewSet(_ProposalViewSet):
    """Proposals of a run (``?run=<id>``, paginated), and the decisions on them."""

    kind = kinds.REFERRALS
    serializer_class = ProposalOutput
    DecisionInput = ProposalDecisionInput
    queryset = Proposal.objects.none()  # for the schema only; reads go through scoping.scope(user, Proposal)
    detail_related = ("referral",)

    def listing(self, request: Request) -> QuerySet:
        run = request.query_params.get("run")
        if not run or not run.isdigit():
            raise ValidationError({"run": ["Give the run id."]})
        if not selectors.runs(request.user).filter(pk=run).exists():
            raise NotFound
        return self.kind.visible(request.user).select_related("referral").filter(run_id=run).order_by("pk")


class MentorProposalOutput(_ProposalOutput):
    mentor_name = serializers.CharField(source="mentor.full_name", read_only=True)

    class Meta:
        model = MentorProposal
        ref_name = "MatchMentorProposal"
        fields = _output_fields(["supervisee", "mentor", "mentor_name"], "chosen_mentor", "team_member")
        read_only_fields = fields  # an output: no choice list of people in any form


class MentorProposalDecisionInput(serializers.Serializer):
    class Meta:
        ref_name = "MatchMentorProposalDecision"

    mentor = serializers.IntegerField(required=False, help_text="Edit: the volunteer (id) chosen instead.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("run", int, required=False, description="A run; without it, the open proposals.")]
    ),
)
@_decision_schema(
    MentorProposalOutput,
    MentorProposalDecisionInput,
    confirm="Confirm: the mentor joins the correction team (team rules checked).",
    edit="Choose another mentor, with a reason: that mentor joins the correction team.",
)
class MentorProposalViewSet(_ProposalViewSet):
    """Mentor proposals (``?run=<id>``, else the open ones; paginated), and the decisions on them.

    Confirming (or choosing another mentor) adds the volunteer to the supervisee's correction
    team through the team action: Art. 25 (a woman on a female supervisee's team), minors only
    with a mentor cleared for minors, the mentor's places. A refusal is a 400 and writes nothing.
    """

    kind = kinds.MENTORS
    serializer_class = MentorProposalOutput
    DecisionInput = MentorProposalDecisionInput
    queryset = MentorProposal.objects.none()  # for the schema only; reads go through scope()
    detail_related = ("mentor",)

    def listing(self, request: Request) -> QuerySet:
        raw = request.query_params.get("run")
        run = None
        if raw is not None:
            run = selectors.runs(request.user).filter(pk=raw).first() if raw.isdigit() else None
            if run is None:
                raise NotFound
        return selectors.mentor_proposals(request.user, run)
