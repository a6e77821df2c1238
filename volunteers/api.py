"""The volunteers API for the mobile client: a volunteer's own data, and coordinators' vetting and approvals.

Each view validates with a nested input serializer, calls a selector or an action, and
shapes the answer with a nested output serializer. A rule an action refuses becomes a
400 or 409 in the one error body of docs/api.md (config.api_errors).
"""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import scoping
from config.api_fields import RecordIdField
from services import availability
from volunteers import actions, policies, selectors
from volunteers.filters import HourLogFilter, ShiftFilter, VolunteerFilter
from volunteers.models import Booking, HourLog, Opportunity, Shift, Volunteer


class IsVolunteer(BasePermission):
    message = gettext_lazy("You have no volunteer profile yet. Apply to volunteer first.")

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        view.volunteer = policies.own_profile(request.user)
        return view.volunteer is not None


class IsCoordinator(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and policies.can_coordinate_volunteers(request.user)


class ShiftOut(serializers.ModelSerializer):
    title = serializers.CharField(source="opportunity.neutral_title")
    kind = serializers.CharField(source="opportunity.kind")
    places_left = serializers.IntegerField()

    class Meta:
        model = Shift
        fields = [
            "id",
            "uuid",
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "places_left",
            "status",
            "sequence",
        ]

    def to_representation(self, shift: Shift) -> dict:
        data = super().to_representation(shift)
        request = self.context.get("request")
        if request is None or not policies.can_coordinate_volunteers(request.user):
            return availability.public_representation(data, shift.places_left)
        return data


# --- volunteer -------------------------------------------------------------------------------------


class MeApi(APIView):
    permission_classes = [IsAuthenticated, IsVolunteer]

    class MeOut(serializers.ModelSerializer):
        status_label = serializers.CharField(source="get_status_display")
        organisation = serializers.CharField(source="organisation.display_name")

        class Meta:
            model = Volunteer
            fields = ["uuid", "full_name", "status", "status_label", "organisation", "status_changed_at"]

    @extend_schema(responses=MeOut, summary="The volunteer's profile and vetting status")
    def get(self, request: Request) -> Response:
        return Response(self.MeOut(self.volunteer).data)


class OpportunityListApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated, IsVolunteer]
    filter_backends: list = []

    class OpportunityOut(serializers.ModelSerializer):
        required_courses = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

        class Meta:
            model = Opportunity
            fields = ["id", "uuid", "kind", "title", "description", "required_courses", "is_public"]

    serializer_class = OpportunityOut

    def get_queryset(self):
        return (
            scoping.scope(self.request.user, Opportunity, "book")
            .prefetch_related("required_courses")
            .order_by("title", "pk")
        )


class ShiftListApi(generics.ListAPIView):
    """Upcoming shifts open to the volunteer."""

    permission_classes = [IsAuthenticated, IsVolunteer]
    serializer_class = ShiftOut
    filterset_class = ShiftFilter
    filter_backends = generics.ListAPIView.filter_backends[:1]

    def get_queryset(self):
        return selectors.open_shifts(self.request.user)


class BookingOut(serializers.ModelSerializer):
    shift = ShiftOut()

    class Meta:
        model = Booking
        fields = ["id", "status", "shift", "created_at", "checked_in_at", "checked_out_at"]


class BookingListApi(generics.ListAPIView):
    """The volunteer's bookings; POST books a shift (or joins its waitlist)."""

    permission_classes = [IsAuthenticated, IsVolunteer]
    serializer_class = BookingOut
    filter_backends: list = []

    class BookingIn(serializers.Serializer):
        shift = RecordIdField()

    def get_queryset(self):
        return (
            scoping.scope(self.request.user, Booking, "own")
            .select_related("shift__opportunity")
            .order_by("-shift__starts_at", "pk")
        )

    @extend_schema(request=BookingIn, responses={201: BookingOut}, summary="Book a shift")
    def post(self, request: Request) -> Response:
        data = self.BookingIn(data=request.data)
        data.is_valid(raise_exception=True)
        shift = selectors.open_shifts(request.user).filter(pk=data.validated_data["shift"]).first()
        if shift is None:
            raise ApiValidationError({"shift": [_("This shift is not open to you.")]})
        booking = actions.book_shift(volunteer=self.volunteer, shift=shift, actor=request.user)
        booking = Booking.objects.select_related("shift__opportunity").get(pk=booking.pk)
        return Response(BookingOut(booking).data, status=status.HTTP_201_CREATED)


class BookingCancelApi(APIView):
    permission_classes = [IsAuthenticated, IsVolunteer]

    @extend_schema(request=None, responses=BookingOut, summary="Cancel one's booking")
    def post(self, request: Request, pk: int) -> Response:
        booking = get_object_or_404(scoping.scope(request.user, Booking, "own"), pk=pk)
        booking = actions.cancel_booking(booking=booking, actor=request.user)
        booking = Booking.objects.select_related("shift__opportunity").get(pk=booking.pk)
        return Response(BookingOut(booking).data)


class HourOut(serializers.ModelSerializer):
    class Meta:
        model = HourLog
        fields = ["id", "shift", "activity", "date", "hours", "status", "client_token", "review_note", "created_at"]


