"""API of sign-in: token authentication for programs, a user's own tokens, and the token login.

A token authenticates as its user, so every view scopes it exactly like that user's session.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import actions, security
from accounts.models import ApiToken
from accounts.validators import validate_person_name


def _days_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=settings.API_TOKEN_MAX_DAYS, default=90, help_text="Days until the token expires."
    )


class TokenInput(serializers.Serializer):
    name = serializers.CharField(max_length=80, help_text="What the token is for, e.g. the app's name.")
    days = _days_field()


class TokenOutput(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["uuid", "name", "token_key", "created", "expiry", "last_used_at"]


class TokenLoginInput(TokenInput):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="Second-factor code, where the user has one."
    )


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens: list, create (the key is in the answer, once), revoke."""

    serializer_class = TokenOutput
    lookup_field = "uuid"
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user).order_by("-created")

    @extend_schema(request=TokenInput, responses={201: TokenOutput})
    def create(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            raise PermissionDenied(_("A token cannot make other tokens; sign in with a password."))
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = actions.create_api_token(actor=request.user, **data.validated_data)
        return Response({**TokenOutput(token).data, "token": key}, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiToken) -> None:
        actions.revoke_api_token(actor=self.request.user, token=instance)


class TokenLoginView(APIView):
    """Exchange a user name, password (and second-factor code) for a named, expiring token.

    Every failure counts towards the brute-force lockout (django-axes), wrong codes included.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = TokenLoginInput

    @extend_schema(request=TokenLoginInput, responses={201: TokenOutput})
    def post(self, request: Request) -> Response:
        data = TokenLoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        django_request = request._request
        user = authenticate(django_request, username=values["username"], password=values["password"])
        if user is None:
            return Response(
                {"non_field_errors": [_("Please enter a correct user name and password.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        needs_code = security.requires_second_factor(user) or security.confirmed_devices(user)
        if needs_code and (not values.get("otp") or match_token(user, values["otp"]) is None):
            user_login_failed.send(
                sender=__name__, credentials={"username": values["username"]}, request=django_request
            )
            return Response(
                {"otp": [_("Enter the current code from your authenticator app or a recovery code.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, key = actions.create_api_token(actor=user, name=values["name"], days=values["days"])
        return Response({**TokenOutput(token).data, "token": key}, status=status.HTTP_201_CREATED)


# --- People and roles (the same rules as the pages: accounts/policies.py, services/policies.py) -------------


def _parse(form) -> dict:
    """A page form's verdict as the API's 400 (field messages), or its cleaned data."""
    if not form.is_valid():
        raise serializers.ValidationError(
            {
                ("non_field_errors" if key == "__all__" else key): [str(m) for m in msgs]
                for key, msgs in form.errors.items()
            }
        )
    return form.cleaned_data


class MembershipOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.display_name")
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    is_active = serializers.BooleanField()


class AccountChangeOutput(serializers.Serializer):
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_username")
    kind = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    role = serializers.CharField()
    reason = serializers.CharField()


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    is_active = serializers.BooleanField()
    roles = MembershipOutput(many=True, source="active_roles")


class PersonDetailOutput(PersonOutput):
    roles = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    def get_roles(self, obj) -> list[dict]:
        from accounts import selectors

        return MembershipOutput(selectors.person_memberships(self.context["actor"], obj), many=True).data

    def get_changes(self, obj) -> list[dict]:
        from accounts import selectors

        return AccountChangeOutput(selectors.person_changes(self.context["actor"], obj), many=True).data


class InviteInput(serializers.Serializer):
    full_name = serializers.CharField(max_length=100, validators=[validate_person_name])
    email = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    organisation = serializers.IntegerField()
    role = serializers.CharField()
    reason = serializers.CharField()


class RoleInput(serializers.Serializer):
    organisation = serializers.IntegerField()
    role = serializers.CharField()
    reason = serializers.CharField()


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class RevokeInput(ReasonInput):
    membership = serializers.IntegerField()


class PeopleViewSet(viewsets.GenericViewSet):
    """People and roles: who holds which role where (the bureau: everyone; an office head: their office),
    invitations, role grants and revocations, deactivation. Every change needs a reason and is recorded."""

    serializer_class = PersonOutput

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        from accounts import scoping
        from accounts.models import User

        if not scoping.can(request.user, "manage_people", User):
            raise PermissionDenied

    def get_queryset(self):
        from accounts import selectors
        from accounts.models import User

        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        params = self.request.query_params
        organisation = params.get("organisation", "")
        return selectors.people_list(
            self.request.user,
            q=params.get("q", "")[:100],
            organisation=int(organisation) if organisation.isdigit() else None,
            role=params.get("role", ""),
            active=params.get("active", ""),
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PersonOutput(page, many=True).data)

    def retrieve(self, request: Request, pk=None) -> Response:
        person = self._person(pk)
        return Response(PersonDetailOutput(person, context={"actor": request.user}).data)

    def _person(self, pk):
        from django.shortcuts import get_object_or_404

        from accounts import scoping
        from accounts.models import User

        return get_object_or_404(scoping.scope(self.request.user, User, "manage"), pk=pk)

    def _detail(self, person, status_code=status.HTTP_200_OK) -> Response:
        return Response(PersonDetailOutput(person, context={"actor": self.request.user}).data, status=status_code)

    @extend_schema(request=InviteInput, responses={201: PersonDetailOutput})
    @action(detail=False, methods=["post"])
    def invite(self, request: Request) -> Response:
        from accounts.forms import InviteForm

        data = _parse(InviteForm(data=request.data, actor=request.user))
        person = actions.invite_user(actor=request.user, **data)
        return self._detail(person, status.HTTP_201_CREATED)

    @extend_schema(request=RoleInput, responses={200: PersonDetailOutput})
    @action(detail=True, methods=["post"])
    def grant(self, request: Request, pk=None) -> Response:
        from accounts import scoping
        from accounts.forms import RoleForm
        from services.models import Membership

        person = self._person(pk)
        data = _parse(RoleForm(data=request.data, actor=request.user))
        if not scoping.can(
            request.user, "grant", Membership(user=person, organisation=data["organisation"], role=data["role"])
        ):
            raise PermissionDenied
        actions.grant_role(actor=request.user, user=person, **data)
        return self._detail(person)

    @extend_schema(request=RevokeInput, responses={200: PersonDetailOutput})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk=None) -> Response:
        from django.shortcuts import get_object_or_404

        from accounts import scoping
        from accounts.forms import ReasonForm
        from services.models import Membership

        person = self._person(pk)
        ids = RevokeInput(data=request.data)
        ids.is_valid(raise_exception=True)
        membership = get_object_or_404(
            scoping.scope(request.user, Membership).filter(user=person), pk=ids.validated_data["membership"]
        )
        if not scoping.can(request.user, "revoke", membership):
            raise PermissionDenied
        data = _parse(ReasonForm(data=request.data))
        actions.revoke_role(actor=request.user, membership=membership, reason=data["reason"])
        return self._detail(person)

    def _set_active(self, request: Request, pk, active: bool) -> Response:
        from accounts import scoping
        from accounts.forms import ReasonForm

        person = self._person(pk)
        if not scoping.can(request.user, "deactivate", person):
            raise PermissionDenied
        data = _parse(ReasonForm(data=request.data))
        actions.set_user_active(actor=request.user, user=person, active=active, reason=data["reason"])
        return self._detail(person)

    @extend_schema(request=ReasonInput, responses={200: PersonDetailOutput})
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk=None) -> Response:
        return self._set_active(request, pk, False)

    @extend_schema(request=ReasonInput, responses={200: PersonDetailOutput})
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk=None) -> Response:
        return self._set_active(request, pk, True)
