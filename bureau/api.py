"""API of the bureau's joint meetings, inspections, budget, spending, contracts and staff training
(/api/v1/bureau/...), scoped like the pages: the serializers parse (a 400 with field messages), the selectors
read, the actions write and refuse (403)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scoping
from bureau import actions, policies, selectors
from bureau.models import (
    CONTRACTOR_KINDS,
    TARGET_MAX,
    TEXT_MAX,
    YEAR_MAX,
    YEAR_MIN,
    ActionItem,
    BudgetCategory,
    BudgetLine,
    Checklist,
    Contract,
    Department,
    Expenditure,
    Finding,
    FollowUp,
    Inspection,
    InspectionResult,
    Meeting,
    StaffTraining,
)
from config.api_fields import RecordIdField, query_int
from config.errors import ActionError
from services.models import Organisation


class MayOpen(permissions.IsAuthenticated):
    """The bureau and judicial-office officers and heads (the rows and the actions decide the rest)."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and policies.may_open(request.user)


def validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _organisations():
    return Organisation.objects.filter(
        is_active=True, kind__in=[Organisation.Kind.JUDICIAL_OFFICE, Organisation.Kind.JUSTICE_BUREAU]
    )


class BureauActionItemOutput(serializers.ModelSerializer):
    owner_organisation = serializers.StringRelatedField()
    meeting = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "meeting",
            "task",
            "owner_department",
            "owner_organisation",
            "due_on",
            "status",
            "outcome",
            "closed_at",
        ]


class BureauMeetingOutput(serializers.ModelSerializer):
    organiser = serializers.StringRelatedField()

    class Meta:
        model = Meeting
        fields = ["id", "title", "held_at", "place", "departments", "agenda", "minutes", "decisions", "organiser"]


class BureauMeetingInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    departments = serializers.ListField(child=serializers.ChoiceField(choices=Department.choices), min_length=1)
    agenda = serializers.CharField(max_length=TEXT_MAX)
    minutes = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    decisions = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Joint meetings: list (``?q=``), one (with the action items the reader sees), record one (the bureau)."""

    permission_classes = [MayOpen]
    serializer_class = BureauMeetingOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.meetings(self.request.user, query=self.request.query_params.get("q", ""))

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        row = self.get_object()
        data = BureauMeetingOutput(row).data
        data["items"] = BureauActionItemOutput(selectors.meeting_items(request.user, row), many=True).data
        return Response(data)

    @extend_schema(request=BureauMeetingInput, responses={201: BureauMeetingOutput})
    def create(self, request: Request) -> Response:
        values = validated(BureauMeetingInput, request.data)
        return Response(BureauMeetingOutput(actions.record_meeting(actor=request.user, **values)).data, status=201)


class BureauActionItemInput(serializers.Serializer):
    meeting = serializers.IntegerField()
    task = serializers.CharField(max_length=TEXT_MAX)
    owner_department = serializers.ChoiceField(choices=Department.choices)
    owner_organisation = serializers.PrimaryKeyRelatedField(queryset=_organisations(), required=False, allow_null=True)
    due_on = serializers.DateField()


class BureauCloseInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[ActionItem.Status.DONE, ActionItem.Status.DROPPED])
    outcome = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class ActionItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Action items: list (``?department=&organisation=&status=&overdue=1``), one, add one, close one."""

    permission_classes = [MayOpen]
    serializer_class = BureauActionItemOutput
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        organisation = params.get("organisation", "")
        return selectors.action_items(
            self.request.user,
            department=params.get("department", ""),
            organisation=query_int(organisation),
            status=params.get("status", ""),
            overdue=params.get("overdue") in ("1", "true"),
        )

    @extend_schema(request=BureauActionItemInput, responses={201: BureauActionItemOutput})
    def create(self, request: Request) -> Response:
        values = validated(BureauActionItemInput, request.data)
        meeting = scoping.scope(request.user, Meeting).filter(pk=values.pop("meeting")).first()
        if meeting is None:
            raise NotFound
        item = actions.add_action_item(meeting=meeting, actor=request.user, **values)
        return Response(BureauActionItemOutput(item).data, status=201)

    @extend_schema(request=BureauCloseInput, responses={200: BureauActionItemOutput})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        item = self.get_object()
        values = validated(BureauCloseInput, request.data)
        return Response(BureauActionItemOutput(actions.close_action_item(item=item, actor=request.user, **values)).data)


