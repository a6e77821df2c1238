"""The person's own API (/api/v1/me/...): what their phone page shows and does, for an app or a slow link.

Only a live person's own sign-in gets in (everyone else: 404, as the pages); every read is logged with the
purpose "self" (``selectors.me``); the writes are the same actions the pages call, refused with the same
messages (the actions raise them; ``config.errors`` maps their codes to statuses)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from coordination.models import TEXT_MAX_LENGTH, Supervisee
from supervision.api import validated
from supervision.movement import actions as movement_actions
from supervision.movement import selectors as movement_selectors
from supervision.movement.models import MovementRequest
from supervision.portal import selectors
from supervision.reporting import actions as reporting_actions
from supervision.reporting.actions import CODE_DIGITS
from supervision.reporting.api import ReportInput
from supervision.reporting.models import CheckIn


def _me(request: Request) -> Supervisee:
    supervisee = selectors.me(request.user)
    if supervisee is None:
        raise Http404(_("This address is for a person's own sign-in."))
    return supervisee


# --- output ------------------------------------------------------------------------------------------------


class OwnPersonOutput(serializers.Serializer):
    name = serializers.CharField()
    judicial_office = serializers.CharField(source="judicial_office.name")
    correction_start = serializers.DateField()
    correction_end = serializers.DateField()


class OwnPlanOutput(serializers.Serializer):
    mode = serializers.CharField()
    mode_label = serializers.CharField()
    interval_days = serializers.IntegerField()


class OwnNextReportOutput(serializers.Serializer):
    due_on = serializers.DateField()
    mode = serializers.CharField()
    mode_label = serializers.CharField()
    overdue = serializers.BooleanField()


class OwnCheckInRow(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    method = serializers.CharField()
    method_label = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    late = serializers.BooleanField()


class OwnVisitRow(serializers.Serializer):
    on = serializers.DateField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()


class OwnHealthDueRow(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    due_on = serializers.DateField()


class OwnReportingOutput(serializers.Serializer):
    reporting = OwnPlanOutput()
    next_report = OwnNextReportOutput(allow_null=True)
    pending_check_ins = OwnCheckInRow(many=True)
    last_check_ins = OwnCheckInRow(many=True)
    next_visits = OwnVisitRow(many=True)
    health_reports_due = OwnHealthDueRow(many=True)


class OwnRequestRow(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    destination = serializers.CharField()
    reason = serializers.CharField()
    people = serializers.CharField()
    place = serializers.CharField()
    applied_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.CharField()
    decision_note = serializers.CharField()
    returned_on = serializers.DateField(allow_null=True)
    report_by = serializers.DateField(allow_null=True)
    may_withdraw = serializers.BooleanField()
    may_report_back = serializers.BooleanField()
    certificate_url = serializers.CharField()


class OwnOrderRow(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    text = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class OwnPeriodRow(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class OwnMovementOutput(serializers.Serializer):
    requests = OwnRequestRow(many=True)
    pending = OwnRequestRow(many=True)
    prohibition_orders = OwnOrderRow(many=True)
    monitoring = OwnPeriodRow(many=True)


class OwnReferralRow(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    outcome_label = serializers.CharField()


class OwnNoticeRow(serializers.Serializer):
    subject = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class OwnOverviewOutput(serializers.Serializer):
    person = OwnPersonOutput(source="supervisee")
    reporting = OwnReportingOutput()
    movement = OwnMovementOutput()
    referrals = OwnReferralRow(many=True)
    notices = OwnNoticeRow(many=True)


class OwnCheckInOutput(serializers.Serializer):
    """A check-in as the person sees it: when, how, late or not, confirmed or not (no staff fields)."""

    id = serializers.IntegerField()
    method = serializers.CharField()
    state = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    late = serializers.BooleanField()


# --- input -------------------------------------------------------------------------------------------------


class OwnCheckInInput(serializers.Serializer):
    """``code`` (the office's one-time code: confirmed at once), or ``method`` phone or video after a call with
    the office (waits for an officer's confirmation)."""

    method = serializers.ChoiceField(
        choices=[CheckIn.Method.CODE, CheckIn.Method.PHONE, CheckIn.Method.VIDEO], default=CheckIn.Method.CODE
    )
    code = serializers.RegexField(
        rf"^\d{{{CODE_DIGITS}}}$",
        required=False,
        error_messages={"invalid": _("Enter the 6 digits of the code.")},
    )
    report = ReportInput(required=False)

    def validate(self, attrs):
        if attrs["method"] == CheckIn.Method.CODE and not attrs.get("code"):
            raise serializers.ValidationError({"code": [_("Enter the 6 digits of the code.")]})
        return attrs


class OwnApplyInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[MovementRequest.Kind.TRAVEL, MovementRequest.Kind.CONTACT])
    start = serializers.DateField()
    end = serializers.DateField()
    destination = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    people = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class OwnReturnInput(serializers.Serializer):
    returned_on = serializers.DateField()


def _own_row(request: Request, pk: str) -> MovementRequest:
    try:
        return selectors.own_request(request.user, int(pk))
    except MovementRequest.DoesNotExist:
        raise Http404 from None


def _row_out(request: Request, pk: int) -> dict:
    """One request as the overview lists it (the person's own view of it), read again after the write."""
    return OwnRequestRow(movement_selectors.self_request(_own_row(request, str(pk)))).data


class MeViewSet(viewsets.ViewSet):
    """My own record: what I owe next, my requests, orders, monitoring period and referrals; check in with the
    office's code, apply for travel or a contact approval with proof, withdraw, report back (销假)."""

    # Signed in; whether it is a live person's own sign-in ``_me`` answers (a 404, like the pages).
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(summary="My own page: what I owe, my requests, orders and referrals", responses=OwnOverviewOutput)
    def list(self, request: Request) -> Response:
        _me(request)
        return Response(OwnOverviewOutput(selectors.overview(request.user)).data)

    @extend_schema(
        summary="Check in with the office's code, or report after a phone or video call",
        request=OwnCheckInInput,
        responses=OwnCheckInOutput,
    )
    @action(detail=False, methods=["post"], url_path="check-ins")
    def check_in(self, request: Request) -> Response:
        supervisee = _me(request)
        data = validated(OwnCheckInInput, request.data)
        row = reporting_actions.check_in(
            supervisee=supervisee,
            actor=request.user,
            method=data["method"],
            code=data.get("code"),
            report=dict(data.get("report") or {}),
        )
        return Response(OwnCheckInOutput(row).data, status=201)

    @extend_schema(
        summary="Apply for travel or a contact approval, with proof",
        request=OwnApplyInput,
        responses={201: OwnRequestRow},
    )
    @action(detail=False, methods=["post"])
    def requests(self, request: Request) -> Response:
        supervisee = _me(request)
        data = validated(OwnApplyInput, request.data)
        made = movement_actions.apply(supervisee=supervisee, actor=request.user, **data)
        return Response(_row_out(request, made.pk), status=201)

    @extend_schema(summary="Withdraw my request while it awaits its decision", request=None, responses=OwnRequestRow)
    @action(detail=False, methods=["post"], url_path=r"requests/(?P<pk>[0-9]+)/withdraw")
    def withdraw(self, request: Request, pk: str) -> Response:
        _me(request)
        movement_actions.withdraw(request=_own_row(request, pk), actor=request.user)
        return Response(_row_out(request, int(pk)))

    @extend_schema(
        summary="Report back from an approved travel (销假)", request=OwnReturnInput, responses=OwnRequestRow
    )
    @action(detail=False, methods=["post"], url_path=r"requests/(?P<pk>[0-9]+)/report-back")
    def report_back(self, request: Request, pk: str) -> Response:
        _me(request)
        row = _own_row(request, pk)
        data = validated(OwnReturnInput, request.data)
        movement_actions.report_back(request=row, actor=request.user, **data)
        return Response(_row_out(request, int(pk)))
