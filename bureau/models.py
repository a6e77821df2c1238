"""The bureau's own work (issue 18 items 4 and 5): the leadership group's joint meetings and the inspections
of judicial offices.

- ``Meeting``: a joint meeting of the leadership group (联席会议, Xinmi policy §三(一); CCL Art. 8): when,
  where, the member departments attending, agenda, minutes and decisions.
- ``ActionItem``: a task a meeting gives a department, by a date; open, done or dropped (with a reason). The
  organisation that owes it owes an obligation of kind ``action_item`` (the obligation engine reminds and
  escalates it).
- ``Checklist`` and ``ChecklistItem``: the checklist the bureau inspects against (督促检查, §三(二)), in
  versions: a change publishes a new version, an inspection keeps the version it used.
- ``Inspection`` and ``InspectionResult``: one inspection of an office and its result on each item.
- ``Finding`` and ``FollowUp``: what the inspection found, the correction deadline (an obligation of kind
  ``inspection_finding`` owed by the office) and the entries until the bureau closes it.

Budget and spending (items 6 and 7):

- ``BudgetLine``: a year's approved amount in one of the policy's four categories or purchased services.
- ``Expenditure``: money spent from a line, with its supporting document (a private attachment); voided with a
  reason, never deleted; spending past the approved amount states why.
- ``Contract``: a purchased-service contract with an agency or provider; its targets are measured live.
- ``StaffTraining`` (issue 18 item 8; Xinmi policy §二(四) "切实加强社区矫正工作队伍的培训"): one training a
  staff member attended (course, organiser, kind, date, hours, an optional private certificate), counted for
  the organisation they trained as a member of; voided with a reason instead of deleted. Volunteers' training
  is ``volunteers.TrainingRecord``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import attachments
from accounts.attachments import private_path, private_storage
from services.models import Organisation

TEXT_MAX = 4000


class Department(models.TextChoices):
    """The member departments of the leadership group (CCL Art. 8; Xinmi policy §三)."""

    JUSTICE = "justice", pgettext_lazy("department", "Justice bureau")
    COURT = "court", pgettext_lazy("department", "People's court")
    PROCURATORATE = "procuratorate", pgettext_lazy("department", "People's procuratorate")
    PUBLIC_SECURITY = "public_security", pgettext_lazy("department", "Public security")
    CIVIL_AFFAIRS = "civil_affairs", pgettext_lazy("department", "Civil affairs")
    HUMAN_RESOURCES = "human_resources", pgettext_lazy("department", "Human resources and social security")
    FINANCE = "finance", pgettext_lazy("department", "Finance")
    EDUCATION = "education", pgettext_lazy("department", "Education")
    HEALTH = "health", pgettext_lazy("department", "Health")
    JUDICIAL_OFFICE = "judicial_office", pgettext_lazy("department", "Judicial office")
    OTHER = "other", pgettext_lazy("department", "Other department")


class Meeting(models.Model):
    """A joint meeting of the leadership group (联席会议)."""

    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200)
    # Department codes (``Department``); a list, not a table: it is read whole with the meeting.
    departments = models.JSONField(_("departments attending"), default=list)
    agenda = models.TextField(_("agenda"), max_length=TEXT_MAX)
    minutes = models.TextField(_("minutes"), max_length=TEXT_MAX, blank=True)
    decisions = models.TextField(_("decisions"), max_length=TEXT_MAX, blank=True)
    organiser = models.ForeignKey(
        "services.Organisation", verbose_name=_("convened by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def department_labels(self) -> list[str]:
        return [str(Department(code).label) for code in self.departments if code in Department.values]


class ActionItem(models.Model):
    """A task a meeting gives a department, by a date."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("action item", "open")
        DONE = "done", pgettext_lazy("action item", "done")
        DROPPED = "dropped", pgettext_lazy("action item", "dropped")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="items")
    task = models.TextField(_("task"), max_length=TEXT_MAX)
    owner_department = models.CharField(_("owner department"), max_length=30, choices=Department.choices)
    # The platform organisation that answers for it (a judicial office, the bureau); empty for a department
    # outside the platform, whose item the convening bureau follows up (it owes the reminder).
    owner_organisation = models.ForeignKey(
        "services.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(_("outcome or reason"), max_length=TEXT_MAX, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "done", "dropped"]), name="action_item_status"),
            # A dropped item says why.
            models.CheckConstraint(condition=~Q(status="dropped") | ~Q(outcome=""), name="action_item_drop_reason"),
        ]
        indexes = [models.Index(fields=["owner_organisation", "status"], name="action_item_owner_status")]

    def __str__(self) -> str:
        return self.task[:60]

    @property
    def owing_organisation_id(self) -> int:
        """Who owes the reminder: the owner organisation, else the bureau that convened the meeting."""
        return self.owner_organisation_id or self.meeting.organiser_id


