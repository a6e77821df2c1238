"""Every write of the bureau's joint meetings and inspections. Each asks the policy, runs in one transaction,
and keeps the obligation engine in step: an open action item or an open finding owes one open obligation
(``supervision.models.Obligation``, kinds ``action_item`` and ``inspection_finding``), which the engine
reminds and escalates like any other; closing the item or reporting the correction closes it.

Budget lines, spending and contracts are the bureau's to write; an expenditure is voided, never deleted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import attachments, scoping
from accounts.roles import Role, organisation_ids
from bureau import policies
from bureau.models import (
    CONTRACTOR_KINDS,
    TRAINING_HOURS_MAX,
    YEAR_MAX,
    YEAR_MIN,
    ActionItem,
    BudgetCategory,
    BudgetLine,
    Checklist,
    ChecklistItem,
    Contract,
    Department,
    Expenditure,
    Finding,
    FollowUp,
    Inspection,
    InspectionResult,
    Meeting,
    StaffTraining,
    Voidable,
)
from config.errors import ActionError
from services.models import Organisation
from supervision import rulebook
from supervision.actions import end_of_day, start_of_day
from supervision.models import Obligation


def _require(allowed: bool, message) -> None:
    if not allowed:
        raise PermissionDenied(str(message))


def _bureau_of(actor: Any) -> Organisation:
    """The bureau a meeting is convened by: the actor's own, else the city's (a superuser holds no membership)."""
    own = organisation_ids(actor, Role.BUREAU_ADMIN)
    rows = Organisation.objects.filter(kind=Organisation.Kind.JUSTICE_BUREAU, is_active=True).order_by("pk")
    found = rows.filter(pk__in=own).first() or rows.first()
    if found is None:
        raise ActionError(_("There is no justice bureau in the directory."), code="conflict")
    return found


def _clean_departments(departments: list[str]) -> list[str]:
    unknown = [code for code in departments if code not in Department.values]
    if unknown or not departments:
        raise ActionError({"departments": _("Choose the departments that attended.")})
    return [code for code in Department.values if code in departments]  # the choices' order, no repeats


# --- joint meetings ------------------------------------------------------------------------------------


@transaction.atomic
def record_meeting(
    *,
    actor: Any,
    title: str,
    held_at: dt.datetime,
    place: str,
    departments: list[str],
    agenda: str,
    minutes: str = "",
    decisions: str = "",
) -> Meeting:
    """Record a joint meeting of the leadership group (the bureau only)."""
    _require(scoping.policy_for(Meeting).can(actor, "write"), policies.ONLY_BUREAU)
    return Meeting.objects.create(
        title=title,
        held_at=held_at,
        place=place,
        departments=_clean_departments(departments),
        agenda=agenda,
        minutes=minutes,
        decisions=decisions,
        organiser=_bureau_of(actor),
        recorded_by=actor,
    )


@transaction.atomic
def edit_meeting(*, meeting: Meeting, actor: Any, **fields: Any) -> Meeting:
    """Correct a meeting's record (the bureau only)."""
    _require(scoping.policy_for(Meeting).can(actor, "write", meeting), policies.ONLY_BUREAU)
    if "departments" in fields:
        fields["departments"] = _clean_departments(fields["departments"])
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()
    return meeting


@transaction.atomic
def delete_meeting(*, meeting: Meeting, actor: Any) -> None:
    """Delete a meeting recorded by mistake: only while it has no action items (they are a record)."""
    _require(scoping.policy_for(Meeting).can(actor, "write", meeting), policies.ONLY_BUREAU)
    if meeting.items.exists():
        raise ActionError(_("A meeting with action items cannot be deleted: drop the items instead."), code="conflict")
    meeting.delete()


# --- action items ---------------------------------------------------------------------------------------


def _source(model) -> ContentType:
    return ContentType.objects.get_for_model(model)


