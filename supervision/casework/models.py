"""Social-work case plans (个案服务计划, issue 16 item 5).

A social worker of a social-work agency (purchased services) or of a judicial office keeps one plan per person
per engagement of their organisation:

- ``CasePlan``: the assessment of needs, how often progress is reviewed, open or closed.
- ``CaseGoal``: a goal with a target date; open, achieved, or dropped (with the reason).
- ``Intervention``: one piece of work (individual counselling, family work, employment help...) with its date,
  minutes and a working note that only the plan's organisation reads.
- ``ProgressReview``: a review of progress: what changed and the next steps.
- ``CasePlanEvent``: the append-only history of every change, so an edit of the assessment keeps the old text.

No law or contract sets how often a social worker reviews a case plan, so the review interval is a field of
the plan with a configurable default (``settings.CASEWORK_REVIEW_MONTHS``), not a rule-book row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.models import TEXT_MAX_LENGTH, Supervisee

__all__ = ["CaseGoal", "CasePlan", "CasePlanEvent", "Intervention", "ProgressReview", "default_review_months"]


def default_review_months() -> int:
    """The review interval a new plan starts with (practice, not law: see the module docstring)."""
    return int(getattr(settings, "CASEWORK_REVIEW_MONTHS", 3))


class CasePlan(models.Model):
    """A social worker's case plan for one person (个案服务计划)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case plan", "open")
        CLOSED = "closed", pgettext_lazy("case plan", "closed")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="case_plans"
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("social worker"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "services.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField(_("opened on"))
    needs_assessment = models.TextField(_("assessment of needs"), max_length=TEXT_MAX_LENGTH)
    review_every_months = models.PositiveSmallIntegerField(_("review every (months)"), default=default_review_months)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), max_length=TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervisee", "agency"], condition=Q(status="open"), name="casework_one_open_plan"
            ),
            models.CheckConstraint(condition=Q(review_every_months__gt=0), name="casework_review_interval"),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False),
                name="casework_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisee} · {self.opened_on:%Y-%m-%d}"


class CaseGoal(models.Model):
    """A goal of a case plan, with its target date and how it ended."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case goal", "open")
        ACHIEVED = "achieved", pgettext_lazy("case goal", "achieved")
        DROPPED = "dropped", pgettext_lazy("case goal", "dropped")

    plan = models.ForeignKey(CasePlan, verbose_name=_("case plan"), on_delete=models.CASCADE, related_name="goals")
    description = models.TextField(_("goal"), max_length=TEXT_MAX_LENGTH)
    target_date = models.DateField(_("target date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    status_reason = models.TextField(_("reason"), max_length=TEXT_MAX_LENGTH, blank=True)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("case goal")
        verbose_name_plural = _("case goals")
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(status_reason=""), name="casework_dropped_goal_reason"
            )
        ]

    def __str__(self) -> str:
        return self.description[:40]


class Intervention(models.Model):
    """One piece of social work for the person, with its minutes (the counts for contracts)."""

    class Kind(models.TextChoices):
        INDIVIDUAL_COUNSELLING = "individual", _("individual counselling")
        FAMILY_WORK = "family", _("family work")
        EMPLOYMENT_HELP = "employment", _("employment help")
        RESOURCE_LINKAGE = "resources", _("resource linkage")
        GROUP_WORK = "group", _("group work")
        CRISIS = "crisis", _("crisis intervention")
        OTHER = "other", _("other")

    plan = models.ForeignKey(
        CasePlan, verbose_name=_("case plan"), on_delete=models.CASCADE, related_name="interventions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    minutes = models.PositiveIntegerField(_("minutes"))
    # The working note: only the plan's organisation reads it (the office sees kind, date and minutes).
    note = models.TextField(_("working note"), max_length=TEXT_MAX_LENGTH, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-held_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0), name="casework_minutes_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%Y-%m-%d}"


class ProgressReview(models.Model):
    """A progress review of a case plan: what changed and the next steps."""

    plan = models.ForeignKey(CasePlan, verbose_name=_("case plan"), on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    changes = models.TextField(_("what changed"), max_length=TEXT_MAX_LENGTH)
    next_steps = models.TextField(_("next steps"), max_length=TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress review")
        verbose_name_plural = _("progress reviews")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.reviewed_on:%Y-%m-%d}"


class CasePlanEvent(models.Model):
    """One change of a case plan (append-only): who, when, what, and the text it replaced."""

    class Action(models.TextChoices):
        OPENED = "opened", pgettext_lazy("case plan history", "opened")
        ASSESSMENT = "assessment", pgettext_lazy("case plan history", "assessment changed")
        GOAL_ADDED = "goal_added", pgettext_lazy("case plan history", "goal added")
        GOAL_STATUS = "goal_status", pgettext_lazy("case plan history", "goal status changed")
        INTERVENTION = "intervention", pgettext_lazy("case plan history", "intervention recorded")
        REVIEW = "review", pgettext_lazy("case plan history", "progress reviewed")
        CLOSED = "closed", pgettext_lazy("case plan history", "closed")

    plan = models.ForeignKey(CasePlan, verbose_name=_("case plan"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    previous = models.TextField(_("previous text"), max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("case plan change")
        verbose_name_plural = _("case plan changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"
