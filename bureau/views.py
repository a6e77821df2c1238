"""Pages of the bureau's joint meetings, inspections, budget, spending and contracts. Every read starts from ``selectors``; every write
calls ``actions`` (which ask the policy and refuse with the same words the API gives)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from operator import attrgetter
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts import attachments, idempotency, scoping
from accounts import selectors as account_selectors
from accounts.spreadsheet import SafeWriter
from bureau import actions, figures, forms, policies, selectors
from bureau.models import YEAR_MAX, YEAR_MIN, Finding, Inspection, Meeting, StaffTraining
from config.errors import ActionError, form_errors
from coordination.access import logged
from coordination.actions import log_access
from coordination.models import AccessLog
from services.models import Organisation

PER_PAGE = 25


def _only_if(predicate, refusal: type[Exception]):
    """Signed in (else the login page) and allowed by a policy predicate, else ``refusal`` (403 or 404)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise refusal
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def requires(predicate):
    """Allowed by a policy predicate, else 403."""
    return _only_if(predicate, PermissionDenied)


def _today():
    return timezone.localdate()


def _status(exc: ValidationError) -> int:
    return exc.status_code if isinstance(exc, ActionError) else 400


def _page(request: HttpRequest, rows):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _get(rows, **lookup):
    try:
        return rows.get(**lookup)
    except (rows.model.DoesNotExist, ValueError):
        raise Http404 from None


def _form_page(request, template: str, form, status: int = 200, **context) -> HttpResponse:
    return render(request, template, {"form": form, **context}, status=status)


def _write_page(request, form, *, write, done: str, title: str, back: str) -> HttpResponse:
    """The one shape of a form page that writes: a valid POST runs ``write`` (an action, given the parsed
    values; it returns the address to go to), says ``done`` and goes there; a refusal comes back on the form
    with its status (400, 403, 409); a GET shows the form."""
    if request.method == "POST" and form.is_valid():
        try:
            target = write(dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors(form, exc)
            return _form_page(request, "bureau/form.html", form, _status(exc), title=title, back=back)
        messages.success(request, done)
        return redirect(target)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "bureau/form.html", form, status, title=title, back=back)


def _confirm(request, *, title: str, question: str, label: str, back: str, fields=()) -> HttpResponse:
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "question": question,
            "confirm_label": label,
            "back": back,
            "action": request.path,
            "fields": list(fields),
        },
    )


# --- joint meetings ------------------------------------------------------------------------------------


