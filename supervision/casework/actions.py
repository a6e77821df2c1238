"""Every write of case plans: open, edit the assessment, goals, interventions, reviews, close. Each write
leaves a row in the plan's history (``CasePlanEvent``), so every change is traceable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from config.errors import ActionError
from coordination.models import Supervisee
from supervision.casework import policies
from supervision.casework.models import CaseGoal, CasePlan, CasePlanEvent, Intervention, ProgressReview

Action = CasePlanEvent.Action


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _kept(plan: CasePlan, actor: Any) -> CasePlan:
    """The plan, locked, when the actor's organisation keeps it and it is open; else refused."""
    if not scoping.policy_for(CasePlan).can(actor, "write", plan):
        raise PermissionDenied(_("Only the social workers of the plan's organisation may change it."))
    locked = CasePlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    if locked.status != CasePlan.Status.OPEN:
        raise ActionError(_("This case plan is closed."), code="conflict")
    return locked


def _event(plan: CasePlan, actor: Any, action: str, previous: str = "") -> None:
    CasePlanEvent.objects.create(plan=plan, actor=actor, action=action, previous=previous)


@transaction.atomic
def open_plan(
    *,
    supervisee: Supervisee,
    actor: Any,
    needs_assessment: str,
    opened_on: dt.date | None = None,
    review_every_months: int | None = None,
) -> CasePlan:
    """Open a case plan for a person, under the social worker's organisation."""
    agency = policies.agency_for(actor, supervisee)
    if agency is None:
        raise PermissionDenied(_("Only a social worker who works with this person may open a case plan."))
    opened_on = opened_on or timezone.localdate()
    _not_future(opened_on, "opened_on")
    fields = {"review_every_months": review_every_months} if review_every_months else {}
    try:
        with transaction.atomic():
            plan = CasePlan.objects.create(
                supervisee=supervisee,
                social_worker=actor,
                agency_id=agency,
                opened_on=opened_on,
                needs_assessment=needs_assessment,
                **fields,
            )
    except IntegrityError:
        raise ActionError(
            _("Your organisation already has an open case plan for this person."), code="conflict"
        ) from None
    _event(plan, actor, Action.OPENED)
    return plan


@transaction.atomic
def edit_assessment(
    *, plan: CasePlan, actor: Any, needs_assessment: str, review_every_months: int | None = None
) -> CasePlan:
    """Change the assessment of needs (and the review interval); the history keeps the text it replaces."""
    plan = _kept(plan, actor)
    previous = plan.needs_assessment
    plan.needs_assessment = needs_assessment
    if review_every_months:
        plan.review_every_months = review_every_months
    plan.save(update_fields=["needs_assessment", "review_every_months"])
    _event(plan, actor, Action.ASSESSMENT, previous)
    return plan


@transaction.atomic
def add_goal(*, plan: CasePlan, actor: Any, description: str, target_date: dt.date) -> CaseGoal:
    """Add a goal with its target date."""
    plan = _kept(plan, actor)
    if target_date < plan.opened_on:
        raise ValidationError({"target_date": _("The target date cannot be before the plan was opened.")})
    goal = CaseGoal.objects.create(plan=plan, description=description, target_date=target_date)
    _event(plan, actor, Action.GOAL_ADDED)
    return goal


@transaction.atomic
def set_goal_status(*, goal: CaseGoal, actor: Any, status: str, reason: str = "") -> CaseGoal:
    """Mark a goal achieved or dropped (a dropped goal says why), or open it again."""
    plan = _kept(goal.plan, actor)
    goal = CaseGoal.objects.select_for_update(of=("self",)).get(pk=goal.pk, plan=plan)
    if status == CaseGoal.Status.DROPPED and not reason.strip():
        raise ValidationError({"reason": _("Say why the goal is dropped.")})
    previous = f"{goal.get_status_display()}: {goal.status_reason}".rstrip(": ")
    goal.status = status
    goal.status_reason = reason
    goal.status_changed_on = timezone.localdate()
    goal.save(update_fields=["status", "status_reason", "status_changed_on"])
    _event(plan, actor, Action.GOAL_STATUS, previous)
    return goal


@transaction.atomic
def record_intervention(
    *, plan: CasePlan, actor: Any, kind: str, held_on: dt.date, minutes: int, note: str = ""
) -> Intervention:
    """Record an intervention with its minutes (the contract counts read them)."""
    plan = _kept(plan, actor)
    _not_future(held_on, "held_on")
    if minutes <= 0:
        raise ValidationError({"minutes": _("Give the length in minutes.")})
    row = Intervention.objects.create(
        plan=plan, kind=kind, held_on=held_on, minutes=minutes, note=note, recorded_by=actor
    )
    _event(plan, actor, Action.INTERVENTION)
    return row


@transaction.atomic
def record_review(*, plan: CasePlan, actor: Any, reviewed_on: dt.date, changes: str, next_steps: str) -> ProgressReview:
    """Record a progress review; the next one falls due the plan's interval later."""
    plan = _kept(plan, actor)
    _not_future(reviewed_on, "reviewed_on")
    if reviewed_on < plan.opened_on:
        raise ValidationError({"reviewed_on": _("The review cannot be before the plan was opened.")})
    row = ProgressReview.objects.create(
        plan=plan, reviewed_on=reviewed_on, changes=changes, next_steps=next_steps, recorded_by=actor
    )
    _event(plan, actor, Action.REVIEW)
    return row


@transaction.atomic
def close_plan(*, plan: CasePlan, actor: Any, note: str, closed_on: dt.date | None = None) -> CasePlan:
    """Close a plan (the engagement ended); its records stay, read-only."""
    plan = _kept(plan, actor)
    closed_on = closed_on or timezone.localdate()
    _not_future(closed_on, "closed_on")
    if closed_on < plan.opened_on:
        raise ValidationError({"closed_on": _("The plan cannot close before it was opened.")})
    plan.status = CasePlan.Status.CLOSED
    plan.closed_on = closed_on
    plan.closing_note = note
    plan.save(update_fields=["status", "closed_on", "closing_note"])
    _event(plan, actor, Action.CLOSED)
    return plan
