"""Who sees and does what with the joint meetings and the inspections (every rule written once).

- Joint meetings: the bureau (administrators and the head) records and edits them; officers and heads of a
  judicial office read every meeting (the leadership group's decisions are the offices' work programme:
  agenda, minutes, decisions) but see only the action items their own office owns. Social workers,
  providers, volunteers, editors and the public see none.
- Action items: the bureau writes them (adds, edits, marks done, drops); an office reads its own.
- The checklist: the bureau publishes versions; office staff read it (they know what they are inspected on).
- Inspections and findings: the bureau records them and closes findings; an office's officers read their
  own office's; only the office head (司法所负责人) reports a correction; the bureau and that head add notes.
- Budget lines and spending: the bureau only, to read and to write. The lines are the county's budget, not an
  office's: an office neither holds nor spends them on the platform, and the spending's supporting documents
  (invoices, payees) are the bureau's finance records, so office heads and officers do not see them (404).
- Purchased-service contracts: the bureau records and edits them; the contracted organisation's own staff (any
  role held there) read their organisation's contracts with the targets against the live measures, and
  nothing of the budget or of other contracts; anybody else finds none (404).
- Staff training: staff are the people holding a staff role (bureau administrator or head, office officer
  or head, social worker, in a judicial office or in a contracted social-work agency: §二(四) names the
  social workers in the corrections team). A staff member records and voids their own training; an office
  head the training of their office's staff; the bureau anyone's. A record counts for one organisation where
  the trainee holds a staff role. Volunteers' training is the volunteers app's, not this.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.roles import Role, has_role, is_bureau_admin, organisation_ids
from bureau.models import (
    ActionItem,
    BudgetLine,
    Checklist,
    ChecklistItem,
    Contract,
    Expenditure,
    Finding,
    FollowUp,
    Inspection,
    InspectionResult,
    Meeting,
    StaffTraining,
)

# The refusals the pages and the API both give (``actions`` raises them with code "forbidden").
ONLY_BUREAU = _("Only the bureau records joint meetings, action items, checklists and inspections.")
ONLY_HEAD = _("Only the head of the inspected judicial office reports a correction.")
ONLY_BUREAU_CLOSES = _("Only the bureau closes a finding.")
NOTE_REFUSED = _("Only the bureau and the head of the inspected office add notes to a finding.")
ONLY_BUREAU_BUDGET = _("Only the bureau records budget lines, spending and contracts.")
TRAINING_REFUSED = _(
    "Staff record their own training; an office head records it for the staff of their office; the bureau for anyone."
)

NOT_STAFF_ORGANISATION = _("Choose an organisation where this person holds a staff role.")

# The roles that make a person staff for training records (a head's role implies the one below it).
STAFF_ROLES: tuple[str, ...] = (Role.BUREAU_ADMIN, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)


def office_ids(user: Any) -> set[int]:
    """The judicial offices where the user is an officer (an office head counts as one)."""
    return organisation_ids(user, Role.OFFICE_OFFICER)


def may_open(user: Any) -> bool:
    """The bureau and judicial-office officers and heads open the bureau's pages (the rows decide the rest)."""
    return is_bureau_admin(user) or bool(office_ids(user))


def may_write(user: Any) -> bool:
    return is_bureau_admin(user)


def may_read_budget(user: Any) -> bool:
    """The budget lines and the spending: the bureau only."""
    return is_bureau_admin(user)


def contract_organisation_ids(user: Any) -> set[int]:
    """The organisations where the user works (any role): a contract with one of them is theirs to read."""
    return organisation_ids(user)


def may_open_contracts(user: Any) -> bool:
    """The bureau, and the staff of an organisation holding a contract."""
    return is_bureau_admin(user) or (
        bool(contract_organisation_ids(user))
        and Contract.objects.filter(organisation_id__in=contract_organisation_ids(user)).exists()
    )


def heads_office(user: Any, office_id: int) -> bool:
    return office_id in organisation_ids(user, Role.OFFICE_HEAD)