def _item_obligation(item: ActionItem) -> dict:
    remind = rulebook.value(rulebook.ACTION_ITEM_REMIND)
    return {
        "judicial_office_id": item.owing_organisation_id,
        "kind": Obligation.Kind.ACTION_ITEM,
        "rule_code": rulebook.ACTION_ITEM_REMIND,
        "due_at": end_of_day(item.due_on),
        "remind_from": start_of_day(item.due_on - dt.timedelta(days=remind)),
        "source_type": _source(ActionItem),
        "source_id": item.pk,
    }


def _open_obligations(model, pk: int):
    return Obligation.objects.filter(source_type=_source(model), source_id=pk, done_at__isnull=True)


def _check_owner(owner_department: str, owner_organisation: Organisation | None) -> None:
    if owner_department == Department.JUDICIAL_OFFICE and (
        owner_organisation is None or owner_organisation.kind != Organisation.Kind.JUDICIAL_OFFICE
    ):
        raise ActionError({"owner_organisation": _("Choose the judicial office that owns the item.")})


@transaction.atomic
def add_action_item(
    *,
    meeting: Meeting,
    actor: Any,
    task: str,
    owner_department: str,
    due_on: dt.date,
    owner_organisation: Organisation | None = None,
) -> ActionItem:
    """Give a department a task by a date; its organisation (else the bureau) owes a reminded obligation."""
    _require(scoping.policy_for(ActionItem).can(actor, "write"), policies.ONLY_BUREAU)
    _check_owner(owner_department, owner_organisation)
    item = ActionItem.objects.create(
        meeting=meeting,
        task=task,
        owner_department=owner_department,
        owner_organisation=owner_organisation,
        due_on=due_on,
    )
    Obligation.objects.create(**_item_obligation(item))
    return item


@transaction.atomic
def edit_action_item(
    *,
    item: ActionItem,
    actor: Any,
    task: str,
    owner_department: str,
    due_on: dt.date,
    owner_organisation: Organisation | None = None,
) -> ActionItem:
    """Change an open item's task, owner or date; its obligation follows (a new owner or date restarts it)."""
    _require(scoping.policy_for(ActionItem).can(actor, "write", item), policies.ONLY_BUREAU)
    item = ActionItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
    if item.status != ActionItem.Status.OPEN:
        raise ActionError(_("Only an open action item can be changed."), code="transition")
    _check_owner(owner_department, owner_organisation)
    moved = item.due_on != due_on or item.owner_organisation_id != getattr(owner_organisation, "pk", None)
    item.task, item.owner_department, item.owner_organisation, item.due_on = (
        task,
        owner_department,
        owner_organisation,
        due_on,
    )
    item.save(update_fields=["task", "owner_department", "owner_organisation", "due_on"])
    if moved:  # the old clock ends unmet-but-superseded; the new one starts at level 0
        _open_obligations(ActionItem, item.pk).delete()
        Obligation.objects.create(**_item_obligation(item))
    return item


@transaction.atomic
def close_action_item(*, item: ActionItem, actor: Any, status: str, outcome: str = "") -> ActionItem:
    """Mark an item done, or drop it with a reason; its obligation closes. Closing it twice is refused."""
    _require(scoping.policy_for(ActionItem).can(actor, "write", item), policies.ONLY_BUREAU)
    if status not in (ActionItem.Status.DONE, ActionItem.Status.DROPPED):
        raise ActionError({"status": _("Choose done or dropped.")})
    if status == ActionItem.Status.DROPPED and not outcome.strip():
        raise ActionError({"outcome": _("Say why the item is dropped.")})
    item = ActionItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if item.status != ActionItem.Status.OPEN:
        raise ActionError(_("This action item is already closed."), code="transition")
    now = timezone.now()
    item.status, item.outcome, item.closed_at, item.closed_by = status, outcome.strip(), now, actor
    item.save(update_fields=["status", "outcome", "closed_at", "closed_by"])
    _open_obligations(ActionItem, item.pk).update(done_at=now, done_by=actor)
    return item


# --- the checklist ----------------------------------------------------------------------------------------


def current_checklist() -> Checklist | None:
    """The checklist version in force (the latest published)."""
    return Checklist.objects.order_by("-version").first()


