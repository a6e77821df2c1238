"""Who sees and does what with the rule book, the holiday calendar and obligations."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from accounts import scoping
from accounts.roles import Role, has_role, is_bureau_admin, organisation_ids
from accounts.selectors import bureau_admins
from coordination.models import CorrectionTeamMember, Supervisee
from supervision.models import (
    Announcement,
    Holiday,
    Investigation,
    LegalDocument,
    Obligation,
    ObligationFeed,
    ReleaseNotice,
    Rule,
    RuleChange,
    Sentence,
    StatusChange,
)


def is_case_staff(user: Any) -> bool:
    """The bureau, judicial-office officers and social workers."""
    return has_role(user, Role.BUREAU_ADMIN, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)


def can_use_todo(user: Any) -> bool:
    """May open 今日待办: the bureau and judicial-office officers."""
    return has_role(user, Role.BUREAU_ADMIN, Role.OFFICE_OFFICER)


class RulePolicy(scoping.BasePolicy):
    model = Rule

    def rows_view(self, user: Any) -> QuerySet[Rule]:
        """Case staff (the bureau, officers, social workers) read the whole rule book; nobody else."""
        return Rule.objects.all() if is_case_staff(user) else Rule.objects.none()

    def allow_override(self, user: Any, obj: Any = None) -> bool:
        """Only the bureau sets or clears a deployment override (with a reason)."""
        return is_bureau_admin(user)


class RuleChangePolicy(scoping.BasePolicy):
    model = RuleChange

    def rows_view(self, user: Any) -> QuerySet[RuleChange]:
        """Case staff read the history of overrides (who, when, old, new, why)."""
        return RuleChange.objects.all() if is_case_staff(user) else RuleChange.objects.none()


class HolidayPolicy(scoping.BasePolicy):
    model = Holiday

    def rows_view(self, user: Any) -> QuerySet[Holiday]:
        """The holiday calendar is public knowledge: case staff see it all."""
        return Holiday.objects.all() if is_case_staff(user) else Holiday.objects.none()

    def allow_manage(self, user: Any, obj: Any = None) -> bool:
        """Only the bureau adds or removes days."""
        return is_bureau_admin(user)


class ObligationPolicy(scoping.BasePolicy):
    model = Obligation

    def rows_view(self, user: Any) -> QuerySet[Obligation]:
        """The obligations of the supervisees the user may see (the supervisee policy decides): the bureau
        all, officers their office's; providers, volunteers and the public none."""
        if not is_case_staff(user):
            return Obligation.objects.none()
        if is_bureau_admin(user):
            return Obligation.objects.all()
        return Obligation.objects.filter(supervisee__in=scoping.scope(user, Supervisee).values("pk"))

    def rows_complete(self, user: Any) -> QuerySet[Obligation]:
        """Officers of the supervisee's office and the bureau mark an obligation done."""
        if not can_use_todo(user):
            return Obligation.objects.none()
        return self.rows_view(user)

    def audience(self, event: Any) -> list[Any]:
        """Who is told when an obligation escalates to a level (``event`` is (obligation, level)):
        1 the officers on the correction team (else the office's officers), 2 every officer of the office
        (the office head among them), 3 the bureau administrators."""
        obligation, level = event
        user_model = get_user_model()
        active = user_model.objects.filter(is_active=True)
        office_id = obligation.supervisee.judicial_office_id
        office = active.filter(
            memberships__organisation_id=office_id,
            memberships__role=Role.OFFICE_OFFICER,
            memberships__is_active=True,
        ).distinct()
        if level == Obligation.Level.OFFICER:
            team = active.filter(
                correction_teams__supervisee_id=obligation.supervisee_id,
                correction_teams__role=CorrectionTeamMember.Role.OFFICER,
                correction_teams__is_active=True,
            ).distinct()
            return list(team) or list(office)
        if level == Obligation.Level.OFFICE:
            return list(office)
        if level == Obligation.Level.BUREAU:
            return bureau_admins()
        return []