@require_GET
@requires(policies.may_open)
def meetings(request: HttpRequest) -> HttpResponse:
    """The joint meetings: searchable, sortable, paged."""
    search = forms.MeetingSearchForm(request.GET)
    values = search.cleaned_data if search.is_valid() else {}
    rows = selectors.meetings(request.user, query=values.get("q", ""), sort=values.get("sort") or "-held_at")
    return render(
        request,
        "bureau/meetings.html",
        {"page": _page(request, rows), "search": search, "can_write": policies.may_write(request.user)},
    )


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def meeting_new(request: HttpRequest) -> HttpResponse:
    """Record a joint meeting (the bureau; the action refuses anybody else)."""
    if not policies.may_write(request.user):
        raise PermissionDenied(str(policies.ONLY_BUREAU))
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.record_meeting(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
            return _form_page(request, "bureau/form.html", form, _status(exc), title=_("New joint meeting"))
        messages.success(request, _("The meeting is recorded."))
        return redirect("bureau:meeting", pk=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "bureau/form.html", form, status, title=_("New joint meeting"))


@require_GET
@requires(policies.may_open)
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting: its record and the action items the user may see (an office: its own)."""
    row = _get(scoping.scope(request.user, Meeting).select_related("organiser", "recorded_by"), pk=pk)
    return render(
        request,
        "bureau/meeting.html",
        {
            "meeting": row,
            "items": selectors.meeting_items(request.user, row),
            "can_write": policies.may_write(request.user),
            "item_form": forms.ActionItemForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a meeting's record."""
    row = _get(scoping.scope(request.user, Meeting), pk=pk)
    if not policies.may_write(request.user):
        raise PermissionDenied(str(policies.ONLY_BUREAU))
    initial = {
        f: getattr(row, f) for f in ("title", "held_at", "place", "departments", "agenda", "minutes", "decisions")
    }
    form = forms.MeetingForm(request.POST or None, initial=initial)
    title = _("Edit the meeting")
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_meeting(meeting=row, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
            return _form_page(request, "bureau/form.html", form, _status(exc), title=title)
        messages.success(request, _("The meeting is saved."))
        return redirect("bureau:meeting", pk=row.pk)
    return _form_page(request, "bureau/form.html", form, 400 if request.method == "POST" else 200, title=title)


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a meeting recorded by mistake (no action items), after confirming."""
    row = _get(scoping.scope(request.user, Meeting), pk=pk)
    if not policies.may_write(request.user):
        raise PermissionDenied(str(policies.ONLY_BUREAU))
    back = reverse("bureau:meeting", args=[row.pk])
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        try:
            actions.delete_meeting(meeting=row, actor=request.user)
        except ActionError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        messages.success(request, _("The meeting is deleted."))
        return redirect("bureau:meetings")
    return _confirm(
        request,
        title=_("Delete the meeting"),
        question=_("Delete the record of “%(title)s”? This cannot be undone.") % {"title": row.title},
        label=_("Yes, delete it"),
        back=back,
    )


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an action item to a meeting."""
    row = _get(scoping.scope(request.user, Meeting), pk=pk)
    if not policies.may_write(request.user):
        raise PermissionDenied(str(policies.ONLY_BUREAU))
    form = forms.ActionItemForm(request.POST or None)
    title = _("New action item")
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_action_item(meeting=row, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
            return _form_page(request, "bureau/form.html", form, _status(exc), title=title, meeting=row)
        messages.success(request, _("The action item is added."))
        return redirect("bureau:meeting", pk=row.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "bureau/form.html", form, status, title=title, meeting=row)


# --- action items ---------------------------------------------------------------------------------------


@require_GET
@requires(policies.may_open)
def action_items(request: HttpRequest) -> HttpResponse:
    """The action items the user sees, by owner department or organisation, status, overdue; sorted, paged."""
    search = forms.ItemFilterForm(request.GET)
    values = search.cleaned_data if search.is_valid() else {}
    organisation = values.get("organisation")
    rows = selectors.action_items(
        request.user,
        query=values.get("q", ""),
        department=values.get("department", ""),
        organisation=organisation.pk if organisation else None,
        status=values.get("status", ""),
        overdue=values.get("overdue", False),
        sort=values.get("sort") or "due_on",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "bureau/action_items.html",
        {"page": _page(request, rows), "search": search, "query": query.urlencode(), "today": _today()},
    )


@require_GET
@requires(policies.may_open)
def action_item(request: HttpRequest, pk: int) -> HttpResponse:
    """An action item: its meeting, owner, date, status and outcome."""
    row = _get(selectors.action_items(request.user).select_related("closed_by", "meeting__organiser"), pk=pk)
    return render(
        request,
        "bureau/action_item.html",
        {"item": row, "can_write": policies.may_write(request.user), "today": _today()},
    )


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def action_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an open item's task, owner or date."""
    row = _get(selectors.action_items(request.user), pk=pk)
    if not policies.may_write(request.user):
        raise PermissionDenied(str(policies.ONLY_BUREAU))
    initial = {
        "task": row.task,
        "owner_department": row.owner_department,
        "owner_organisation": row.owner_organisation_id,
        "due_on": row.due_on,
    }
    form = forms.ActionItemForm(request.POST or None, initial=initial)
    title = _("Edit the action item")
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_action_item(item=row, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
            return _form_page(request, "bureau/form.html", form, _status(exc), title=title)
        messages.success(request, _("The action item is saved."))
        return redirect("bureau:action-item", pk=row.pk)
    return _form_page(request, "bureau/form.html", form, 400 if request.method == "POST" else 200, title=title)


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def action_item_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an item done or drop it (with the reason): the form is the confirmation step."""
    row = _get(selectors.action_items(request.user), pk=pk)
    if not policies.may_write(request.user):
        raise PermissionDenied(str(policies.ONLY_BUREAU))
    form = forms.CloseItemForm(request.POST or None, initial={"status": request.GET.get("as", "done")})
    title = _("Close the action item")
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_action_item(item=row, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
            return _form_page(request, "bureau/form.html", form, _status(exc), title=title, item=row)
        messages.success(request, _("The action item is closed."))
        return redirect("bureau:action-item", pk=row.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "bureau/form.html", form, status, title=title, item=row)


# --- the checklist ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def checklist(request: HttpRequest) -> HttpResponse:
    """The checklist versions (newest first); the bureau publishes a new version here."""
    versions = list(selectors.checklists(request.user))
    can_write = policies.may_write(request.user)
    current = versions[0] if versions else None
    initial = {"title": current.title, "items": "\n".join(i.text for i in current.items.all())} if current else {}
    form = forms.ChecklistForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(str(policies.ONLY_BUREAU))
        if form.is_valid():
            try:
                actions.publish_checklist(
                    actor=request.user, title=form.cleaned_data["title"], items=form.cleaned_items()
                )
            except ValidationError as exc:
                form_errors(form, exc)
                status = _status(exc)
            else:
                messages.success(request, _("The new checklist version is published."))
                return redirect("bureau:checklist")
        else:
            status = 400
    return render(
        request,
        "bureau/checklist.html",
        {"versions": versions, "form": form, "can_write": can_write},
        status=status,
    )


# --- inspections and findings -------------------------------------------------------------------------------


@require_GET
@requires(policies.may_open)
def inspections(request: HttpRequest) -> HttpResponse:
    """The inspections the user sees: searchable, by office, sorted, paged."""
    search = forms.InspectionFilterForm(request.GET)
    values = search.cleaned_data if search.is_valid() else {}
    office = values.get("office")
    rows = selectors.inspections(
        request.user,
        query=values.get("q", ""),
        office=office.pk if office else None,
        sort=values.get("sort") or "-inspected_on",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "bureau/inspections.html",
        {
            "page": _page(request, rows),
            "search": search,
            "query": query.urlencode(),
            "can_write": policies.may_write(request.user),
            "open_findings": selectors.findings(request.user, status="unclosed")[:PER_PAGE],
        },
    )


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def inspection_new(request: HttpRequest) -> HttpResponse:
    """Record an inspection against the checklist in force."""
    if not policies.may_write(request.user):
        raise PermissionDenied(str(policies.ONLY_BUREAU))
    current = actions.current_checklist()
    form = forms.InspectionForm(request.POST or None, checklist=current)
    context = {"checklist": current}
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            inspection = actions.record_inspection(
                actor=request.user,
                office=values["office"],
                inspected_on=values["inspected_on"],
                inspectors=values["inspectors"],
                summary=values["summary"],
                results=form.results(),
                checklist=current,
            )
        except ValidationError as exc:
            form_errors(form, exc)
            return render(request, "bureau/inspection_form.html", {"form": form, **context}, status=_status(exc))
        messages.success(request, _("The inspection is recorded. Add its findings below."))
        return redirect("bureau:inspection", pk=inspection.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "bureau/inspection_form.html", {"form": form, **context}, status=status)


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    """An inspection: results per item, findings; the bureau adds findings here."""
    try:
        row = selectors.inspection_detail(request.user, pk)
    except Inspection.DoesNotExist:
        raise Http404 from None
    can_write = policies.may_write(request.user)
    form = forms.FindingForm(request.POST or None, initial={"correction_due": actions.default_correction_due()})
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(str(policies.ONLY_BUREAU))
        if form.is_valid():
            try:
                actions.add_finding(inspection=row, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
                status = _status(exc)
            else:
                messages.success(request, _("The finding is recorded; the office owes its correction by the date."))
                return redirect("bureau:inspection", pk=row.pk)
        else:
            status = 400
    return render(
        request,
        "bureau/inspection.html",
        {"inspection": row, "form": form, "can_write": can_write, "today": _today()},
        status=status,
    )


FINDING_DOORS = {
    "correct": "correct",
    "return": "close",
    "close": "close",
    "note": "note",
}


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    """A finding: its deadline and follow-up; the office head reports the correction, the bureau closes it or
    returns it with a new deadline, both add notes."""
    row = _get(selectors.findings(request.user), pk=pk)
    policy = scoping.policy_for(Finding)
    allowed = {verb: policy.can(request.user, verb, row) for verb in ("correct", "close", "note")}
    form = forms.FollowUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        do = request.POST.get("do", "")
        if do not in FINDING_DOORS:
            raise Http404
        if form.is_valid():
            text = form.cleaned_data["text"]
            try:
                if do == "correct":
                    actions.report_correction(finding=row, actor=request.user, text=text)
                elif do == "return":
                    due = form.cleaned_data["correction_due"]
                    if due is None:
                        raise ActionError({"correction_due": _("Give the new deadline.")})
                    actions.return_finding(finding=row, actor=request.user, text=text, correction_due=due)
                elif do == "close":
                    actions.close_finding(finding=row, actor=request.user, text=text)
                else:
                    actions.add_note(finding=row, actor=request.user, text=text)
            except ValidationError as exc:
                form_errors(form, exc)
                status = _status(exc)
            else:
                messages.success(request, _("The follow-up is recorded."))
                return redirect("bureau:finding", pk=row.pk)
        else:
            status = 400
    return render(
        request,
        "bureau/finding.html",
        {
            "finding": row,
            "entries": selectors.follow_ups(request.user, row),
            "form": form,
            "allowed": allowed,
            "today": _today(),
        },
        status=status,
    )


@require_GET
@requires(policies.may_open)
def office_history(request: HttpRequest, pk: int) -> HttpResponse:
    """One judicial office's inspections, findings and action items, newest first."""
    office = _get(Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE), pk=pk)
    if not policies.may_write(request.user) and office.pk not in policies.office_ids(request.user):
        raise Http404  # another office's history is not the user's to know
    rows = selectors.inspections(request.user, office=office.pk)
    found = selectors.findings(request.user, office=office.pk)
    items = selectors.action_items(request.user, organisation=office.pk)
    return render(
        request,
        "bureau/office.html",
        {
            "office": office,
            "page": _page(request, rows),
            "findings": found,
            "items": items,
            "today": _today(),
        },
    )


# --- staff training ----------------------------------------------------------------------------------------


def _training_filters(request: HttpRequest):
    # The year shown in the box is the year counted: this year unless another is asked for.
    search = forms.StaffHoursFilterForm({"year": _today().year, **request.GET.dict()})
    values = search.cleaned_data if search.is_valid() else {}
    year = values.get("year") or _today().year
    query = request.GET.copy()
    query.pop("page", None)
    return search, values, year, query.urlencode()


def _person_page(request: HttpRequest, person) -> HttpResponse:
    """A person's training records (all years, newest first), this year's counted hours, and the form to record
    one when the user may (for the organisations the user may record it for)."""
    user = request.user
    organisations = selectors.recordable_organisations(user, person)
    form = forms.TrainingForm(request.POST or None, request.FILES or None, organisations=organisations)
    mine = person.pk == user.pk
    back = reverse("bureau:training") if mine else reverse("bureau:training-person", args=[person.pk])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                data = dict(form.cleaned_data)
                idempotency.once(  # a double tap or a resent page records it once
                    user=user,
                    endpoint="bureau.training",
                    key=data.pop(idempotency.FORM_FIELD),
                    create=lambda: actions.record_training(actor=user, trainee=person, **data),
                )
            except ValidationError as exc:
                form_errors(form, exc)
                status = _status(exc)
            else:
                messages.success(request, _("The training is recorded."))
                return redirect(back)
        else:
            status = 400
    year = _today().year
    rows = selectors.trainings(user, trainee=person)
    return render(
        request,
        "bureau/training.html",
        {
            "person": person,
            "mine": mine,
            "page": _page(request, rows),
            "form": form if organisations.exists() else None,
            "year": year,
            "hours": selectors.person_hours(user, person, year),
            "can_oversee": policies.may_see_offices(user),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires(policies.is_staff)
def training(request: HttpRequest) -> HttpResponse:
    """My training: my records, this year's hours, and the form to record one."""
    return _person_page(request, request.user)


@require_http_methods(["GET", "POST"])
@login_required
def training_person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's training, to the bureau and the head of their office (anybody else: not found)."""
    person = _get(get_user_model().objects.all(), pk=pk)
    if not selectors.may_see_person(request.user, person):
        raise Http404
    return _person_page(request, person)


@require_GET
@requires(policies.may_see_offices)
def training_offices(request: HttpRequest) -> HttpResponse:
    """The city's training (an office head: their office's): per organisation totals and per person hours for a
    year; search by name, sort by hours, paged."""
    search, values, year, query = _training_filters(request)
    totals = list(selectors.organisation_totals(request.user, year=year))
    rows = selectors.staff_hours(request.user, year=year, query=values.get("q", ""), sort=values.get("sort") or "name")
    return render(
        request,
        "bureau/training_offices.html",
        {
            "totals": totals,
            "total_hours": sum((row.hours for row in totals), start=Decimal("0")),
            "page": _page(request, rows),
            "search": search,
            "query": query,
            "year": year,
        },
    )


@require_GET
@login_required
def training_office(request: HttpRequest, pk: int) -> HttpResponse:
    """One organisation's training in a year: each staff member's hours, linked to their records."""
    office = _get(selectors.training_organisations(request.user), pk=pk)
    search, values, year, query = _training_filters(request)
    rows = selectors.staff_hours(
        request.user, year=year, organisation=office, query=values.get("q", ""), sort=values.get("sort") or "name"
    )
    return render(
        request,
        "bureau/training_office.html",
        {
            "office": office,
            "page": _page(request, rows),
            "search": search,
            "query": query,
            "year": year,
            "office_hours": selectors.organisation_hours(request.user, office, year),
        },
    )


@require_GET
@requires(policies.may_see_offices)
def training_export(request: HttpRequest) -> HttpResponse:
    """The yearly per-person table (one organisation with ``?office=``, else every one the user oversees) as
    CSV, through the project's one safe CSV writer."""
    _search, values, year, _query = _training_filters(request)
    office = None
    if request.GET.get("office"):
        office = _get(selectors.training_organisations(request.user), pk=request.GET["office"])
    rows = selectors.staff_hours(
        request.user, year=year, organisation=office, query=values.get("q", ""), sort=values.get("sort") or "name"
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"training-{year}-{office.pk}.csv" if office else f"training-{year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # Excel and WPS read UTF-8 by this mark
    writer = SafeWriter(response)
    writer.writerow([_("Year"), _("Organisation"), _("Full name"), _("Username"), _("Trainings"), _("Hours")])
    label = office.name if office else _("All organisations")
    for row in rows:
        writer.writerow([year, label, row.get_full_name(), row.get_username(), row.training_count, row.hours])
    return response


@require_http_methods(["GET", "POST"])
@login_required
def training_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void a training record with the reason; the form is the confirmation step."""
    row = _get(selectors.trainings(request.user), pk=pk)
    if not scoping.policy_for(StaffTraining).can(request.user, "void", row):
        raise PermissionDenied(str(policies.TRAINING_REFUSED))
    back = (
        reverse("bureau:training")
        if row.trainee_id == request.user.pk
        else reverse("bureau:training-person", args=[row.trainee_id])
    )
    if row.is_void:
        messages.info(request, _("This training record is already void."))
        return redirect(back)
    form = forms.VoidTrainingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.void_training(actor=request.user, training=row, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form_errors(form, exc)
                status = _status(exc)
            else:
                messages.success(request, _("The training record is void; it no longer counts."))
                return redirect(back)
        else:
            status = 400
    return render(request, "bureau/training_void.html", {"form": form, "training": row, "back": back}, status=status)


@require_GET
@login_required
def training_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """A training's certificate (a private attachment), to those who see the record; the read is logged."""
    row = _get(selectors.trainings(request.user).exclude(certificate=""), pk=pk)
    log_access(
        user=request.user,
        action=AccessLog.Action.READ,
        object_type="attachment",
        object_id=f"staff training {row.pk}",
        purpose="staff training",
        path=request.path,
    )
    return attachments.serve(row.certificate, download_name=f"training-certificate-{row.pk}")


# --- budget, spending and contracts ------------------------------------------------------------------------


def hidden_unless(predicate):
    """Allowed by a policy predicate; anybody else finds nothing (404): the budget and the contracts are not
    theirs to know of."""
    return _only_if(predicate, Http404)


def _bureau_writes(user) -> None:
    if not policies.may_write(user):
        raise PermissionDenied(str(policies.ONLY_BUREAU_BUDGET))


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@hidden_unless(policies.may_read_budget)
def budget(request: HttpRequest) -> HttpResponse:
    """Every year's budget: approved and spent totals and the growth of the approved total on the year before,
    as a table and a chart with the same numbers."""
    years = selectors.budget_years(request.user)
    return render(
        request,
        "bureau/budget.html",
        {"years": years, "chart": selectors.years_chart(years), "can_write": policies.may_write(request.user)},
    )


@require_GET
@hidden_unless(policies.may_read_budget)
def budget_year(request: HttpRequest, year: int) -> HttpResponse:
    """One year by category: approved, spent, remaining, percent spent, growth; overspent lines flagged."""
    if not YEAR_MIN < year <= YEAR_MAX:  # the years a line may have (the page links to the year before)
        raise Http404
    summary = selectors.budget_year(request.user, year)
    return render(
        request,
        "bureau/budget_year.html",
        {
            "summary": summary,
            "chart": selectors.year_chart(summary),
            "can_write": policies.may_write(request.user),
            "this_year": _today().year,
        },
    )


@require_http_methods(["GET", "POST"])
@hidden_unless(policies.may_read_budget)
def budget_line_new(request: HttpRequest) -> HttpResponse:
    """Record a year's approved amount in one category."""
    _bureau_writes(request.user)
    initial = {"year": request.GET.get("year", _today().year), "category": request.GET.get("category", "")}
    form = forms.BudgetLineForm(request.POST or None, initial=initial)
    title = _("New budget line")
    back = reverse("bureau:budget")

    def write(data: dict) -> str:
        line = actions.record_budget_line(actor=request.user, **data)
        return reverse("bureau:budget-year", args=[line.year])

    return _write_page(request, form, write=write, done=_("The budget line is recorded."), title=title, back=back)


@require_http_methods(["GET", "POST"])
@hidden_unless(policies.may_read_budget)
def budget_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a line's approved amount (a budget adjustment) and note."""
    line = _get(selectors.budget_lines(request.user), pk=pk)
    _bureau_writes(request.user)
    form = forms.BudgetLineEditForm(request.POST or None, initial={"approved": line.approved, "note": line.note})
    title = _("Change the budget line: %(line)s") % {"line": line}
    back = reverse("bureau:budget-year", args=[line.year])

    def write(data: dict) -> str:
        actions.edit_budget_line(line=line, actor=request.user, **data)
        return back

    return _write_page(request, form, write=write, done=_("The budget line is saved."), title=title, back=back)


@require_GET
@hidden_unless(policies.may_read_budget)
def expenditures(request: HttpRequest) -> HttpResponse:
    """The spending: searchable, by year, category, contract and state (voided ones on request), sorted,
    paged."""
    search = forms.ExpenditureFilterForm(request.GET, contracts=selectors.contracts(request.user))
    values = search.cleaned_data if search.is_valid() else {}
    contract = values.get("contract")
    rows = selectors.expenditures(
        request.user,
        query=values.get("q", ""),
        year=values.get("year"),
        category=values.get("category", ""),
        contract=contract.pk if contract else None,
        state=values.get("state") or "valid",
        sort=values.get("sort") or "-spent_on",
    )
    return render(
        request,
        "bureau/expenditures.html",
        {
            "page": _page(request, rows),
            "search": search,
            "query": _query(request),
            "can_write": policies.may_write(request.user),
            "has_lines": selectors.budget_lines(request.user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@hidden_unless(policies.may_read_budget)
def expenditure_new(request: HttpRequest) -> HttpResponse:
    """Record money spent from a budget line, with its supporting document."""
    _bureau_writes(request.user)
    lines = selectors.budget_lines(request.user).order_by("-year", "category")
    initial = {"spent_on": _today(), "budget_line": request.GET.get("line"), "contract": request.GET.get("contract")}
    form = forms.ExpenditureForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        lines=lines,
        contracts=selectors.contracts(request.user),
    )
    title = _("Record spending")
    back = reverse("bureau:expenditures")

    def write(data: dict) -> str:
        row, _created = idempotency.once(  # a double tap or a resent page records it once
            user=request.user,
            endpoint="bureau.expenditure",
            key=data.pop(idempotency.FORM_FIELD),
            create=lambda: actions.record_expenditure(actor=request.user, **data),
        )
        return reverse("bureau:expenditure", args=[row.pk])

    return _write_page(request, form, write=write, done=_("The spending is recorded."), title=title, back=back)


@require_GET
@hidden_unless(policies.may_read_budget)
def expenditure(request: HttpRequest, pk: int) -> HttpResponse:
    """One expenditure: its line, date, amount, purpose, document, contract; voided ones say why."""
    row = _get(selectors.expenditures(request.user, state="all").select_related("voided_by"), pk=pk)
    return render(request, "bureau/expenditure.html", {"row": row, "can_write": policies.may_write(request.user)})


@require_GET
@hidden_unless(policies.may_read_budget)
def expenditure_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The supporting document, through this scoped view (the file has no public address)."""
    row = _get(selectors.expenditures(request.user, state="all"), pk=pk)
    if not row.document:
        raise Http404
    return attachments.serve(row.document, download_name=f"expenditure-{row.pk}")


@require_http_methods(["GET", "POST"])
@hidden_unless(policies.may_read_budget)
def expenditure_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void an expenditure recorded in error: the form with the reason is the confirmation step."""
    row = _get(selectors.expenditures(request.user, state="all"), pk=pk)
    _bureau_writes(request.user)
    form = forms.VoidForm(request.POST or None)
    title = _("Void the expenditure")
    back = reverse("bureau:expenditure", args=[row.pk])
    warning = _("Voiding cannot be undone: the expenditure stays on record, marked void, and no longer counts.")
    if request.method == "POST" and form.is_valid():
        try:
            actions.void_expenditure(expenditure=row, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form_errors(form, exc)
            return _form_page(request, "bureau/form.html", form, _status(exc), title=title, back=back, warning=warning)
        messages.success(request, _("The expenditure is voided."))
        return redirect(back)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "bureau/form.html", form, status, title=title, back=back, warning=warning)


@require_GET
@hidden_unless(policies.may_open_contracts)
def contracts(request: HttpRequest) -> HttpResponse:
    """The purchased-service contracts the user may read: searchable, by organisation, in force, sorted,
    paged."""
    own = selectors.contracts(request.user)
    organisations = Organisation.objects.filter(pk__in=own.values("organisation_id")).order_by("name")
    search = forms.ContractFilterForm(request.GET, organisations=organisations)
    values = search.cleaned_data if search.is_valid() else {}
    organisation = values.get("organisation")
    rows = selectors.contracts(
        request.user,
        query=values.get("q", ""),
        organisation=organisation.pk if organisation else None,
        current=values.get("current", False),
        sort=values.get("sort") or "-starts_on",
    )
    return render(
        request,
        "bureau/contracts.html",
        {
            "page": _page(request, rows),
            "search": search,
            "query": _query(request),
            "can_write": policies.may_write(request.user),
            "sees_budget": policies.may_read_budget(request.user),
            "today": _today(),
        },
    )


@require_http_methods(["GET", "POST"])
@hidden_unless(policies.may_read_budget)
def contract_new(request: HttpRequest) -> HttpResponse:
    """Record a purchased-service contract with its targets."""
    _bureau_writes(request.user)
    lines = selectors.budget_lines(request.user).order_by("-year", "category")
    form = forms.ContractForm(request.POST or None, lines=lines)
    title = _("New purchased-service contract")
    back = reverse("bureau:contracts")

    def write(data: dict) -> str:
        return reverse("bureau:contract", args=[actions.record_contract(actor=request.user, **data).pk])

    return _write_page(request, form, write=write, done=_("The contract is recorded."), title=title, back=back)


@require_GET
@hidden_unless(policies.may_open_contracts)
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    """A contract: its period and amount, each target against the live measure for the period; to the bureau
    also the spending recorded against it."""
    row = _get(selectors.contracts(request.user).select_related("recorded_by"), pk=pk)
    sees_budget = policies.may_read_budget(request.user)
    payments = selectors.expenditures(request.user, contract=row.pk, state="all") if sees_budget else []
    return render(
        request,
        "bureau/contract.html",
        {
            "contract": row,
            "measures": selectors.contract_measures(row),
            "payments": payments,
            "sees_budget": sees_budget,
            "can_write": policies.may_write(request.user),
            "today": _today(),
        },
    )


@require_http_methods(["GET", "POST"])
@hidden_unless(policies.may_open_contracts)
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Amend a contract (period, amount, targets)."""
    row = _get(selectors.contracts(request.user), pk=pk)
    _bureau_writes(request.user)
    lines = selectors.budget_lines(request.user).order_by("-year", "category")
    initial = {name: getattr(row, name) for name in actions.CONTRACT_FIELDS}
    form = forms.ContractForm(request.POST or None, initial=initial, lines=lines)
    title = _("Amend the contract")
    back = reverse("bureau:contract", args=[row.pk])

    def write(data: dict) -> str:
        actions.edit_contract(contract=row, actor=request.user, **data)
        return back

    return _write_page(request, form, write=write, done=_("The contract is saved."), title=title, back=back)


# --- dashboards ---------------------------------------------------------------------------------------------


def _figure_chart(figures_: list[figures.Figure], series: str) -> dict:
    """One bar per figure shown (hidden ones are left out; the table says why), its value written beside it."""
    shown = [f for f in figures_ if not f.hidden and f.value is not None]
    return selectors.bar_chart([(f.label, [(series, "", f.value)]) for f in shown], fmt=_number)


def _number(value) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


class _Hidden(int):
    """A bar for a count hidden from this viewer: drawn empty, labelled "fewer than k"."""


def _viewer_count(value: int, hide_below: int):
    """A count as the viewer sees it: all of it for staff; else None below the threshold, or rounded."""
    if not hide_below:
        return value
    if 0 < value < hide_below:
        return None
    return figures.rounded(value, hide_below)


def _trend_chart(trend_rows: list[dict], hide_below: int) -> dict:
    registered, released = pgettext("trend series", "registered"), _("released or terminated")
    fewer = _("fewer than %(n)s") % {"n": hide_below}

    def bar(value):
        return _Hidden(0) if value is None else value

    return selectors.bar_chart(
        [
            (
                date_format(row["month"], "YEAR_MONTH_FORMAT"),
                [("registered", registered, bar(row["registered"])), ("released", released, bar(row["released"]))],
            )
            for row in trend_rows
        ],
        fmt=lambda value: fewer if isinstance(value, _Hidden) else _number(value),
    )


def _dashboard_context(request: HttpRequest) -> dict:
    scope = figures.resolve_scope(request.user, request.GET.get("scope"))
    today = _today()
    error = ""
    try:
        period = figures.parse_period(request.GET.get("period"), today=today)
    except figures.BadPeriod as exc:
        error = str(exc)
        period = figures.parse_period("", today=today)

    def link(key: str) -> str:
        query = urlencode({"scope": scope.param, "key": key, "period": period.param})
        return f"{reverse('bureau:dashboard-rows')}?{query}"

    staff = figures.is_correction_staff(request.user)
    unstaffed = list(account_selectors.offices_without_officer()) if scope.kind == "city" and staff else []
    hide_below = 0 if staff else figures.min_cell()
    extra = figures.dashboard_values(scope, period)
    trend = extra["trend"]
    trend_rows = [
        {
            "month": month,
            "registered": _viewer_count(a, hide_below),
            "released": _viewer_count(b, hide_below),
            "hours": h,
        }
        for month, a, b, h in zip(
            trend["months"], trend["registered"], trend["released"], trend["volunteer_hours"], strict=True
        )
    ]
    sections = figures.period_figures(request.user, scope, start=period.start, end=period.end, link=link)
    return {
        "scope": scope,
        "scopes": figures.scopes_for(request.user),
        "period": period,
        "error": error,
        "staff": staff,
        "hide_below": hide_below,
        "today_sections": figures.today_figures(request.user, scope, link=link),
        "sections": sections,
        "trend_rows": trend_rows,
        "trend_chart": _trend_chart(trend_rows, hide_below),
        "time_to_service": [
            {**row, "count": _viewer_count(row["count"], hide_below)}
            for row in extra["time_to_service"]
            if staff or row["count"] >= hide_below
        ],
        "time_to_service_hidden": any(0 < row["count"] < hide_below for row in extra["time_to_service"]),
        "hours_by_team": extra["hours_by_team"],
        "targets": figures.targets(),
        "per_person": _per_person_month(sections, period),
        "unstaffed": unstaffed,
        "unstaffed_count": len(unstaffed),
        "chart": _figure_chart,
    }


def _per_person_month(sections: list[figures.Section], period: figures.Period) -> dict | None:
    """Education and activity hours per person in correction (at the end of the period) per month of the
    period, to set beside the rule book's monthly targets; None when nobody is in correction."""
    values = figures.iter_values(sections)
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    people = values.get("serving")
    if not people:
        return None
    per = people * months
    return {
        "education": (values["education_hours"] / per).quantize(Decimal("0.1")),
        "activity": (values["activity_hours"] / per).quantize(Decimal("0.1")),
    }


@require_GET
@hidden_unless(figures.may_open)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard of a place (the city, an office, a township) for a month or a year: today's figures, the
    period's figures by section and the 12-month trend, each as a chart and a table with the same numbers."""
    context = _dashboard_context(request)
    sections = [(s, _figure_chart(s.figures, s.key)) for s in context["sections"]]
    today_sections = [(s, _figure_chart(s.figures, s.key)) for s in context["today_sections"]]
    context.update(sections=sections, today_sections=today_sections)
    return render(request, "bureau/dashboard.html", context, status=400 if context["error"] else 200)


@dataclass(frozen=True)
class RowShape:
    """How the rows of one kind of figure are listed: the date field they are ordered by (and show), what to
    select with them, what a search looks in, the person they are about (shown and logged) and a description."""

    date: str
    what: Callable[[Any], str]
    related: tuple[str, ...] = ("supervisee",)
    search: str = "supervisee__name"
    person: Callable[[Any], Any] = attrgetter("supervisee")

    def when(self, row):
        return attrgetter(self.date.replace("__", "."))(row)


def _nobody(row) -> None:
    return None


def _kind_and_state(row) -> str:
    return f"{row.get_kind_display()} · {row.get_state_display()}"


ROW_SHAPES = {
    figures.PEOPLE: RowShape(
        "correction_start",
        lambda row: f"{row.get_sentence_type_display()} · {row.get_status_display()}",
        related=("judicial_office",),
        search="name",
        person=lambda row: row,
    ),
    figures.STATUS_CHANGES: RowShape(
        "occurred_on", lambda row: " ".join(filter(None, [row.get_to_status_display(), row.get_ground_display()]))
    ),
    figures.OBLIGATIONS: RowShape(
        "due_at",
        lambda row: (
            row.get_kind_display() if row.supervisee_id else f"{row.get_kind_display()} · {row.judicial_office}"
        ),
        related=("supervisee", "judicial_office"),
    ),
    figures.EPISODES: RowShape("opened_at", lambda row: row.get_trigger_display()),
    figures.CHECKINS: RowShape(
        "occurred_at", lambda row: row.get_method_display() + (f" · {_('late')}" if row.late else "")
    ),
    figures.REQUESTS: RowShape("applied_at", _kind_and_state),
    figures.SANCTIONS: RowShape("proposed_at", _kind_and_state),
    figures.NEEDS: RowShape(
        "opened_at", lambda row: f"{row.category} · {row.get_status_display()}", related=("supervisee", "category")
    ),
    figures.REFERRALS: RowShape(
        "sent_at",
        lambda row: f"{row.offering.organisation} · {row.get_state_display()}",
        related=("need__supervisee", "offering__organisation"),
        search="need__supervisee__name",
        person=attrgetter("need.supervisee"),
    ),
    figures.ATTENDANCE: RowShape(
        "session__starts_at",
        lambda row: f"{row.session.get_kind_display()} · {row.minutes} {_('minutes')}",
        related=("session", "supervisee"),
    ),
    figures.HOURS: RowShape(
        "date",
        lambda row: (
            f"{row.volunteer.full_name} · {row.volunteer.organisation or ''} · {row.hours} {pgettext('hours', 'h')}"
        ),
        related=("volunteer__organisation",),
        search="volunteer__full_name",
        person=_nobody,
    ),
    figures.BUDGET: RowShape("year", lambda row: f"{row.approved}", related=(), search="", person=_nobody),
    figures.SPENDING: RowShape(
        "spent_on", lambda row: f"{row.purpose} · {row.amount}", related=(), search="purpose", person=_nobody
    ),
}


@require_GET
@hidden_unless(figures.may_open)
def dashboard_rows(request: HttpRequest) -> HttpResponse:
    """The rows one figure counts, for correction staff (anybody else: 404); every supervisee shown is logged."""
    scope = figures.resolve_scope(request.user, request.GET.get("scope"))
    try:
        period = figures.parse_period(request.GET.get("period"), today=_today())
    except figures.BadPeriod:
        raise Http404 from None
    definition, rows = figures.rows(request.user, scope, request.GET.get("key", ""), start=period.start, end=period.end)
    shape = ROW_SHAPES[definition.kind]
    total = rows.count()
    query = request.GET.get("q", "").strip()[:100]
    if query and shape.search:
        rows = rows.filter(**{f"{shape.search}__icontains": query})
    found = rows.count() if query and shape.search else total
    if shape.related:
        rows = rows.select_related(*shape.related)
    if figures.PERSON_PATH.get(definition.kind, "supervisee"):
        rows = logged(rows, user=request.user, object_type="supervisee", supervisee_id=lambda row: shape.person(row).pk)
    order = "asc" if request.GET.get("order") == "asc" else "desc"
    rows = rows.order_by(*((shape.date, "pk") if order == "asc" else (f"-{shape.date}", "-pk")))
    page = _page(request, rows)
    lines = [{"when": shape.when(row), "who": shape.person(row), "what": shape.what(row)} for row in page]
    return render(
        request,
        "bureau/dashboard_rows.html",
        {
            "scope": scope,
            "period": period,
            "definition": definition,
            "label": str(definition.label),
            "total": total,
            "found": found,
            "searchable": bool(shape.search),
            "today_figure": definition.as_of_today,
            "sum": figures.measure(definition, scope, period) if definition.total else None,
            "page": page,
            "lines": lines,
            "q": query,
            "order": order,
            "query": _query(request),
            "back": f"{reverse('bureau:dashboard')}?{urlencode({'scope': scope.param, 'period': period.param})}",
        },
    )
