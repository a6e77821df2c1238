"""Pages of case plans: a social worker's "my case plans", a person's plans (and opening one), and a plan with
its goals, interventions, reviews and history (forms for the plan's organisation only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import scoping
from config.errors import form_errors
from coordination.models import Supervisee
from supervision.casework import actions, forms, policies, selectors
from supervision.casework.models import CasePlan
from supervision.views import requires

PER_PAGE = 25


@require_GET
@requires(policies.is_social_worker)
def my_plans(request: HttpRequest) -> HttpResponse:
    """The social worker's case plans: searched by name, filtered by status and overdue goals, sorted, paged."""
    search = forms.ListForm(request.GET)
    wanted = search.cleaned_data if search.is_valid() else {}
    rows = selectors.my_plans(
        request.user,
        query=wanted.get("q", ""),
        status=wanted.get("status", ""),
        overdue=wanted.get("overdue", False),
        sort=wanted.get("sort") or "opened",
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.next_review = selectors.next_review_due(row)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/casework/plans.html",
        {"page": page, "search": search, "query": query.urlencode(), "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def person_plans(request: HttpRequest, uuid) -> HttpResponse:
    """A person's case plans the user may see; a social worker who works with them opens one here."""
    try:
        supervisee = selectors.supervisee_for_plan(request.user, uuid)
    except Supervisee.DoesNotExist:
        raise Http404 from None
    may_open = scoping.policy_for(CasePlan).can(request.user, "open", supervisee)
    form = forms.PlanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_open:
            raise PermissionDenied
        if form.is_valid():
            try:
                made = actions.open_plan(supervisee=supervisee, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The case plan is opened. Add its goals next."))
                return redirect("supervision:case-plan", pk=made.pk)
        status = 400
    rows = list(selectors.plans(request.user).filter(supervisee=supervisee))
    for row in rows:
        row.next_review = selectors.next_review_due(row)
    return render(
        request,
        "supervision/casework/person.html",
        {"s": supervisee, "plans": rows, "may_open": may_open, "form": form, "today": timezone.localdate()},
        status=status,
    )


FORMS = {
    "assessment": forms.PlanForm,
    "goal": forms.GoalForm,
    "goal_status": forms.GoalStatusForm,
    "intervention": forms.InterventionForm,
    "review": forms.ReviewForm,
    "close": forms.CloseForm,
}


def _context(request: HttpRequest, plan: CasePlan, bound: dict) -> dict:
    user = request.user
    keeps = scoping.policy_for(CasePlan).can(user, "write", plan)
    interventions = list(selectors.interventions(user).filter(plan=plan))
    by_kind, total = selectors.minutes_by_kind(interventions)
    today = timezone.localdate()
    goals = list(selectors.goals(user).filter(plan=plan))
    for goal in goals:
        goal.overdue = goal.status == goal.Status.OPEN and goal.target_date < today
    initial = {"needs_assessment": plan.needs_assessment, "review_every_months": plan.review_every_months}
    return {
        "plan": plan,
        "s": plan.supervisee,
        "goals": goals,
        "interventions": interventions,
        "by_kind": by_kind,
        "total_minutes": total,
        "reviews": list(selectors.reviews(user).filter(plan=plan)),
        "events": list(selectors.events(user).filter(plan=plan)) if keeps else [],
        "next_review": selectors.next_review_due(plan),
        "reads_notes": policies.reads_notes(user, plan),
        "editable": keeps and plan.status == CasePlan.Status.OPEN,
        "today": today,
        "forms": {
            "assessment": bound.get("assessment") or forms.PlanForm(initial=initial),
            "goal": bound.get("goal") or forms.GoalForm(),
            "goal_status": bound.get("goal_status"),
            "intervention": bound.get("intervention") or forms.InterventionForm(initial={"held_on": today}),
            "review": bound.get("review") or forms.ReviewForm(initial={"reviewed_on": today}),
            "close": bound.get("close") or forms.CloseForm(initial={"closed_on": today}),
        },
    }


def _write(request: HttpRequest, plan: CasePlan, do: str, data: dict) -> str:
    """Run one form's action; the message to show."""
    actor = request.user
    if do == "assessment":
        actions.edit_assessment(plan=plan, actor=actor, **data)
        return _("The assessment is saved; the previous text is kept in the history.")
    if do == "goal":
        actions.add_goal(plan=plan, actor=actor, **data)
        return _("The goal is added.")
    if do == "goal_status":
        goal = selectors.goals(actor).filter(plan=plan, pk=data["goal"]).first()
        if goal is None:
            raise Http404
        actions.set_goal_status(goal=goal, actor=actor, status=data["status"], reason=data["reason"])
        return _("The goal's status is saved.")
    if do == "intervention":
        actions.record_intervention(plan=plan, actor=actor, **data)
        return _("The intervention is recorded.")
    if do == "review":
        actions.record_review(plan=plan, actor=actor, **data)
        return _("The progress review is recorded.")
    actions.close_plan(plan=plan, actor=actor, note=data["note"], closed_on=data["closed_on"])
    return _("The case plan is closed.")


@require_http_methods(["GET", "POST"])
@requires(policies.may_open)
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """A case plan: its assessment, goals (overdue ones marked), interventions with their minutes, reviews
    and, for the plan's organisation, the working notes, the history and the forms."""
    found = selectors.plans(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    if request.method == "GET":
        return render(request, "supervision/casework/plan.html", _context(request, found, {}))
    do = request.POST.get("do", "")
    if do not in FORMS:
        raise Http404
    if not scoping.policy_for(CasePlan).can(request.user, "write", found):
        raise PermissionDenied
    form = FORMS[do](request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirmed"}
        try:
            messages.success(request, _write(request, found, do, data))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("supervision:case-plan", pk=found.pk)
    return render(request, "supervision/casework/plan.html", _context(request, found, {do: form}), status=400)
