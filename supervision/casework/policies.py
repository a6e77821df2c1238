"""Who sees and does what with social-work case plans.

- A **social worker** (the ``social_worker`` role, in a social-work agency or a judicial office) opens a plan
  for a person in their own case scope (the supervisee policy: their office's people, or for an agency's
  social worker the people on whose correction team they are). The plan belongs to that organisation (its
  ``agency``).
- The plan's organisation (every social worker of it) sees and writes everything, the interventions' working
  notes included.
- The officers and the head of the person's judicial office, and the bureau (which buys the service), see the
  plan, its goals, its reviews and the interventions' kind, date and minutes; never the working notes.
- Everyone else (a provider, a volunteer, a counsellor, the person's own sign-in, another office, a social
  worker of another organisation) sees nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import scoping
from accounts.roles import Role, is_bureau_admin, memberships, organisation_ids
from coordination.models import Supervisee
from services.models import Organisation
from supervision.casework.models import CaseGoal, CasePlan, CasePlanEvent, Intervention, ProgressReview


def agency_ids(user: Any) -> set[int]:
    """The organisations where the user is a social worker."""
    return organisation_ids(user, Role.SOCIAL_WORKER)


def is_social_worker(user: Any) -> bool:
    return bool(agency_ids(user))


def may_open(user: Any) -> bool:
    """May open the case-plan pages at all: social workers, office staff and the bureau (rows decide the rest)."""
    return is_social_worker(user) or bool(organisation_ids(user, Role.OFFICE_OFFICER)) or is_bureau_admin(user)


def agency_for(user: Any, supervisee: Supervisee) -> int | None:
    """The organisation a new plan for this person is kept under, or None when the user may not open one."""
    orgs = agency_ids(user)
    if not orgs or not isinstance(supervisee, Supervisee):
        return None
    if not scoping.scope(user, Supervisee).filter(pk=supervisee.pk).exists():
        return None
    if supervisee.judicial_office_id in orgs:
        return supervisee.judicial_office_id
    agencies = sorted(
        m.organisation_id
        for m in memberships(user)
        if m.organisation_id in orgs and m.organisation.kind == Organisation.Kind.SOCIAL_WORK_AGENCY
    )
    return agencies[0] if agencies else None


def _plans_q(user: Any, prefix: str = "") -> Q | None:
    """Rows of plans the user may see, as a filter on ``prefix`` (None: all of them)."""
    if is_bureau_admin(user):
        return None
    offices = organisation_ids(user, Role.OFFICE_OFFICER)
    return Q(**{f"{prefix}agency_id__in": agency_ids(user)}) | Q(
        **{f"{prefix}supervisee__judicial_office_id__in": offices}
    )


def _rows(model, user: Any, prefix: str = "") -> QuerySet:
    wanted = _plans_q(user, prefix)
    return model.objects.all() if wanted is None else model.objects.filter(wanted)


def reads_notes(user: Any, plan: CasePlan) -> bool:
    """The interventions' working notes: only the plan's own organisation."""
    return plan.agency_id in agency_ids(user)


class CasePlanPolicy(scoping.BasePolicy):
    model = CasePlan

    def rows_view(self, user: Any) -> QuerySet[CasePlan]:
        """The plan's organisation, the person's office (officers and head) and the bureau."""
        return _rows(CasePlan, user)

    def rows_write(self, user: Any) -> QuerySet[CasePlan]:
        """Goals, interventions, reviews, edits and closing: the social workers of the plan's organisation."""
        return CasePlan.objects.filter(agency_id__in=agency_ids(user))

    def allow_open(self, user: Any, obj: Any = None) -> bool:
        """Open a plan (``obj`` is the supervisee): a social worker, for a person in their case scope."""
        return agency_for(user, obj) is not None


class CaseGoalPolicy(scoping.BasePolicy):
    model = CaseGoal

    def rows_view(self, user: Any) -> QuerySet[CaseGoal]:
        """As the plan."""
        return _rows(CaseGoal, user, "plan__")


class InterventionPolicy(scoping.BasePolicy):
    model = Intervention
    field_tables = {
        "office": frozenset({"id", "plan", "kind", "held_on", "minutes", "recorded_by", "created_at"}),
    }

    def rows_view(self, user: Any) -> QuerySet[Intervention]:
        """As the plan; the working note only for the plan's organisation (``fields``)."""
        return _rows(Intervention, user, "plan__")

    def fields(self, user: Any, obj: Intervention) -> frozenset[str]:
        if reads_notes(user, obj.plan):
            return super().fields(user, obj)
        return self.field_tables["office"]


class ProgressReviewPolicy(scoping.BasePolicy):
    model = ProgressReview

    def rows_view(self, user: Any) -> QuerySet[ProgressReview]:
        """As the plan."""
        return _rows(ProgressReview, user, "plan__")


class CasePlanEventPolicy(scoping.BasePolicy):
    model = CasePlanEvent

    def rows_view(self, user: Any) -> QuerySet[CasePlanEvent]:
        """The history (with replaced texts): the plan's organisation and the bureau."""
        if is_bureau_admin(user):
            return CasePlanEvent.objects.all()
        return CasePlanEvent.objects.filter(plan__agency_id__in=agency_ids(user))


def register() -> None:
    scoping.register(CasePlan, CasePlanPolicy())
    scoping.register(CaseGoal, CaseGoalPolicy())
    scoping.register(Intervention, InterventionPolicy())
    scoping.register(ProgressReview, ProgressReviewPolicy())
    scoping.register(CasePlanEvent, CasePlanEventPolicy())
