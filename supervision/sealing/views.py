"""Pages of the sealed juvenile records (bureau administrators only): find a sealed record by its case number
or ID number, open it for a judicial organ's request, and the monthly report of openings."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import scoping
from config.confirm import confirm_first
from config.errors import form_errors
from coordination.identity import lookup_hash
from coordination.models import SealedRecordOpening
from supervision.sealing import actions, selectors
from supervision.sealing.forms import MonthForm, OpenSealedForm, SealedSearchForm
from supervision.views import requires


def _may_open(user) -> bool:
    return scoping.can(user, "open", SealedRecordOpening)


@require_GET
@requires(_may_open)
def sealed_records(request: HttpRequest) -> HttpResponse:
    """The sealed records, by case number only (no names): the bureau finds the one a request names."""
    form = SealedSearchForm(request.GET or None)
    rows = actions.sealed_records(request.user).order_by("-sealed_at", "pk")
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
    if query:
        rows = rows.filter(Q(case_number=query) | Q(resident_id_hash=lookup_hash(query)))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/sealing/records.html",
        {"form": form, "page": page, "query": query, "pager_query": urlencode({"q": query}) if query else ""},
        status=200 if form.is_valid() or not request.GET else 400,
    )


@require_http_methods(["GET", "POST"])
@requires(_may_open)
def open_record(request: HttpRequest, uuid: str) -> HttpResponse:
    """Record the judicial organ's request and open the record for the rule book's hours."""
    supervisee = get_object_or_404(actions.sealed_records(request.user), uuid=uuid)
    form = OpenSealedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        asked = confirm_first(
            request,
            title=_("Open a sealed record"),
            question=_("The opening and every read while it lasts are logged and reported monthly. Continue?"),
            confirm_label=_("Open the record"),
            back=request.path,
        )
        if asked is not None:
            return asked
        try:
            opening = actions.open_sealed(
                supervisee=supervisee, actor=request.user, path=request.path, **form.cleaned_data
            )
        except PermissionDenied:
            raise
        except actions.SealingError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("The record is open to you until %(until)s; every read is logged.")
                % {"until": timezone.localtime(opening.expires_at).strftime("%Y-%m-%d %H:%M")},
            )
            return redirect("coordination:supervisee", uuid=supervisee.uuid)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/sealing/open.html", {"supervisee": supervisee, "form": form}, status=status)


@require_GET
@requires(_may_open)
def openings_report(request: HttpRequest) -> HttpResponse:
    """The monthly report of openings of sealed records: who, when, for which organ and request, and how many
    reads the opening allowed."""
    form = MonthForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "supervision/sealing/report.html", {"form": form, "rows": []}, status=400)
    month = form.cleaned_data["month"] if request.GET else MonthForm.this_month()
    rows = selectors.openings_in_month(request.user, month)
    return render(
        request,
        "supervision/sealing/report.html",
        {
            "form": form,
            "rows": rows,
            "month": month,
            "previous": (month - relativedelta(months=1)).strftime("%Y-%m"),
            "next": (month + relativedelta(months=1)).strftime("%Y-%m"),
        },
    )
