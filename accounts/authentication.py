"""Token authentication of the API (kept apart from accounts/api.py: DRF imports it while loading)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication

from accounts import security

LAST_USED_EVERY = dt.timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token cc_…``: knox's hashed tokens, remembered for the access log of this request."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            token = result[1]
            security.set_current_token(token)  # ApiTokenContextMiddleware clears it after the response
            now = timezone.now()
            if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
                type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describe the token in the OpenAPI schema (drf-spectacular)."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "API token from /accounts/api-tokens/, sent as `Token cc_…`.",
        }
