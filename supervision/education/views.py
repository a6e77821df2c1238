"""Education pages: the sessions list (search, filter by kind and month, paged), scheduling and editing a
session, its page with the attendance sheet (given names only for a volunteer facilitator), and cancelling."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping
from accounts.models import User
from accounts.roles import Role, is_bureau_admin, organisation_ids
from config.errors import form_errors
from services.models import Organisation
from supervision import policies
from supervision.education import actions, forms, selectors
from supervision.education.models import Session
from supervision.views import requires

PAGE_SIZE = 20  # sessions per page (a view choice, not a legal clock)


def _session(request: HttpRequest, pk: int) -> Session:
    try:
        return selectors.session_for(request.user, pk)
    except Session.DoesNotExist:
        raise Http404 from None


def _month(value: str) -> dt.date | None:
    year, _sep, month = value.partition("-")
    try:
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def _offices(user) -> object:
    """The offices where the user may schedule sessions."""
    rows = Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE)
    if is_bureau_admin(user):
        return rows
    return rows.filter(pk__in=organisation_ids(user, Role.OFFICE_OFFICER))


def _staff(offices) -> object:
    """Officers and social workers of those offices, and the bureau: who may facilitate."""
    return (
        User.objects.filter(
            Q(
                memberships__organisation__in=offices,
                memberships__role__in=[Role.OFFICE_OFFICER, Role.SOCIAL_WORKER],
                memberships__is_active=True,
            )
            | Q(memberships__role=Role.BUREAU_ADMIN, memberships__is_active=True)
        )
        .distinct()
        .order_by("full_name", "pk")
    )


@require_GET
@requires(policies.is_case_staff)
def sessions(request: HttpRequest) -> HttpResponse:
    """The sessions of the user's offices: search by topic or place, filter by kind and month, paged."""
    q = request.GET.get("q", "")[:50]
    kind = request.GET.get("kind", "")
    kind = kind if kind in Session.Kind.values else ""
    month_text = request.GET.get("month", "")[:7]
    month = _month(month_text)
    rows = selectors.sessions_for(request.user, q=q, kind=kind, month=month)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/education/sessions.html",
        {
            "page": page,
            "kinds": Session.Kind.choices,
            "filters": {"q": q, "kind": kind, "month": month_text if month else ""},
            "can_schedule": _offices(request.user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def schedule(request: HttpRequest) -> HttpResponse:
    """Schedule a session for one of the user's offices."""
    offices = _offices(request.user)
    if not offices.exists():
        raise PermissionDenied
    form = forms.SessionForm(request.POST or None, offices=offices, staff=_staff(offices))
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.schedule_session(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The session is scheduled."))
            return redirect("supervision:education-session", pk=made.pk)
    return render(
        request,
        "supervision/movement/form.html",
        {"title": _("Schedule a session"), "form": form, "back": reverse("supervision:education-sessions")},
    )


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a session's kind, time, place, topic, facilitator or minors flag."""
    session = _session(request, pk)
    if not scoping.policy_for(Session).can(request.user, "edit", session):
        raise PermissionDenied
    initial = {name: getattr(session, name) for name in actions.EDITABLE}
    form = forms.SessionForm(
        request.POST or None,
        initial=initial,
        offices=_offices(request.user),
        staff=_staff(Organisation.objects.filter(pk=session.office_id)),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_session(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The session is changed."))
            return redirect("supervision:education-session", pk=session.pk)
    return render(
        request,
        "supervision/movement/form.html",
        {
            "title": _("Change the session"),
            "form": form,
            "back": reverse("supervision:education-session", args=[session.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """A session and its attendance sheet; officers of the office record it. A volunteer facilitator sees the
    sheet with given names only and records nothing."""
    row = _session(request, pk)
    user = request.user
    can_record = scoping.policy_for(Session).can(user, "record", row) and not row.cancelled
    people = selectors.sheet(user, row)
    form = forms.AttendanceSheetForm(request.POST or None, people=people)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.record_attendance(actor=user, session=row, rows=form.rows())
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The attendance is recorded."))
                return redirect("supervision:education-session", pk=row.pk)
    return render(
        request,
        "supervision/education/session.html",
        {
            "session": row,
            "people": people,
            "form": form,
            "can_record": can_record,
            "can_edit": can_record,
            "is_staff": policies.is_case_staff(user),
        },
    )


@require_POST
@requires(policies.is_case_staff)
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a session (its attendance stops counting)."""
    row = _session(request, pk)
    actions.cancel_session(actor=request.user, session=row)
    messages.success(request, _("The session is cancelled."))
    return redirect("supervision:education-session", pk=row.pk)