@transaction.atomic
def publish_checklist(*, actor: Any, title: str, items: list[str]) -> Checklist:
    """Publish a new checklist version (the bureau only); earlier versions and their inspections stay as they
    were."""
    _require(scoping.policy_for(Checklist).can(actor, "write"), policies.ONLY_BUREAU)
    texts = [text.strip() for text in items if text.strip()]
    if not texts:
        raise ActionError({"items": _("Give at least one checklist item, one a line.")})
    if len(texts) != len(set(texts)):
        raise ActionError({"items": _("Each checklist item appears once.")})
    Checklist.objects.select_for_update().all().count()  # serialise version numbers
    version = (Checklist.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    checklist = Checklist.objects.create(version=version, title=title, published_by=actor)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, position=n, text=text) for n, text in enumerate(texts, start=1)
    )
    return checklist


# --- inspections and findings -------------------------------------------------------------------------------


@transaction.atomic
def record_inspection(
    *,
    actor: Any,
    office: Organisation,
    inspected_on: dt.date,
    inspectors: str,
    results: dict[int, tuple[str, str]],
    summary: str = "",
    checklist: Checklist | None = None,
) -> Inspection:
    """Record an inspection of a judicial office against the checklist in force: a result (pass, fail, n/a)
    and a note for every item (``results`` by item id)."""
    _require(scoping.policy_for(Inspection).can(actor, "write"), policies.ONLY_BUREAU)
    if office.kind != Organisation.Kind.JUDICIAL_OFFICE:
        raise ActionError({"office": _("Choose a judicial office.")})
    if inspected_on > timezone.localdate():
        raise ActionError({"inspected_on": _("The date cannot be in the future.")})
    checklist = checklist or current_checklist()
    if checklist is None:
        raise ActionError(_("Publish a checklist before recording an inspection."), code="conflict")
    items = list(checklist.items.all())
    missing = [item.text for item in items if item.pk not in results]
    if missing or set(results) - {item.pk for item in items}:
        raise ActionError({"results": _("Give a result for every item of the checklist.")})
    valid = set(InspectionResult.Result.values)
    if any(result not in valid for result, _note in results.values()):
        raise ActionError({"results": _("Each result is pass, fail or not applicable.")})
    inspection = Inspection.objects.create(
        office=office,
        checklist=checklist,
        inspected_on=inspected_on,
        inspectors=inspectors,
        summary=summary,
        recorded_by=actor,
    )
    InspectionResult.objects.bulk_create(
        InspectionResult(inspection=inspection, item=item, result=results[item.pk][0], note=results[item.pk][1])
        for item in items
    )
    return inspection


def default_correction_due(start: dt.date | None = None) -> dt.date:
    """The correction deadline the form offers: the rule book's days after the inspection."""
    return (start or timezone.localdate()) + dt.timedelta(days=rulebook.value(rulebook.FINDING_CORRECTION))


def _finding_obligation(finding: Finding) -> dict:
    return {
        "judicial_office_id": finding.inspection.office_id,
        "kind": Obligation.Kind.INSPECTION_FINDING,
        "rule_code": rulebook.FINDING_CORRECTION,
        "due_at": end_of_day(finding.correction_due),
        "source_type": _source(Finding),
        "source_id": finding.pk,
    }


@transaction.atomic
def add_finding(*, inspection: Inspection, actor: Any, text: str, correction_due: dt.date) -> Finding:
    """Record a finding with its correction deadline; the office owes an escalated obligation by then."""
    _require(scoping.policy_for(Finding).can(actor, "write"), policies.ONLY_BUREAU)
    if correction_due < inspection.inspected_on:
        raise ActionError({"correction_due": _("The deadline cannot be before the inspection.")})
    finding = Finding.objects.create(inspection=inspection, text=text, correction_due=correction_due)
    Obligation.objects.create(**_finding_obligation(finding))
    return finding


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update(of=("self",)).select_related("inspection").get(pk=finding.pk)


