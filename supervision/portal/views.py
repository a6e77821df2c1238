"""The person's own phone pages under /me/ (overview, check-in and report, travel, report back) and the
officer's sign-in section of a case. Small pages, no staff navigation, no script needed."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import form_errors
from coordination.models import Supervisee
from supervision import policies
from supervision.movement import actions as movement_actions
from supervision.movement.models import MovementRequest
from supervision.portal import actions, forms, selectors
from supervision.reporting import actions as reporting_actions
from supervision.reporting.models import CheckIn
from supervision.views import _supervisee_or_404, requires


def for_the_person(view):
    """Signed in (else the login page) as a live person's own sign-in; everyone else gets a plain 404 page
    that says what the page is for (staff, strangers, a released person's sign-in)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        supervisee = selectors.me(request.user)
        if supervisee is None:
            return render(request, "supervision/portal/none.html", status=404)
        return view(request, supervisee, *args, **kwargs)

    return wrapped


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, f"supervision/portal/{template}", context, status=status)


@require_GET
@for_the_person
def overview(request: HttpRequest, supervisee: Supervisee) -> HttpResponse:
    """What I owe next, my requests, my orders and monitoring period, my referrals, and what the law asks."""
    data = selectors.overview(request.user)
    return _page(request, "overview.html", {**data, "s": supervisee})


