"""Sign-in middleware: the second-factor gate and the per-request API-token context."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from accounts import security

# Pages a signed-in user may reach before passing the second factor.
OPEN_BEFORE_SECOND_FACTOR = {
    "accounts:two-factor-verify",
    "accounts:two-factor-setup",
    "accounts:logout",
    "set_language",
    "healthz",
}


class SecondFactorMiddleware:
    """After the password, users who must (their role) or chose to (a confirmed device) pass a second factor.

    Until they do, pages redirect to the verify step (or to set-up when they have no device yet)
    and the API answers 403. Runs after django-otp's OTPMiddleware, which sets ``is_verified``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (request.session.get(security.SECOND_FACTOR_PENDING) or security.requires_second_factor(user))
            and not user.is_verified()
            and not self._open(request)
        ):
            return self._gate(request)
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in OPEN_BEFORE_SECOND_FACTOR

    @staticmethod
    def _gate(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": _("Complete two-factor sign-in first.")}, status=403)
        has_device = bool(security.confirmed_devices(request.user))
        target = reverse("accounts:two-factor-verify" if has_device else "accounts:two-factor-setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


class ApiTokenContextMiddleware:
    """Forget the API token of a request when its response is done (see accounts.security.current_token)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        marker = security.set_current_token(None)
        try:
            return self.get_response(request)
        finally:
            security.reset_current_token(marker)