@transaction.atomic
def report_correction(*, finding: Finding, actor: Any, text: str) -> Finding:
    """The office head reports the correction: the office's obligation is met; the bureau then closes the
    finding or returns it."""
    _require(scoping.policy_for(Finding).can(actor, "correct", finding), policies.ONLY_HEAD)
    finding = _locked(finding)
    if finding.status != Finding.Status.OPEN:
        raise ActionError(_("Only an open finding takes a correction."), code="transition")
    FollowUp.objects.create(finding=finding, kind=FollowUp.Kind.CORRECTION, text=text, author=actor)
    finding.status = Finding.Status.CORRECTED
    finding.save(update_fields=["status"])
    _open_obligations(Finding, finding.pk).update(done_at=timezone.now(), done_by=actor)
    return finding


@transaction.atomic
def return_finding(*, finding: Finding, actor: Any, text: str, correction_due: dt.date) -> Finding:
    """The bureau does not accept the correction: the finding is open again with a new deadline (owed anew)."""
    _require(scoping.policy_for(Finding).can(actor, "close", finding), policies.ONLY_BUREAU_CLOSES)
    finding = _locked(finding)
    if finding.status != Finding.Status.CORRECTED:
        raise ActionError(_("Only a reported correction can be returned."), code="transition")
    if correction_due < timezone.localdate():
        raise ActionError({"correction_due": _("The new deadline cannot be in the past.")})
    FollowUp.objects.create(finding=finding, kind=FollowUp.Kind.RETURNED, text=text, author=actor)
    finding.status, finding.correction_due = Finding.Status.OPEN, correction_due
    finding.save(update_fields=["status", "correction_due"])
    Obligation.objects.create(**_finding_obligation(finding))
    return finding


@transaction.atomic
def close_finding(*, finding: Finding, actor: Any, text: str) -> Finding:
    """The bureau closes a finding (normally after the correction; an open one's obligation closes too)."""
    _require(scoping.policy_for(Finding).can(actor, "close", finding), policies.ONLY_BUREAU_CLOSES)
    finding = _locked(finding)
    if finding.status == Finding.Status.CLOSED:
        raise ActionError(_("This finding is already closed."), code="transition")
    now = timezone.now()
    FollowUp.objects.create(finding=finding, kind=FollowUp.Kind.CLOSURE, text=text, author=actor)
    finding.status, finding.closed_at, finding.closed_by = Finding.Status.CLOSED, now, actor
    finding.save(update_fields=["status", "closed_at", "closed_by"])
    _open_obligations(Finding, finding.pk).update(done_at=now, done_by=actor)
    return finding


@transaction.atomic
def add_note(*, finding: Finding, actor: Any, text: str) -> FollowUp:
    """A follow-up note on a finding not yet closed (the bureau or the head of the inspected office)."""
    _require(scoping.policy_for(Finding).can(actor, "note", finding), policies.NOTE_REFUSED)
    if finding.status == Finding.Status.CLOSED:
        raise ActionError(_("This finding is already closed."), code="transition")
    return FollowUp.objects.create(finding=finding, kind=FollowUp.Kind.NOTE, text=text, author=actor)


# --- staff training ----------------------------------------------------------------------------------------


def _check_training(*, trainee: Any, organisation: Organisation, trained_on: dt.date, hours: Decimal) -> None:
    errors: dict[str, str] = {}
    if organisation.pk not in policies.staff_organisation_ids(trainee):
        errors["organisation"] = str(policies.NOT_STAFF_ORGANISATION)
    if trained_on > timezone.localdate():
        errors["trained_on"] = _("The date cannot be in the future.")
    if hours is None or not Decimal("0") < hours <= TRAINING_HOURS_MAX:
        errors["hours"] = _("Give the hours of one training day: more than 0, at most 24.")
    if errors:
        raise ActionError(errors)


