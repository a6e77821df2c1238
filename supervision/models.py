"""Supervision: the rule book of legal clocks, the holiday calendar, obligations and their feed.

- ``Rule``: one row per legal clock or threshold (code, what it measures, default value and unit,
  the law and article in both languages, an optional deployment override). ``RuleChange`` records
  every override change (who, when, old, new, why).
- ``Holiday``: the public-holiday calendar the bureau keeps (days off and make-up working days).
- ``Obligation``: something owed by a date for a supervisee, or by a judicial office before there is
  one (a rule-book code says which clock), done or not, with its escalation level (0 none, 1 officer, 2 office, 3 bureau).
- ``ObligationFeed``: an officer's private calendar address (revocable token).
- ``CorrectionPlan``: one version of a supervisee's correction plan (矫正方案, CCL Art. 24); a new
  version never rewrites an old one.
- ``ClassificationReview``: an officer's proposal to change the supervision level, with reasons and
  the platform's explained suggestion, approved or rejected by the office head (not the proposer).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.attachments import private_path, private_storage
from coordination.models import TEXT_MAX_LENGTH, CorrectionTeamMember, SentenceType, Supervisee, SupervisionLevel
from services.models import RiskLevel


def new_token() -> str:
    """An unguessable URL-safe token for a calendar address."""
    return secrets.token_urlsafe(24)


class Rule(models.Model):
    """A legal clock or threshold: its default value and where it comes from; a deployment may override it."""

    class Unit(models.TextChoices):
        DAYS = "days", _("days")
        WORKING_DAYS = "working_days", _("working days")
        MONTHS = "months", _("months")
        HOURS = "hours", pgettext_lazy("unit", "hours")
        YEARS = "years", pgettext_lazy("unit", "years")
        COUNT = "count", pgettext_lazy("unit", "times")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    measures_zh = models.CharField(_("what it measures (Chinese)"), max_length=200)
    measures_en = models.CharField(_("what it measures (English)"), max_length=200)
    default_value = models.PositiveIntegerField(_("default value"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    law_zh = models.CharField(_("law and article (Chinese)"), max_length=200, blank=True)
    law_en = models.CharField(_("law and article (English)"), max_length=200, blank=True)
    override_value = models.PositiveIntegerField(_("value in this deployment"), null=True, blank=True)
    override_reason = models.CharField(_("reason for the override"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def value(self) -> int:
        """The value in force: the override when set, else the legal default."""
        return self.default_value if self.override_value is None else self.override_value

    @property
    def measures(self) -> str:
        return self.measures_en if (get_language() or "").startswith("en") else self.measures_zh

    @property
    def law(self) -> str:
        return self.law_en if (get_language() or "").startswith("en") else self.law_zh


class RuleChange(models.Model):
    """One change of a rule's override: who, when, the old and new value, and why. Append-only."""

    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    old_value = models.PositiveIntegerField(_("old value"), null=True, blank=True)
    new_value = models.PositiveIntegerField(_("new value"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("rule change")
        verbose_name_plural = _("rule changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rule.code}: {self.old_value} → {self.new_value}"


class Holiday(models.Model):
    """A day the working-day clocks treat specially: a public holiday, or a weekend made a working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("public holiday")
        WORKDAY = "workday", _("make-up working day")

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("holiday name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Obligation(models.Model):
    """Something owed for a supervisee by a time, under a rule-book clock."""

    class Kind(models.TextChoices):
        INTAKE_REPORT = "intake_report", _("report for intake")
        RELEASE = "release", _("release at the end of the term")
        PLAN_REVIEW = "plan_review", _("review of the correction plan")
        DOCUMENTS = "documents", _("legal documents from the deciding organ")
        ARCHIVE = "archive", _("archive the case file")
        # Owed by a judicial office rather than for a supervisee (issue 14): no supervisee yet.
        INVESTIGATION = "investigation", _("pre-sentence investigation opinion")
        DECISION_NOTICE = "decision_notice", _("notice of a decision to the deciding organ")
        # Supervision part 2 (issue 15). The kinds from REQUEST_DECISION on may be open several times for one
        # supervisee, once per request, order or approval they belong to (``source_type``/``source_id``).
        REPORT = "report", _("periodic report or check-in")
        HEALTH_REPORT = "health_report", _("monthly health report (medical parole)")
        REEXAMINATION = "reexamination", _("medical re-examination (medical parole)")
        VISIT = "visit", _("home or workplace visit")
        LOST_CONTACT = "lost_contact", _("lost contact: search and notices")
        REQUEST_DECISION = "request_decision", _("decision on a request")
        RETURN_REPORT = "return_report", _("report back after travel")
        TRANSFER = "transfer", _("hand over a case to the new place of execution")
        PROHIBITION_EXPIRY = "prohibition_expiry", _("prohibition order ends")
        MONITORING_EXPIRY = "monitoring_expiry", _("location monitoring period ends")
        # Rewards and sanctions (issue 16 item 2): one per proposal.
        SANCTION_DECISION = "sanction_decision", _("decision on a reward or sanction proposal")
        COURT_DECISION = "court_decision", _("the court's ruling on a revocation or prison proposal")
        DETENTION_DECISION = "detention_decision", _("the court's decision on a detention request")
        # Monthly assessment (issue 16 item 1): one per assessment (its source), closed when the office head
        # approves it; and an education session whose attendance is not recorded, owed by its office.
        ASSESSMENT = "assessment", _("monthly assessment")
        ATTENDANCE = "attendance", _("record the attendance of a session")
        # The bureau's own work (issue 18): owed by an organisation (``judicial_office``), one per source row.
        ACTION_ITEM = "action_item", _("action item of a joint meeting")
        INSPECTION_FINDING = "inspection_finding", _("correction of an inspection finding")

    class Level(models.IntegerChoices):
        NONE = 0, _("not escalated")
        OFFICER = 1, _("responsible officer")
        OFFICE = 2, _("whole judicial office")
        BUREAU = 3, _("bureau")

    supervisee = models.ForeignKey(
        Supervisee,
        verbose_name=_("supervisee"),
        on_delete=models.CASCADE,
        related_name="obligations",
        null=True,
        blank=True,
    )
    # Set instead of ``supervisee`` when the office owes it before there is a supervisee (an
    # investigation opinion); every obligation has one owner or the other.
    judicial_office = models.ForeignKey(
        "services.Organisation",
        verbose_name=_("judicial office"),
        on_delete=models.PROTECT,
        related_name="office_obligations",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    rule_code = models.SlugField(_("rule code"), max_length=60)
    due_at = models.DateTimeField(_("due"))
    remind_from = models.DateTimeField(_("shown from"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation"), choices=Level.choices, default=Level.NONE)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("source type"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_at", "pk"]
        constraints = [
            # One open obligation of a kind per supervisee: creating it twice is a no-op. An obligation
            # that belongs to a source row (a request, an order, an approval) is single per source instead.
            models.UniqueConstraint(
                fields=["supervisee", "kind"],
                condition=Q(done_at__isnull=True, source_id__isnull=True, supervisee__isnull=False)
                | Q(done_at__isnull=True, kind="plan_review"),
                name="obligation_one_open_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id"],
                condition=Q(done_at__isnull=True, source_id__isnull=False),
                name="obligation_one_open_per_source",
            ),
            models.CheckConstraint(
                condition=Q(supervisee__isnull=False) | Q(judicial_office__isnull=False), name="obligation_has_owner"
            ),
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0) & Q(escalation_level__lte=3), name="obligation_level_range"
            ),
        ]
        indexes = [
            models.Index(fields=["done_at", "due_at"], name="obligation_open_due"),
            models.Index(fields=["supervisee", "done_at"], name="obligation_supervisee_open"),
            # The bureau's per-office counts on 今日待办 (``selectors.office_counts``): the open rows due by a
            # time, read from the index alone (bench/obligations.py).
            models.Index(
                fields=["due_at"],
                include=["supervisee", "judicial_office", "kind"],
                condition=Q(done_at__isnull=True),
                name="obligation_open_due_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.due_at:%Y-%m-%d}"


class ObligationFeed(models.Model):
    """An officer's private calendar address of obligations; a new token revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="obligation_feed"
    )
    token = models.CharField(_("calendar token"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("obligation calendar")
        verbose_name_plural = _("obligation calendars")

    def __str__(self) -> str:
        return f"{self.user}"


# --- The sentence lifecycle (issue 14, items 2, 3, 5, 6) ----------------------------------------------


class DecidingOrganKind(models.TextChoices):
    COURT = "court", _("people's court")
    PRISON = "prison", _("prison")
    PUBLIC_SECURITY = "public_security", _("public security organ")
    PRISON_ADMINISTRATION = "prison_administration", _("prison administration")


class Sentence(models.Model):
    """One sentence served in the community: who decided it, the case number, dates, type, term and
    additional penalties. A new sentence (after a release) is a new row, never an edit of the old one."""

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="sentences"
    )
    organ_kind = models.CharField(_("deciding organ kind"), max_length=30, choices=DecidingOrganKind.choices)
    organ_name = models.CharField(_("deciding organ"), max_length=200)
    case_number = models.CharField(_("case number (案号)"), max_length=100, blank=True)
    judgment_date = models.DateField(_("judgment date"), null=True, blank=True)
    effective_date = models.DateField(_("date the decision took effect"))
    sentence_type = models.CharField(_("sentence type"), max_length=32, choices=SentenceType.choices)
    term_months = models.PositiveIntegerField(_("term (months)"), null=True, blank=True)
    # Sealing (Criminal Procedure Law Art. 286) asks the age at the offence, not at the start of correction,
    # and the principal penalty the court imposed (for a suspended sentence: the suspended prison term, not
    # the probation period in ``term_months``).
    offence_date = models.DateField(_("date of the offence"), null=True, blank=True)
    principal_term_months = models.PositiveIntegerField(
        _("principal penalty term (months)"),
        null=True,
        blank=True,
        help_text=_("The term of the principal penalty in the judgment (for a suspended sentence: the prison term)."),
    )
    start = models.DateField(_("correction starts"))
    end = models.DateField(_("correction ends"))
    deprived_political_rights = models.BooleanField(_("deprived of political rights"), default=False)
    deprivation_months = models.PositiveIntegerField(_("deprivation term (months)"), null=True, blank=True)
    # CCL Art. 20: the deciding organ notifies the office within the rule book's period (``decision_notice``)
    # of the decision taking effect. When the notice came, and whether it came after that period (kept as
    # recorded so a report of late notices does not move when the rule is overridden later).
    notice_received_on = models.DateField(_("decision notice received"), null=True, blank=True)
    notice_late = models.BooleanField(_("decision notice came late"), default=False)
    derived = models.BooleanField(
        _("derived from the old record"),
        default=False,
        help_text=_("Made by migration from the supervisee's record; the deciding organ is still to be entered."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("sentence")
        verbose_name_plural = _("sentences")
        ordering = ["-effective_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="sentence_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_sentence_type_display()} · {self.case_number or self.organ_name}"


class LegalDocument(models.Model):
    """A legal document the deciding organ delivered for a sentence, and when its receipt went back."""

    class Kind(models.TextChoices):
        JUDGMENT = "judgment", _("judgment")
        RULING = "ruling", _("ruling")
        DECISION = "decision", _("decision")
        ENFORCEMENT_NOTICE = "enforcement_notice", _("notice of enforcement")
        INVESTIGATION_OPINION = "investigation_opinion", _("investigation opinion")
        OTHER = "other", _("other document")

    # The documents without which the office cannot register the person (a missing one raises an alert).
    REQUIRED = (Kind.ENFORCEMENT_NOTICE,)

    sentence = models.ForeignKey(
        Sentence, verbose_name=_("sentence"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("document kind"), max_length=30, choices=Kind.choices)
    received_at = models.DateField(_("received"))
    receipt_returned_at = models.DateField(_("receipt returned"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.received_at}"


class StatusChange(models.Model):
    """One step of a supervisee's lifecycle (register, announce, suspend, resume, release, terminate):
    who, when, from and to, the grounds and the note. Append-only: the history of ``Supervisee.status``."""

    class Ground(models.TextChoices):
        REVOCATION = "revocation", _("probation or parole revoked")
        IMPRISONMENT = "imprisonment", _("taken into prison (收监执行)")
        DEATH = "death", _("death")
        OTHER = "other", _("other grounds")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="status_changes"
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=20, choices=Supervisee.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Supervisee.Status.choices)
    ground = models.CharField(_("grounds"), max_length=20, choices=Ground.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    occurred_on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @classmethod
    def closing_of(cls, supervisee: Supervisee) -> StatusChange | None:
        """The release or termination that closed the person's latest case, if any."""
        return (
            cls.objects.filter(supervisee=supervisee, action__in=("release", "terminate"))
            .order_by("-created_at", "-pk")
            .first()
        )


class Announcement(models.Model):
    """An intake announcement (入矫宣告) or a release announcement (解矫宣告): date, place, who attended,
    the items announced and the signed scan. A minor's announcement is not public and a guardian attends."""

    class Kind(models.TextChoices):
        INTAKE = "intake", _("intake announcement")
        RELEASE = "release", _("release announcement")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="announcements"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    attendees = models.TextField(_("who attended"))
    items = models.TextField(_("items announced"))
    is_public = models.BooleanField(_("public"), default=False)
    guardian_present = models.BooleanField(_("guardian present"), default=False)
    signed_scan = models.FileField(
        _("signed scan"), upload_to=private_path, storage=private_storage, blank=True, max_length=200
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.held_on}"


class ReleaseNotice(models.Model):
    """A notice of release or termination sent to an organ, with the date and the method."""

    class Recipient(models.TextChoices):
        DECIDING_ORGAN = "deciding_organ", _("deciding organ")
        PROCURATORATE = "procuratorate", _("people's procuratorate")
        PUBLIC_SECURITY = "public_security", _("public security organ")

    class Method(models.TextChoices):
        POST = "post", _("by post")
        HAND = "hand", _("by hand")
        SYSTEM = "system", _("through the information system")
        OTHER = "other", _("other")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="release_notices"
    )
    recipient = models.CharField(_("sent to"), max_length=20, choices=Recipient.choices)
    sent_on = models.DateField(_("sent on"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("release notice")
        verbose_name_plural = _("release notices")
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_recipient_display()} · {self.sent_on}"

    @classmethod
    def told_of(cls, supervisee: Supervisee, closing: StatusChange | None) -> set[str]:
        """The organs already told of ``closing`` (notices sent on or after its day)."""
        rows = cls.objects.filter(supervisee=supervisee)
        if closing is not None:
            rows = rows.filter(sent_on__gte=closing.occurred_on)
        return set(rows.values_list("recipient", flat=True))

    @staticmethod
    def closing_fields(recipient: str) -> tuple[str, str]:
        """The names of the day and method fields of the notice to ``recipient`` in the release and
        termination forms (and their API), where the actions report its errors."""
        return f"notice_{recipient}_on", f"notice_{recipient}_method"


class Investigation(models.Model):
    """A pre-sentence investigation request (调查评估) a judicial office received: its working-day clock
    (shorter for expedited cases) and the opinion. The person is not a supervisee (yet), so the office
    owns the clock: an ``Obligation`` of kind ``investigation`` with ``judicial_office`` set and this row as
    its source, due at the end of ``due_on`` and closed when the opinion is sent."""

    class Opinion(models.TextChoices):
        SUITABLE = "suitable", _("suitable for community correction")
        UNSUITABLE = "unsuitable", _("not suitable for community correction")

    judicial_office = models.ForeignKey(
        "services.Organisation",
        verbose_name=_("judicial office"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organ_kind = models.CharField(_("requesting organ kind"), max_length=30, choices=DecidingOrganKind.choices)
    organ_name = models.CharField(_("requesting organ"), max_length=200)
    subject_name = models.CharField(_("person investigated"), max_length=100)
    # The keyed hash of the person's resident ID number (``coordination.identity.lookup_hash``), never the
    # number: it ties the request to the record once the person is registered, so that sealing the record
    # (CPL Art. 286) hides the request too.
    subject_id_hash = models.CharField(
        _("resident ID number (keyed hash)"), max_length=64, blank=True, db_index=True, editable=False
    )
    supervisee = models.ForeignKey(
        Supervisee,
        verbose_name=_("record of the person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    received_on = models.DateField(_("request received"))
    expedited = models.BooleanField(_("expedited (fast-track) case"), default=False)
    rule_code = models.SlugField(_("rule code"), max_length=60)
    due_on = models.DateField(_("opinion due"))
    opinion = models.CharField(_("opinion"), max_length=20, choices=Opinion.choices, blank=True)
    opinion_note = models.TextField(_("reasons"), blank=True)
    opinion_sent_on = models.DateField(_("opinion sent"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("investigation request")
        verbose_name_plural = _("investigation requests")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.organ_name} · {self.received_on}"


# --- the correction plan (矫正方案) and classification reviews --------------------------------------


class CorrectionPlan(models.Model):
    """One version of a supervisee's correction plan (CCL Art. 24). Versions are only added, never edited:
    the newest is the plan in force, the older ones are its history."""

    class ReportingMode(models.TextChoices):
        IN_PERSON = "in_person", _("in person at the office")
        PHONE = "phone", _("by phone")
        VIDEO = "video", _("by video call")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="correction_plans"
    )
    version = models.PositiveIntegerField(_("version"))
    supervision_level = models.CharField(_("supervision level"), max_length=10, choices=SupervisionLevel.choices)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    classification_reasons = models.TextField(_("reasons for the classification"), max_length=TEXT_MAX_LENGTH)
    reporting_mode = models.CharField(_("how they report"), max_length=20, choices=ReportingMode.choices)
    reporting_interval_days = models.PositiveSmallIntegerField(_("report every (days)"))
    education_goals = models.TextField(_("education goals"), max_length=TEXT_MAX_LENGTH, blank=True)
    help_goals = models.TextField(_("help and support goals"), max_length=TEXT_MAX_LENGTH, blank=True)
    team = models.ManyToManyField(
        CorrectionTeamMember, verbose_name=_("correction team"), blank=True, related_name="plans"
    )
    next_review_on = models.DateField(_("next review"))
    change_note = models.CharField(_("what changed and why"), max_length=300, blank=True)
    review = models.ForeignKey(
        "ClassificationReview",
        verbose_name=_("classification review"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction plan")
        verbose_name_plural = _("correction plans")
        ordering = ["supervisee", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["supervisee", "version"], name="correction_plan_one_per_version"),
            models.CheckConstraint(condition=Q(reporting_interval_days__gte=1), name="correction_plan_interval"),
        ]

    def __str__(self) -> str:
        return f"{self.supervisee_id} v{self.version}"


class ClassificationReview(models.Model):
    """A proposed change of supervision level: who proposed it and why, what the platform suggested and why,
    and the head's decision. Nobody decides their own proposal."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("awaiting approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="classification_reviews"
    )
    from_level = models.CharField(_("level before"), max_length=10, choices=SupervisionLevel.choices)
    to_level = models.CharField(_("proposed level"), max_length=10, choices=SupervisionLevel.choices)
    reasons = models.TextField(_("reasons"), max_length=TEXT_MAX_LENGTH)
    suggested_level = models.CharField(
        _("platform's suggestion"), max_length=10, choices=SupervisionLevel.choices, blank=True
    )
    suggestion_reasons = models.JSONField(_("why the platform suggested it"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("classification review")
        verbose_name_plural = _("classification reviews")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervisee"],
                condition=Q(state="proposed"),
                name="classification_review_one_open",
            ),
            models.CheckConstraint(
                condition=Q(state="proposed") | Q(decided_by__isnull=False), name="classification_review_decider"
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("proposed_by")), name="classification_review_not_own"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisee_id}: {self.from_level} → {self.to_level} ({self.state})"


# --- Sanction grounds (issue 15 records them; issue 16 turns them into proposals) ----------------------


class SanctionGround(models.Model):
    """A recorded fact that may ground a sanction (a lost-contact episode, a late return, a breach of a
    prohibition order...). The platform records the ground; a person decides any sanction (issue 16)."""

    class Code(models.TextChoices):
        LOST_CONTACT = "lost_contact", _("lost contact (up to the first threshold)")
        LOST_CONTACT_LONG = "lost_contact_long", _("lost contact beyond the first threshold")
        LOST_CONTACT_OVER_MONTH = "lost_contact_month", _("lost contact beyond the second threshold")
        MISSED_REPORT = "missed_report", _("did not report as required")
        LATE_RETURN = "late_return", _("did not return from travel in time")
        TRAVEL_WITHOUT_APPROVAL = "travel_unapproved", _("left the city or county without approval")
        PROHIBITION_BREACH = "prohibition_breach", _("breach of a prohibition order")
        ABSENCE = "absence", _("repeated unexcused absence from education or activities")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="sanction_grounds"
    )
    code = models.CharField(_("ground"), max_length=30, choices=Code.choices)
    occurred_on = models.DateField(_("date"))
    facts = models.TextField(_("facts"), max_length=TEXT_MAX_LENGTH, blank=True)
    # The record it comes from (an episode, a request, an order), if any.
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("source type"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    # None when the platform recorded it (a clock ran out).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("sanction ground")
        verbose_name_plural = _("sanction grounds")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            # A source gives each ground once: recording it again is a no-op.
            models.UniqueConstraint(
                fields=["supervisee", "code", "source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="sanction_ground_once_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} · {self.occurred_on:%Y-%m-%d}"


# Supervision part 2 (issue 15): reporting, check-ins, visits and lost contact live in their own module;
# movement requests, prohibition orders, location-monitoring approvals (items 4-6) and the cases received
# from another deployment (item 8) too; part 3 (issue 16): rewards and sanctions, education sessions and
# attendance, counselling sessions, their notes and psychological assessments, social-work case plans,
# monthly assessments.
from supervision.assessment.models import *  # noqa: E402, F403
from supervision.casework.models import *  # noqa: E402, F403
from supervision.counselling.models import *  # noqa: E402, F403
from supervision.education.models import *  # noqa: E402, F403
from supervision.interchange.models import *  # noqa: E402, F403
from supervision.movement.models import *  # noqa: E402, F403
from supervision.reporting.models import *  # noqa: E402, F403
from supervision.sanctions.models import *  # noqa: E402, F403
