"""Monthly assessment (考核) of supervisees on a rubric the bureau configures (issue 16, item 1).

- ``Rubric``: one version of the bureau's rubric. A new version is a new row: the assessments already made keep
  the version they were made on (``Assessment.rubric`` is protected), and a version in use is never edited.
- ``RubricItem``: an item of a version (code, label in both languages, maximum points, and its ``source``: how
  the platform pre-fills it from what it records, or ``manual``).
- ``GradeBand``: a grade of a version (合格, 基本合格, 不合格 ...) from a minimum total.
- ``Assessment``: one supervisee's assessment for one period (a month by default), pre-filled, completed by the
  responsible officer, submitted, then approved or returned by the head of the person's judicial office.
- ``Score``: the points of one item: what the platform pre-filled with its explanation in words, and the
  officer's points (a change from the pre-filled points needs a reason).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coordination.models import TEXT_MAX_LENGTH, Supervisee


def _localised(zh: str, en: str) -> str:
    return en if (get_language() or "").startswith("en") else zh


class Rubric(models.Model):
    """One version of the bureau's assessment rubric."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("in force"), default=False)
    note = models.CharField(_("what changed in this version"), max_length=TEXT_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment rubric")
        verbose_name_plural = _("assessment rubrics")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="assessment_rubric_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def max_total(self) -> int:
        return sum(item.max_points for item in self.items.all())


class RubricItem(models.Model):
    """An item of a rubric version, and how the platform pre-fills it."""

    class Source(models.TextChoices):
        CHECKINS = "checkins", _("reporting on time (check-ins)")
        RULES = "rules", _("rules kept (travel and prohibition breaches)")
        LOST_CONTACT = "lost_contact", _("lost-contact episodes")
        EDUCATION = "education_hours", _("education hours against the target")
        ACTIVITY = "activity_hours", _("public-interest activity hours against the target")
        SANCTIONS = "sanctions", _("rewards and sanctions decided in the period")
        MANUAL = "manual", _("scored by the officer")

    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=40)
    label_zh = models.CharField(_("label (Chinese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    source = models.CharField(_("pre-filled from"), max_length=20, choices=Source.choices)

    class Meta:
        verbose_name = _("rubric item")
        verbose_name_plural = _("rubric items")
        ordering = ["rubric", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="assessment_item_code_once"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="assessment_item_points_positive"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localised(self.label_zh, self.label_en)


class GradeBand(models.Model):
    """A grade of a rubric version: reached from ``min_total`` points."""

    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.CASCADE, related_name="grades")
    code = models.SlugField(_("code"), max_length=40)
    label_zh = models.CharField(_("label (Chinese)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100)
    min_total = models.PositiveSmallIntegerField(_("from total points"))

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["rubric", "-min_total"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="assessment_grade_code_once"),
            models.UniqueConstraint(fields=["rubric", "min_total"], name="assessment_grade_floor_once"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localised(self.label_zh, self.label_en)


class Assessment(models.Model):
    """A supervisee's assessment for one period (``month`` is the period's first day)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("being completed")
        SUBMITTED = "submitted", _("awaiting review")
        RETURNED = "returned", _("returned for changes")
        APPROVED = "approved", _("reviewed and approved")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="assessments"
    )
    month = models.DateField(_("month assessed"))
    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="assessments")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    total = models.PositiveSmallIntegerField(_("total points"), null=True, blank=True)
    grade = models.ForeignKey(
        GradeBand, verbose_name=_("grade"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prefilled_at = models.DateTimeField(_("pre-filled"), null=True, blank=True)
    note = models.TextField(_("officer's note"), max_length=TEXT_MAX_LENGTH, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("monthly assessment")
        verbose_name_plural = _("monthly assessments")
        ordering = ["-month", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["supervisee", "month"], name="assessment_once_per_month"),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(reviewed_by__isnull=False, total__isnull=False),
                name="assessment_approved_has_reviewer",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=models.F("submitted_by")),
                name="assessment_not_own_review",
            ),
        ]
        indexes = [models.Index(fields=["month", "state"], name="assessment_month_state")]

    def __str__(self) -> str:
        return f"{self.supervisee_id} · {self.month:%Y-%m}"

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class Score(models.Model):
    """The points of one rubric item in one assessment."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(RubricItem, verbose_name=_("rubric item"), on_delete=models.PROTECT, related_name="+")
    prefilled = models.PositiveSmallIntegerField(_("pre-filled points"), null=True, blank=True)
    explanation = models.CharField(_("how it was pre-filled"), max_length=TEXT_MAX_LENGTH, blank=True)
    points = models.PositiveSmallIntegerField(_("points"), null=True, blank=True)
    override_reason = models.CharField(_("reason for changing the points"), max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        ordering = ["assessment", "item__position", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="assessment_score_once")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.points}"

    @property
    def overridden(self) -> bool:
        return self.points is not None and self.prefilled is not None and self.points != self.prefilled


__all__ = ["Assessment", "GradeBand", "Rubric", "RubricItem", "Score"]