@transaction.atomic
def record_training(
    *,
    actor: Any,
    trainee: Any,
    organisation: Organisation,
    course: str,
    provider: str,
    kind: str,
    trained_on: dt.date,
    hours: Decimal,
    certificate: Any = None,
) -> StaffTraining:
    """Record a training a staff member attended, counted for one organisation where they hold a staff role
    (the trainee, the head of that office, or the bureau); the certificate is checked like every upload."""
    training = StaffTraining(trainee=trainee, organisation=organisation)
    _require(scoping.policy_for(StaffTraining).can(actor, "record", training), policies.TRAINING_REFUSED)
    if kind not in StaffTraining.Kind.values:
        raise ActionError({"kind": _("Choose the kind of training.")})
    _check_training(trainee=trainee, organisation=organisation, trained_on=trained_on, hours=hours)
    training.course, training.provider, training.kind = course.strip(), provider.strip(), kind
    training.trained_on, training.hours, training.recorded_by = trained_on, hours, actor
    if certificate:
        try:
            mime = attachments.validate_attachment(certificate)
        except ValidationError as refused:
            raise ActionError(
                {"certificate": [f"“{certificate.name}”: {message}" for message in refused.messages]}
            ) from None
        certificate.seek(0)
        training.certificate.save(f"certificate{attachments.ALLOWED_KINDS[mime]}", certificate, save=False)
    training.save()
    return training


@transaction.atomic
def void_training(*, actor: Any, training: StaffTraining, reason: str) -> StaffTraining:
    """Void a training recorded by mistake, with the reason (it stays in the record and no longer counts)."""
    _require(scoping.policy_for(StaffTraining).can(actor, "void", training), policies.TRAINING_REFUSED)
    return _void(
        training,
        actor,
        reason,
        say_why=_("Say why the training record is voided."),
        already=_("This training record is already void."),
    )


def _void(row: Voidable, actor: Any, reason: str, *, say_why: str, already: str) -> Any:
    """Mark a record void with the reason, once (a second try is a conflict); it stays and no longer counts."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError({"reason": say_why})
    row = type(row).objects.select_for_update().get(pk=row.pk)
    if row.voided_at is not None:
        raise ActionError(already, code="conflict")
    row.voided_at, row.voided_by, row.void_reason = timezone.now(), actor, reason
    row.save(update_fields=["voided_at", "voided_by", "void_reason"])
    return row


# --- budget lines, spending and purchased-service contracts ------------------------------------------------


def _not_negative(amount: Decimal, field: str) -> None:
    if amount < 0:
        raise ActionError({field: _("The amount cannot be negative.")})


@transaction.atomic
def record_budget_line(*, actor: Any, year: int, category: str, approved: Decimal, note: str = "") -> BudgetLine:
    """Record a year's approved amount in one category (once a year per category; the bureau only)."""
    _require(scoping.policy_for(BudgetLine).can(actor, "write"), policies.ONLY_BUREAU_BUDGET)
    if category not in BudgetCategory.values:
        raise ActionError({"category": _("Choose a budget category.")})
    if not YEAR_MIN <= year <= timezone.localdate().year + 1:
        raise ActionError({"year": _("Give a year from %(first)s to next year.") % {"first": YEAR_MIN}})
    _not_negative(approved, "approved")
    if BudgetLine.objects.filter(year=year, category=category).exists():
        raise ActionError({"category": _("This year already has a line in this category: change its amount instead.")})
    return BudgetLine.objects.create(year=year, category=category, approved=approved, note=note, recorded_by=actor)


@transaction.atomic
def edit_budget_line(*, line: BudgetLine, actor: Any, approved: Decimal, note: str = "") -> BudgetLine:
    """Change a line's approved amount (a budget adjustment) and its note; the spending stays as recorded, and
    a line left below what was spent shows as overspent."""
    _require(scoping.policy_for(BudgetLine).can(actor, "write", line), policies.ONLY_BUREAU_BUDGET)
    _not_negative(approved, "approved")
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    line.approved, line.note = approved, note
    line.save(update_fields=["approved", "note", "updated_at"])
    return line


def spent_on_line(line: BudgetLine) -> Decimal:
    """What the line's valid (not voided) expenditures add up to."""
    return line.expenditures.filter(voided_at__isnull=True).aggregate(total=Sum("amount"))["total"] or Decimal(0)


def spent_on_contract(contract: Contract) -> Decimal:
    """What the valid expenditures recorded against the contract add up to."""
    rows = contract.expenditures.filter(voided_at__isnull=True)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal(0)