def _report(request: HttpRequest, supervisee: Supervisee, form, method: str, done: str, title) -> HttpResponse:
    """A check-in of the person's own with the periodic report: by the office's code (confirmed at once) or
    after a phone or video call (waits for an officer to confirm it)."""
    if request.method == "POST" and form.is_valid():
        try:
            reporting_actions.check_in(
                supervisee=supervisee,
                actor=request.user,
                method=method or form.cleaned_data["method"],
                code=form.cleaned_data.get("code"),
                report=form.report(),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("portal:overview")
    status = 400 if request.method == "POST" else 200
    return _page(request, "form.html", {"form": form, "title": title, "law": "report"}, status)


@require_http_methods(["GET", "POST"])
@for_the_person
def check_in(request: HttpRequest, supervisee: Supervisee) -> HttpResponse:
    """Check in with the one-time code from the office, with the periodic report."""
    form = forms.SelfCheckInForm(request.POST or None)
    done = _("You have checked in. Thank you.")
    return _report(request, supervisee, form, CheckIn.Method.CODE, done, _("Check in with a code"))


@require_http_methods(["GET", "POST"])
@for_the_person
def remote_report(request: HttpRequest, supervisee: Supervisee) -> HttpResponse:
    """After a phone or video call with the office: the report, for an officer to confirm."""
    form = forms.RemoteReportForm(request.POST or None)
    done = _("Your report is sent. The office confirms it after checking.")
    return _report(request, supervisee, form, "", done, _("Report after a phone or video call"))


def _apply(request: HttpRequest, supervisee: Supervisee, kind: str, form_class, title, law: str) -> HttpResponse:
    """An application of the person's own (travel, or meeting someone), with proof."""
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            movement_actions.apply(supervisee=supervisee, actor=request.user, kind=kind, **form.cleaned_data)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "forbidden":
                raise PermissionDenied from exc
            form_errors(form, exc)
        else:
            messages.success(request, _("Your application is sent. You will see the decision here."))
            return redirect("portal:overview")
    status = 400 if request.method == "POST" else 200
    return _page(request, "form.html", {"form": form, "title": title, "law": law}, status)


@require_http_methods(["GET", "POST"])
@for_the_person
def travel(request: HttpRequest, supervisee: Supervisee) -> HttpResponse:
    """Apply for leave to travel out of the city or county, with proof."""
    return _apply(request, supervisee, MovementRequest.Kind.TRAVEL, forms.TravelForm, _("Apply to travel"), "travel")


@require_http_methods(["GET", "POST"])
@for_the_person
def contact(request: HttpRequest, supervisee: Supervisee) -> HttpResponse:
    """Ask to meet a person the rules keep you from (a victim, someone in the same case), with proof."""
    return _apply(
        request, supervisee, MovementRequest.Kind.CONTACT, forms.ContactForm, _("Ask to meet someone"), "contact"
    )


@require_http_methods(["GET", "POST"])
@for_the_person
def withdraw(request: HttpRequest, supervisee: Supervisee, pk: int) -> HttpResponse:
    """Withdraw my request while it awaits its decision (asked first)."""
    try:
        row = selectors.own_request(request.user, pk)
    except MovementRequest.DoesNotExist:
        raise Http404 from None
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            movement_actions.withdraw(request=row, actor=request.user)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your request is withdrawn."))
            return redirect("portal:overview")
    status = 400 if request.method == "POST" else 200
    return _page(request, "form.html", {"form": form, "title": _("Withdraw the request"), "request_row": row}, status)


@require_http_methods(["GET", "POST"])
@for_the_person
def report_back(request: HttpRequest, supervisee: Supervisee, pk: int) -> HttpResponse:
    """销假: tell the office I am back from an approved travel."""
    try:
        row = selectors.own_request(request.user, pk)
    except MovementRequest.DoesNotExist:
        raise Http404 from None
    form = forms.ReportBackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            movement_actions.report_back(request=row, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "forbidden":
                raise PermissionDenied from exc
            form_errors(form, exc)
        else:
            messages.success(request, _("You have reported back. Thank you."))
            return redirect("portal:overview")
    status = 400 if request.method == "POST" else 200
    return _page(
        request, "form.html", {"form": form, "title": _("Report back"), "law": "back", "request_row": row}, status
    )


# --- the officer's side ---------------------------------------------------------------------------------


def _login_context(supervisee: Supervisee, **bound) -> dict:
    return {
        "s": supervisee,
        "account": supervisee.account,
        "grant_form": bound.get("grant") or forms.GrantForm(initial={"phone": supervisee.phone}),
        "revoke_form": bound.get("revoke") or forms.RevokeForm(),
    }


@require_http_methods(["GET", "POST"])
@requires(policies.can_use_todo)
def login_section(request: HttpRequest, uuid) -> HttpResponse:
    """A case's phone-page sign-in: give it (phone prefilled), send the link again, or take it back."""
    supervisee = _supervisee_or_404(request.user, uuid)
    if request.method == "GET":
        return render(request, "supervision/portal/login.html", _login_context(supervisee))
    do = request.POST.get("do", "")
    bound: dict = {}
    try:
        if do == "grant":
            form = bound["grant"] = forms.GrantForm(request.POST)
            if form.is_valid():
                actions.grant_login(supervisee=supervisee, actor=request.user, phone=form.cleaned_data["phone"])
                messages.success(request, _("The sign-in is given; the person gets the link by SMS."))
                return redirect("supervision:portal-login", uuid=supervisee.uuid)
        elif do == "resend":
            actions.resend_login_link(supervisee=supervisee, actor=request.user)
            messages.success(request, _("The link is sent again."))
            return redirect("supervision:portal-login", uuid=supervisee.uuid)
        elif do == "revoke":
            form = bound["revoke"] = forms.RevokeForm(request.POST)
            if form.is_valid():
                actions.revoke_login(supervisee=supervisee, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("The sign-in is taken back."))
                return redirect("supervision:portal-login", uuid=supervisee.uuid)
        else:
            raise Http404
    except ValidationError as exc:
        if getattr(exc, "code", None) == "forbidden":
            raise PermissionDenied from exc
        form = next(iter(bound.values()), None)
        if form is None:
            messages.error(request, " ".join(exc.messages))
            return redirect("supervision:portal-login", uuid=supervisee.uuid)
        form_errors(form, exc)
    return render(request, "supervision/portal/login.html", _login_context(supervisee, **bound), status=400)
