"""Staff API of reward and sanction proposals (/api/v1/supervision/sanction-proposals/...), scoped like the
pages and refused with the same messages (the actions raise them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination.models import TEXT_MAX_LENGTH
from supervision.api import IsCaseStaff, _supervisee, validated
from supervision.sanctions import actions, selectors
from supervision.sanctions.models import SanctionProposal


class GroundOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    occurred_on = serializers.DateField()


class EvidenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class ProposalOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    proposed_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()
    grounds = GroundOutput(many=True, read_only=True)
    evidence = EvidenceOutput(many=True, read_only=True)

    class Meta:
        model = SanctionProposal
        fields = [
            "id",
            "supervisee",
            "kind",
            "state",
            "grounds",
            "facts",
            "evidence",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "decision_number",
            "procuratorate_notified_on",
            "sent_on",
            "court_due_on",
            "detention_requested_at",
            "detention_due_at",
            "organ_decided_on",
            "organ_accepted",
            "organ_reference",
        ]


class SanctionSuggestionOutput(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    grounds = GroundOutput(many=True)
    reasons = serializers.ListField(child=serializers.CharField())


class ProposeInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=SanctionProposal.Kind.choices)
    grounds = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, default=list, max_length=50
    )
    facts = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    evidence = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ProposalDecideInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "refuse"])
    decision_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ProposalQuery(serializers.Serializer):
    supervisee = serializers.UUIDField(required=False)
    state = serializers.ChoiceField(choices=SanctionProposal.State.choices, required=False)
    kind = serializers.ChoiceField(choices=SanctionProposal.Kind.choices, required=False)


class SanctionProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Proposals of the supervisees I may see; ``suggestions`` for one person; ``decide`` for the bureau."""

    permission_classes = [IsCaseStaff]
    serializer_class = ProposalOutput
    filter_backends: list = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        rows = selectors.proposals(self.request.user).order_by("-proposed_at", "-pk")
        if self.action != "list":
            return rows
        query = validated(ProposalQuery, self.request.query_params)
        if "supervisee" in query:
            rows = rows.filter(supervisee__uuid=query["supervisee"])
        if "state" in query:
            rows = rows.filter(state=query["state"])
        if "kind" in query:
            rows = rows.filter(kind=query["kind"])
        return rows

    @extend_schema(summary="Propose a reward or sanction (an officer of the person's office)", request=ProposeInput)
    def create(self, request: Request) -> Response:
        data = dict(validated(ProposeInput, request.data))
        supervisee = _supervisee(request.user, data.pop("supervisee"))
        wanted = set(data.pop("grounds"))
        grounds = list(selectors.grounds_for(request.user, supervisee).filter(pk__in=wanted))
        if len(grounds) != len(wanted):
            raise ValidationError({"grounds": [_("Choose grounds recorded for this person.")]})
        made = actions.propose(supervisee=supervisee, actor=request.user, grounds=grounds, **data)
        return Response(ProposalOutput(made).data, status=201)

    @extend_schema(summary="Proposals awaiting my decision (the county bureau)", responses=ProposalOutput(many=True))
    @action(detail=False, methods=["get"])
    def awaiting(self, request: Request) -> Response:
        rows = selectors.awaiting_decision(request.user)
        page = self.paginate_queryset(rows)
        data = ProposalOutput(page if page is not None else rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(summary="Approve (with the decision number) or refuse (with reasons)", request=ProposalDecideInput)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        data = validated(ProposalDecideInput, request.data)
        row = actions.decide(
            proposal=self.get_object(),
            actor=request.user,
            approve=data["decision"] == "approve",
            note=data["note"],
            decision_number=data["decision_number"],
        )
        return Response(ProposalOutput(row).data)

    @extend_schema(summary="Withdraw a proposal awaiting its decision", request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        return Response(ProposalOutput(actions.withdraw(proposal=self.get_object(), actor=request.user)).data)


class SuggestionsView(APIView):
    """``GET supervision/supervisees/<uuid>/sanction-suggestions/``: what the case qualifies for, with the
    reasons; creates nothing."""

    permission_classes = [IsCaseStaff]

    @extend_schema(
        summary="What one person's case qualifies for, with reasons", responses=SanctionSuggestionOutput(many=True)
    )
    def get(self, request: Request, uuid: str) -> Response:
        supervisee = _supervisee(request.user, uuid)
        return Response(SanctionSuggestionOutput(actions.suggest(supervisee), many=True).data)
