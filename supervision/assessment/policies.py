"""Who sees and does what with the assessment rubric and monthly assessments.

Case staff who see the supervisee see their assessments (the bureau all); officers of the person's judicial
office and the bureau pre-fill, complete and submit them; only the head of the person's judicial office reviews
(approves or returns), never the person who submitted it. The bureau's administrators keep the rubric.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from accounts.roles import Role, has_role, is_bureau_admin, organisation_ids
from coordination.models import Supervisee
from services.models import Organisation
from supervision.assessment.models import Assessment, Rubric
from supervision.policies import is_case_staff, is_office_officer_of


def is_office_head_of(user: Any, office_id: int | None) -> bool:
    """The head of this judicial office."""
    return (
        office_id is not None
        and has_role(user, Role.OFFICE_HEAD)
        and office_id in organisation_ids(user, Role.OFFICE_HEAD)
    )


class RubricPolicy(scoping.BasePolicy):
    model = Rubric

    def rows_view(self, user: Any) -> QuerySet[Rubric]:
        """Case staff read every version (the pages show what an assessment was made on)."""
        return Rubric.objects.all() if is_case_staff(user) else Rubric.objects.none()

    def allow_manage(self, user: Any, obj: Any = None) -> bool:
        """Only the bureau's administrators write a new version."""
        return is_bureau_admin(user)


class AssessmentPolicy(scoping.BasePolicy):
    model = Assessment

    def rows_view(self, user: Any) -> QuerySet[Assessment]:
        """Case staff who see the supervisee; never providers, volunteers or (here) the person."""
        if not is_case_staff(user):
            return Assessment.objects.none()
        if is_bureau_admin(user):
            return Assessment.objects.all()
        return Assessment.objects.filter(supervisee__in=scoping.scope(user, Supervisee).values("pk"))

    def allow_prefill(self, user: Any, obj: Any = None) -> bool:
        """Pre-fill an office's month (``obj`` is the office): its officers and the bureau."""
        if not isinstance(obj, Organisation):
            return False
        return is_bureau_admin(user) or obj.pk in organisation_ids(user, Role.OFFICE_OFFICER)

    def allow_edit(self, user: Any, obj: Any = None) -> bool:
        """Complete or submit an assessment: officers of the person's office and the bureau."""
        return isinstance(obj, Assessment) and is_office_officer_of(user, obj.supervisee)

    allow_submit = allow_edit

    def allow_review(self, user: Any, obj: Any = None) -> bool:
        """Approve or return: the head of the person's judicial office (the action refuses the submitter)."""
        return isinstance(obj, Assessment) and is_office_head_of(user, obj.supervisee.judicial_office_id)

    def rows_review(self, user: Any) -> QuerySet[Assessment]:
        """The submitted assessments awaiting this head's review."""
        offices = organisation_ids(user, Role.OFFICE_HEAD) if has_role(user, Role.OFFICE_HEAD) else []
        if not offices:
            return Assessment.objects.none()
        return Assessment.objects.filter(
            state=Assessment.State.SUBMITTED, supervisee__judicial_office_id__in=offices
        ).exclude(submitted_by=user.pk)


def register() -> None:
    scoping.register(Rubric, RubricPolicy())
    scoping.register(Assessment, AssessmentPolicy())
