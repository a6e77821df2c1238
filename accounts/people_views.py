"""People and roles pages, under /casework/bureau/people/: the bureau for everyone, an office head for their
own office. Forms parse, accounts/actions.py decides and writes, accounts/selectors.py reads (scoped)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import actions, scoping, selectors
from accounts.forms import InviteForm, PeopleFilterForm, ReasonForm, RoleForm
from accounts.models import User
from services.models import Membership

PAGE_SIZE = 50


def _manager_only(request: HttpRequest) -> None:
    if not scoping.can(request.user, "manage_people", User):
        raise PermissionDenied


def _person(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(scoping.scope(request.user, User, "manage"), pk=pk)


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """Who holds which role where: searchable, filterable, paged; with the offices that lack an officer."""
    _manager_only(request)
    form = PeopleFilterForm(request.GET or None, actor=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    found = selectors.people_list(
        request.user,
        q=filters.get("q", ""),
        organisation=filters["organisation"].pk if filters.get("organisation") else None,
        role=filters.get("role", ""),
        active=filters.get("active", ""),
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/people/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "unstaffed": selectors.offices_without_officer() if scoping.can(request.user, "see_staffing", User) else [],
        },
    )


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    """Invite someone by e-mail (a set-password link) or phone (the link by SMS), with their first role."""
    _manager_only(request)
    form = InviteForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        person = actions.invite_user(actor=request.user, **form.cleaned_data)
        how = _("by e-mail") if person.email else _("by SMS")
        messages.success(request, _("%(name)s was invited %(how)s.") % {"name": person.get_full_name(), "how": how})
        return redirect("accounts-bureau:person", pk=person.pk)
    return render(request, "accounts/people/invite.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person: their roles, the record of every change (who, when, why), and the forms to change them."""
    _manager_only(request)
    subject = _person(request, pk)
    return _person_page(request, subject, RoleForm(actor=request.user), ReasonForm())


def _person_page(request: HttpRequest, subject: User, role_form, reason_form, status: int = 200) -> HttpResponse:
    memberships = list(selectors.person_memberships(request.user, subject))
    for m in memberships:
        m.can_revoke = m.is_active and scoping.can(request.user, "revoke", m)
    return render(
        request,
        "accounts/people/person.html",
        {
            "subject": subject,
            "memberships": memberships,
            "changes": selectors.person_changes(request.user, subject),
            "role_form": role_form if role_form.fields["role"].choices and subject.pk != request.user.pk else None,
            "reason_form": reason_form,
            "can_deactivate": scoping.can(request.user, "deactivate", subject),
        },
        status=status,
    )


@login_required
@require_POST
def grant(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_only(request)
    subject = _person(request, pk)
    form = RoleForm(request.POST, actor=request.user)
    if not form.is_valid():
        return _person_page(request, subject, form, ReasonForm(), status=400)
    if not scoping.can(request.user, "grant", Membership(user=subject, **_role_of(form))):
        raise PermissionDenied
    membership = actions.grant_role(actor=request.user, user=subject, **form.cleaned_data)
    messages.success(
        request,
        _("Role granted: %(role)s, %(org)s.")
        % {"role": membership.get_role_display(), "org": membership.organisation.display_name},
    )
    return redirect("accounts-bureau:person", pk=subject.pk)


def _role_of(form) -> dict:
    return {"organisation": form.cleaned_data["organisation"], "role": form.cleaned_data["role"]}


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_only(request)
    membership = get_object_or_404(
        scoping.scope(request.user, Membership).select_related("user", "organisation"), pk=pk
    )
    if not scoping.can(request.user, "revoke", membership):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _person_page(request, membership.user, RoleForm(actor=request.user), form, status=400)
    actions.revoke_role(actor=request.user, membership=membership, reason=form.cleaned_data["reason"])
    messages.success(request, _("Role revoked."))
    return redirect("accounts-bureau:person", pk=membership.user_id)


@login_required
@require_POST
def set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    _manager_only(request)
    subject = _person(request, pk)
    if not scoping.can(request.user, "deactivate", subject):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _person_page(request, subject, RoleForm(actor=request.user), form, status=400)
    actions.set_user_active(actor=request.user, user=subject, active=active, reason=form.cleaned_data["reason"])
    messages.success(request, _("The account was reactivated.") if active else _("The account was deactivated."))
    return redirect("accounts-bureau:person", pk=subject.pk)
