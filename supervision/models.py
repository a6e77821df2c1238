"""Supervision: the rule book of legal clocks, the holiday calendar, obligations and their feed.

- ``Rule``: one row per legal clock or threshold (code, what it measures, default value and unit,
  the law and article in both languages, an optional deployment override). ``RuleChange`` records
  every override change (who, when, old, new, why).
- ``Holiday``: the public-holiday calendar the bureau keeps (days off and make-up working days).
- ``Obligation``: something owed by a date for a supervisee (a rule-book code says which clock),
  done or not, with its escalation level (0 none, 1 officer, 2 office, 3 bureau).
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

from coordination.models import TEXT_MAX_LENGTH, CorrectionTeamMember, Supervisee, SupervisionLevel
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

    class Level(models.IntegerChoices):
        NONE = 0, _("not escalated")
        OFFICER = 1, _("responsible officer")
        OFFICE = 2, _("whole judicial office")
        BUREAU = 3, _("bureau")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="obligations"
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
            # One open obligation of a kind per supervisee: creating it twice is a no-op.
            models.UniqueConstraint(
                fields=["supervisee", "kind"], condition=Q(done_at__isnull=True), name="obligation_one_open_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0) & Q(escalation_level__lte=3), name="obligation_level_range"
            ),
        ]
        indexes = [
            models.Index(fields=["done_at", "due_at"], name="obligation_open_due"),
            models.Index(fields=["supervisee", "done_at"], name="obligation_supervisee_open"),
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
