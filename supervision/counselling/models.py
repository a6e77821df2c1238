"""Counselling and psychological assessment (issue 16 item 4).

- ``CounsellingSession``: one session with a counsellor (staff of a counselling centre or a social-work
  agency): when, how long, and a summary the case staff may read.
- ``CounsellingNote``: the counsellor's notes of a session, in a table of their own so that no query for
  sessions can carry them: only the members of the session's organisation read them.
- ``PsychAssessment``: a psychological assessment (instrument, score, date, interpretation), restricted to
  the counsellor's organisation and the bureau.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coordination.models import TEXT_MAX_LENGTH, Supervisee

__all__ = ["CounsellingNote", "CounsellingSession", "PsychAssessment"]


class CounsellingSession(models.Model):
    """A counselling session (心理辅导): who, when, how long, and the summary the officer sees."""

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="counselling_sessions"
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("counsellor"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "services.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    minutes = models.PositiveIntegerField(_("minutes"))
    summary = models.TextField(_("summary"), max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")
        ordering = ["-held_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0), name="counselling_minutes_positive")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} · {self.minutes}"


class CounsellingNote(models.Model):
    """The counsellor's own notes of a session: only the session's organisation reads them."""

    session = models.OneToOneField(
        CounsellingSession, verbose_name=_("counselling session"), on_delete=models.CASCADE, related_name="note"
    )
    text = models.TextField(_("notes"), max_length=TEXT_MAX_LENGTH)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("counselling note")
        verbose_name_plural = _("counselling notes")

    def __str__(self) -> str:
        return str(self.session)


class PsychAssessment(models.Model):
    """A psychological assessment (心理测评) with its instrument and score; restricted visibility."""

    class Instrument(models.TextChoices):
        SCL_90 = "scl_90", "SCL-90"
        SDS = "sds", "SDS"
        SAS = "sas", "SAS"
        OTHER = "other", _("other")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="psych_assessments"
    )
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "services.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    interpretation = models.TextField(_("interpretation"), max_length=TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("psychological assessment")
        verbose_name_plural = _("psychological assessments")
        ordering = ["-assessed_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(score__gte=0), name="psych_score_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.score}"
