"""Matching pages under /casework/matching/: suggestions for one need, batch runs and their proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles, scoping
from coordination import policies as coordination_policies
from coordination.models import Need
from matching import actions, kinds, policies, selectors
from matching.engine.explain import Reason
from matching.forms import DecisionForm, SendForm, StartRunForm
from matching.models import MatchRun, Proposal
from matching.reasons import render as render_reason
from matching.reasons import render_rule
from services.models import ServiceOffering

PAGE_SIZE = 25
RUNS_PAGE_SIZE = 10


def _require_matching(user) -> None:
    if not policies.can_use_matching(user):
        raise PermissionDenied


def _need_or_404(user, pk: int, *, purpose: str | None = None) -> Need:
    try:
        return selectors.need_for_matching(user, pk, purpose=purpose)
    except Need.DoesNotExist:
        raise Http404 from None


def _run_or_404(user, pk: int) -> MatchRun:
    try:
        return selectors.runs(user).get(pk=pk)
    except MatchRun.DoesNotExist:
        raise Http404 from None


def _start_form(user, data=None) -> StartRunForm:
    offices = coordination_policies.case_offices(user)
    if not roles.is_bureau_admin(user):
        offices = offices.filter(pk__in=roles.organisation_ids(user, roles.Role.OFFICE_OFFICER))
    return StartRunForm(data, offices=offices, allow_city=roles.is_bureau_admin(user))


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Open needs to match, and the recent runs."""
    _require_matching(request.user)
    page = Paginator(selectors.matching_needs(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    runs = Paginator(selectors.runs(request.user), RUNS_PAGE_SIZE).get_page(request.GET.get("runs"))
    form = _start_form(request.user)
    can_start = roles.is_bureau_admin(request.user) or form.fields["office"].queryset.exists()
    return render(
        request,
        "matching/index.html",
        {
            "page": page,
            "runs": runs,
            "form": form,
            "can_start": can_start,
            "mentor_waiting": selectors.mentor_proposals(request.user).count(),
        },
    )


MAX_SUGGESTIONS = 500


@require_GET
@login_required
def need_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranked offerings for one need, with reasons, and the excluded ones with the rule."""
    _require_matching(request.user)
    need = _need_or_404(request.user, pk, purpose="match suggestions")  # the one access-log row of this view
    show_all = request.GET.get("all") == "1"
    # The policy's short list by default; "all" shows every eligible service ("more").
    found = selectors.suggestions_for_need(need, limit=MAX_SUGGESTIONS if show_all else None)
    consented = set(
        need.supervisee.consents.filter(withdrawn_at__isnull=True).values_list("organisation_id", flat=True)
    )
    suggestions = [
        {
            "s": s,
            "offering": found.offerings[s.offering_id],
            "reasons": [render_reason(r) for r in s.reasons],
            "consented": found.offerings[s.offering_id].organisation_id in consented,
        }
        for s in found.result.eligible
    ]
    excluded = [
        {"offering": found.offerings[oid], "rule": render_rule(rule)}
        for oid, rule in found.result.excluded
        if oid in found.offerings
    ]
    return render(
        request,
        "matching/need.html",
        {
            "need": need,
            "s": need.supervisee,
            "suggestions": suggestions,
            "excluded": excluded,
            "eligible_count": found.result.eligible_count,
            "show_all": show_all,
        },
    )


@require_POST
@login_required
def send_referral(request: HttpRequest, pk: int) -> HttpResponse:
    """One click on a suggestion: send the referral; without consent, keep it as a draft and say so."""
    _require_matching(request.user)
    need = _need_or_404(request.user, pk)
    form = SendForm(request.POST, offerings=scoping.scope(None, ServiceOffering).filter(category_id=need.category_id))
    if not form.is_valid():
        messages.error(request, _("Choose one of the suggested services."))
        return redirect("matching:need", pk=need.pk)
    offering, message = form.cleaned_data["offering"], form.cleaned_data["message"]
    try:
        referral = actions.send_suggested_referral(need=need, offering=offering, actor=request.user, message=message)
    except ValidationError as exc:
        if getattr(exc, "code", None) != "consent":
            for text in exc.messages:
                messages.error(request, text)
            return redirect("matching:need", pk=need.pk)
        referral = actions.draft_suggested_referral(need=need, offering=offering, actor=request.user, message=message)
        messages.warning(
            request,
            _("Saved as a draft: record the supervisee's consent to share with this organisation, then send it."),
        )
        return redirect("coordination:referral", uuid=referral.uuid)
    messages.success(request, _("Referral sent."))
    return redirect("coordination:referral", uuid=referral.uuid)


@require_POST
@login_required
def start_run(request: HttpRequest) -> HttpResponse:
    _require_matching(request.user)
    form = _start_form(request.user, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("matching:index")
    try:
        run = actions.start_run(actor=request.user, office=form.cleaned_data["office"], kind=form.cleaned_data["kind"])
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("matching:index")
    return redirect("matching:run", pk=run.pk)


def _reason_texts(stored: list[dict]) -> list[str]:
    return [render_reason(Reason(r["code"], r.get("params") or {})) for r in stored]


@require_http_methods(["GET"])
@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's progress (polled while it runs) and its proposals for review."""
    _require_matching(request.user)
    run = _run_or_404(request.user, pk)
    if run.kind == MatchRun.Kind.MENTORS:
        page = Paginator(selectors.mentor_proposals(request.user, run), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [{"p": p, "reasons": _reason_texts(p.reasons)} for p in page]
        return render(request, "matching/mentors.html", {"run": run, "page": page, "rows": rows})
    page = Paginator(selectors.proposals(request.user, run), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"p": p, "reasons": _reason_texts(p.reasons)} for p in page]
    return render(request, "matching/run.html", {"run": run, "page": page, "rows": rows})


@require_POST
@login_required
def restart_run(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Run again" on a failed run."""
    _require_matching(request.user)
    run = _run_or_404(request.user, pk)
    try:
        actions.restart_run(run=run, actor=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The run is queued again."))
    return redirect("matching:run", pk=run.pk)


@require_GET
@login_required
def run_progress(request: HttpRequest, pk: int) -> JsonResponse:
    _require_matching(request.user)
    run = _run_or_404(request.user, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "progress": run.progress,
            "proposals": run.proposals_count,
            "done": run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED),
            "failure": run.get_failure_display() if run.status == MatchRun.Status.FAILED else "",
        }
    )


# What the page shows of each kind, read in one query with the proposal.
_DECIDE_RELATED = {
    MatchRun.Kind.REFERRALS: (
        "need__category",
        "need__supervisee__township",
        "offering__organisation",
        "runner_up__organisation",
        "chosen_offering__organisation",
        "run",
    ),
    MatchRun.Kind.MENTORS: ("supervisee__township", "mentor__township", "runner_up", "chosen_mentor", "run"),
}


def _after_decision(kind: kinds.ProposalKind, proposal) -> str:
    """Where the officer goes next: the referral draft, else back to the proposals of this kind."""
    if kind.name == MatchRun.Kind.REFERRALS:
        if proposal.referral_id:
            return reverse("coordination:referral", kwargs={"uuid": proposal.referral.uuid})
        return reverse("matching:run", kwargs={"pk": proposal.run_id})
    return reverse("matching:mentors")


@require_http_methods(["GET", "POST"])
@login_required
def proposal_decide(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Confirm, choose another target (with a reason) or reject (with a reason) one proposal of either kind."""
    _require_matching(request.user)
    strategy = kinds.KINDS[kind]
    try:
        proposal = strategy.visible(request.user).select_related(*_DECIDE_RELATED[kind]).get(pk=pk)
    except strategy.model.DoesNotExist:
        raise Http404 from None
    form = DecisionForm(request.POST or None, kind=strategy, proposal=proposal)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                decided = actions.decide(
                    proposal=proposal,
                    verb=data["verb"],
                    actor=request.user,
                    target=data.get(proposal.target_field),
                    reason=data["reason"],
                )
            except ValidationError as exc:
                for text in exc.messages:
                    form.add_error(None, text)
            else:
                rejected = decided.status == Proposal.Status.REJECTED
                messages.success(request, _("Proposal rejected.") if rejected else str(strategy.done_message))
                return redirect(_after_decision(strategy, decided))
        status = 400
    return render(
        request,
        "matching/proposal.html",
        {"proposal": proposal, "kind": strategy, "form": form, "reasons": _reason_texts(proposal.reasons)},
        status=status,
    )


@require_GET
@login_required
def mentor_proposal_list(request: HttpRequest) -> HttpResponse:
    """Open mentor proposals the user may see, newest run first, for review."""
    _require_matching(request.user)
    page = Paginator(selectors.mentor_proposals(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"p": p, "reasons": _reason_texts(p.reasons)} for p in page]
    return render(request, "matching/mentors.html", {"run": None, "page": page, "rows": rows})