class BureauChecklistOutput(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Checklist
        fields = ["id", "version", "title", "published_at", "items"]

    def get_items(self, obj) -> list[dict]:
        return [{"id": i.pk, "position": i.position, "text": i.text} for i in obj.items.all()]


class BureauChecklistInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    items = serializers.ListField(child=serializers.CharField(max_length=300), min_length=1)


class ChecklistViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Checklist versions (newest first); publish a new version (the bureau)."""

    permission_classes = [MayOpen]
    serializer_class = BureauChecklistOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.checklists(self.request.user)

    @extend_schema(request=BureauChecklistInput, responses={201: BureauChecklistOutput})
    def create(self, request: Request) -> Response:
        values = validated(BureauChecklistInput, request.data)
        return Response(BureauChecklistOutput(actions.publish_checklist(actor=request.user, **values)).data, status=201)


class BureauResultOutput(serializers.ModelSerializer):
    item = serializers.CharField(source="item.text")

    class Meta:
        model = InspectionResult
        fields = ["item", "result", "note"]


class BureauFindingOutput(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["id", "inspection", "text", "correction_due", "status", "closed_at"]


class BureauInspectionOutput(serializers.ModelSerializer):
    office = serializers.StringRelatedField()
    checklist_version = serializers.IntegerField(source="checklist.version")

    class Meta:
        model = Inspection
        fields = ["id", "office", "checklist_version", "inspected_on", "inspectors", "summary"]


class BureauResultInput(serializers.Serializer):
    item = serializers.IntegerField()
    result = serializers.ChoiceField(choices=InspectionResult.Result.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BureauInspectionInput(serializers.Serializer):
    office = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True, kind=Organisation.Kind.JUDICIAL_OFFICE)
    )
    inspected_on = serializers.DateField()
    inspectors = serializers.CharField(max_length=300)
    summary = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    results = BureauResultInput(many=True)


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Inspections: list (``?office=``), one (results and findings), record one (the bureau)."""

    permission_classes = [MayOpen]
    serializer_class = BureauInspectionOutput
    filter_backends: list = []

    def get_queryset(self):
        office = self.request.query_params.get("office", "")
        return selectors.inspections(self.request.user, office=query_int(office))

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        try:
            row = selectors.inspection_detail(request.user, int(kwargs["pk"]))
        except (Inspection.DoesNotExist, ValueError):
            raise NotFound from None
        data = BureauInspectionOutput(row).data
        data["results"] = BureauResultOutput(row.results.all(), many=True).data
        data["findings"] = BureauFindingOutput(row.findings.all(), many=True).data
        return Response(data)

    @extend_schema(request=BureauInspectionInput, responses={201: BureauInspectionOutput})
    def create(self, request: Request) -> Response:
        values = validated(BureauInspectionInput, request.data)
        results = {row["item"]: (row["result"], row["note"]) for row in values.pop("results")}
        inspection = actions.record_inspection(actor=request.user, results=results, **values)
        return Response(BureauInspectionOutput(inspection).data, status=201)


class BureauFindingInput(serializers.Serializer):
    inspection = serializers.IntegerField()
    text = serializers.CharField(max_length=TEXT_MAX)
    correction_due = serializers.DateField()


class BureauFollowUpInput(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX)


class BureauReturnInput(BureauFollowUpInput):
    correction_due = serializers.DateField()


class BureauFollowUpOutput(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = FollowUp
        fields = ["id", "kind", "text", "author", "created_at"]


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Findings: list (``?status=&office=&overdue=1``), one (with its follow-ups), add one (the bureau), and
    the follow-ups: correct (the office head), return and close (the bureau), note (either)."""

    permission_classes = [MayOpen]
    serializer_class = BureauFindingOutput
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        office = params.get("office", "")
        return selectors.findings(
            self.request.user,
            status=params.get("status", ""),
            office=query_int(office),
            overdue=params.get("overdue") in ("1", "true"),
        )

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        row = self.get_object()
        data = BureauFindingOutput(row).data
        data["follow_ups"] = BureauFollowUpOutput(selectors.follow_ups(request.user, row), many=True).data
        return Response(data)

    @extend_schema(request=BureauFindingInput, responses={201: BureauFindingOutput})
    def create(self, request: Request) -> Response:
        values = validated(BureauFindingInput, request.data)
        inspection = scoping.scope(request.user, Inspection).filter(pk=values.pop("inspection")).first()
        if inspection is None:
            raise NotFound
        return Response(
            BureauFindingOutput(actions.add_finding(inspection=inspection, actor=request.user, **values)).data,
            status=201,
        )

    @extend_schema(request=BureauFollowUpInput, responses={200: BureauFindingOutput})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk=None) -> Response:
        row = self.get_object()
        values = validated(BureauFollowUpInput, request.data)
        return Response(BureauFindingOutput(actions.report_correction(finding=row, actor=request.user, **values)).data)

    @extend_schema(request=BureauReturnInput, responses={200: BureauFindingOutput})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk=None) -> Response:
        row = self.get_object()
        values = validated(BureauReturnInput, request.data)
        return Response(BureauFindingOutput(actions.return_finding(finding=row, actor=request.user, **values)).data)

    @extend_schema(request=BureauFollowUpInput, responses={200: BureauFindingOutput})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        row = self.get_object()
        values = validated(BureauFollowUpInput, request.data)
        return Response(BureauFindingOutput(actions.close_finding(finding=row, actor=request.user, **values)).data)

    @extend_schema(request=BureauFollowUpInput, responses={201: BureauFollowUpOutput})
    @action(detail=True, methods=["post"])
    def note(self, request: Request, pk=None) -> Response:
        row = self.get_object()
        values = validated(BureauFollowUpInput, request.data)
        return Response(
            BureauFollowUpOutput(actions.add_note(finding=row, actor=request.user, **values)).data, status=201
        )


# --- staff training ----------------------------------------------------------------------------------------


class TrainingAccess(permissions.IsAuthenticated):
    """Lists and new records: staff; the yearly table: the bureau and office heads; one record: whoever's scope
    holds it (anybody else is told it is not found)."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if view.action in ("list", "create"):
            return policies.is_staff(request.user)
        if view.action == "hours":
            return policies.may_see_offices(request.user)
        return True


class StaffTrainingOutput(serializers.ModelSerializer):
    trainee_name = serializers.SerializerMethodField()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    certificate_url = serializers.SerializerMethodField()

    class Meta:
        model = StaffTraining
        fields = [
            "id",
            "trainee",
            "trainee_name",
            "organisation",
            "organisation_name",
            "course",
            "provider",
            "kind",
            "trained_on",
            "hours",
            "certificate_url",
            "recorded_at",
            "voided_at",
            "void_reason",
        ]

    def get_trainee_name(self, obj) -> str:
        return obj.trainee.get_full_name()

    def get_certificate_url(self, obj) -> str | None:
        """The scoped, logged download page of the certificate (none if there is none)."""
        return reverse("bureau:training-certificate", args=[obj.pk]) if obj.certificate else None


class StaffTrainingInput(serializers.Serializer):
    trainee = RecordIdField(required=False, help_text="The staff member's user id; default: yourself.")
    organisation = RecordIdField(help_text="An organisation where the staff member holds a staff role.")
    course = serializers.CharField(max_length=200)
    provider = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=StaffTraining.Kind.choices)
    trained_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=2)
    certificate = serializers.FileField(required=False)


class StaffTrainingVoidInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class StaffHoursOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    username = serializers.CharField()
    training_count = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=10, decimal_places=2)


def _year(value: str) -> int:
    return query_int(value, low=YEAR_MIN, high=YEAR_MAX) or timezone.localdate().year


class StaffTrainingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Staff training: list the records you see (``?year=&trainee=``), one, record one (yourself, or as office
    head or bureau), void one with a reason; ``hours``: each person's counted hours in a year
    (``?year=&organisation=``)."""

    permission_classes = [TrainingAccess]
    serializer_class = StaffTrainingOutput
    filter_backends: list = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        params = self.request.query_params
        trainee = query_int(params.get("trainee", ""))
        rows = selectors.trainings(self.request.user, year=_year(params["year"]) if "year" in params else None)
        return rows if trainee is None else rows.filter(trainee_id=trainee)

    @extend_schema(request=StaffTrainingInput, responses={201: StaffTrainingOutput})
    def create(self, request: Request) -> Response:
        values = validated(StaffTrainingInput, request.data)
        trainee = request.user
        if values.get("trainee") not in (None, request.user.pk):
            trainee = get_user_model().objects.filter(pk=values["trainee"]).first()
            if trainee is None or not selectors.may_see_person(request.user, trainee):
                raise NotFound
        values.pop("trainee", None)
        values["organisation"] = Organisation.objects.filter(is_active=True, pk=values["organisation"]).first()
        if values["organisation"] is None:
            raise ActionError({"organisation": policies.NOT_STAFF_ORGANISATION})
        training = actions.record_training(actor=request.user, trainee=trainee, **values)
        return Response(StaffTrainingOutput(training).data, status=201)

    @extend_schema(request=StaffTrainingVoidInput, responses={200: StaffTrainingOutput})
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk=None) -> Response:
        row = self.get_object()
        values = validated(StaffTrainingVoidInput, request.data)
        return Response(StaffTrainingOutput(actions.void_training(actor=request.user, training=row, **values)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="The calendar year (default: this year)."),
            OpenApiParameter("organisation", int, description="One organisation (default: every one you oversee)."),
        ],
        responses={200: StaffHoursOutput(many=True)},
    )
    @action(detail=False, methods=["get"])
    def hours(self, request: Request) -> Response:
        params = request.query_params
        organisation = None
        if "organisation" in params:
            wanted = query_int(params["organisation"])
            organisation = selectors.training_organisations(request.user).filter(pk=wanted).first() if wanted else None
            if organisation is None:
                raise NotFound
        rows = selectors.staff_hours(request.user, year=_year(params.get("year", "")), organisation=organisation)
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(StaffHoursOutput(page, many=True).data)
        return Response(StaffHoursOutput(rows, many=True).data)


# --- budget, spending and contracts ------------------------------------------------------------------------


class ReadsBudget(permissions.IsAuthenticated):
    """The bureau; anybody else signed in finds nothing (404), as on the pages."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if not policies.may_read_budget(request.user):
            raise NotFound
        return True


