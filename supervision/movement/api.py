"""Staff API of movement requests, prohibition orders and monitoring approvals (/api/v1/supervision/...),
scoped like the pages and refused with the same messages (the actions raise them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from coordination.models import TEXT_MAX_LENGTH, Supervisee
from supervision.api import IsCaseStaff, _supervisee, validated
from supervision.movement import actions, selectors
from supervision.movement.models import MonitoringPeriod, MovementRequest, ProhibitionOrder


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class RequestOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    applied_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()
    days = serializers.IntegerField(read_only=True)
    attachments = AttachmentOutput(many=True, read_only=True)

    class Meta:
        model = MovementRequest
        fields = [
            "id",
            "supervisee",
            "kind",
            "state",
            "route",
            "route_reason",
            "start",
            "end",
            "days",
            "destination",
            "reason",
            "people",
            "place",
            "order",
            "short_notice",
            "receiving_county",
            "consulted_on",
            "reply_on",
            "reply_agrees",
            "handed_over_on",
            "referred_on",
            "upper_reference",
            "applied_by",
            "applied_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "notice_to",
            "notice_on",
            "returned_on",
            "attachments",
        ]


class ApplyInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=MovementRequest.Kind.choices)
    start = serializers.DateField()
    end = serializers.DateField()
    destination = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    receiving_county = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    people = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    order = serializers.IntegerField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class DecideInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "refuse"])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReferInput(serializers.Serializer):
    referred_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReturnInput(serializers.Serializer):
    returned_on = serializers.DateField()


class ConsultationInput(serializers.Serializer):
    consulted_on = serializers.DateField()
    reply_on = serializers.DateField(required=False, allow_null=True, default=None)
    agrees = serializers.BooleanField(required=False, allow_null=True, default=None)


class HandOverInput(serializers.Serializer):
    handed_over_on = serializers.DateField()


class NoticeInput(serializers.Serializer):
    recipient = serializers.ChoiceField(choices=MovementRequest.Recipient.choices)
    sent_on = serializers.DateField()


class RequestQuery(serializers.Serializer):
    supervisee = serializers.UUIDField(required=False)
    state = serializers.ChoiceField(choices=MovementRequest.State.choices, required=False)
    kind = serializers.ChoiceField(choices=MovementRequest.Kind.choices, required=False)


class MovementRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Requests of the supervisees I may see; ``awaiting`` lists those my role decides."""

    permission_classes = [IsCaseStaff]
    serializer_class = RequestOutput
    filter_backends: list = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        rows = selectors.requests(self.request.user).prefetch_related("attachments").order_by("-applied_at", "-pk")
        if self.action != "list":
            return rows
        query = validated(RequestQuery, self.request.query_params)
        if "supervisee" in query:
            rows = rows.filter(supervisee__uuid=query["supervisee"])
        if "state" in query:
            rows = rows.filter(state=query["state"])
        if "kind" in query:
            rows = rows.filter(kind=query["kind"])
        return rows

    @extend_schema(summary="Apply for a person (an officer of their office)", request=ApplyInput)
    def create(self, request: Request) -> Response:
        data = dict(validated(ApplyInput, request.data))
        supervisee = _supervisee(request.user, data.pop("supervisee"))
        order_id = data.pop("order")
        order = None
        if order_id is not None:
            order = ProhibitionOrder.objects.filter(pk=order_id, supervisee=supervisee).first()
            if order is None:
                raise ValidationError({"order": [_("Choose one of this person's prohibition orders.")]})
        made = actions.apply(supervisee=supervisee, actor=request.user, order=order, **data)
        return Response(RequestOutput(made).data, status=201)

    @extend_schema(summary="Requests awaiting my decision (my role is the route)", responses=RequestOutput(many=True))
    @action(detail=False, methods=["get"])
    def awaiting(self, request: Request) -> Response:
        rows = selectors.awaiting_decision(request.user).prefetch_related("attachments")
        page = self.paginate_queryset(rows)
        data = RequestOutput(page if page is not None else rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(summary="Approve or refuse (the routed head; never the applicant)", request=DecideInput)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        data = validated(DecideInput, request.data)
        row = actions.decide(
            request=self.get_object(), actor=request.user, approve=data["decision"] == "approve", note=data["note"]
        )
        return Response(RequestOutput(row).data)

    @extend_schema(summary="Refer to the level above (the bureau head)", request=ReferInput)
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str) -> Response:
        data = validated(ReferInput, request.data)
        row = actions.refer(request=self.get_object(), actor=request.user, referred_on=data["referred_on"])
        return Response(RequestOutput(row).data)

    @extend_schema(summary="Withdraw a request awaiting its decision", request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        return Response(RequestOutput(actions.withdraw(request=self.get_object(), actor=request.user)).data)

    @extend_schema(summary="Report back from travel (销假)", request=ReturnInput)
    @action(detail=True, methods=["post"], url_path="report-back")
    def report_back(self, request: Request, pk: str) -> Response:
        data = validated(ReturnInput, request.data)
        row = actions.report_back(request=self.get_object(), actor=request.user, returned_on=data["returned_on"])
        return Response(RequestOutput(row).data)

    @extend_schema(
        summary="Relocation: the consultation with the receiving county and its reply", request=ConsultationInput
    )
    @action(detail=True, methods=["post"])
    def consultation(self, request: Request, pk: str) -> Response:
        data = validated(ConsultationInput, request.data)
        row = actions.record_consultation(request=self.get_object(), actor=request.user, **data)
        return Response(RequestOutput(row).data)

    @extend_schema(summary="Relocation: the case was handed over", request=HandOverInput)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request: Request, pk: str) -> Response:
        data = validated(HandOverInput, request.data)
        row = actions.hand_over(request=self.get_object(), actor=request.user, **data)
        return Response(RequestOutput(row).data)

    @extend_schema(summary="Contact or entry: the notice to the court or procuratorate", request=NoticeInput)
    @action(detail=True, methods=["post"])
    def notice(self, request: Request, pk: str) -> Response:
        data = validated(NoticeInput, request.data)
        row = actions.record_notice(request=self.get_object(), actor=request.user, **data)
        return Response(RequestOutput(row).data)


class OrderOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    breaches = serializers.SerializerMethodField()

    class Meta:
        model = ProhibitionOrder
        fields = ["id", "supervisee", "kind", "text", "start", "end", "created_at", "breaches"]

    def get_breaches(self, obj) -> list[dict]:
        return [{"id": b.pk, "occurred_on": b.occurred_on, "facts": b.facts} for b in obj.breaches.all()]


class OrderInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=ProhibitionOrder.Kind.choices)
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    start = serializers.DateField()
    end = serializers.DateField()


class BreachInput(serializers.Serializer):
    occurred_on = serializers.DateField()
    facts = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class ProhibitionOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsCaseStaff]
    serializer_class = OrderOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.orders(self.request.user).order_by("-start", "-pk")
        uuid = self.request.query_params.get("supervisee")
        if self.action == "list" and uuid:
            rows = rows.filter(supervisee__uuid=validated(RequestQuery, {"supervisee": uuid})["supervisee"])
        return rows

    @extend_schema(summary="Record a prohibition order", request=OrderInput)
    def create(self, request: Request) -> Response:
        data = dict(validated(OrderInput, request.data))
        supervisee = _supervisee(request.user, data.pop("supervisee"))
        return Response(
            OrderOutput(actions.record_order(supervisee=supervisee, actor=request.user, **data)).data, status=201
        )

    @extend_schema(summary="Record a breach (records the prohibition-breach ground)", request=BreachInput)
    @action(detail=True, methods=["post"])
    def breach(self, request: Request, pk: str) -> Response:
        data = validated(BreachInput, request.data)
        order = self.get_object()
        actions.record_breach(order=order, actor=request.user, **data)
        return Response(OrderOutput(ProhibitionOrder.objects.get(pk=order.pk)).data, status=201)


class MonitoringOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    approved_by = serializers.StringRelatedField()

    class Meta:
        model = MonitoringPeriod
        fields = [
            "id",
            "supervisee",
            "ground",
            "facts",
            "extends",
            "assessment",
            "start",
            "months",
            "end",
            "device_id",
            "told_on",
            "approved_by",
            "approved_at",
            "ended_on",
            "end_reason",
        ]


class MonitoringInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    ground = serializers.ChoiceField(choices=MonitoringPeriod.Ground.choices)
    facts = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    start = serializers.DateField(required=False, allow_null=True, default=None)
    months = serializers.IntegerField(min_value=1, max_value=1000)
    device_id = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    told_on = serializers.DateField(required=False, allow_null=True, default=None)
    extends = serializers.IntegerField(required=False, allow_null=True, default=None)
    assessment = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class EndInput(serializers.Serializer):
    ended_on = serializers.DateField()
    reason = serializers.CharField(max_length=300)


class NoticeDeviceInput(serializers.Serializer):
    told_on = serializers.DateField(required=False, allow_null=True, default=None)
    device_id = serializers.CharField(max_length=100, required=False, allow_null=True, default=None)


class AccessInput(serializers.Serializer):
    accessed_by = serializers.CharField(max_length=100)
    accessed_at = serializers.DateTimeField()
    system = serializers.CharField(max_length=100)
    purpose = serializers.CharField(max_length=300)


class MonitoringViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsCaseStaff]
    serializer_class = MonitoringOutput
    filter_backends: list = []

    def get_queryset(self):
        rows = selectors.monitoring(self.request.user).order_by("-start", "-pk")
        uuid = self.request.query_params.get("supervisee")
        if self.action == "list" and uuid:
            rows = rows.filter(supervisee__uuid=validated(RequestQuery, {"supervisee": uuid})["supervisee"])
        return rows

    @extend_schema(summary="Approve a monitoring period or an extension (the bureau head)", request=MonitoringInput)
    def create(self, request: Request) -> Response:
        data = dict(validated(MonitoringInput, request.data))
        supervisee: Supervisee = _supervisee(request.user, data.pop("supervisee"))
        extends_id = data.pop("extends")
        extends = None
        if extends_id is not None:
            extends = MonitoringPeriod.objects.filter(pk=extends_id, supervisee=supervisee).first()
            if extends is None:
                raise ValidationError({"extends": [_("Only a running period of this person is extended.")]})
        period = actions.approve_monitoring(supervisee=supervisee, actor=request.user, extends=extends, **data)
        return Response(MonitoringOutput(period).data, status=201)

    @extend_schema(summary="End early", request=EndInput)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        data = validated(EndInput, request.data)
        return Response(
            MonitoringOutput(actions.end_monitoring(period=self.get_object(), actor=request.user, **data)).data
        )

    @extend_schema(summary="The date the person was told, and the device id", request=NoticeDeviceInput)
    @action(detail=True, methods=["post"])
    def notice(self, request: Request, pk: str) -> Response:
        data = validated(NoticeDeviceInput, request.data)
        period = actions.record_monitoring_notice(period=self.get_object(), actor=request.user, **data)
        return Response(MonitoringOutput(period).data)

    @extend_schema(summary="Record an access to location data held elsewhere", request=AccessInput)
    @action(detail=True, methods=["post"], url_path="location-access")
    def location_access(self, request: Request, pk: str) -> Response:
        data = validated(AccessInput, request.data)
        row = actions.record_location_access(period=self.get_object(), actor=request.user, **data)
        return Response({"id": row.pk, "accessed_at": row.accessed_at, "purpose": row.purpose}, status=201)
