"""Staff API of education sessions, attendance and monthly hours (/api/v1/supervision/education-sessions/...),
scoped like the pages and refused with the same messages (the actions raise them)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import scoping
from accounts.models import User
from coordination.models import TEXT_MAX_LENGTH, Supervisee
from services.models import Organisation
from supervision.api import IsCaseStaff, _supervisee, validated
from supervision.education import actions, selectors
from supervision.education.models import Attendance, Session
from volunteers.models import Shift


class AttendanceOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")

    class Meta:
        model = Attendance
        fields = ["id", "supervisee", "status", "minutes", "excuse", "recorded_at"]


class SessionOutput(serializers.ModelSerializer):
    office = serializers.IntegerField(source="office_id")
    facilitator = serializers.StringRelatedField()
    volunteer_shift = serializers.UUIDField(source="volunteer_shift.uuid", allow_null=True, default=None)

    class Meta:
        model = Session
        fields = [
            "id",
            "office",
            "kind",
            "topic",
            "starts_at",
            "ends_at",
            "place",
            "facilitator",
            "volunteer_shift",
            "minors_only",
            "cancelled",
        ]


class SessionInput(serializers.Serializer):
    office = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Session.Kind.choices)
    topic = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    facilitator = serializers.IntegerField(required=False, allow_null=True, default=None)
    volunteer_shift = serializers.UUIDField(required=False, allow_null=True, default=None)
    minors_only = serializers.BooleanField(required=False, default=False)


class AttendanceRowInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    minutes = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    excuse = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class AttendanceInput(serializers.Serializer):
    rows = AttendanceRowInput(many=True, allow_empty=False)


class SessionQuery(serializers.Serializer):
    q = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Session.Kind.choices, required=False, allow_blank=True, default="")
    month = serializers.DateField(input_formats=["%Y-%m"], required=False, allow_null=True, default=None)


class HoursQuery(serializers.Serializer):
    month = serializers.DateField(input_formats=["%Y-%m"], required=False, allow_null=True, default=None)


class HoursOutput(serializers.Serializer):
    month = serializers.DateField()
    education = serializers.IntegerField(help_text="minutes attended")
    activity = serializers.IntegerField(help_text="minutes attended")
    targets = serializers.DictField(child=serializers.IntegerField(), help_text="minutes, from the rule book")
    met = serializers.DictField(child=serializers.BooleanField())
    excused = serializers.IntegerField()
    absent = serializers.IntegerField()


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sessions of the offices I may see; ``attendance`` records a sheet."""

    permission_classes = [IsCaseStaff]
    serializer_class = SessionOutput
    filter_backends: list = []

    def get_queryset(self):
        if self.action != "list":
            return selectors.sessions_for(self.request.user)
        query = validated(SessionQuery, self.request.query_params)
        return selectors.sessions_for(self.request.user, **query)

    @extend_schema(summary="Schedule a session (an officer of the office, or the bureau)", request=SessionInput)
    def create(self, request: Request) -> Response:
        data = dict(validated(SessionInput, request.data))
        office = Organisation.objects.filter(pk=data.pop("office"), kind=Organisation.Kind.JUDICIAL_OFFICE).first()
        if office is None:
            raise ValidationError({"office": [_("Choose a judicial office.")]})
        facilitator_id = data.pop("facilitator")
        facilitator = None
        if facilitator_id is not None:
            facilitator = User.objects.filter(pk=facilitator_id, is_active=True).first()
            if facilitator is None:
                raise ValidationError({"facilitator": [_("Choose an officer or a social worker.")]})
        shift_uuid = data.pop("volunteer_shift")
        shift = None
        if shift_uuid is not None:
            shift = Shift.objects.filter(uuid=shift_uuid).first()
            if shift is None:
                raise ValidationError({"volunteer_shift": [_("Choose a volunteer shift.")]})
        made = actions.schedule_session(
            actor=request.user, office=office, facilitator=facilitator, volunteer_shift=shift, **data
        )
        return Response(SessionOutput(made).data, status=201)

    @extend_schema(summary="Record the attendance sheet (one row a person)", request=AttendanceInput)
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str) -> Response:
        session = self.get_object()
        data = validated(AttendanceInput, request.data)
        uuids = [row["supervisee"] for row in data["rows"]]
        # Only people the user may see: an unknown or foreign uuid is the same field error (no name leaks).
        people = {s.uuid: s for s in scoping.scope(request.user, Supervisee).filter(uuid__in=uuids)}
        rows = []
        for row in data["rows"]:
            person = people.get(row["supervisee"])
            if person is None:
                raise ValidationError({"supervisee": [_("No such person on this session's sheet.")]})
            rows.append({**row, "supervisee": person})
        recorded = actions.record_attendance(actor=request.user, session=session, rows=rows)
        return Response(AttendanceOutput(recorded, many=True).data)


class HoursView(APIView):
    """A person's minutes of education and of public-interest activity in a month, against the targets."""

    permission_classes = [IsCaseStaff]

    @extend_schema(
        summary="A person's monthly hours against the rule book's targets",
        parameters=[HoursQuery],
        responses=HoursOutput,
    )
    def get(self, request: Request, uuid) -> Response:
        query = validated(HoursQuery, request.query_params)
        person = _supervisee(request.user, uuid)
        month = query["month"] or timezone.localdate()
        return Response(HoursOutput(selectors.monthly_hours(person, month)).data)