class OpensContracts(permissions.IsAuthenticated):
    """The bureau and the staff of a contracted organisation; anybody else signed in finds nothing (404)."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if not policies.may_open_contracts(request.user):
            raise NotFound
        return True


# Amounts parse as money; whether one may be zero or negative is the action's rule (one message for page and API).
MONEY = {"max_digits": 14, "decimal_places": 2}


class BudgetLineOutput(serializers.ModelSerializer):
    spent = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = BudgetLine
        fields = ["id", "year", "category", "approved", "spent", "note"]


class BudgetLineInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    approved = serializers.DecimalField(**MONEY)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BudgetLineEditInput(serializers.Serializer):
    approved = serializers.DecimalField(**MONEY)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BudgetLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Budget lines (the bureau): list (``?year=``), one, record one, change a line's approved amount."""

    permission_classes = [ReadsBudget]
    serializer_class = BudgetLineOutput
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        rows = selectors.budget_lines(self.request.user).order_by("-year", "category")
        year = self.request.query_params.get("year", "")
        year = query_int(year, low=YEAR_MIN, high=YEAR_MAX)
        return rows if year is None else rows.filter(year=year)

    @extend_schema(request=BudgetLineInput, responses={201: BudgetLineOutput})
    def create(self, request: Request) -> Response:
        values = validated(BudgetLineInput, request.data)
        line = actions.record_budget_line(actor=request.user, **values)
        return Response(BudgetLineOutput(self.get_queryset().get(pk=line.pk)).data, status=201)

    @extend_schema(request=BudgetLineEditInput, responses={200: BudgetLineOutput})
    def partial_update(self, request: Request, pk=None) -> Response:
        line = self.get_object()
        values = validated(BudgetLineEditInput, request.data)
        actions.edit_budget_line(line=line, actor=request.user, **values)
        return Response(BudgetLineOutput(self.get_queryset().get(pk=line.pk)).data)


