"""``ImportedCase``: a case received from another deployment in a package (docs/interchange.md).

One row per (source deployment, source case id): a unique constraint refuses a second import of the same
case. The package is kept as received: the staff names (people as text), the archive index and anything
this platform does not map to a row stay readable here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coordination.models import Supervisee

__all__ = ["ImportedCase"]


class ImportedCase(models.Model):
    """A case imported from another deployment of this platform: where from, which case, who imported it."""

    source_deployment = models.CharField(_("sending deployment"), max_length=100)
    source_case_id = models.CharField(_("case id at the sending deployment"), max_length=64)
    source_case_number = models.CharField(_("case number at the sending deployment"), max_length=24, blank=True)
    supervisee = models.OneToOneField(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="imported_from"
    )
    package = models.JSONField(_("package as received"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported case")
        verbose_name_plural = _("imported cases")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source_deployment", "source_case_id"], name="imported_case_once"),
        ]

    def __str__(self) -> str:
        return f"{self.source_deployment} · {self.source_case_number or self.source_case_id}"