class ObligationFeedPolicy(scoping.BasePolicy):
    model = ObligationFeed

    def rows_view(self, user: Any) -> QuerySet[ObligationFeed]:
        """A user sees only their own calendar address."""
        if not getattr(user, "is_authenticated", False):
            return ObligationFeed.objects.none()
        return ObligationFeed.objects.filter(user=user)


def is_office_officer_of(user: Any, supervisee: Any) -> bool:
    """An officer of the supervisee's judicial office, or the bureau: the people who run the lifecycle."""
    if supervisee is None:
        return False
    if is_bureau_admin(user):
        return True
    return has_role(user, Role.OFFICE_OFFICER) and supervisee.judicial_office_id in organisation_ids(
        user, Role.OFFICE_OFFICER
    )


class _CaseRecordPolicy(scoping.BasePolicy):
    """A record of a supervisee's sentence lifecycle: read by case staff who see the supervisee; written
    (through the lifecycle actions) by officers of the supervisee's office and the bureau."""

    def rows_view(self, user: Any) -> QuerySet[Any]:
        """Case staff see the rows of the supervisees they see (the supervisee policy decides); providers,
        volunteers and the public none."""
        if not is_case_staff(user):
            return self.model.objects.none()
        if is_bureau_admin(user):
            return self.model.objects.all()
        return self.model.objects.filter(
            **{self.supervisee_path + "__in": scoping.scope(user, Supervisee).values("pk")}
        )

    supervisee_path = "supervisee"


class SentencePolicy(_CaseRecordPolicy):
    model = Sentence

    def allow_record(self, user: Any, obj: Any = None) -> bool:
        """Record a sentence or its documents (``obj`` is the supervisee): officers of the office and the bureau."""
        return is_office_officer_of(user, obj)


class LegalDocumentPolicy(_CaseRecordPolicy):
    model = LegalDocument
    supervisee_path = "sentence__supervisee"


class StatusChangePolicy(_CaseRecordPolicy):
    model = StatusChange

    def allow_change(self, user: Any, obj: Any = None) -> bool:
        """Register, announce, suspend, resume, release or terminate (``obj`` is the supervisee): officers
        of the supervisee's office and the bureau; never a social worker, provider or volunteer."""
        return is_office_officer_of(user, obj)


class AnnouncementPolicy(_CaseRecordPolicy):
    model = Announcement


class ReleaseNoticePolicy(_CaseRecordPolicy):
    model = ReleaseNotice


class InvestigationPolicy(scoping.BasePolicy):
    model = Investigation

    def rows_view(self, user: Any) -> QuerySet[Investigation]:
        """The bureau sees all; officers and social workers of a judicial office see that office's requests;
        nobody else (the person investigated is not a supervisee, and may never be one)."""
        if is_bureau_admin(user):
            return Investigation.objects.all()
        if not is_case_staff(user):
            return Investigation.objects.none()
        return Investigation.objects.filter(
            judicial_office_id__in=organisation_ids(user, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)
        )

    def allow_record(self, user: Any, obj: Any = None) -> bool:
        """Record a request or its opinion (``obj`` is the judicial office): its officers and the bureau."""
        if obj is None:
            return False
        return is_bureau_admin(user) or obj.pk in organisation_ids(user, Role.OFFICE_OFFICER)


def register() -> None:
    scoping.register(Rule, RulePolicy())
    scoping.register(RuleChange, RuleChangePolicy())
    scoping.register(Holiday, HolidayPolicy())
    scoping.register(Obligation, ObligationPolicy())
    scoping.register(ObligationFeed, ObligationFeedPolicy())
    scoping.register(Sentence, SentencePolicy())
    scoping.register(LegalDocument, LegalDocumentPolicy())
    scoping.register(StatusChange, StatusChangePolicy())
    scoping.register(Announcement, AnnouncementPolicy())
    scoping.register(ReleaseNotice, ReleaseNoticePolicy())
    scoping.register(Investigation, InvestigationPolicy())
