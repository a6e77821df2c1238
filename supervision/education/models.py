"""Education sessions, public-interest activities and attendance (issue 16, item 3).

- ``Session``: one education session or public-interest activity of a judicial office (CCL Arts. 36, 42): its
  kind, time, place, topic and facilitator (a staff user, or a volunteer through an existing volunteer
  shift); a minors-only session keeps minors apart from adults (CCL Art. 52).
- ``Attendance``: one supervisee's attendance at a session: present, absent, or excused with a reason, and the
  minutes attended. Monthly hours are counted from it against the rule book's targets.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coordination.models import TEXT_MAX_LENGTH, Supervisee
from services.models import Organisation


class Session(models.Model):
    """An education session or a public-interest activity an office holds."""

    class Kind(models.TextChoices):
        GROUP = "group", _("group education")
        INDIVIDUAL = "individual", _("individual education")
        LEGAL = "legal", _("legal education")
        MORAL = "moral", _("moral education")
        MENTAL_HEALTH = "mental_health", _("mental-health education")
        VOCATIONAL = "vocational", _("vocational training")
        PUBLIC_INTEREST = "public_interest", _("public-interest activity")

    office = models.ForeignKey(
        Organisation,
        verbose_name=_("judicial office"),
        on_delete=models.PROTECT,
        related_name="education_sessions",
        limit_choices_to={"kind": Organisation.Kind.JUDICIAL_OFFICE},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200)
    # A staff user (an officer or a social worker) or a volunteer through an existing volunteer shift.
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    volunteer_shift = models.ForeignKey(
        "volunteers.Shift",
        verbose_name=_("facilitating volunteer shift"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="education_sessions",
    )
    minors_only = models.BooleanField(
        _("minors only"), default=False, help_text=_("Minors are kept apart from adults (CCL Art. 52).")
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("education or activity session")
        verbose_name_plural = _("education or activity sessions")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="education_session_ends_after_start"),
        ]
        indexes = [models.Index(fields=["office", "starts_at"], name="education_session_office_start")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.topic}"

    @property
    def is_activity(self) -> bool:
        return self.kind == self.Kind.PUBLIC_INTEREST

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Attendance(models.Model):
    """A supervisee's attendance at one session."""

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent without excuse")
        EXCUSED = "excused", _("excused")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    excuse = models.CharField(_("reason for the excuse"), max_length=TEXT_MAX_LENGTH, blank=True)
    minutes = models.PositiveIntegerField(_("minutes attended"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "supervisee"], name="attendance_once_per_session"),
            models.CheckConstraint(condition=~Q(status="excused") | ~Q(excuse=""), name="attendance_excuse_has_reason"),
            # Only those present attend minutes.
            models.CheckConstraint(condition=Q(status="present") | Q(minutes=0), name="attendance_minutes_if_present"),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.get_status_display()}"


__all__ = ["Attendance", "Session"]
