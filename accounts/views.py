from __future__ import annotations

import base64
import datetime as dt

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import actions, landing, roles, scoping, security
from accounts.forms import ApiTokenForm, OtpCodeForm
from accounts.models import ApiToken, SecurityEvent


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Without a safe ``next``, each role goes to its own place (see accounts.landing)."""
        return landing.landing_url(self.request.user)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's workspace: who they are, their roles, and where to go next."""
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": roles.memberships(request.user),
            "roles": roles.roles(request.user),
            "volunteer": scoping.scope(request.user, "volunteers.Volunteer", "own").first(),
            "places": landing.places(request.user),
        },
    )


# --- Brute-force lockout (django-axes) ------------------------------------------------


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What every login path answers once a user name is locked from this address (AXES_LOCKOUT_CALLABLE)."""
    message = _(
        "Too many failed sign-in attempts for this account from your address. Sign-in is locked for "
        "%(hours)s hour(s); the justice bureau can unlock it sooner."
    ) % {"hours": settings.AXES_COOLOFF_TIME or "∞"}
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)


# --- Two-factor sign-in (django-otp) ----------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), confirm with one code, get recovery codes."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = actions.confirm_totp_device(actor=request.user, device=device)
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _safe_next(request)})
        form.add_error("code", _("That code is not right. Check the time on your phone and try the newest code."))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, dark="#111", title=_("QR code for your authenticator app")),
            "secret": _base32(device.bin_key),
            "next": _safe_next(request),
            "required": security.requires_second_factor(request.user),
        },
    )


def _base32(key: bytes) -> str:
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step after the password: a code from the authenticator app, or one recovery code."""
    if not security.confirmed_devices(request.user):
        return redirect(f"{reverse('accounts:two-factor-setup')}?next={_safe_next(request)}")
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request, _("You used a recovery code; each works once. Make new ones if few are left.")
                )
            return redirect(_safe_next(request))
        form.add_error("code", _("That code is not right. Check the time on your phone and try the newest code."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes (only once verified; the middleware sees to it for required roles)."""
    if not request.user.is_verified():
        raise PermissionDenied
    codes = actions.replace_recovery_codes(actor=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:security")})


@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    """The user's sign-in settings: second factor and API tokens."""
    static = StaticDevice.objects.filter(user=request.user, confirmed=True).first()
    return render(
        request,
        "accounts/security.html",
        {
            "has_authenticator": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
            "recovery_left": static.token_set.count() if static else 0,
            "required": security.requires_second_factor(request.user),
        },
    )


# --- API tokens ------------------------------------------------------------------------


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens: make one (its key is shown this once), see when each was used, revoke."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = actions.create_api_token(actor=request.user, **form.cleaned_data)
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created")
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, uuid) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("user"), uuid=uuid, user=request.user)
    actions.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("The token was revoked; programs using it can no longer sign in."))
    return redirect("accounts:api-tokens")


# --- The bureau's sign-in security page ------------------------------------------------


def _bureau_only(request: HttpRequest) -> None:
    if not roles.is_bureau_admin(request.user):
        raise PermissionDenied


@login_required
def bureau_security(request: HttpRequest) -> HttpResponse:
    """Locked sign-ins (unlock), live API tokens of every user (revoke), and the record of both."""
    from axes.models import AccessAttempt

    _bureau_only(request)
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME))
    tokens = ApiToken.objects.select_related("user").filter(expiry__gt=timezone.now()).order_by("user__username")
    return render(
        request,
        "accounts/bureau_security.html",
        {
            "attempts": attempts.order_by("-attempt_time")[:200],
            "tokens": tokens[:500],
            "events": SecurityEvent.objects.all()[:50],
        },
    )


@login_required
@require_POST
def bureau_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    _bureau_only(request)
    from axes.models import AccessAttempt

    try:
        subject = actions.unlock_login(actor=request.user, attempt_id=pk)
    except AccessAttempt.DoesNotExist:
        messages.info(request, _("That lock had already been lifted."))
    else:
        messages.success(request, _("Unlocked: %(who)s can sign in again.") % {"who": subject})
    return redirect("accounts-bureau:security")


@login_required
@require_POST
def bureau_token_revoke(request: HttpRequest, uuid) -> HttpResponse:
    _bureau_only(request)
    token = get_object_or_404(ApiToken.objects.select_related("user"), uuid=uuid)
    actions.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("The token was revoked; programs using it can no longer sign in."))
    return redirect("accounts-bureau:security")
