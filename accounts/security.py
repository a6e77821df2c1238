"""Sign-in security helpers: client address, who needs a second factor, the API token in use.

See docs/security.md ("Sign-in"). Writes (unlock, revoke, enrol) are in accounts/actions.py.
"""

from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

from accounts import roles

if TYPE_CHECKING:
    from accounts.models import ApiToken, User

# Set when the session has a confirmed device to check (optional users who enrolled).
SECOND_FACTOR_PENDING = "second_factor_pending"

_current_token: contextvars.ContextVar[ApiToken | None] = contextvars.ContextVar("api_token", default=None)


def client_ip(request: HttpRequest) -> str:
    """The caller's address: X-Forwarded-For's last hop behind our own proxy (BEHIND_PROXY), else REMOTE_ADDR."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def requires_second_factor(user: User) -> bool:
    """Bureau administrators and officers (settings.TWO_FACTOR_REQUIRED_ROLES) must pass a second factor."""
    return roles.has_role(user, *settings.TWO_FACTOR_REQUIRED_ROLES)


def confirmed_devices(user: User) -> list:
    """The user's confirmed second-factor devices (authenticator apps and recovery codes)."""
    from django_otp import devices_for_user

    return list(devices_for_user(user, confirmed=True))


def set_current_token(token: ApiToken | None) -> contextvars.Token:
    return _current_token.set(token)


def reset_current_token(marker: contextvars.Token) -> None:
    _current_token.reset(marker)


def current_token() -> ApiToken | None:
    """The API token that authenticated the request being served, if any."""
    return _current_token.get()


def note_second_factor_on_login(sender, request, user, **kwargs) -> None:
    """At each password login, remember whether this user enrolled a device (then the second step is due)."""
    if request is not None and hasattr(request, "session"):
        request.session[SECOND_FACTOR_PENDING] = bool(confirmed_devices(user))