class Checklist(models.Model):
    """One version of the inspection checklist; never changed once published (a change is a new version)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("inspection checklist")
        verbose_name_plural = _("inspection checklists")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("item"), max_length=300)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "position"], name="checklist_item_position")]

    def __str__(self) -> str:
        return self.text


class Inspection(models.Model):
    """An inspection of a judicial office against one checklist version."""

    office = models.ForeignKey(
        "services.Organisation", verbose_name=_("judicial office"), on_delete=models.PROTECT, related_name="+"
    )
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(_("inspectors"), max_length=300)
    summary = models.TextField(_("summary"), max_length=TEXT_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.office} {self.inspected_on}"


class InspectionResult(models.Model):
    class Result(models.TextChoices):
        PASS = "pass", pgettext_lazy("inspection", "pass")
        FAIL = "fail", pgettext_lazy("inspection", "fail")
        NA = "na", pgettext_lazy("inspection", "not applicable")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["inspection", "item__position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_result_once")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.result}"


class Finding(models.Model):
    """Something the inspection found that the office must correct by a date."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("finding", "open")
        CORRECTED = "corrected", pgettext_lazy("finding", "correction reported")
        CLOSED = "closed", pgettext_lazy("finding", "closed")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="findings"
    )
    text = models.TextField(_("finding"), max_length=TEXT_MAX)
    correction_due = models.DateField(_("correct by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["correction_due", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "corrected", "closed"]), name="finding_status"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class FollowUp(models.Model):
    """One entry on a finding until it is closed: a note, the office's correction, the bureau's closing."""

    class Kind(models.TextChoices):
        NOTE = "note", pgettext_lazy("follow-up", "note")
        CORRECTION = "correction", pgettext_lazy("follow-up", "correction made")
        RETURNED = "returned", pgettext_lazy("follow-up", "correction not accepted")
        CLOSURE = "closure", pgettext_lazy("follow-up", "closed")

    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=TEXT_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:40]}"


# One training is one day: its hours are more than nothing and at most a day.
TRAINING_HOURS_MAX = Decimal("24")


