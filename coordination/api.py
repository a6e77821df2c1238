"""API of cases and referrals: same scoping (accounts.scoping and coordination/policies.py) and field rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import idempotency, roles, scoping
from accounts.validators import validate_person_name
from config.api_fields import RecordIdField
from coordination import actions, identity, policies, selectors
from coordination.filters import NeedFilter, ReferralFilter, SuperviseeFilter, SuperviseeRefFilter
from coordination.models import (
    NOTE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    AccessLog,
    CaseNote,
    Consent,
    CorrectionTeamMember,
    HouseholdType,
    Need,
    OffenceCategory,
    Referral,
    RiskLevel,
    SentenceType,
    Sex,
    Supervisee,
    SupervisionLevel,
)
from services.models import Membership, Organisation, ServiceCategory, ServiceOffering, Township

# --- Permissions -----------------------------------------------------------------


class IsCaseStaff(permissions.IsAuthenticated):
    """Officers, social workers and the bureau."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and policies.can_see_case_list(request.user)


class IsReferralParty(permissions.IsAuthenticated):
    """Case staff and provider staff."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and (
            policies.can_see_case_list(request.user) or policies.can_use_provider_inbox(request.user)
        )


class IsBureau(permissions.IsAuthenticated):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and roles.is_bureau_admin(request.user)


# What a path segment may hold: anything else is a 404 before the view runs.
ID_PATH = "[0-9]{1,18}"
UUID_PATH = "[0-9a-fA-F-]{32,36}"


# --- Field rules ----------------------------------------------------------------------


def age_on(born: dt.date, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def supervisee_values(supervisee: Supervisee, fields: frozenset[str]) -> dict[str, Any]:
    """The supervisee as a dict holding only ``fields`` (the per-role field rule)."""
    every: dict[str, Any] = {
        "uuid": lambda s: str(s.uuid),
        "case_number": lambda s: s.case_number,
        "name": lambda s: s.name,
        "given_name": lambda s: s.given_name,
        "sex": lambda s: s.sex,
        "date_of_birth": lambda s: s.date_of_birth.isoformat(),
        "age": lambda s: age_on(s.date_of_birth),
        "resident_id": lambda s: identity.decrypt(s.resident_id_encrypted),
        "resident_id_masked": lambda s: s.resident_id_masked,
        "phone": lambda s: s.phone,
        "household_type": lambda s: s.household_type,
        "township": lambda s: s.township.name,
        "address": lambda s: s.address,
        "judicial_office": lambda s: s.judicial_office.name,
        "sentence_type": lambda s: s.sentence_type,
        "offence_category": lambda s: s.offence_category,
        "correction_start": lambda s: s.correction_start.isoformat(),
        "correction_end": lambda s: s.correction_end.isoformat(),
        "risk_level": lambda s: s.risk_level,
        "supervision_level": lambda s: s.supervision_level,
        "status": lambda s: s.status,
        "is_minor": lambda s: s.is_minor,
        "preferred_language": lambda s: s.preferred_language,
    }
    return {key: getter(supervisee) for key, getter in every.items() if key in fields}


class SuperviseeRecordOutput(serializers.Serializer):
    """A supervisee's fields. Which ones are present depends on who asks (see docs/casework.md)."""

    uuid = serializers.UUIDField(required=False)
    case_number = serializers.CharField(
        required=False, help_text="The platform's case number (矫正编号), given at registration; read-only."
    )
    name = serializers.CharField(required=False)
    given_name = serializers.CharField(required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    date_of_birth = serializers.DateField(required=False)
    age = serializers.IntegerField(required=False)
    resident_id = serializers.CharField(required=False, help_text="Officers of the office and the bureau only.")
    resident_id_masked = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    household_type = serializers.ChoiceField(choices=HouseholdType.choices, required=False)
    township = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    judicial_office = serializers.CharField(required=False)
    sentence_type = serializers.ChoiceField(choices=SentenceType.choices, required=False)
    offence_category = serializers.ChoiceField(choices=OffenceCategory.choices, required=False)
    correction_start = serializers.DateField(required=False)
    correction_end = serializers.DateField(required=False)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    supervision_level = serializers.ChoiceField(choices=SupervisionLevel.choices, required=False)
    status = serializers.ChoiceField(choices=Supervisee.Status.choices, required=False)
    is_minor = serializers.BooleanField(required=False)
    preferred_language = serializers.CharField(required=False)


LIST_FIELDS = frozenset(
    {
        "uuid",
        "case_number",
        "name",
        "given_name",
        "sex",
        "age",
        "resident_id_masked",
        "township",
        "judicial_office",
        "sentence_type",
        "correction_end",
        "risk_level",
        "supervision_level",
        "status",
        "is_minor",
    }
)


class TeamMemberOutput(serializers.ModelSerializer):
    class Meta:
        model = CorrectionTeamMember
        fields = ["id", "role", "name", "sex", "phone", "meeting_schedule"]


class NeedOutput(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    supervisee = serializers.UUIDField(source="supervisee.uuid", read_only=True)

    class Meta:
        model = Need
        fields = ["id", "supervisee", "category", "category_name", "urgency", "description", "status", "opened_at"]


# --- Supervisees ----------------------------------------------------------------------


class SuperviseeListOutput(SuperviseeRecordOutput):
    open_needs = serializers.IntegerField()


class SuperviseeDetailOutput(SuperviseeRecordOutput):
    team = TeamMemberOutput(many=True)
    needs = NeedOutput(many=True)


class SuperviseeInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, validators=[validate_person_name])
    given_name = serializers.CharField(max_length=50, validators=[validate_person_name])
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = serializers.DateField()
    resident_id = serializers.CharField(max_length=18, write_only=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    household_type = serializers.ChoiceField(choices=HouseholdType.choices)
    township = serializers.SlugRelatedField(slug_field="code", queryset=Township.objects.all())
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    judicial_office = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE)
    )
    sentence_type = serializers.ChoiceField(choices=SentenceType.choices)
    offence_category = serializers.ChoiceField(choices=OffenceCategory.choices)
    correction_start = serializers.DateField()
    correction_end = serializers.DateField()
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    supervision_level = serializers.ChoiceField(choices=SupervisionLevel.choices, default=SupervisionLevel.ORDINARY)

    def validate(self, attrs):
        try:
            identity.validate_resident_id(attrs["resident_id"], date_of_birth=attrs["date_of_birth"], sex=attrs["sex"])
        except DjangoValidationError as exc:
            raise ValidationError({"resident_id": exc.messages}) from None
        try:
            attrs["phone"] = identity.normalise_phone(attrs.get("phone", ""))
        except DjangoValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from None
        return attrs


