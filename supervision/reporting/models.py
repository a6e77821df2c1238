"""Supervision part 2, items 1-3 (issue 15): the reporting plan, check-ins, health reports, visits and
lost-contact episodes (脱管).

- ``ReportingOverride``: an officer's decision about how a person reports (mode, interval, whether the
  medical-parole health reports are owed), with the reason, who and when. Append-only: the newest row is in force.
- ``CheckinCode``: a one-time numeric check-in code, stored only as a keyed hash, single use, expiring.
- ``CheckIn``: one report (报到/报告): when, how, who recorded and confirmed it, late or not, what was reported.
- ``HealthReport``: a monthly health report or a re-examination document (暂予监外执行 on medical grounds).
- ``Visit``: a scheduled or done visit (走访): kind, who was seen, findings, discreet or not.
- ``LostContactEpisode`` and ``SearchStep``: from the alert to found, one open per person (a DB constraint).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coordination.models import TEXT_MAX_LENGTH, Supervisee
from supervision.models import CorrectionPlan
from supervision.reporting.uploads import private_storage

__all__ = [
    "CheckIn",
    "CheckinCode",
    "HealthReport",
    "LostContactEpisode",
    "ReportingOverride",
    "SearchStep",
    "Visit",
]


def private_upload(instance: models.Model, filename: str) -> str:
    """A non-guessable stored name (the original name is not kept), in private storage: served only by a scoped view."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"supervision/{type(instance).__name__.lower()}/{uuid.uuid4().hex}.{suffix[:5]}"


class ReportingOverride(models.Model):
    """An officer's override of the reporting plan derived from the correction plan, with its reason.

    ``reporting_mode`` blank and ``interval_days`` None mean "as the correction plan says" (an override
    cleared). ``health_reports`` says whether the person owes the medical-parole health reports."""

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="reporting_overrides"
    )
    reporting_mode = models.CharField(
        _("how they report"), max_length=20, choices=CorrectionPlan.ReportingMode.choices, blank=True
    )
    interval_days = models.PositiveSmallIntegerField(_("report every (days)"), null=True, blank=True)
    health_reports = models.BooleanField(
        _("owes health reports (temporary execution on medical grounds)"), default=False
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("reporting plan decision")
        verbose_name_plural = _("reporting plan decisions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_days__isnull=True) | Q(interval_days__gte=1), name="reporting_override_interval"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisee_id}: {self.reporting_mode or '-'} / {self.interval_days or '-'}"


class CheckinCode(models.Model):
    """A one-time check-in code: only its keyed hash is kept; used once; expires; locked after failed tries."""

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="checkin_codes"
    )
    code_hash = models.CharField(_("code (keyed hash)"), max_length=128)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("code issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("code issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)

    class Meta:
        verbose_name = _("one-time check-in code")
        verbose_name_plural = _("one-time check-in codes")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["supervisee", "used_at"], name="checkin_code_open")]

    def __str__(self) -> str:
        return f"{self.supervisee_id} · {self.issued_at:%Y-%m-%d %H:%M}"


