"""Officers' pages of reporting: a case's reporting page (plan, check-ins, codes, visits, health reports,
episodes) and a lost-contact episode from the alert to found; uploaded files only through a scoped view."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import scoping
from config.errors import form_errors
from supervision import policies
from supervision.education import selectors as education_selectors
from supervision.reporting import actions, forms, selectors
from supervision.reporting.filters import EpisodeFilter
from supervision.reporting.models import CheckIn, LostContactEpisode
from supervision.views import _supervisee_or_404, requires


def _case_context(request: HttpRequest, supervisee, **forms_in) -> dict:
    context = selectors.case_reporting(request.user, supervisee)
    can_write = scoping.policy_for(CheckIn).can(request.user, "record", supervisee)
    plan = context["plan"]
    return {
        **context,
        "s": supervisee,
        "can_write": can_write and supervisee.status in actions.REPORTING_STATUSES,
        "open_episode": next((e for e in context["episodes"] if e.closed_at is None), None),
        "override_form": forms_in.get("override")
        or forms.OverrideForm(initial={"health_reports": plan.health_reports}),
        "checkin_form": forms_in.get("checkin") or forms.CheckInForm(),
        "visit_form": forms_in.get("visit") or forms.VisitForm(initial={"on": timezone.localdate()}),
        "episode_form": forms_in.get("episode") or forms.EpisodeForm(),
        "health_form": forms_in.get("health") or forms.HealthReportForm(),
        "code": forms_in.get("code"),
        # Education and public-interest activity this month against the rule book's targets (issue 16, item 3).
        "education_hours": education_selectors.month_summary(supervisee),
    }


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def reporting(request: HttpRequest, uuid) -> HttpResponse:
    """A case's reporting: the plan in force (and an override), check-ins (record, confirm, note a change,
    issue a code), visits, health reports and lost-contact episodes."""
    supervisee = _supervisee_or_404(request.user, uuid)
    if request.method == "GET":
        return render(request, "supervision/reporting/case.html", _case_context(request, supervisee))
    do = request.POST.get("do", "")
    bound: dict = {}
    try:
        if do == "override":
            form = bound["override"] = forms.OverrideForm(request.POST)
            if form.is_valid():
                actions.set_reporting_plan(supervisee=supervisee, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The reporting plan is changed."))
                return redirect("supervision:reporting", uuid=supervisee.uuid)
        elif do == "check_in":
            form = bound["checkin"] = forms.CheckInForm(request.POST)
            if form.is_valid():
                actions.check_in(
                    supervisee=supervisee,
                    actor=request.user,
                    method=form.cleaned_data["method"],
                    at=form.cleaned_data["at"],
                    report=form.report(),
                )
                messages.success(request, _("The check-in is recorded."))
                return redirect("supervision:reporting", uuid=supervisee.uuid)
        elif do == "code":
            code = actions.issue_checkin_code(supervisee=supervisee, actor=request.user)
            # Shown once, on this response only (never stored in clear, never in a redirect).
            return render(request, "supervision/reporting/case.html", _case_context(request, supervisee, code=code))
        elif do in ("confirm", "acknowledge"):
            pk = request.POST.get("check_in", "")
            row = selectors.check_ins(request.user).filter(supervisee=supervisee, pk=pk if pk.isdigit() else 0).first()
            if row is None:
                raise Http404
            if do == "confirm":
                actions.confirm_check_in(check_in=row, actor=request.user)
                messages.success(request, _("The check-in is confirmed."))
            else:
                actions.acknowledge_changes(check_in=row, actor=request.user)
                messages.success(request, _("The reported change is noted."))
            return redirect("supervision:reporting", uuid=supervisee.uuid)
        elif do == "visit":
            form = bound["visit"] = forms.VisitForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                if data["state"] == "scheduled":
                    actions.schedule_visit(
                        supervisee=supervisee,
                        actor=request.user,
                        kind=data["kind"],
                        scheduled_on=data["on"],
                        discreet=data["discreet"],
                    )
                else:
                    actions.record_visit(
                        supervisee=supervisee,
                        actor=request.user,
                        kind=data["kind"],
                        done_on=data["on"],
                        people_seen=data["people_seen"],
                        findings=data["findings"],
                        discreet=data["discreet"],
                    )
                messages.success(request, _("The visit is recorded."))
                return redirect("supervision:reporting", uuid=supervisee.uuid)
        elif do == "health":
            form = bound["health"] = forms.HealthReportForm(request.POST, request.FILES)
            if form.is_valid():
                actions.submit_health_report(supervisee=supervisee, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The health report is recorded."))
                return redirect("supervision:reporting", uuid=supervisee.uuid)
        elif do == "lost_contact":
            form = bound["episode"] = forms.EpisodeForm(request.POST)
            if form.is_valid():
                episode = actions.report_lost_contact(
                    supervisee=supervisee,
                    actor=request.user,
                    lost_since=form.cleaned_data["lost_since"],
                    note=form.cleaned_data["note"],
                )
                return redirect("supervision:episode", pk=episode.pk)
        else:
            raise Http404
    except ValidationError as exc:
        if getattr(exc, "code", None) == "forbidden":
            raise PermissionDenied from exc
        form = next(iter(bound.values()), None)
        if form is not None:
            form_errors(form, exc)
        else:
            messages.error(request, " ".join(exc.messages))
            return redirect("supervision:reporting", uuid=supervisee.uuid)
    return render(request, "supervision/reporting/case.html", _case_context(request, supervisee, **bound), status=400)


PAGE_SIZE = 25  # episodes per page (a view choice, not a legal clock)


@require_GET
@requires(policies.is_case_staff)
def episodes(request: HttpRequest) -> HttpResponse:
    """Every lost-contact episode the user sees, open ones first: search by name, filter by state and
    office, sort by when opened or since when, paged (only the rows shown are logged as read)."""
    rows = selectors.episodes(request.user).order_by(F("closed_at").desc(nulls_first=True), "-opened_at", "-pk")
    filterset = EpisodeFilter(request.GET or None, queryset=rows, request=request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/reporting/episodes.html",
        {"filter": filterset, "page": page, "query": query.urlencode(), "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def episode(request: HttpRequest, pk: int) -> HttpResponse:
    """A lost-contact episode from the alert to found: search steps, notices, close with the outcome."""
    row = selectors.episodes(request.user).prefetch_related("steps", "steps__recorded_by").filter(pk=pk).first()
    if row is None:
        raise Http404
    bound: dict = {}
    status = 200
    if request.method == "POST":
        do = request.POST.get("do", "")
        classes = {"step": forms.StepForm, "notice": forms.NoticeForm, "close": forms.CloseForm}
        if do not in classes:
            raise Http404
        form = bound[do] = classes[do](request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if do == "step":
                    actions.add_search_step(
                        episode=row,
                        actor=request.user,
                        kind=data["kind"],
                        result=data["result"],
                        taken_at=data["taken_at"],
                    )
                    messages.success(request, _("The search step is recorded."))
                elif do == "notice":
                    actions.record_notice(episode=row, actor=request.user, **data)
                    messages.success(request, _("The notice is recorded."))
                else:
                    actions.close_episode(episode=row, actor=request.user, **data)
                    messages.success(request, _("The episode is closed."))
                return redirect("supervision:episode", pk=row.pk)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "forbidden":
                    raise PermissionDenied from exc
                form_errors(form, exc)
        status = 400
    now = timezone.now()
    return render(
        request,
        "supervision/reporting/episode.html",
        {
            "e": row,
            "s": row.supervisee,
            "days": actions.days_out(row, timezone.localdate(row.found_at or now)),
            "can_write": row.closed_at is None
            and scoping.policy_for(LostContactEpisode).can(request.user, "record", row.supervisee),
            "step_form": bound.get("step") or forms.StepForm(),
            "notice_form": bound.get("notice") or forms.NoticeForm(initial={"sent_on": timezone.localdate()}),
            "close_form": bound.get("close")
            or forms.CloseForm(initial={"found_at": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")}),
        },
        status=status,
    )


@require_GET
@requires(policies.is_case_staff)
def reporting_file(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """An uploaded document (a check-in's attachment, a health report), only to who sees the record; the
    read is logged by the selector. Never a public media address."""
    if kind == "check-in":
        row = selectors.check_ins(request.user).filter(pk=pk).first()
        upload = row.attachment if row is not None else None
    elif kind == "health":
        row = selectors.health_reports(request.user).filter(pk=pk).first()
        upload = row.document if row is not None else None
    else:
        raise Http404
    if not upload:
        raise Http404
    response = FileResponse(upload.open("rb"), as_attachment=True, filename=upload.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
