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
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import actions, security
from accounts.models import ApiToken


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