class HourListApi(generics.ListAPIView):
    """The volunteer's hour entries; POST logs hours (the same client_token twice is stored once)."""

    permission_classes = [IsAuthenticated, IsVolunteer]
    serializer_class = HourOut
    filterset_class = HourLogFilter
    filter_backends = generics.ListAPIView.filter_backends[:1]

    class HourIn(serializers.Serializer):
        shift = RecordIdField(required=False, allow_null=True)
        activity = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        date = serializers.DateField()
        hours = serializers.DecimalField(
            max_digits=5, decimal_places=2, min_value=Decimal("0.25"), max_value=Decimal("24")
        )
        client_token = serializers.UUIDField()

    def get_queryset(self):
        return selectors.own_hours(self.request.user)

    @extend_schema(request=HourIn, responses={201: HourOut, 200: HourOut}, summary="Log hours (idempotent)")
    def post(self, request: Request) -> Response:
        data = self.HourIn(data=request.data)
        data.is_valid(raise_exception=True)
        shift = None
        if data.validated_data.get("shift"):
            shift = Shift.objects.filter(pk=data.validated_data["shift"]).first()
            if shift is None:
                raise ApiValidationError({"shift": [_("You can only log hours for a shift you were booked on.")]})
        entry, created = actions.log_hours(
            volunteer=self.volunteer,
            shift=shift,
            activity=data.validated_data["activity"],
            date=data.validated_data["date"],
            hours=data.validated_data["hours"],
            client_token=data.validated_data["client_token"],
            actor=request.user,
        )
        return Response(HourOut(entry).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# --- coordinators ----------------------------------------------------------------------------------


class ManagedVolunteerOut(serializers.ModelSerializer):
    township = serializers.CharField(source="township.name", default="")
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = Volunteer
        fields = ["id", "uuid", "full_name", "phone", "email", "status", "township", "organisation", "created_at"]


class ManagedVolunteerListApi(generics.ListAPIView):
    """Applicants and volunteers of the teams the user coordinates (search with ?q=)."""

    permission_classes = [IsAuthenticated, IsCoordinator]
    serializer_class = ManagedVolunteerOut
    filterset_class = VolunteerFilter
    filter_backends = generics.ListAPIView.filter_backends[:1]

    def get_queryset(self):
        return selectors.volunteer_list(self.request.user).order_by("-created_at", "pk")


class TransitionApi(APIView):
    permission_classes = [IsAuthenticated, IsCoordinator]

    class TransitionIn(serializers.Serializer):
        to_status = serializers.ChoiceField(choices=Volunteer.Status.choices)
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(request=TransitionIn, responses=ManagedVolunteerOut, summary="Move a volunteer one vetting step")
    def post(self, request: Request, pk: int) -> Response:
        volunteer = get_object_or_404(selectors.volunteer_list(request.user), pk=pk)
        data = self.TransitionIn(data=request.data)
        data.is_valid(raise_exception=True)
        volunteer = actions.transition(
            volunteer=volunteer,
            to_status=data.validated_data["to_status"],
            note=data.validated_data["note"],
            actor=request.user,
        )
        return Response(ManagedVolunteerOut(selectors.volunteer_list(request.user).get(pk=volunteer.pk)).data)


class ManagedHourOut(serializers.ModelSerializer):
    volunteer = serializers.CharField(source="volunteer.full_name")

    class Meta:
        model = HourLog
        fields = ["id", "volunteer", "shift", "activity", "date", "hours", "status", "created_at"]


class ManagedHourListApi(generics.ListAPIView):
    """Hour entries of the teams the user coordinates (default: pending)."""

    permission_classes = [IsAuthenticated, IsCoordinator]
    serializer_class = ManagedHourOut
    filterset_class = HourLogFilter
    filter_backends = generics.ListAPIView.filter_backends[:1]

    def get_queryset(self):
        qs = scoping.scope(self.request.user, HourLog, "coordinate").select_related("volunteer").order_by("date", "pk")
        if "status" not in self.request.query_params:
            qs = qs.filter(status=HourLog.Status.PENDING)
        return qs


class HourReviewApi(APIView):
    permission_classes = [IsAuthenticated, IsCoordinator]

    class ReviewIn(serializers.Serializer):
        ids = serializers.ListField(child=RecordIdField(), min_length=1, max_length=500)
        decision = serializers.ChoiceField(choices=["approve", "reject"])
        note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    class ReviewOut(serializers.Serializer):
        reviewed = serializers.IntegerField()

    @extend_schema(request=ReviewIn, responses=ReviewOut, summary="Approve or reject hour entries (one or many)")
    def post(self, request: Request) -> Response:
        data = self.ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["ids"])
        entries = scoping.scope(request.user, HourLog, "coordinate").filter(pk__in=ids)
        unknown = ids - set(entries.values_list("pk", flat=True))
        if unknown:
            raise ApiValidationError(
                {"ids": [_("Not found among the entries you review: %(ids)s") % {"ids": sorted(unknown)}]}
            )
        if not policies.can_coordinate_volunteers(request.user):
            raise PermissionDenied
        n = actions.review_hours(
            entries=entries,
            actor=request.user,
            approve=data.validated_data["decision"] == "approve",
            note=data.validated_data["note"],
        )
        return Response({"reviewed": n})