@transaction.atomic
def record_expenditure(
    *,
    actor: Any,
    budget_line: BudgetLine,
    spent_on: dt.date,
    amount: Decimal,
    purpose: str,
    document: Any = None,
    contract: Contract | None = None,
    overspend_reason: str = "",
) -> Expenditure:
    """Record money spent from a budget line, dated within the line's year and not in the future. Spending that
    takes the line past its approved amount is recorded only with the reason (the adjustment's approval);
    payments against a contract may not pass the contract's amount (amend the contract first)."""
    _require(scoping.policy_for(Expenditure).can(actor, "write"), policies.ONLY_BUREAU_BUDGET)
    line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)  # serialise the spent totals
    if amount <= 0:
        raise ActionError({"amount": _("The amount must be more than zero.")})
    if spent_on.year != line.year:
        raise ActionError({"spent_on": _("The date must fall within the budget line's year.")})
    if spent_on > timezone.localdate():
        raise ActionError({"spent_on": _("The date cannot be in the future.")})
    overspend_reason = overspend_reason.strip()
    if spent_on_line(line) + amount > line.approved and not overspend_reason:
        raise ActionError(
            {
                "overspend_reason": _(
                    "This takes the line past its approved amount: give the reason (the approved adjustment)."
                )
            }
        )
    if contract is not None:
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.budget_line_id and contract.budget_line_id != line.pk:
            raise ActionError({"contract": _("This contract is paid from another budget line.")})
        if spent_on_contract(contract) + amount > contract.amount:
            raise ActionError({"amount": _("Payments would exceed the contract's amount: amend the contract first.")})
    row = Expenditure(
        budget_line=line,
        spent_on=spent_on,
        amount=amount,
        purpose=purpose,
        contract=contract,
        overspend_reason=overspend_reason,
        recorded_by=actor,
    )
    if document:
        try:
            mime = attachments.validate_attachment(document)
        except ValidationError as refused:
            raise ActionError({"document": list(refused.messages)}) from None
        document.seek(0)
        row.document.save(f"document{attachments.ALLOWED_KINDS[mime]}", document, save=False)
    row.save()
    return row


@transaction.atomic
def void_expenditure(*, expenditure: Expenditure, actor: Any, reason: str) -> Expenditure:
    """Void an expenditure recorded in error (it stays, marked, and no longer counts); the reason is kept."""
    _require(scoping.policy_for(Expenditure).can(actor, "void", expenditure), policies.ONLY_BUREAU_BUDGET)
    return _void(
        expenditure,
        actor,
        reason,
        say_why=_("Say why the expenditure is voided."),
        already=_("This expenditure is already voided."),
    )


def _check_contract(
    *, organisation: Organisation, starts_on: dt.date, ends_on: dt.date, amount: Decimal, budget_line
) -> None:
    if organisation.kind not in CONTRACTOR_KINDS:
        raise ActionError({"organisation": _("Choose a social-work agency or another service provider.")})
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not YEAR_MIN <= day.year <= YEAR_MAX:
            raise ActionError(
                {field: _("Give a date from %(first)s to %(last)s.") % {"first": YEAR_MIN, "last": YEAR_MAX}}
            )
    if ends_on < starts_on:
        raise ActionError({"ends_on": _("The period cannot end before it starts.")})
    if amount <= 0:
        raise ActionError({"amount": _("The amount must be more than zero.")})
    if budget_line is not None and not starts_on.year <= budget_line.year <= ends_on.year:
        raise ActionError({"budget_line": _("Choose a budget line of a year within the contract's period.")})


CONTRACT_FIELDS = (
    "organisation",
    "title",
    "number",
    "starts_on",
    "ends_on",
    "amount",
    "budget_line",
    "target_cases",
    "target_hours",
    "target_sessions",
    "note",
)