class BudgetCategoryOutput(serializers.Serializer):
    category = serializers.CharField()
    approved = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    percent_spent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    previous_approved = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    growth = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    overspent = serializers.BooleanField()


class BudgetYearOutput(serializers.Serializer):
    year = serializers.IntegerField()
    approved = serializers.DecimalField(max_digits=14, decimal_places=2)
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2)
    percent_spent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    previous_approved = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    growth = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    did_not_grow = serializers.BooleanField()


class BudgetYearDetailOutput(BudgetYearOutput):
    rows = BudgetCategoryOutput(many=True)


class BudgetYearViewSet(viewsets.ViewSet):
    """The budget by year (the bureau): every year's totals and growth; one year by category."""

    permission_classes = [ReadsBudget]
    filter_backends: list = []
    lookup_field = "year"
    lookup_value_regex = "[0-9]{4}"

    @extend_schema(responses={200: BudgetYearOutput(many=True)})
    def list(self, request: Request) -> Response:
        return Response(BudgetYearOutput(selectors.budget_years(request.user), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("year", int, OpenApiParameter.PATH)], responses={200: BudgetYearDetailOutput}
    )
    def retrieve(self, request: Request, year: str) -> Response:
        return Response(BudgetYearDetailOutput(selectors.budget_year(request.user, int(year))).data)


class ExpenditureOutput(serializers.ModelSerializer):
    has_document = serializers.SerializerMethodField()
    voided = serializers.SerializerMethodField()

    class Meta:
        model = Expenditure
        fields = [
            "id",
            "budget_line",
            "spent_on",
            "amount",
            "purpose",
            "contract",
            "overspend_reason",
            "has_document",
            "voided",
            "voided_at",
            "void_reason",
        ]

    def get_has_document(self, obj) -> bool:
        return bool(obj.document)

    def get_voided(self, obj) -> bool:
        return obj.is_void