@extend_schema_view(
    list=extend_schema(summary="My caseload", responses=SuperviseeListOutput(many=True)),
    retrieve=extend_schema(summary="One supervisee record (logged)", responses=SuperviseeDetailOutput),
    create=extend_schema(
        summary="Register a supervisee", request=SuperviseeInput, responses={201: SuperviseeDetailOutput}
    ),
)
class SuperviseeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsCaseStaff]
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATH
    filterset_class = SuperviseeFilter
    ordering_fields = ["name", "correction_end", "updated_at"]
    serializer_class = SuperviseeListOutput

    def get_queryset(self):
        return selectors.caseload(self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = [{**supervisee_values(s, LIST_FIELDS), "open_needs": s.open_needs} for s in page]
        return self.get_paginated_response(rows)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        try:
            supervisee = selectors.supervisee_for_read(request.user, kwargs["uuid"])
        except (Supervisee.DoesNotExist, DjangoValidationError):
            raise NotFound from None
        return Response(self._detail(supervisee))  # the selector logged the read

    def _detail(self, supervisee: Supervisee) -> dict[str, Any]:
        fields = scoping.fields(self.request.user, supervisee)
        return {
            **supervisee_values(supervisee, fields),
            "team": TeamMemberOutput(supervisee.team.all(), many=True).data,
            "needs": NeedOutput(supervisee.needs.all(), many=True).data,
        }

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = SuperviseeInput(data=request.data)
        data.is_valid(raise_exception=True)
        supervisee = actions.create_supervisee(actor=request.user, **data.validated_data)
        return Response(
            self._detail(selectors.supervisee_for_read(request.user, supervisee.uuid)), status=status.HTTP_201_CREATED
        )


# --- Needs -----------------------------------------------------------------------------


class NeedInput(serializers.Serializer):
    supervisee = serializers.UUIDField()
    category = serializers.SlugRelatedField(slug_field="code", queryset=ServiceCategory.objects.filter(is_active=True))
    urgency = serializers.ChoiceField(choices=Need.Urgency.choices, default=Need.Urgency.NORMAL)
    description = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class CloseNeedInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


def _visible_supervisee(user, uuid) -> Supervisee:
    supervisee = scoping.scope(user, Supervisee).filter(uuid=uuid).first()
    if supervisee is None:
        raise ValidationError({"supervisee": ["No such supervisee in your caseload."]})
    return supervisee


@extend_schema_view(
    list=extend_schema(summary="Needs of my caseload"),
    retrieve=extend_schema(summary="One need"),
    create=extend_schema(summary="Record a need", request=NeedInput, responses={201: NeedOutput}),
)
class NeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsCaseStaff]
    serializer_class = NeedOutput
    filterset_class = NeedFilter
    lookup_value_regex = ID_PATH

    def get_queryset(self):
        return selectors.needs_list(self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = NeedInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        supervisee = _visible_supervisee(request.user, values.pop("supervisee"))
        need = actions.record_need(supervisee=supervisee, actor=request.user, **values)
        return Response(NeedOutput(need).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Close a need (open referrals are withdrawn)",
        request=CloseNeedInput,
        responses={200: NeedOutput, 400: OpenApiResponse(description="No reason, or already closed")},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        need = get_object_or_404(self.get_queryset(), pk=pk)
        data = CloseNeedInput(data=request.data)
        data.is_valid(raise_exception=True)
        need = actions.close_need(need=need, actor=request.user, reason=data.validated_data["reason"])
        return Response(NeedOutput(need).data)


# --- Referrals --------------------------------------------------------------------------


class EventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    note = serializers.CharField()


class ReferralOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    state = serializers.ChoiceField(choices=Referral.State.choices)
    side = serializers.ChoiceField(choices=["case", "provider"], help_text="How the caller relates to this referral.")
    category = serializers.CharField()
    need_id = serializers.IntegerField()
    need_description = serializers.CharField()
    urgency = serializers.IntegerField()
    offering = serializers.UUIDField()
    offering_name = serializers.CharField()
    organisation = serializers.CharField()
    message = serializers.CharField()
    deadline = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    outcome_grade = serializers.CharField()
    outcome_note = serializers.CharField()
    decline_reason = serializers.CharField()
    escalation_level = serializers.IntegerField(required=False, help_text="Case side only.")
    consent_override = serializers.BooleanField(required=False, help_text="Case side only.")
    allowed_actions = serializers.ListField(child=serializers.CharField())
    supervisee = SuperviseeRecordOutput()


class ReferralDetailOutput(ReferralOutput):
    events = EventOutput(many=True)


def referral_values(user, referral: Referral, *, team_ids: set[int] | None = None) -> dict[str, Any]:
    policy = policies.referrals()
    side = policy.side(user, referral, team_ids=team_ids)
    supervisee = referral.need.supervisee
    fields = policy.fields(user, referral, side=side)
    values = {
        "uuid": str(referral.uuid),
        "state": referral.state,
        "side": side,
        "category": referral.need.category.code,
        "need_id": referral.need_id,
        "need_description": referral.need.description,
        "urgency": referral.need.urgency,
        "offering": str(referral.offering.uuid),
        "offering_name": referral.offering.name,
        "organisation": referral.offering.organisation.name,
        "message": referral.message,
        "deadline": referral.deadline,
        "sent_at": referral.sent_at,
        "responded_at": referral.responded_at,
        "closed_at": referral.closed_at,
        "outcome_grade": referral.outcome_grade,
        "outcome_note": referral.outcome_note,
        "decline_reason": referral.decline_reason,
        "allowed_actions": actions.allowed_verbs(referral, side),
        "supervisee": supervisee_values(supervisee, fields),
    }
    if side == "case":
        values["escalation_level"] = referral.escalation_level
        values["consent_override"] = referral.consent_override
    return values


class ReferralInput(serializers.Serializer):
    need = RecordIdField()
    offering = serializers.SlugRelatedField(slug_field="uuid", queryset=ServiceOffering.objects.filter(is_active=True))
    message = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")
    send = serializers.BooleanField(default=False, help_text="Send at once (consent is checked).")
    override_consent = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class TransitionInput(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")
    reason = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", help_text="Required to decline."
    )
    grade = serializers.ChoiceField(
        choices=Referral.Outcome.choices, required=False, default="", help_text="Required to complete."
    )
    override_consent = serializers.BooleanField(
        default=False, help_text="Send without recorded consent (officers only; the note gives the reason)."
    )
    for_provider = serializers.BooleanField(
        default=False, help_text="Case staff: the note is written for the provider (otherwise only case staff see it)."
    )


def _transition_response(request: Request, referral: Referral, verb: str) -> Response:
    data = TransitionInput(data=request.data)
    data.is_valid(raise_exception=True)
    # A refusal (ReferralError) becomes 400 or 409 by its code, in the one error body.
    referral = actions.apply_verb(referral=referral, verb=verb, actor=request.user, **data.validated_data)
    referral = selectors.referral_for_read(request.user, referral.uuid)
    return Response(referral_values(request.user, referral))


@extend_schema_view(
    list=extend_schema(summary="Referrals I may see", responses=ReferralOutput(many=True)),
    retrieve=extend_schema(summary="One referral with its events (logged)", responses=ReferralDetailOutput),
    create=extend_schema(
        summary="Draft (or send) a referral",
        request=ReferralInput,
        responses={201: ReferralOutput},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Repeat the call with the same key (within a day) to get the first referral again.",
            )
        ],
    ),
)
class ReferralViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsReferralParty]
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATH
    filterset_class = ReferralFilter
    ordering_fields = ["created_at", "deadline", "sent_at"]
    serializer_class = ReferralOutput

    def get_queryset(self):
        return selectors.referral_list(self.request.user)

    def _team_ids(self) -> set[int]:
        return set(
            CorrectionTeamMember.objects.filter(
                user=self.request.user, role=CorrectionTeamMember.Role.SOCIAL_WORKER, is_active=True
            ).values_list("supervisee_id", flat=True)
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        team_ids = self._team_ids()
        return self.get_paginated_response([referral_values(request.user, r, team_ids=team_ids) for r in page])

    def _get(self, uuid) -> Referral:
        try:
            return selectors.referral_for_read(self.request.user, uuid)
        except (Referral.DoesNotExist, DjangoValidationError):
            raise NotFound from None

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        referral = self._get(kwargs["uuid"])  # the selector logs the read (coordination/access.py)
        values = referral_values(request.user, referral)
        values["events"] = [
            {
                "at": e.created_at,
                "actor": str(e.actor) if e.actor else None,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": e.note,
            }
            for e in referral.events.all()  # prefetched from the event policy: the provider gets no internal note
        ]
        return Response(values)

    def create(self, request: Request, *args, **kwargs) -> Response:
        if not policies.can_see_case_list(request.user):
            raise PermissionDenied(_("Only case staff send referrals."))
        key = request.headers.get(idempotency.HEADER, "")
        if key and not idempotency.valid_key(key):
            raise ValidationError({idempotency.HEADER: [idempotency.INVALID_MESSAGE]})
        data = ReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        need = selectors.needs_list(request.user).filter(pk=values.pop("need")).first()
        if need is None:
            raise ValidationError({"need": ["No such need in your caseload."]})
        send = values.pop("send")
        send_kwargs = {"override_consent": values.pop("override_consent"), "note": values.pop("note")}
        referral, created = idempotency.once(
            user=request.user,
            endpoint=actions.REFERRAL_CREATE,
            key=key,
            create=lambda: actions.create_referral(
                need=need, actor=request.user, send=send, **values, **(send_kwargs if send else {})
            ),
        )
        referral = selectors.referral_for_read(request.user, referral.uuid)
        # A repeat answers the first result again, marked as a replay.
        headers = {} if created else {"Idempotent-Replayed": "true"}
        return Response(referral_values(request.user, referral), status=status.HTTP_201_CREATED, headers=headers)

    def _verb(self, request: Request, uuid: str, verb: str) -> Response:
        return _transition_response(request, self._get(uuid), verb)

    _verb_schema = {
        "request": TransitionInput,
        "responses": {
            200: ReferralOutput,
            400: OpenApiResponse(description="Missing reason, grade or consent"),
            403: OpenApiResponse(description="Not your side of the referral"),
            409: OpenApiResponse(description="Not allowed from the current state, or no place left"),
        },
    }

    @extend_schema(summary="Send a draft referral", **_verb_schema)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, uuid: str) -> Response:
        return self._verb(request, uuid, "send")

    @extend_schema(summary="Accept (provider): takes a place", **_verb_schema)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, uuid: str) -> Response:
        return self._verb(request, uuid, "accept")

    @extend_schema(summary="Decline (provider) with a reason", **_verb_schema)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, uuid: str) -> Response:
        return self._verb(request, uuid, "decline")

    @extend_schema(summary="Start the service (provider)", **_verb_schema)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, uuid: str) -> Response:
        return self._verb(request, uuid, "start")

    @extend_schema(summary="Complete with an outcome (provider)", **_verb_schema)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, uuid: str) -> Response:
        return self._verb(request, uuid, "complete")

    @extend_schema(summary="Withdraw (case staff)", **_verb_schema)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, uuid: str) -> Response:
        return self._verb(request, uuid, "withdraw")