@transaction.atomic
def record_contract(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    number: str,
    starts_on: dt.date,
    ends_on: dt.date,
    amount: Decimal,
    budget_line: BudgetLine | None = None,
    target_cases: int | None = None,
    target_hours: int | None = None,
    target_sessions: int | None = None,
    note: str = "",
) -> Contract:
    """Record a purchased-service contract (the bureau only); its targets are measured from the records."""
    _require(scoping.policy_for(Contract).can(actor, "write"), policies.ONLY_BUREAU_BUDGET)
    _check_contract(
        organisation=organisation, starts_on=starts_on, ends_on=ends_on, amount=amount, budget_line=budget_line
    )
    if Contract.objects.filter(number=number).exists():
        raise ActionError({"number": _("Another contract has this number.")})
    return Contract.objects.create(
        organisation=organisation,
        title=title,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
        amount=amount,
        budget_line=budget_line,
        target_cases=target_cases,
        target_hours=target_hours,
        target_sessions=target_sessions,
        note=note,
        recorded_by=actor,
    )


@transaction.atomic
def edit_contract(*, contract: Contract, actor: Any, **fields: Any) -> Contract:
    """Amend a contract (the bureau only); its amount cannot go below what was already paid against it."""
    _require(scoping.policy_for(Contract).can(actor, "write", contract), policies.ONLY_BUREAU_BUDGET)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    values = {name: fields.get(name, getattr(contract, name)) for name in CONTRACT_FIELDS}
    _check_contract(
        organisation=values["organisation"],
        starts_on=values["starts_on"],
        ends_on=values["ends_on"],
        amount=values["amount"],
        budget_line=values["budget_line"],
    )
    if Contract.objects.filter(number=values["number"]).exclude(pk=contract.pk).exists():
        raise ActionError({"number": _("Another contract has this number.")})
    if values["amount"] < spent_on_contract(contract):
        raise ActionError({"amount": _("The amount cannot be less than what was already paid against it.")})
    for name, value in values.items():
        setattr(contract, name, value)
    contract.save()
    return contract


# --- the monthly and yearly report (issue 18 item 3) ---------------------------------------------------------

import hashlib  # noqa: E402  (kept with the report's actions, to merge easily)
import logging  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.utils import translation  # noqa: E402

from accounts.retry import TRANSIENT_ERRORS  # noqa: E402
from accounts.roles import is_bureau_admin  # noqa: E402
from bureau import figures  # noqa: E402
from bureau.models import Report  # noqa: E402

logger = logging.getLogger(__name__)


def _refused_report() -> ActionError:
    return ActionError(str(policies.REPORT_REFUSED), code="forbidden")


@transaction.atomic
def request_report(*, actor: Any, period: str, scope_param: str = "city") -> Report:
    """Request the report of a month ("2026-11") or a year ("2026") for a place, and queue its generation: the
    bureau for any place, an office's officers and head for their own office (403 for anybody else or another
    place); a period that cannot be counted is a field error. Each request makes a new report."""
    policy = scoping.policy_for(Report)
    if not policy.can(actor, "request"):
        raise _refused_report()
    with translation.override(settings.LANGUAGE_CODE):  # the register names places in the bureau's language
        places = {scope.param: scope for scope in figures.scopes_for(actor)}
    scope = places.get(scope_param or "")
    if scope is None:
        if is_bureau_admin(actor):
            raise ActionError({"scope": _("Choose a place from the list.")})
        raise _refused_report()
    try:
        counted = figures.parse_period(period, today=timezone.localdate())
    except figures.BadPeriod as bad:
        raise ActionError({"period": str(bad)}) from None
    report = Report(
        kind=counted.kind,
        year=counted.start.year,
        month=counted.start.month if counted.kind == Report.Kind.MONTH else None,
        period_start=counted.start,
        period_end=counted.end,
        scope_param=scope.param,
        scope_label=scope.label,
        office_id=scope.id if scope.kind == "office" else None,
        requested_by=actor,
        queued_at=timezone.now(),
    )
    if not policy.can(actor, "request", report):
        raise _refused_report()
    report.save()
    _queue_report(report.pk)
    return report


def _queue_report(report_id: int) -> None:
    from bureau.tasks import generate_report
    from config.queue import enqueue

    transaction.on_commit(lambda: enqueue(generate_report, report_id))


