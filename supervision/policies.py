"""Who sees and does what with the rule book, the holiday calendar and obligations."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import scoping
from accounts.roles import Role, has_role, holders_of, is_bureau_admin, organisation_ids
from accounts.selectors import bureau_admins
from coordination.models import LIVE_STATUSES, CorrectionTeamMember, Supervisee
from services.models import Membership
from supervision.models import (
    Announcement,
    ClassificationReview,
    CorrectionPlan,
    Holiday,
    Investigation,
    LegalDocument,
    Obligation,
    ObligationFeed,
    ReleaseNotice,
    Rule,
    RuleChange,
    SanctionGround,
    Sentence,
    StatusChange,
)

_OWN_ATTR = "_own_supervisee_record"


def own_record(user: Any) -> Supervisee | None:
    """The supervisee whose own sign-in this is (issue 15: the phone page), or None for everyone else.

    A supervisee account holds no role; its power is only over its own record, and only while the record
    is live (a released person's sign-in shows nothing). Cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not hasattr(user, _OWN_ATTR):
        setattr(
            user,
            _OWN_ATTR,
            Supervisee.objects.filter(account=user, status__in=LIVE_STATUSES).select_related("judicial_office").first(),
        )
    return getattr(user, _OWN_ATTR)


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


def owner_office_id(obligation: Any) -> int | None:
    """The judicial office an obligation belongs to: its own (office-owned) or its supervisee's."""
    office_id = getattr(obligation, "judicial_office_id", None)
    if office_id is None and obligation.supervisee_id is not None:
        office_id = obligation.supervisee.judicial_office_id
    return office_id


class ObligationPolicy(scoping.BasePolicy):
    model = Obligation

    def rows_view(self, user: Any) -> QuerySet[Obligation]:
        """The obligations of the supervisees the user may see (the supervisee policy decides), and those an
        office owes before there is a supervisee (an investigation opinion) to that office's officers and
        social workers only: the bureau all; providers, volunteers, the public and other offices none."""
        if not is_case_staff(user):
            return Obligation.objects.none()
        if is_bureau_admin(user):
            return Obligation.objects.all()
        return Obligation.objects.filter(
            Q(supervisee__in=scoping.scope(user, Supervisee).values("pk")) | self.office_owned(user)
        )

    def supervisees(self, user: Any) -> QuerySet[Supervisee]:
        """The supervisees whose obligations the user sees in ``rows_view``: those the supervisee policy gives
        case staff, none for anyone else (selectors read their rows by index from this list)."""
        if not is_case_staff(user):
            return Supervisee.objects.none()
        return scoping.scope(user, Supervisee)

    def office_owned(self, user: Any) -> Q:
        """The rows an office owes before there is a supervisee that the user sees in ``rows_view``: every such
        row for the bureau, those of the offices the user works in as an officer or social worker, none for
        anyone else."""
        if not is_case_staff(user):
            return Q(pk__in=[])
        if is_bureau_admin(user):
            return Q(supervisee__isnull=True)
        return Q(
            supervisee__isnull=True,
            judicial_office_id__in=organisation_ids(user, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER),
        )

    def rows_complete(self, user: Any) -> QuerySet[Obligation]:
        """Officers of the supervisee's office (or of the office that owns it) and the bureau mark an obligation
        done (the kinds their own record closes refuse: ``actions.OWN_DOOR``)."""
        if not can_use_todo(user):
            return Obligation.objects.none()
        return self.rows_view(user)

    def audience(self, event: Any) -> list[Any]:
        """Who is told when an obligation escalates to a level (``event`` is (obligation, level))."""
        obligation, level = event
        return self.audiences([event])[(obligation.pk, level)]

    def audiences(self, events: list[tuple[Obligation, int]]) -> dict[tuple[int, int], list[Any]]:
        """Who is told for each (obligation, level), in at most three queries for the whole batch:
        1 the officers on the correction team (else the office's officers; for a row the office owns itself,
        an investigation, its officers), 2 every officer of the office
        (the office head among them), 3 the bureau administrators (the bureau head among them)."""
        levels = {level for _o, level in events}
        team: dict[int, list[Any]] = {}
        office: dict[int, list[Any]] = {}
        bureau: list[Any] = []
        if Obligation.Level.OFFICER in levels:
            members = CorrectionTeamMember.objects.filter(
                supervisee_id__in={o.supervisee_id for o, level in events if level == Obligation.Level.OFFICER},
                role=CorrectionTeamMember.Role.OFFICER,
                is_active=True,
                user__is_active=True,
            ).select_related("user")
            for member in members.order_by("pk"):
                team.setdefault(member.supervisee_id, []).append(member.user)
        office_ids = {
            owner_office_id(o)
            for o, level in events
            if level == Obligation.Level.OFFICE or (level == Obligation.Level.OFFICER and o.supervisee_id not in team)
        }
        if office_ids:
            rows = Membership.objects.filter(
                organisation_id__in=office_ids,
                role__in=holders_of(Role.OFFICE_OFFICER),
                is_active=True,
                user__is_active=True,
            ).select_related("user")
            for row in rows.order_by("pk"):
                office.setdefault(row.organisation_id, []).append(row.user)
        if Obligation.Level.BUREAU in levels:
            bureau = bureau_admins()  # the bureau head among them (one query)
        result: dict[tuple[int, int], list[Any]] = {}
        for obligation, level in events:
            if level == Obligation.Level.OFFICER:
                people = team.get(obligation.supervisee_id) or office.get(owner_office_id(obligation), [])
            elif level == Obligation.Level.OFFICE:
                people = office.get(owner_office_id(obligation), [])
            elif level == Obligation.Level.BUREAU:
                people = bureau
            else:
                people = []
            result[(obligation.pk, level)] = list({person.pk: person for person in people}.values())
        return result


class ObligationFeedPolicy(scoping.BasePolicy):
    model = ObligationFeed

    def rows_view(self, user: Any) -> QuerySet[ObligationFeed]:
        """A user sees only their own calendar address."""
        if not getattr(user, "is_authenticated", False):
            return ObligationFeed.objects.none()
        return ObligationFeed.objects.filter(user=user)


def _writes_case(user: Any, supervisee: Any) -> bool:
    """Officers of the supervisee's judicial office and the bureau (not social workers, not agencies)."""
    return isinstance(supervisee, Supervisee) and can_use_todo(user) and scoping.can(user, "edit", supervisee)


class CorrectionPlanPolicy(scoping.BasePolicy):
    model = CorrectionPlan

    def rows_view(self, user: Any) -> QuerySet[CorrectionPlan]:
        """The plans of the supervisees the user may see (the supervisee policy decides), for case staff:
        the bureau all, an office its own, a social worker on the team that person's; nobody else."""
        if not is_case_staff(user):
            return CorrectionPlan.objects.none()
        if is_bureau_admin(user):
            return CorrectionPlan.objects.all()
        return CorrectionPlan.objects.filter(supervisee__in=scoping.scope(user, Supervisee).values("pk"))

    def allow_write(self, user: Any, obj: Any = None) -> bool:
        """Write a plan version (``obj`` is the supervisee): officers of the person's office and the bureau."""
        return _writes_case(user, obj)


class ClassificationReviewPolicy(scoping.BasePolicy):
    model = ClassificationReview

    def rows_view(self, user: Any) -> QuerySet[ClassificationReview]:
        """Seen by whoever sees the person's plan."""
        plans = CorrectionPlanPolicy().rows_view(user)
        if is_bureau_admin(user):
            return ClassificationReview.objects.all()
        return ClassificationReview.objects.filter(supervisee__in=plans.values("supervisee_id"))

    def allow_propose(self, user: Any, obj: Any = None) -> bool:
        """Propose a level (``obj`` is the supervisee): officers of the person's office and the bureau."""
        return _writes_case(user, obj)

    def allow_decide(self, user: Any, obj: Any = None) -> bool:
        """Approve or reject: the head of the person's judicial office, or the bureau head (never for their
        own proposal: the action refuses that with its own message)."""
        if not isinstance(obj, ClassificationReview):
            return False
        if has_role(user, Role.BUREAU_HEAD):
            return True
        return obj.supervisee.judicial_office_id in organisation_ids(user, Role.OFFICE_HEAD)

    def rows_decide(self, user: Any) -> QuerySet[ClassificationReview]:
        """The open proposals the user may decide."""
        rows = ClassificationReview.objects.filter(state=ClassificationReview.State.PROPOSED)
        if has_role(user, Role.BUREAU_HEAD):
            return rows
        return rows.filter(supervisee__judicial_office_id__in=organisation_ids(user, Role.OFFICE_HEAD))


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


class SanctionGroundPolicy(scoping.BasePolicy):
    model = SanctionGround

    def rows_view(self, user: Any) -> QuerySet[SanctionGround]:
        """Case staff who see the supervisee (as for plans); never providers, volunteers or the person."""
        if not is_case_staff(user):
            return SanctionGround.objects.none()
        if is_bureau_admin(user):
            return SanctionGround.objects.all()
        return SanctionGround.objects.filter(supervisee__in=scoping.scope(user, Supervisee).values("pk"))

    def allow_record(self, user: Any, obj: Any = None) -> bool:
        """Record a ground by hand (``obj`` is the supervisee): officers of the person's office and the bureau."""
        return _writes_case(user, obj)


def register() -> None:
    from supervision.movement import policies as movement_policies

    scoping.register(Rule, RulePolicy())
    scoping.register(RuleChange, RuleChangePolicy())
    scoping.register(Holiday, HolidayPolicy())
    scoping.register(Obligation, ObligationPolicy())
    scoping.register(ObligationFeed, ObligationFeedPolicy())
    scoping.register(CorrectionPlan, CorrectionPlanPolicy())
    scoping.register(ClassificationReview, ClassificationReviewPolicy())
    scoping.register(Sentence, SentencePolicy())
    scoping.register(LegalDocument, LegalDocumentPolicy())
    scoping.register(StatusChange, StatusChangePolicy())
    scoping.register(Announcement, AnnouncementPolicy())
    scoping.register(ReleaseNotice, ReleaseNoticePolicy())
    scoping.register(Investigation, InvestigationPolicy())
    scoping.register(SanctionGround, SanctionGroundPolicy())
    from supervision.reporting import policies as reporting

    reporting.register()
    movement_policies.register()
    from supervision.interchange import policies as interchange

    interchange.register()
    from supervision.sanctions import policies as sanctions

    sanctions.register()
    from supervision.education import policies as education

    education.register()
    from supervision.counselling import policies as counselling

    counselling.register()
    from supervision.casework import policies as casework

    casework.register()
    from supervision.assessment import policies as assessment

    assessment.register()