class CheckIn(models.Model):
    """One check-in or periodic report: when, how, who recorded or confirmed it, late or not, what was said."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("in person at the office")
        CODE = "code", _("with a one-time code")
        PHONE = "phone", _("by phone")
        VIDEO = "video", _("by video call")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for an officer to confirm")
        CONFIRMED = "confirmed", _("confirmed")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="check_ins"
    )
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    occurred_at = models.DateTimeField(_("when"))
    due_on = models.DateField(_("was due"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    report = models.JSONField(_("what was reported"), default=dict, blank=True)
    changes_flagged = models.BooleanField(_("reports a change of address, job or family"), default=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("change noted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("change noted"), null=True, blank=True)
    attachment = models.FileField(_("attachment"), upload_to=private_upload, storage=private_storage, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    obligation = models.ForeignKey(
        "supervision.Obligation",
        verbose_name=_("obligation met"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="pending") | Q(confirmed_by__isnull=False), name="checkin_confirmed_has_confirmer"
            ),
        ]
        indexes = [models.Index(fields=["supervisee", "state"], name="checkin_supervisee_state")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} · {self.occurred_at:%Y-%m-%d}"


class HealthReport(models.Model):
    """A monthly health report or a re-examination result with its document (暂予监外执行, medical grounds)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("monthly health report")
        REEXAMINATION = "reexamination", _("re-examination")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="health_reports"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    document = models.FileField(_("health document"), upload_to=private_upload, storage=private_storage)
    note = models.CharField(_("note"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("medical health report")
        verbose_name_plural = _("medical health reports")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.submitted_at:%Y-%m-%d}"


class Visit(models.Model):
    """A visit (走访, CCL Art. 26) planned or done: kind, who was seen, findings, and whether it is discreet."""

    class Kind(models.TextChoices):
        HOME = "home", _("home")
        WORKPLACE = "workplace", _("workplace")
        SCHOOL = "school", _("school")
        VILLAGE = "village", _("village or residents' committee")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        DONE = "done", _("done")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="visits"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SCHEDULED)
    scheduled_on = models.DateField(_("planned for"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    people_seen = models.CharField(_("who was seen"), max_length=300, blank=True)
    findings = models.TextField(_("findings"), max_length=TEXT_MAX_LENGTH, blank=True)
    # The law asks that visits protect privacy: a discreet visit is never shown to the person in advance.
    discreet = models.BooleanField(_("discreet (not announced)"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="scheduled", scheduled_on__isnull=False) | Q(state="done", done_on__isnull=False),
                name="visit_dates_by_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.done_on or self.scheduled_on}"


class LostContactEpisode(models.Model):
    """A lost-contact episode (脱管, CCL Art. 30; Measures Art. 38): from the alert to found and closed.
    Exactly one open per person (a partial unique index)."""

    class Trigger(models.TextChoices):
        MISSED_REPORT = "missed_report", _("missed check-in")
        OFFICER = "officer", _("reported by an officer")

    class Outcome(models.TextChoices):
        FOUND = "found", _("found and back under supervision")
        RETURNED = "returned", _("came back on their own")
        DETAINED = "detained", _("detained by public security")
        OTHER = "other", _("other outcome")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="lost_contact_episodes"
    )
    trigger = models.CharField(_("opened by"), max_length=20, choices=Trigger.choices)
    lost_since = models.DateField(_("out of contact since"))
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    opened_at = models.DateTimeField(_("episode opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("what is known"), max_length=TEXT_MAX_LENGTH, blank=True)
    police_notified_on = models.DateField(_("public security notified"), null=True, blank=True)
    procuratorate_notified_on = models.DateField(_("procuratorate notified"), null=True, blank=True)
    found_at = models.DateTimeField(_("found"), null=True, blank=True)
    outcome = models.CharField(_("outcome of the search"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome details"), max_length=TEXT_MAX_LENGTH, blank=True)
    closed_at = models.DateTimeField(_("episode closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lost-contact episode")
        verbose_name_plural = _("lost-contact episodes")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervisee"], condition=Q(closed_at__isnull=True), name="lost_contact_one_open"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | (Q(found_at__isnull=False) & ~Q(outcome="")),
                name="lost_contact_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisee_id} · {self.lost_since}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SearchStep(models.Model):
    """One timestamped step of the search for a person out of contact, with its result."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("phoned the person")
        FAMILY = "family", _("asked the family")
        VILLAGE = "village", _("asked the village or residents' committee")
        WORKPLACE = "workplace", _("asked at the workplace or school")
        OTHER = "other", _("other step")

    episode = models.ForeignKey(
        LostContactEpisode, verbose_name=_("episode"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("search step"), max_length=20, choices=Kind.choices)
    taken_at = models.DateTimeField(_("when"))
    result = models.TextField(_("result"), max_length=TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("search step")
        verbose_name_plural = _("search steps")
        ordering = ["taken_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.taken_at:%Y-%m-%d %H:%M}"
