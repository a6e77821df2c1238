"""Rewards-and-sanctions pages: a person's suggestions (with reasons and a prefilled "propose" link), their
proposals, one proposal with the steps the user may take, the bureau's decide page (confirm first), the list
awaiting my decision, the decision PDF and the evidence (scoped and logged)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping
from config.errors import form_errors
from coordination.models import Supervisee
from coordination.selectors import supervisee_for_read
from supervision import policies
from supervision.sanctions import actions, forms, selectors
from supervision.sanctions.models import SanctionEvidence, SanctionProposal
from supervision.views import requires

State = SanctionProposal.State


def _supervisee(request: HttpRequest, uuid) -> Supervisee:
    try:
        return supervisee_for_read(request.user, uuid, purpose="supervision")
    except Supervisee.DoesNotExist:
        raise Http404 from None


def _proposal(request: HttpRequest, pk: int) -> SanctionProposal:
    try:
        return selectors.proposal_for(request.user, pk)
    except SanctionProposal.DoesNotExist:
        raise Http404 from None


def _form_page(request, *, title, form, back, context=None, status=200):
    return render(
        request,
        "supervision/sanctions/form.html",
        {"title": title, "form": form, "back": back, **(context or {})},
        status=status,
    )


@require_GET
@requires(policies.is_case_staff)
def case(request: HttpRequest, uuid) -> HttpResponse:
    """A person's suggestions with their reasons, recorded grounds and proposals."""
    supervisee = _supervisee(request, uuid)
    can_propose = scoping.policy_for(SanctionProposal).can(request.user, "propose", supervisee)
    propose_url = reverse("supervision:sanctions-propose", args=[supervisee.uuid])
    suggestions = actions.suggest(supervisee)
    for row in suggestions:
        query = [("kind", row.kind)] + [("grounds", g.pk) for g in row.grounds]
        row.propose_url = f"{propose_url}?{urlencode(query)}"
    return render(
        request,
        "supervision/sanctions/case.html",
        {
            "s": supervisee,
            "suggestions": suggestions,
            "grounds": list(selectors.grounds_for(request.user, supervisee)),
            "proposals": selectors.for_case(request.user, supervisee),
            "can_propose": can_propose,
        },
    )


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def propose(request: HttpRequest, uuid) -> HttpResponse:
    """An officer proposes, prefilled from a suggestion (``?kind=…&grounds=…``)."""
    supervisee = _supervisee(request, uuid)
    if not scoping.policy_for(SanctionProposal).can(request.user, "propose", supervisee):
        raise PermissionDenied
    grounds = selectors.grounds_for(request.user, supervisee)
    initial = {"kind": request.GET.get("kind", ""), "grounds": request.GET.getlist("grounds")}
    form = forms.ProposeForm(request.POST or None, request.FILES or None, grounds=grounds, initial=initial)
    back = reverse("supervision:sanctions-case", args=[supervisee.uuid])
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.propose(supervisee=supervisee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The proposal is sent to the county bureau for a decision."))
            return redirect("supervision:sanctions-proposal", pk=made.pk)
    return _form_page(
        request,
        title=_("Propose a reward or sanction for %(name)s") % {"name": supervisee.name},
        form=form,
        back=back,
        status=400 if request.method == "POST" else 200,
    )


STEP_FORMS = {
    "send": forms.SendForm,
    "detention": forms.DetentionForm,
    "organ-decision": forms.OrganDecisionForm,
    "notice": forms.NoticeForm,
    "withdraw": None,
}
STEP_TITLES = {
    "send": gettext_lazy("Send to the deciding organ"),
    "detention": gettext_lazy("Request detention (提请逮捕)"),
    "organ-decision": gettext_lazy("Record the organ's decision"),
    "notice": gettext_lazy("Notice to the procuratorate"),
    "withdraw": gettext_lazy("Withdraw the proposal"),
}


def _steps(user, row: SanctionProposal) -> list[str]:
    """The steps this user may take on this proposal now."""
    sides = scoping.policy_for(SanctionProposal).side(user, row)
    steps: list[str] = []
    if "proposer" in sides and row.state == State.PROPOSED:
        steps.append("withdraw")
    if "office" in sides:
        if row.state == State.APPROVED and row.organ:
            steps.append("send")
        if row.state == State.SENT and row.organ == SanctionProposal.Organ.COURT and not row.detention_requested_at:
            steps.append("detention")
        if row.state == State.SENT:
            steps.append("organ-decision")
        if row.state in actions.STANDING and not row.procuratorate_notified_on:
            steps.append("notice")
    return steps


@require_GET
@requires(policies.is_case_staff)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One proposal: grounds, facts, evidence, who proposed and decided, the clocks, and the user's steps."""
    row = _proposal(request, pk)
    can_decide = False
    refusal = None
    if row.state == State.PROPOSED:
        try:
            actions.check_decider(proposal=row, actor=request.user)
            can_decide = True
        except ValidationError as exc:
            refusal = exc.messages[0]
    steps = _steps(request.user, row)
    return render(
        request,
        "supervision/sanctions/proposal.html",
        {
            "p": row,
            "can_decide": can_decide,
            "refusal": refusal,
            "steps": [(name, STEP_TITLES[name], STEP_FORMS[name]() if STEP_FORMS[name] else None) for name in steps],
        },
    )


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The county bureau decides: the page shows the proposal and asks to confirm before anything is saved."""
    row = _proposal(request, pk)
    try:
        actions.check_decider(proposal=row, actor=request.user)
    except ValidationError as exc:
        raise PermissionDenied(" ".join(exc.messages)) from exc
    form = forms.DecideForm(request.POST or None)
    back = reverse("supervision:sanctions-proposal", args=[row.pk])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.decide(
                proposal=row,
                actor=request.user,
                approve=data["decision"] == "approve",
                note=data["note"],
                decision_number=data["decision_number"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Decided. The decision document is ready."))
            return redirect(back)
    return _form_page(
        request,
        title=_("Decide: %(kind)s for %(name)s") % {"kind": row.get_kind_display(), "name": row.supervisee.name},
        form=form,
        back=back,
        context={"p": row},
        status=400 if request.method == "POST" else 200,
    )


def _do_step(step: str, row: SanctionProposal, user, data: dict) -> SanctionProposal:
    if step == "send":
        return actions.send(proposal=row, actor=user, sent_on=data["sent_on"])
    if step == "detention":
        return actions.request_detention(proposal=row, actor=user, at=data["at"])
    if step == "organ-decision":
        return actions.record_organ_decision(proposal=row, actor=user, **data)
    if step == "notice":
        return actions.record_procuratorate_notice(proposal=row, actor=user, notified_on=data["notified_on"])
    return actions.withdraw(proposal=row, actor=user)


@require_POST
@requires(policies.is_case_staff)
def step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Post one step of a proposal; a refusal shows on the step's form with the action's own message."""
    if step not in STEP_FORMS:
        raise Http404
    row = _proposal(request, pk)
    form_class = STEP_FORMS[step]
    form = form_class(request.POST) if form_class else None
    back = reverse("supervision:sanctions-proposal", args=[row.pk])
    if form is None or form.is_valid():
        try:
            _do_step(step, row, request.user, form.cleaned_data if form else {})
        except ValidationError as exc:
            if getattr(exc, "code", None) == "forbidden":
                raise PermissionDenied(" ".join(exc.messages)) from exc
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect(back)
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return _form_page(request, title=STEP_TITLES[step], form=form, back=back, status=400)


@require_GET
@requires(policies.is_case_staff)
def awaiting(request: HttpRequest) -> HttpResponse:
    """The proposals awaiting my decision (the county bureau)."""
    return render(
        request, "supervision/sanctions/awaiting.html", {"rows": list(selectors.awaiting_decision(request.user))}
    )


@require_GET
@requires(policies.is_case_staff)
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision document (PDF) of an approved proposal: issued once through the document service (numbered,
    hashed, kept), the stored bytes served on every download."""
    row = _proposal(request, pk)
    if row.decided_by_id is None or row.state in (SanctionProposal.State.REFUSED, SanctionProposal.State.WITHDRAWN):
        raise Http404
    issued = actions.decision_document(proposal=row, http_request=request)
    with issued.pdf.open("rb") as stored:
        body = stored.read()
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{row.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires(policies.is_case_staff)
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded piece of evidence, only through this scoped and logged view."""
    try:
        row = selectors.evidence_for(request.user, pk)
    except SanctionEvidence.DoesNotExist:
        raise Http404 from None
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["Content-Disposition"] = f'inline; filename="evidence-{row.pk}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
