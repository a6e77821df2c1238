"""Pages of the monthly and yearly report: the register (filtered, newest first, paged), the request form, a
report's page (its progress while it is generated, then its figures and downloads) and the downloads, which are
written to the access log. Reads start from ``selectors.reports``; the request goes through
``actions.request_report`` (which asks the policy and refuses with the words the API gives)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from bureau import actions, figures, policies, reports, selectors
from bureau.models import Report
from bureau.views import _get, _page, _query, _status, requires
from config.errors import form_errors
from coordination.actions import log_access
from coordination.models import AccessLog

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _places(user) -> list[tuple[str, str]]:
    return [(scope.param, scope.label) for scope in figures.scopes_for(user)]


class ReportFilterForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Reporting period"),
        max_length=7,
        required=False,
        help_text=gettext_lazy("A year (2026) or a month (2026-11)."),
    )
    state = forms.ChoiceField(
        label=pgettext_lazy("filter", "Status"), choices=[("", gettext_lazy("All"))], required=False
    )
    scope = forms.ChoiceField(label=gettext_lazy("Reporting area"), choices=[("", gettext_lazy("All"))], required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All")), *Report.State.choices]
        self.fields["scope"].choices = [("", _("All")), *_places(user)]


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Report for"),
        choices=Report.Kind.choices,
        initial=Report.Kind.MONTH,
        widget=forms.RadioSelect,
    )
    month = forms.CharField(
        label=gettext_lazy("Month"),
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=gettext_lazy("For a monthly report: the month, as 2026-11."),
    )
    year = forms.CharField(
        label=gettext_lazy("Year"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=gettext_lazy("For a yearly report: the year, as 2026."),
    )
    # The place is checked by the action (which refuses another office's with 403), not by the choices.
    scope = forms.CharField(label=gettext_lazy("Reporting area"), max_length=40, widget=forms.Select)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].widget.choices = _places(user)
        today = timezone.localdate()
        last_month = today.replace(day=1) - dt.timedelta(days=1)  # a monthly report is usually of last month
        self.fields["month"].initial = f"{last_month:%Y-%m}"
        self.fields["year"].initial = str(today.year)

    def clean(self) -> dict:
        values = super().clean()
        kind = values.get("kind")
        field = "year" if kind == Report.Kind.YEAR else "month"
        text = (values.get(field) or "").strip()
        shape = r"[0-9]{4}" if field == "year" else r"[0-9]{4}-[0-9]{2}"
        if kind and not re.fullmatch(shape, text):
            self.add_error(field, _("Write the year as 2026.") if field == "year" else _("Write the month as 2026-11."))
        values["period"] = text
        return values


def _file_name(report: Report, kind: str) -> str:
    return f"report-{report.period_param}-{report.scope_param}.{kind}"


@require_GET
@requires(policies.may_open)
def report_list(request: HttpRequest) -> HttpResponse:
    """The report register: the reports the user may read, newest first, filtered by period, state and place."""
    search = ReportFilterForm(request.GET, user=request.user)
    search.is_valid()  # a field that does not parse is shown with its error; the others still filter
    values = search.cleaned_data
    rows = selectors.reports(
        request.user, period=values.get("period", ""), state=values.get("state", ""), scope=values.get("scope", "")
    )
    return render(
        request,
        "bureau/reports.html",
        {
            "page": _page(request, rows),
            "search": search,
            "query": _query(request),
            "filtered": any(values.values()),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def report_new(request: HttpRequest) -> HttpResponse:
    """Request a report: the month or year and the place; generated in the background."""
    form = ReportRequestForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report = actions.request_report(
                    actor=request.user, period=form.cleaned_data["period"], scope_param=form.cleaned_data["scope"]
                )
            except ValidationError as exc:
                status = _status(exc)
                errors = getattr(exc, "error_dict", {})
                if "period" in errors:  # the action names the period; the form has a month or a year field
                    field = "year" if form.cleaned_data["kind"] == Report.Kind.YEAR else "month"
                    form.add_error(field, errors.pop("period"))
                if not hasattr(exc, "error_dict") or errors:
                    form_errors(form, exc)
            else:
                messages.success(request, _("The report is requested: it is being generated."))
                return redirect("bureau:report", pk=report.pk)
    return render(request, "bureau/report_new.html", {"form": form}, status=status)


@require_GET
@requires(policies.may_open)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: its progress while queued or generated, then its figures and the downloads."""
    row = _get(selectors.reports(request.user), pk=pk)
    return render(
        request,
        "bureau/report.html",
        {
            "report": row,
            "period_label": reports.period_label(row),
            "title": reports.title_of(row),
            "sections": reports.table(row.figures) if row.state == Report.State.DONE else [],
        },
    )


@require_GET
@requires(policies.may_open)
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The report's state and progress, for the page's poll."""
    row = _get(selectors.reports(request.user), pk=pk)
    return JsonResponse(
        {
            "state": row.state,
            "state_label": row.get_state_display(),
            "progress": row.progress,
            "done": row.is_finished,
        }
    )


def _download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    row = _get(selectors.reports(request.user).filter(state=Report.State.DONE), pk=pk)
    stored = row.xlsx if kind == "xlsx" else row.pdf
    if not stored:
        raise Http404
    log_access(
        user=request.user,
        action=AccessLog.Action.EXPORT,
        object_type="bureau report",
        object_id=str(row.pk),
        purpose=f"{kind} {row.period_param} {row.scope_param}",
        path=request.path,
    )
    stored.open("rb")
    response = FileResponse(
        stored, content_type=CONTENT_TYPES[kind], as_attachment=True, filename=_file_name(row, kind)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires(policies.may_open)
def report_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    """The report's workbook (a finished report the user may read); the download is logged."""
    return _download(request, pk, "xlsx")


@require_GET
@requires(policies.may_open)
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The report's PDF (a finished report the user may read); the download is logged."""
    return _download(request, pk, "pdf")