def is_staff(user: Any) -> bool:
    """Holds a staff role somewhere (the bureau, a judicial office, a social-work agency)."""
    return has_role(user, *STAFF_ROLES)


def staff_organisation_ids(user: Any) -> set[int]:
    """The organisations where the user holds a staff role: those their training may count for."""
    return organisation_ids(user, *STAFF_ROLES)


def headed_office_ids(user: Any) -> set[int]:
    """The judicial offices the user heads (司法所负责人)."""
    return organisation_ids(user, Role.OFFICE_HEAD)


def may_see_offices(user: Any) -> bool:
    """Opens the office training pages: the bureau, and office heads (for their own office)."""
    return is_bureau_admin(user) or bool(headed_office_ids(user))


class _BureauWrites(scoping.BasePolicy):
    def allow_write(self, user: Any, obj: Any = None) -> bool:
        """The bureau (administrators and the head) only."""
        return may_write(user)


class MeetingPolicy(_BureauWrites):
    model = Meeting

    def rows_view(self, user: Any) -> QuerySet[Meeting]:
        """The bureau and office officers and heads: every meeting; anybody else none."""
        return Meeting.objects.all() if may_open(user) else Meeting.objects.none()


class ActionItemPolicy(_BureauWrites):
    model = ActionItem

    def rows_view(self, user: Any) -> QuerySet[ActionItem]:
        """The bureau all; an office's officers and head the items their office owns."""
        if is_bureau_admin(user):
            return ActionItem.objects.all()
        return ActionItem.objects.filter(owner_organisation_id__in=office_ids(user))


class ChecklistPolicy(_BureauWrites):
    model = Checklist

    def rows_view(self, user: Any) -> QuerySet[Checklist]:
        """Every version, to the bureau and office staff."""
        return Checklist.objects.all() if may_open(user) else Checklist.objects.none()


class ChecklistItemPolicy(_BureauWrites):
    model = ChecklistItem

    def rows_view(self, user: Any) -> QuerySet[ChecklistItem]:
        """As their checklist."""
        return ChecklistItem.objects.all() if may_open(user) else ChecklistItem.objects.none()


class InspectionPolicy(_BureauWrites):
    model = Inspection

    def rows_view(self, user: Any) -> QuerySet[Inspection]:
        """The bureau all; an office's officers and head their own office's."""
        if is_bureau_admin(user):
            return Inspection.objects.all()
        return Inspection.objects.filter(office_id__in=office_ids(user))


class InspectionResultPolicy(_BureauWrites):
    model = InspectionResult

    def rows_view(self, user: Any) -> QuerySet[InspectionResult]:
        """As their inspection."""
        return InspectionResult.objects.filter(inspection__in=InspectionPolicy().rows_view(user))


class FindingPolicy(_BureauWrites):
    model = Finding

    def rows_view(self, user: Any) -> QuerySet[Finding]:
        """As their inspection."""
        if is_bureau_admin(user):
            return Finding.objects.all()
        return Finding.objects.filter(inspection__office_id__in=office_ids(user))

    def allow_correct(self, user: Any, obj: Any = None) -> bool:
        """Report a correction: the head of the inspected office only (not the bureau, not an officer)."""
        return isinstance(obj, Finding) and heads_office(user, obj.inspection.office_id)

    def allow_close(self, user: Any, obj: Any = None) -> bool:
        """Close a finding (or return a correction): the bureau."""
        return may_write(user)

    def allow_note(self, user: Any, obj: Any = None) -> bool:
        """Add a note: the bureau and the head of the inspected office."""
        return may_write(user) or self.allow_correct(user, obj)


class FollowUpPolicy(_BureauWrites):
    model = FollowUp

    def rows_view(self, user: Any) -> QuerySet[FollowUp]:
        """As their finding."""
        return FollowUp.objects.filter(finding__in=FindingPolicy().rows_view(user))