class ExpenditureInput(serializers.Serializer):
    budget_line = serializers.IntegerField()
    spent_on = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)
    purpose = serializers.CharField(max_length=300)
    document = serializers.FileField(required=False, allow_null=True)
    contract = serializers.IntegerField(required=False, allow_null=True)
    overspend_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class VoidInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ExpenditureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Spending (the bureau): list (``?year=&category=&contract=&state=valid|voided|all``), one, record one
    (JSON, or multipart with the supporting document), void one with the reason."""

    permission_classes = [ReadsBudget]
    serializer_class = ExpenditureOutput
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        year, contract = params.get("year", ""), params.get("contract", "")
        return selectors.expenditures(
            self.request.user,
            year=query_int(year, low=YEAR_MIN, high=YEAR_MAX),
            category=params.get("category", ""),
            contract=query_int(contract),
            state=params.get("state", "valid") if self.action == "list" else "all",
        )

    @extend_schema(request=ExpenditureInput, responses={201: ExpenditureOutput})
    def create(self, request: Request) -> Response:
        values = validated(ExpenditureInput, request.data)
        line = selectors.budget_lines(request.user).filter(pk=values.pop("budget_line")).first()
        contract_id = values.pop("contract", None)
        contract = selectors.contracts(request.user).filter(pk=contract_id).first() if contract_id else None
        if line is None or (contract_id and contract is None):
            raise NotFound
        row = actions.record_expenditure(actor=request.user, budget_line=line, contract=contract, **values)
        return Response(ExpenditureOutput(row).data, status=201)

    @extend_schema(request=VoidInput, responses={200: ExpenditureOutput})
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk=None) -> Response:
        row = self.get_object()
        values = validated(VoidInput, request.data)
        return Response(ExpenditureOutput(actions.void_expenditure(expenditure=row, actor=request.user, **values)).data)


class ContractOutput(serializers.ModelSerializer):
    organisation = serializers.StringRelatedField()

    class Meta:
        model = Contract
        fields = [
            "id",
            "organisation",
            "title",
            "number",
            "starts_on",
            "ends_on",
            "amount",
            "target_cases",
            "target_hours",
            "target_sessions",
        ]


class ContractTargetOutput(serializers.Serializer):
    code = serializers.CharField()
    target = serializers.IntegerField(allow_null=True)
    measured = serializers.DecimalField(max_digits=14, decimal_places=1)
    percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    met = serializers.BooleanField()


class ContractInput(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True, kind__in=CONTRACTOR_KINDS)
    )
    title = serializers.CharField(max_length=200)
    number = serializers.CharField(max_length=60)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)
    budget_line = serializers.PrimaryKeyRelatedField(
        queryset=BudgetLine.objects.all(), required=False, allow_null=True, default=None
    )
    target_cases = serializers.IntegerField(
        min_value=0, max_value=TARGET_MAX, required=False, allow_null=True, default=None
    )
    target_hours = serializers.IntegerField(
        min_value=0, max_value=TARGET_MAX, required=False, allow_null=True, default=None
    )
    target_sessions = serializers.IntegerField(
        min_value=0, max_value=TARGET_MAX, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Purchased-service contracts: list (``?organisation=&current=1``), one with each target against the live
    measure (and, for the bureau, what was paid), record one and amend one (the bureau)."""

    permission_classes = [OpensContracts]
    serializer_class = ContractOutput
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        params = self.request.query_params
        organisation = params.get("organisation", "")
        return selectors.contracts(
            self.request.user,
            organisation=query_int(organisation),
            current=params.get("current") in ("1", "true"),
        )

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        row = self.get_object()
        measures = selectors.contract_measures(row)
        data = ContractOutput(row).data
        data["targets"] = ContractTargetOutput(measures["targets"], many=True).data
        if policies.may_read_budget(request.user):
            data["paid"] = str(measures["paid"])
        return Response(data)

    @extend_schema(request=ContractInput, responses={201: ContractOutput})
    def create(self, request: Request) -> Response:
        values = validated(ContractInput, request.data)
        return Response(ContractOutput(actions.record_contract(actor=request.user, **values)).data, status=201)

    @extend_schema(request=ContractInput, responses={200: ContractOutput})
    def partial_update(self, request: Request, pk=None) -> Response:
        row = self.get_object()
        serializer = ContractInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {name: value for name, value in serializer.validated_data.items() if name in request.data}
        return Response(ContractOutput(actions.edit_contract(contract=row, actor=request.user, **values)).data)


@extend_schema_field({"type": "number", "nullable": True})
class FigureValueField(serializers.Field):
    """A count stays an integer (``50``, not ``50.0``); a sum is a number with two decimals."""

    def to_representation(self, value):
        return value


class FigureOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = FigureValueField(
        help_text="A whole number for a count; hours and yuan with two decimals; null when hidden."
    )
    rounded = serializers.BooleanField(help_text="Rounded to the nearest multiple of the rule book's stats_min_cell.")
    hidden = serializers.BooleanField(
        help_text="Hidden from this viewer (a count below the rule book's stats_min_cell)."
    )
    unit = serializers.CharField(help_text='"" a count, "h" hours, "yuan" money.')