def _claim_report(report_id: int) -> Report | None:
    """Take the report for this execution (state running); a report already done is left alone (None). A report
    found running or failed is generated again from the start: its task came again (a worker died, or a
    transient failure is retried)."""
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("requested_by").get(pk=report_id)
        if report.state == Report.State.DONE:
            return None
        report.state, report.progress, report.error = Report.State.RUNNING, 1, ""
        report.started_at = report.heartbeat_at = timezone.now()
        report.finished_at = None
        report.save(update_fields=["state", "progress", "error", "started_at", "heartbeat_at", "finished_at"])
    return report


def _report_progress(report_id: int, percent: int) -> None:
    # Its own short write (autocommit), so the page's poll sees it at once.
    Report.objects.filter(pk=report_id, state=Report.State.RUNNING).update(
        progress=min(max(percent, 1), 99), heartbeat_at=timezone.now()
    )


def generate_report(*, report_id: int) -> Report:
    """Count the report's figures section by section, write the XLSX and the PDF to private storage with their
    SHA-256, and mark it done, all at once; any failure marks it failed with the reason instead (a transient one
    is raised again, for the task to retry)."""
    from bureau import reports

    report = _claim_report(report_id)
    if report is None:
        return Report.objects.get(pk=report_id)
    try:
        built = reports.build(report, progress=lambda percent: _report_progress(report_id, percent))
        with transaction.atomic():
            row = Report.objects.select_for_update().get(pk=report_id)
            name = f"report-{row.period_param}-{row.scope_param}"
            row.xlsx.save(f"{name}.xlsx", ContentFile(built.xlsx), save=False)
            row.pdf.save(f"{name}.pdf", ContentFile(built.pdf), save=False)
            row.xlsx_sha256 = hashlib.sha256(built.xlsx).hexdigest()
            row.pdf_sha256 = hashlib.sha256(built.pdf).hexdigest()
            row.figures = built.snapshot
            row.state, row.progress = Report.State.DONE, 100
            row.finished_at = dt.datetime.fromisoformat(built.snapshot["generated_at"])
            row.save()
        return row
    except Exception as exc:
        if isinstance(exc, reports.ReportFailed):
            error = str(exc)
        else:
            logger.exception("report %s failed", report_id)
            error = f"{type(exc).__name__}: {exc}"[:2000]
        Report.objects.filter(pk=report_id).update(state=Report.State.FAILED, finished_at=timezone.now(), error=error)
        if isinstance(exc, TRANSIENT_ERRORS):
            raise
        return Report.objects.get(pk=report_id)


# A report still queued this long was lost by the broker (generation takes seconds to minutes); one running with
# no progress this long lost its worker.
REPORT_REQUEUE_AFTER = dt.timedelta(minutes=10)
REPORT_STALE_AFTER = dt.timedelta(minutes=30)


def sweep_reports(*, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """The periodic sweep: queue again the reports the broker lost, fail those whose worker died (with the
    reason, so the page says to request it again)."""
    now = now or timezone.now()
    failed = []
    for report in Report.objects.filter(state=Report.State.RUNNING, heartbeat_at__lt=now - REPORT_STALE_AFTER):
        if Report.objects.filter(pk=report.pk, state=Report.State.RUNNING, heartbeat_at=report.heartbeat_at).update(
            state=Report.State.FAILED,
            finished_at=now,
            error=str(_("The generation stopped (its worker was lost). Request the report again.")),
        ):
            failed.append(report.pk)
    requeued = []
    for report in Report.objects.filter(state=Report.State.QUEUED, queued_at__lt=now - REPORT_REQUEUE_AFTER):
        with transaction.atomic():
            if Report.objects.filter(pk=report.pk, state=Report.State.QUEUED, queued_at=report.queued_at).update(
                queued_at=now
            ):
                requeued.append(report.pk)
                _queue_report(report.pk)
    if failed or requeued:
        logger.warning("report sweep: failed %s (no progress), queued again %s", failed, requeued)
    return {"failed": failed, "requeued": requeued}