class Voidable(models.Model):
    """A record that is never deleted: a mistake is voided with the reason, stays on record and no longer
    counts (staff training, spending). Each model's own constraint requires the reason once voided."""

    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class StaffTraining(Voidable):
    """One training a staff member attended, counted for the organisation they trained as a member of."""

    class Kind(models.TextChoices):
        LEGAL_POLICY = "legal_policy", pgettext_lazy("training kind", "law and policy")
        CASEWORK = "casework", pgettext_lazy("training kind", "casework skills")
        PSYCHOLOGY = "psychology", pgettext_lazy("training kind", "psychology")
        SECURITY_IT = "security_it", pgettext_lazy("training kind", "security and IT")
        OTHER = "other", pgettext_lazy("training kind", "other")

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="staff_trainings",
    )
    # The trainee's judicial office, the bureau, or the social-work agency: one of the organisations where
    # they held a staff role when it was recorded (the recorder picks it).
    organisation = models.ForeignKey(
        "services.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.CharField(_("course"), max_length=200)
    provider = models.CharField(_("provider or organiser"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    trained_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    certificate = models.FileField(
        _("training certificate"), upload_to=private_path, storage=private_storage, blank=True, max_length=200
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff training")
        verbose_name_plural = _("staff training")
        ordering = ["-trained_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=TRAINING_HOURS_MAX), name="staff_training_hours"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["legal_policy", "casework", "psychology", "security_it", "other"]),
                name="staff_training_kind",
            ),
            # A voided record says why.
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="staff_training_void_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "trained_on"], name="staff_training_org_date"),
            models.Index(fields=["trainee", "trained_on"], name="staff_training_trainee_date"),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.trained_on}"


# --- budget, spending and purchased-service contracts (issue 18 items 6 and 7) ---------------------------

MONEY = {"max_digits": 14, "decimal_places": 2}
# The years a budget line or a contract's dates may fall in (a typo like 0001 or 9999 is refused).
YEAR_MIN, YEAR_MAX = 2000, 2100
# The largest target a contract may set (people, hours or sessions): far above any county's, below overflow.
TARGET_MAX = 1_000_000

# Whom the bureau buys services from (CCL Art. 40): social-work agencies and the other providers, not its own
# judicial offices.
CONTRACTOR_KINDS = tuple(kind for kind in Organisation.PROVIDER_KINDS if kind != Organisation.Kind.JUDICIAL_OFFICE)


class BudgetCategory(models.TextChoices):
    """The four kinds of funding the policy puts in the annual budget (Xinmi policy §二(五)), plus the purchase
    of services (CCL Art. 40)."""

    PERSONNEL = "personnel", pgettext_lazy("budget", "Staff funding")
    ADMINISTRATION = "administration", pgettext_lazy("budget", "Administrative running costs")
    CASEWORK = "casework", pgettext_lazy("budget", "Case-work operating costs")
    EQUIPMENT = "equipment", pgettext_lazy("budget", "Equipment")
    PURCHASED_SERVICES = "purchased_services", pgettext_lazy("budget", "Purchased services")


class BudgetLine(models.Model):
    """One year's approved amount in one category."""

    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    approved = models.DecimalField(_("amount approved (yuan)"), **MONEY)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["-year", "category"]
        constraints = [
            models.UniqueConstraint(fields=["year", "category"], name="budget_line_once_a_year"),
            models.CheckConstraint(condition=Q(approved__gte=0), name="budget_line_approved_not_negative"),
            models.CheckConstraint(condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="budget_line_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_category_display()}"


class Contract(models.Model):
    """A purchased-service contract with a social-work agency or another provider (CCL Art. 40): its period,
    amount and the targets measured live against the platform's records."""

    organisation = models.ForeignKey(
        "services.Organisation", verbose_name=_("contracted organisation"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("contract number"), max_length=60, unique=True)
    starts_on = models.DateField(_("period start"))
    ends_on = models.DateField(_("period end"))
    amount = models.DecimalField(_("contract amount (yuan)"), **MONEY)
    budget_line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    target_cases = models.PositiveIntegerField(_("target: people served"), null=True, blank=True)
    target_hours = models.PositiveIntegerField(_("target: service hours"), null=True, blank=True)
    target_sessions = models.PositiveIntegerField(_("target: sessions"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=TEXT_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("purchased-service contract")
        verbose_name_plural = _("purchased-service contracts")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="contract_period_order"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
        ]
        indexes = [models.Index(fields=["organisation", "starts_on"], name="contract_org_start")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Expenditure(Voidable):
    """Money spent from a budget line: date, amount, purpose, supporting document; voided with a reason,
    never deleted (a finance record)."""

    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="expenditures"
    )
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    purpose = models.CharField(_("purpose"), max_length=300)
    document = models.FileField(
        _("supporting document"),
        storage=attachments.private_storage,
        upload_to=attachments.private_path,
        blank=True,
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenditures",
    )
    # Spending beyond the line's approved amount is recorded (it happened) but says why: the adjustment's
    # approval, a supplementary budget.
    overspend_reason = models.CharField(_("reason for exceeding the approved amount"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expenditure_amount_positive"),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="expenditure_void_reason"
            ),
        ]
        indexes = [models.Index(fields=["budget_line", "voided_at"], name="expenditure_line_valid")]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.amount} {self.purpose[:40]}"


# --- the monthly and yearly report (issue 18 item 3) ----------------------------------------------------


class Report(models.Model):
    """One monthly or yearly report of a place (the city, a judicial office, a township), as the bureau sends it
    upward: the figures of ``bureau.figures`` frozen when it was generated, and the XLSX and PDF made from them.
    A new request makes a new row; the register keeps every one."""

    class Kind(models.TextChoices):
        MONTH = "month", pgettext_lazy("report period", "month")
        YEAR = "year", pgettext_lazy("report period", "year")

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("report state", "queued")
        RUNNING = "running", pgettext_lazy("report state", "being generated")
        DONE = "done", pgettext_lazy("report state", "ready")
        FAILED = "failed", pgettext_lazy("report state", "failed")

    kind = models.CharField(_("period"), max_length=5, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    # The days counted: a month or year still running ends on the day it was requested.
    period_start = models.DateField(_("counted from"))
    period_end = models.DateField(_("counted to"))
    scope_param = models.CharField(_("place"), max_length=40)  # "city", "office-<id>", "township-<id>"
    scope_label = models.CharField(_("place"), max_length=200)
    # The judicial office the report is of (its officers and head read it); empty for the city or a township.
    office = models.ForeignKey(
        "services.Organisation",
        verbose_name=_("judicial office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # When it was last sent to the queue, and the last sign of life of its generation (the sweep's clocks).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # {"sections": [{"key", "title": {lang: text}, "figures": [{"key", "label": {lang: text}, "value": "12",
    # "unit"}]}], "scope_label": {lang: text}, "generated_at": iso}: the numbers as strings, exactly as counted.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    xlsx = models.FileField(
        _("spreadsheet"), upload_to=private_path, storage=private_storage, blank=True, max_length=200
    )
    xlsx_sha256 = models.CharField(_("SHA-256 of the spreadsheet"), max_length=64, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=private_path, storage=private_storage, blank=True, max_length=200)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="month", month__gte=1, month__lte=12) | Q(kind="year", month__isnull=True),
                name="report_month_matches_kind",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent"),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]), name="report_state_known"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period_order"),
            # A report is ready only with both files and their checksums: never a half-written "done".
            models.CheckConstraint(
                condition=~Q(state="done")
                | (~Q(xlsx="") & ~Q(pdf="") & ~Q(xlsx_sha256="") & ~Q(pdf_sha256="") & Q(progress=100)),
                name="report_done_has_files",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "requested_at"], name="report_state_requested"),
            models.Index(fields=["office", "requested_at"], name="report_office_requested"),
        ]

    def __str__(self) -> str:
        return f"{self.period_param} {self.scope_label}"

    @property
    def period_param(self) -> str:
        """``YYYY`` or ``YYYY-MM``, as the request form and the API write it."""
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