class BudgetLinePolicy(_BureauWrites):
    model = BudgetLine

    def rows_view(self, user: Any) -> QuerySet[BudgetLine]:
        """The bureau every line; anybody else none (office staff included)."""
        return BudgetLine.objects.all() if may_read_budget(user) else BudgetLine.objects.none()


class ExpenditurePolicy(_BureauWrites):
    model = Expenditure

    def rows_view(self, user: Any) -> QuerySet[Expenditure]:
        """The bureau every expenditure, voided ones too; anybody else none."""
        return Expenditure.objects.all() if may_read_budget(user) else Expenditure.objects.none()

    def allow_void(self, user: Any, obj: Any = None) -> bool:
        """Void an expenditure (with the reason): the bureau."""
        return may_write(user)


class ContractPolicy(_BureauWrites):
    model = Contract

    def rows_view(self, user: Any) -> QuerySet[Contract]:
        """The bureau every contract; the contracted organisation's staff their organisation's; anybody else
        none."""
        if is_bureau_admin(user):
            return Contract.objects.all()
        return Contract.objects.filter(organisation_id__in=contract_organisation_ids(user))


class StaffTrainingPolicy(scoping.BasePolicy):
    model = StaffTraining

    def rows_view(self, user: Any) -> QuerySet[StaffTraining]:
        """The bureau all; anyone else their own records, and an office head those counted for their office."""
        if is_bureau_admin(user):
            return StaffTraining.objects.all()
        if not getattr(user, "is_authenticated", False):
            return StaffTraining.objects.none()
        return StaffTraining.objects.filter(Q(trainee=user) | Q(organisation_id__in=headed_office_ids(user)))

    def allow_record(self, user: Any, obj: Any = None) -> bool:
        """Record (or void) a training for a trainee and organisation: the trainee themselves, the head of that
        judicial office, or the bureau."""
        if not isinstance(obj, StaffTraining) or not is_staff(user):
            return False
        if is_bureau_admin(user):
            return True
        return obj.trainee_id == user.pk or obj.organisation_id in headed_office_ids(user)

    def allow_void(self, user: Any, obj: Any = None) -> bool:
        """As recording it."""
        return self.allow_record(user, obj)


def register() -> None:
    scoping.register(Meeting, MeetingPolicy())
    scoping.register(ActionItem, ActionItemPolicy())
    scoping.register(Checklist, ChecklistPolicy())
    scoping.register(ChecklistItem, ChecklistItemPolicy())
    scoping.register(Inspection, InspectionPolicy())
    scoping.register(InspectionResult, InspectionResultPolicy())
    scoping.register(Finding, FindingPolicy())
    scoping.register(FollowUp, FollowUpPolicy())
    scoping.register(StaffTraining, StaffTrainingPolicy())
    scoping.register(BudgetLine, BudgetLinePolicy())
    scoping.register(Expenditure, ExpenditurePolicy())
    scoping.register(Contract, ContractPolicy())


# --- the monthly and yearly report (issue 18 item 3) -------------------------------------------------------

from bureau.models import Report  # noqa: E402  (kept with the report's rules, to merge easily)

REPORT_REFUSED = _(
    "The bureau requests the report of any place; the officers and head of a judicial office only their own office's."
)


class ReportPolicy(scoping.BasePolicy):
    model = Report

    def rows_view(self, user: Any) -> QuerySet[Report]:
        """The bureau every report; a judicial office's officers and head the reports of their own office;
        anybody else none."""
        if is_bureau_admin(user):
            return Report.objects.all()
        return Report.objects.filter(office_id__in=office_ids(user))

    def allow_request(self, user: Any, obj: Any = None) -> bool:
        """Request a report: the bureau for any place; an office's officers and head for their own office (``obj``:
        the report about to be requested, with its office)."""
        if is_bureau_admin(user):
            return True
        if obj is None:
            return bool(office_ids(user))
        return obj.office_id is not None and obj.office_id in office_ids(user)


def register_reports() -> None:
    """Register the report's policy (called by the app's ``ready`` after ``register``)."""
    scoping.register(Report, ReportPolicy())
