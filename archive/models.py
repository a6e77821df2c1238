"""The case archive (issue 17 item 4, docs/archive.md): one archive per supervisee's correction, closed on
release or termination, with its two volumes (执行档案 kept by the county bureau, 工作档案 kept by the judicial
office; Implementation Measures Art. 18), each with its retention due date from the rule book, and the
disposal records kept forever once a volume is destroyed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VolumeKind(models.TextChoices):
    EXECUTION = "execution", _("execution archive")
    WORK = "work", _("work archive")


class Ending(models.TextChoices):
    RELEASE = "release", _("released")
    TERMINATION = "termination", _("terminated")


class CaseArchive(models.Model):
    """The archive of one supervisee's correction, closed when the correction ends (who, when, why)."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    supervisee = models.OneToOneField(
        "coordination.Supervisee", verbose_name=_("supervisee"), on_delete=models.PROTECT, related_name="archive"
    )
    office = models.ForeignKey(
        "services.Organisation", verbose_name=_("office"), on_delete=models.PROTECT, related_name="case_archives"
    )
    # The platform's own case number, kept with the disposal records after the person is anonymised.
    case_number = models.CharField(_("case number"), max_length=24)
    ending = models.CharField(_("how the correction ended"), max_length=20, choices=Ending.choices)
    closed_on = models.DateField(_("correction ended on"))
    closed_at = models.DateTimeField(_("archive closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("case archive")
        verbose_name_plural = _("case archives")
        ordering = ["-closed_on", "-pk"]
        indexes = [models.Index(fields=["office", "closed_on"], name="archive_office_closed")]

    def __str__(self) -> str:
        return self.case_number


class ArchiveVolume(models.Model):
    """One of the two volumes of an archive, kept until its retention due date, then disposed of."""

    archive = models.ForeignKey(
        CaseArchive, verbose_name=_("archive"), on_delete=models.CASCADE, related_name="volumes"
    )
    kind = models.CharField(_("volume"), max_length=12, choices=VolumeKind.choices)
    rule_code = models.SlugField(_("retention rule"), max_length=60)
    due_on = models.DateField(_("retention ends"))
    disposed_at = models.DateTimeField(_("disposed of at"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive volume")
        verbose_name_plural = _("archive volumes")
        ordering = ["archive", "kind"]
        constraints = [models.UniqueConstraint(fields=["archive", "kind"], name="archive_volume_once_per_kind")]
        indexes = [models.Index(fields=["due_on"], name="archive_volume_due")]

    def __str__(self) -> str:
        return f"{self.archive} {self.get_kind_display()}"


# What a disposal counts, by key (DisposalRecord.counts), as the page names it.
REMOVED_LABELS = {
    "issued_documents": _("issued documents (PDF, scan and data)"),
    "status_changes": _("status decisions (notes)"),
    "announcements": _("announcements (scans and text)"),
    "sanction_evidence": _("sanction evidence files"),
    "sanction_proposals": _("rewards and sanctions (facts)"),
    "movement_attachments": _("movement request attachments"),
    "movement_requests": _("movement requests (destination, reason, people, place)"),
    "case_notes": _("case notes"),
    "check_ins": _("check-ins (what was reported, attachments)"),
    "health_reports": _("health reports"),
    "assessments": _("monthly assessments (notes)"),
    "referrals": _("referrals (messages and notes)"),
    "supervisee": _("the person's identity (name, contacts, resident ID number)"),
}


class DisposalRecord(models.Model):
    """What a disposal removed (counts per kind), who, when and why; kept forever, never the data itself."""

    volume = models.OneToOneField(
        ArchiveVolume, verbose_name=_("volume"), on_delete=models.PROTECT, related_name="disposal"
    )
    office = models.ForeignKey("services.Organisation", verbose_name=_("office"), on_delete=models.PROTECT)
    case_number = models.CharField(_("case number"), max_length=24)
    kind = models.CharField(_("volume"), max_length=12, choices=VolumeKind.choices)
    due_on = models.DateField(_("retention ends"))
    counts = models.JSONField(_("removed, per kind"), default=dict)
    files_removed = models.PositiveIntegerField(_("files removed"), default=0)
    reason = models.TextField(_("reason"))
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("disposed of by"), on_delete=models.PROTECT, related_name="+"
    )
    disposed_at = models.DateTimeField(_("disposed of at"))

    class Meta:
        verbose_name = _("disposal record")
        verbose_name_plural = _("disposal records")
        ordering = ["-disposed_at"]

    def __str__(self) -> str:
        return f"{self.case_number} {self.get_kind_display()} {self.disposed_at:%Y-%m-%d}"

    def removed(self) -> list[tuple[str, int]]:
        """What was removed, as the page names it, with how many."""
        return [(str(REMOVED_LABELS.get(key, key)), count) for key, count in self.counts.items()]