# --- Notes, consents, team ----------------------------------------------------------------


class NoteSerializer(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    author = serializers.CharField(source="author.get_full_name", read_only=True)

    class Meta:
        model = CaseNote
        fields = ["id", "supervisee", "kind", "body", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"body": {"max_length": NOTE_MAX_LENGTH}}


@extend_schema_view(list=extend_schema(summary="Case notes"), create=extend_schema(summary="Add a case note"))
class NoteViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsCaseStaff]
    serializer_class = NoteSerializer
    filterset_class = SuperviseeRefFilter

    def get_queryset(self):
        return selectors.notes_list(self.request.user)

    def perform_create(self, serializer) -> None:
        supervisee = _visible_supervisee(self.request.user, serializer.validated_data["supervisee"]["uuid"])
        serializer.instance = actions.add_note(
            supervisee=supervisee,
            author=self.request.user,
            body=serializer.validated_data["body"],
            kind=serializer.validated_data.get("kind", CaseNote.Kind.NOTE),
        )


class ConsentSerializer(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    organisation = serializers.SlugRelatedField(slug_field="uuid", queryset=Organisation.objects.all())

    class Meta:
        model = Consent
        fields = ["id", "supervisee", "organisation", "method", "note", "granted_at", "expires_at", "withdrawn_at"]
        read_only_fields = ["id", "granted_at", "withdrawn_at"]


@extend_schema_view(
    list=extend_schema(summary="Consents to share"), create=extend_schema(summary="Record a consent to share")
)
class ConsentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsCaseStaff]
    serializer_class = ConsentSerializer
    lookup_value_regex = ID_PATH
    filterset_class = SuperviseeRefFilter

    def get_queryset(self):
        return selectors.consents_list(self.request.user)

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = actions.record_consent(
            supervisee=_visible_supervisee(self.request.user, data["supervisee"]["uuid"]),
            organisation=data["organisation"],
            recorded_by=self.request.user,
            method=data.get("method", Consent.Method.WRITTEN),
            note=data.get("note", ""),
            expires_at=data.get("expires_at"),
        )

    @extend_schema(request=None, responses=ConsentSerializer, summary="Withdraw a consent (PIPL Art. 15)")
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Referrals to the organisation not yet accepted are withdrawn with the reason."""
        consent = get_object_or_404(self.get_queryset(), pk=pk)
        consent = actions.withdraw_consent(consent=consent, actor=request.user)
        return Response(self.get_serializer(consent).data)


class TeamMemberSerializer(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid")
    user = serializers.SlugRelatedField(
        slug_field="username", queryset=Membership.objects.none(), required=False, allow_null=True
    )

    class Meta:
        model = CorrectionTeamMember
        fields = ["id", "supervisee", "role", "user", "name", "sex", "phone", "meeting_schedule"]
        read_only_fields = ["id"]

    def get_fields(self):
        # Only the people the caller could put on a team: no choice list enumerates users beyond scope.
        fields = super().get_fields()
        request = self.context.get("request")
        fields["user"].queryset = policies.supervisees().team_candidate_users(getattr(request, "user", None))
        return fields


@extend_schema_view(
    list=extend_schema(summary="Correction team members"),
    create=extend_schema(summary="Add a team member (Art. 25 checked)"),
)
class TeamMemberViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsCaseStaff]
    serializer_class = TeamMemberSerializer
    filterset_class = SuperviseeRefFilter

    def get_queryset(self):
        return selectors.team_list(self.request.user)

    def perform_create(self, serializer) -> None:
        data = dict(serializer.validated_data)
        supervisee = _visible_supervisee(self.request.user, data.pop("supervisee")["uuid"])
        if not scoping.can(self.request.user, "edit", supervisee):
            raise PermissionDenied("only the supervisee's office manages the team")
        user = data.get("user")
        if (
            user is not None
            and not policies.supervisees().team_candidates(self.request.user, supervisee).filter(pk=user.pk).exists()
        ):
            raise ValidationError({"user": ["Not staff of the office or an active volunteer."]})
        serializer.instance = actions.add_team_member(supervisee=supervisee, actor=self.request.user, **data)


# --- Volunteers' mentees, inbox, access log ----------------------------------------------


class MenteeOutput(serializers.ModelSerializer):
    given_name = serializers.CharField(source="supervisee.given_name")

    class Meta:
        model = CorrectionTeamMember
        fields = ["id", "given_name", "meeting_schedule"]


@extend_schema_view(list=extend_schema(summary="A volunteer's mentees: given name and meeting times only"))
class MenteeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MenteeOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.mentees(self.request.user)


class AccessLogOutput(serializers.ModelSerializer):
    supervisee = serializers.UUIDField(source="supervisee.uuid", allow_null=True, default=None)

    class Meta:
        model = AccessLog
        fields = ["id", "created_at", "username", "action", "object_type", "object_id", "supervisee", "purpose", "path"]


@extend_schema_view(list=extend_schema(summary="The access log (bureau only, read-only)"))
class AccessLogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsBureau]
    serializer_class = AccessLogOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.access_log(self.request.user)