class SectionOutput(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    figures = FigureOutput(many=True)


class FiguresOutput(serializers.Serializer):
    scope = serializers.CharField()
    scope_label = serializers.CharField()
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    today = SectionOutput(many=True)
    sections = SectionOutput(many=True)


class FiguresView(viewsets.ViewSet):
    """The dashboard's figures of a place and period (the same numbers as the page and the report)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("scope", str, description='"city", "office-<id>" or "township-<id>"; empty: your first'),
            OpenApiParameter("period", str, description='"YYYY-MM" (a month) or "YYYY" (a year); empty: this month'),
        ],
        responses=FiguresOutput,
    )
    def list(self, request: Request) -> Response:
        from django.http import Http404

        from bureau import figures

        try:
            scope = figures.resolve_scope(request.user, request.query_params.get("scope"))
        except Http404:
            raise NotFound from None
        try:
            period = figures.parse_period(request.query_params.get("period"), today=timezone.localdate())
        except figures.BadPeriod as exc:
            raise serializers.ValidationError({"period": [str(exc)]}) from None
        payload = {
            "scope": scope.param,
            "scope_label": scope.label,
            "period": period.param,
            "start": period.start,
            "end": period.end,
            "today": figures.today_figures(request.user, scope),
            "sections": figures.period_figures(request.user, scope, start=period.start, end=period.end),
        }
        return Response(FiguresOutput(payload).data)


# --- the monthly and yearly report (issue 18 item 3) ---------------------------------------------------------

from bureau.models import Report  # noqa: E402  (kept with the report's API, to merge easily)


class ReportOutput(serializers.ModelSerializer):
    period = serializers.CharField(source="period_param", read_only=True)
    scope = serializers.CharField(source="scope_param", read_only=True)
    requested_by = serializers.CharField(source="requested_by.get_full_name", read_only=True)
    xlsx_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "period",
            "year",
            "month",
            "period_start",
            "period_end",
            "scope",
            "scope_label",
            "state",
            "progress",
            "requested_by",
            "requested_at",
            "finished_at",
            "error",
            "xlsx_sha256",
            "pdf_sha256",
            "xlsx_url",
            "pdf_url",
        ]

    def _link(self, row: Report, name: str) -> str | None:
        return reverse(name, args=[row.pk]) if row.state == Report.State.DONE else None

    def get_xlsx_url(self, row: Report) -> str | None:
        return self._link(row, "bureau:report-xlsx")

    def get_pdf_url(self, row: Report) -> str | None:
        return self._link(row, "bureau:report-pdf")


class ReportDetailOutput(ReportOutput):
    class Meta(ReportOutput.Meta):
        fields = [*ReportOutput.Meta.fields, "figures"]


class BureauReportInput(serializers.Serializer):
    period = serializers.CharField(max_length=7, help_text="A year (2026) or a month (2026-11).")
    scope = serializers.CharField(max_length=40, default="city", help_text='"city", "office-<id>" or "township-<id>".')


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monthly and yearly reports: list (``?period=2026|2026-11&state=&scope=``), one (with its figures),
    request one (generated in the background; poll the report for its state and progress)."""

    permission_classes = [MayOpen]
    serializer_class = ReportOutput
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.reports(
            self.request.user,
            period=params.get("period", ""),
            state=params.get("state", ""),
            scope=params.get("scope", ""),
        )

    def get_serializer_class(self):
        return ReportDetailOutput if self.action == "retrieve" else ReportOutput

    @extend_schema(request=BureauReportInput, responses={201: ReportDetailOutput})
    def create(self, request: Request) -> Response:
        values = validated(BureauReportInput, request.data)
        row = actions.request_report(actor=request.user, period=values["period"], scope_param=values["scope"])
        row.refresh_from_db()  # generated already when tasks run in-process
        return Response(ReportDetailOutput(row).data, status=201)
