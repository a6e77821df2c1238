"""Supervision pages: 今日待办, the bureau's per-office view and clean-up list, the rule book, the holiday
calendar, and the officer's private calendar feed."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import attachments, scoping
from accounts.roles import is_bureau_admin
from config.confirm import confirm_first
from config.errors import form_errors
from coordination.actions import log_access
from coordination.models import AccessLog, Supervisee
from coordination.policies import case_offices
from coordination.selectors import supervisee_for_read
from records.models import IssuedDocument
from supervision import actions, classification, feeds, forms, policies, selectors, todo
from supervision.forms import DecisionForm, HolidayForm, PlanForm, ReviewForm, RuleOverrideForm
from supervision.models import (
    Announcement,
    ClassificationReview,
    CorrectionPlan,
    Holiday,
    Obligation,
    ObligationFeed,
    Rule,
    StatusChange,
)


def requires(predicate: Callable) -> Callable:
    """Signed in (else the login page) and allowed by a policy predicate (else 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _pages(request: HttpRequest) -> dict[str, int]:
    """The page of each 今日待办 list (``?overdue=2``); anything not a positive number is page 1."""
    pages = {}
    for name in selectors.BUCKETS:
        value = request.GET.get(name, "")
        pages[name] = int(value) if value.isdigit() and 0 < len(value) < 6 else 1
    return pages


@require_GET
@requires(policies.can_use_todo)
def today(request: HttpRequest) -> HttpResponse:
    """今日待办: overdue, due today, due this week and running reminders, by supervisee; the bureau per office."""
    office = None
    office_id = request.GET.get("office")
    bureau = is_bureau_admin(request.user)
    if office_id:
        if not office_id.isdigit():
            raise Http404
        office = get_object_or_404(case_offices(request.user), pk=int(office_id))
    feed = actions.feed_for(user=request.user)
    feed_url = request.build_absolute_uri(reverse("supervision:feed", args=[feed.token]))
    buckets = selectors.todo(request.user, office=office, pages=_pages(request))
    todo.annotate(buckets)
    return render(
        request,
        "supervision/today.html",
        {
            "buckets": buckets,
            "here": request.get_full_path(),
            # A head's open classification proposals: otherwise only found person by person on plan pages.
            "to_decide": list(selectors.reviews_to_decide(request.user)[:50]),
            # Sanction proposals awaiting this approver, assessments awaiting this office head (issue 16).
            "proposals_to_decide": _proposals_to_decide(request.user),
            "assessments_to_review": _assessments_to_review(request.user),
            "offices": selectors.office_counts(request.user) if bureau else None,
            "office": office,
            "bureau": bureau,
            "now": timezone.now(),
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )


def _proposals_to_decide(user) -> list:
    from supervision.sanctions import selectors as sanctions_selectors

    return list(sanctions_selectors.awaiting_decision(user)[:50])


def _assessments_to_review(user) -> list:
    from supervision.assessment import selectors as assessment_selectors

    return list(assessment_selectors.to_review(user)[:50])


@require_POST
@requires(policies.can_use_todo)
def obligation_done(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = get_object_or_404(scoping.scope(request.user, Obligation, "complete"), pk=pk)
    try:
        actions.complete_obligation(obligation=obligation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked as done."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("supervision:today")  # never to another site (an open redirect)
    return redirect(back)


@require_POST
@requires(policies.can_use_todo)
def rotate_feed(request: HttpRequest) -> HttpResponse:
    actions.rotate_feed(user=request.user)
    messages.success(request, _("Your old calendar address no longer works. Subscribe again with the new one."))
    return redirect("supervision:today")


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The officer's calendar at a secret address (revoked by issuing a new one)."""
    row = ObligationFeed.objects.select_related("user").filter(token=token).first()
    if row is None or not row.user.is_active or not policies.can_use_todo(row.user):
        raise Http404
    rows = list(selectors.feed_obligations(row.user))
    # One access-log row per fetch: the calendar names no one, but it is a read of case deadlines by this
    # user's secret address, so the bureau can see when and how often it was used.
    log_access(
        user=row.user,
        action=AccessLog.Action.READ,
        object_type="obligation",
        object_id=f"calendar ({len(rows)})",
        purpose="calendar feed",
        path=request.path[: request.path.rfind("/") + 1] + "…",
    )
    body = feeds.build(rows)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
@requires(is_bureau_admin)
def cleanup(request: HttpRequest) -> HttpResponse:
    """The bureau's clean-up list: records that contradict the clocks, flagged for a person to resolve."""
    return render(request, "supervision/cleanup.html", {"lists": selectors.cleanup_list(request.user)})


@require_GET
@requires(policies.is_case_staff)
def rules(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "supervision/rules.html",
        {
            "rules": selectors.rules(request.user),
            "changes": selectors.rule_changes(request.user)[:50],
            "can_override": scoping.can(request.user, "override", Rule),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(is_bureau_admin)
def rule_edit(request: HttpRequest, code: str) -> HttpResponse:
    rule = get_object_or_404(selectors.rules(request.user), code=code)
    form = RuleOverrideForm(request.POST or None, initial={"value": rule.override_value})
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_rule_override(
                rule=rule, value=form.cleaned_data["value"], reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("The rule is changed and the change is recorded."))
            return redirect("supervision:rules")
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/rule_edit.html", {"rule": rule, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def holidays(request: HttpRequest) -> HttpResponse:
    can_manage = scoping.can(request.user, "manage", Holiday)
    form = HolidayForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.add_holiday(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for message in msgs:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("The day is added to the calendar."))
                return redirect("supervision:holidays")
    year = request.GET.get("year", "")
    # Anything not a year of the calendar (0, 10000, 99999999: date() would raise) shows this year.
    year = int(year) if year.isdigit() and len(year) <= 4 and int(year) >= 1 else timezone.localdate().year
    rows = scoping.scope(request.user, Holiday).filter(date__year=year)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "supervision/holidays.html",
        {"rows": rows, "year": year, "form": form, "can_manage": can_manage},
        status=status,
    )


@require_POST
@requires(is_bureau_admin)
def holiday_remove(request: HttpRequest, pk: int) -> HttpResponse:
    holiday = get_object_or_404(scoping.scope(request.user, Holiday), pk=pk)
    actions.remove_holiday(holiday=holiday, actor=request.user)
    messages.success(request, _("The day is removed from the calendar."))
    return redirect("supervision:holidays")


# --- The sentence lifecycle -------------------------------------------------------------------------

STEP_TITLES = {
    "sentence": gettext_lazy("Record a sentence"),
    "notified": gettext_lazy("Record the arrival of the decision notice"),
    "document": gettext_lazy("Record a legal document"),
    "register": gettext_lazy("Register the person's report"),
    "announce": gettext_lazy("Record the intake announcement"),
    "suspend": gettext_lazy("Suspend while detained"),
    "resume": gettext_lazy("Resume after detention"),
    "release": gettext_lazy("Release"),
    "terminate": gettext_lazy("Terminate"),
    "notice": gettext_lazy("Record a notice of release or termination"),
    "scan": gettext_lazy("Attach a signed scan"),
}
# Steps that cannot be undone ask first (config/confirm.py).
CONFIRM = {"release", "terminate"}


def _lifecycle_supervisee(request: HttpRequest, uuid):
    try:
        return supervisee_for_read(request.user, uuid, purpose="supervision")
    except Supervisee.DoesNotExist:
        raise Http404 from None


@require_GET
@requires(policies.is_case_staff)
def lifecycle(request: HttpRequest, uuid) -> HttpResponse:
    """A supervisee's sentences, documents, status history, announcements, notices and open clocks, with
    the steps the current status allows."""
    supervisee = _lifecycle_supervisee(request, uuid)
    can_change = scoping.policy_for(StatusChange).can(request.user, "change", supervisee)
    return render(
        request,
        "supervision/lifecycle.html",
        {
            "s": supervisee,
            "record": selectors.lifecycle(request.user, supervisee),
            "steps": [(step, STEP_TITLES[step]) for step in selectors.next_steps(supervisee)] if can_change else [],
            # The documents issued about the person (release certificate, notices, plans...), as the register
            # shows them to this user.
            "documents": scoping.scope(request.user, IssuedDocument)
            .filter(supervisee=supervisee)
            .order_by("-issued_at")[:50],
        },
    )


@require_http_methods(["GET", "POST"])
@requires(policies.can_use_todo)
def lifecycle_step(request: HttpRequest, uuid, step: str) -> HttpResponse:
    if step not in forms.STEP_FORMS:
        raise Http404
    supervisee = _lifecycle_supervisee(request, uuid)
    if not scoping.policy_for(StatusChange).can(request.user, "change", supervisee):
        raise PermissionDenied
    form = forms.STEP_FORMS[step](request.POST or None, request.FILES or None)
    back = reverse("supervision:lifecycle", args=[supervisee.uuid])
    closing = isinstance(form, forms.ClosingNoticesForm)
    if request.method == "POST" and closing:
        # Everything wrong with the closing is said at once, before anyone is asked to confirm it (the form's
        # own message stays on a field it could not read).
        form.is_valid()
        for field, message in actions.closing_problems(step, supervisee, form.cleaned_data).items():
            if field not in form.errors:
                form.add_error(field if field in form.fields else None, message)
    if request.method == "POST" and form.is_valid():
        if step in CONFIRM:
            asked = confirm_first(
                request,
                title=str(STEP_TITLES[step]),
                question=_(
                    "This ends the correction: open needs close, referrals are withdrawn, the team ends. Continue?"
                ),
                confirm_label=str(STEP_TITLES[step]),
                back=back,
            )
            if asked is not None:
                return asked
        try:
            actions.run_step(step, supervisee, request.user, dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            if closing and not scoping.scope(request.user, Supervisee).filter(pk=supervisee.pk).exists():
                # Sealed on closing: the record has left the user's view, this page included.
                messages.success(
                    request, _("Saved. The juvenile record is sealed now and no longer appears on the platform.")
                )
                return redirect("supervision:today")
            messages.success(request, _("Saved."))
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    # A record sealed on closing takes no later entry: the closing form says so before it is sent.
    verdict = actions.verdict_on_closing(supervisee) if closing else None
    return render(
        request,
        "supervision/lifecycle_step.html",
        {
            "s": supervisee,
            "form": form,
            "title": STEP_TITLES[step],
            "back": back,
            "step": step,
            "seals": verdict if verdict and verdict.seals else None,
        },
        status=status,
    )


@require_GET
@requires(policies.can_use_todo)
def release_certificate(request: HttpRequest, uuid) -> HttpResponse:
    """The release certificate (解除社区矫正证明书) as a PDF, once the person is released."""
    supervisee = _lifecycle_supervisee(request, uuid)
    change = scoping.scope(request.user, StatusChange).filter(supervisee=supervisee, action="release").first()
    if change is None or supervisee.status != Supervisee.Status.RELEASED:
        raise Http404
    # Issued once through the document service (numbered, hashed, kept); the stored bytes are served.
    document = actions.release_certificate(change=change, http_request=request)
    with document.pdf.open("rb") as stored:
        body = stored.read()
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="release-{supervisee.uuid}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires(policies.is_case_staff)
def announcement_scan(request: HttpRequest, uuid, pk: int) -> HttpResponse:
    """The signed scan of an announcement (a private attachment), to the case staff who see the record; logged."""
    supervisee = _lifecycle_supervisee(request, uuid)
    announcement = get_object_or_404(
        scoping.scope(request.user, Announcement).filter(supervisee=supervisee).exclude(signed_scan=""), pk=pk
    )
    log_access(
        user=request.user,
        action=AccessLog.Action.READ,
        object_type="attachment",
        object_id=f"announcement {announcement.pk}",
        supervisee=supervisee,
        purpose="supervision",
        path=request.path,
    )
    return attachments.serve(
        announcement.signed_scan, download_name=f"{announcement.kind}-{announcement.held_on:%Y%m%d}"
    )


# --- Pre-sentence investigations ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(policies.can_use_todo)
def investigations(request: HttpRequest) -> HttpResponse:
    """Investigation requests (调查评估): the open ones by due date, the answered ones, and a form to record one."""
    offices = case_offices(request.user)
    form = forms.InvestigationForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_investigation(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        except PermissionDenied:
            form.add_error("judicial_office", _("You may not record requests for this office."))
        else:
            messages.success(request, _("Saved."))
            return redirect("supervision:investigations")
    rows = list(selectors.investigations(request.user)[:200])
    today = timezone.localdate()
    return render(
        request,
        "supervision/investigations.html",
        {
            "open": [(i, actions.investigation_overdue(i, today)) for i in rows if i.opinion_sent_on is None],
            "answered": [i for i in rows if i.opinion_sent_on is not None],
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(policies.can_use_todo)
def investigation_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    investigation = get_object_or_404(selectors.investigations(request.user), pk=pk)
    form = forms.OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_opinion(investigation=investigation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("supervision:investigations")
    return render(
        request,
        "supervision/lifecycle_step.html",
        {
            "s": {"name": investigation.subject_name},
            "form": form,
            "title": _("Record the opinion"),
            "back": reverse("supervision:investigations"),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(policies.can_use_todo)
def investigation_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the day a request came or whether it is expedited; its due date and the office's obligation move."""
    investigation = get_object_or_404(selectors.investigations(request.user, open_only=True), pk=pk)
    form = forms.CorrectInvestigationForm(
        request.POST or None, initial={"received_on": investigation.received_on, "expedited": investigation.expedited}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.correct_investigation(investigation=investigation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("You may not record requests for this office."))
        else:
            messages.success(request, _("Saved."))
            return redirect("supervision:investigations")
    return render(
        request,
        "supervision/lifecycle_step.html",
        {
            "s": {"name": investigation.subject_name},
            "form": form,
            "title": _("Correct the request"),
            "back": reverse("supervision:investigations"),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- correction plans and classification reviews ------------------------------------------------------


def _supervisee_or_404(user, uuid):
    try:
        return selectors.supervisee_for(user, uuid)
    except Supervisee.DoesNotExist:
        raise Http404 from None


@require_GET
@requires(policies.is_case_staff)
def plan(request: HttpRequest, uuid) -> HttpResponse:
    """The plan in force, its history (every version, newest first), the classification reviews and the
    platform's explained suggestion."""
    supervisee = _supervisee_or_404(request.user, uuid)
    versions = list(selectors.plans(request.user).filter(supervisee=supervisee))
    current = versions[0] if versions else None
    reviews = list(selectors.reviews(request.user).filter(supervisee=supervisee))
    can_write = scoping.policy_for(CorrectionPlan).can(request.user, "write", supervisee)
    open_review = next((r for r in reviews if r.state == ClassificationReview.State.PROPOSED), None)
    return render(
        request,
        "supervision/plan.html",
        {
            "s": supervisee,
            "current": current,
            "versions": versions,
            "reviews": reviews,
            "open_review": open_review,
            "can_write": can_write and supervisee.status in actions.ACTIVE_STATUSES,
            "can_decide": open_review is not None
            and open_review.proposed_by_id != request.user.pk
            and scoping.can(request.user, "decide", open_review),
            "suggestion": classification.suggest(supervisee, risk_level=current.risk_level if current else None)
            if can_write
            else None,
            "decision_form": DecisionForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(policies.can_use_todo)
def plan_write(request: HttpRequest, uuid) -> HttpResponse:
    """Write the first plan, or a new version prefilled from the plan in force (the old one stays)."""
    supervisee = _supervisee_or_404(request.user, uuid)
    if not scoping.policy_for(CorrectionPlan).can(request.user, "write", supervisee):
        raise PermissionDenied
    current = actions.current_plan(supervisee)
    initial = {"supervision_level": supervisee.supervision_level, "risk_level": supervisee.risk_level}
    if current is not None:
        initial = {
            field: getattr(current, field)
            for field in (
                "supervision_level",
                "risk_level",
                "classification_reasons",
                "reporting_mode",
                "reporting_interval_days",
                "education_goals",
                "help_goals",
            )
        }
        initial["team"] = list(current.team.filter(is_active=True))
    form = PlanForm(request.POST or None, initial=initial, supervisee=supervisee)
    if request.method == "POST" and form.is_valid():
        try:
            actions.write_plan(supervisee=supervisee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The plan is saved as a new version."))
            return redirect("supervision:plan", uuid=supervisee.uuid)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "supervision/plan_write.html",
        {"s": supervisee, "form": form, "current": current},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires(policies.can_use_todo)
def review_propose(request: HttpRequest, uuid) -> HttpResponse:
    """Propose a new supervision level with reasons, beside the platform's explained suggestion."""
    supervisee = _supervisee_or_404(request.user, uuid)
    if not scoping.policy_for(ClassificationReview).can(request.user, "propose", supervisee):
        raise PermissionDenied
    current = actions.current_plan(supervisee)
    suggestion = classification.suggest(supervisee, risk_level=current.risk_level if current else None)
    form = ReviewForm(request.POST or None, initial={"to_level": suggestion.level})
    if request.method == "POST" and form.is_valid():
        try:
            actions.propose_review(supervisee=supervisee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The proposal is sent to the office head."))
            return redirect("supervision:plan", uuid=supervisee.uuid)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "supervision/review_propose.html",
        {"s": supervisee, "form": form, "current": current, "suggestion": suggestion},
        status=status,
    )


@require_POST
@requires(policies.can_use_todo)
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The head approves or rejects a proposal (after confirming)."""
    review = get_object_or_404(selectors.reviews(request.user), pk=pk)
    back = reverse("supervision:plan", kwargs={"uuid": review.supervisee.uuid})
    try:  # asked before the confirmation page (the action asks again), with the API's message
        actions.check_decider(review=review, actor=request.user)
    except ValidationError as exc:
        return render(request, "403.html", {"reason": " ".join(exc.messages)}, status=403)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        question = (
            _("Approve the change from %(from)s to %(to)s? A new plan version is written at the new level.")
            if approve
            else _("Reject the change from %(from)s to %(to)s?")
        ) % {"from": review.get_from_level_display(), "to": review.get_to_level_display()}
        page = confirm_first(
            request,
            title=_("Decide the classification"),
            question=question,
            confirm_label=_("Approve") if approve else _("Reject"),
            back=back,
        )
        if page is not None:
            return page
        try:
            actions.decide_review(review=review, actor=request.user, approve=approve, note=form.cleaned_data["note"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect(back)
    messages.error(request, " ".join(m for msgs in form.errors.values() for m in msgs))
    return redirect(back)
