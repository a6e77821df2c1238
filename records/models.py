"""The document service: versioned templates, issued documents with a yearly number per office and kind,
and the counters that keep the numbers gap-free (docs/records.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.attachments import private_path, private_storage


class DocumentKind(models.TextChoices):
    TRAVEL_CERTIFICATE = "travel_certificate", _("travel certificate")
    TRAVEL_APPROVAL = "travel_approval", _("travel approval form")
    REFERRAL_LETTER = "referral_letter", _("referral letter")
    INTAKE_ANNOUNCEMENT = "intake_announcement", _("intake announcement document")
    SANCTION_DECISION = "sanction_decision", _("sanction decision")
    RELEASE_CERTIFICATE = "release_certificate", _("release certificate")
    # The supervision documents (issue 17, items 1-2).
    TERMINATION_NOTICE = "termination_notice", _("termination notice")
    CORRECTION_PLAN = "correction_plan", _("correction plan")
    SANCTION_PROPOSAL = "sanction_proposal", _("sanction proposal")
    LOST_CONTACT_NOTICE = "lost_contact_notice", _("lost-contact notice")
    CONTACT_APPROVAL = "contact_approval", _("contact approval form")
    ENTRY_APPROVAL = "entry_approval", _("entry approval form")
    RELOCATION_APPROVAL = "relocation_approval", _("relocation approval form")
    # Referral letters and volunteer certificates (issue 17 items 1-3).
    VOLUNTEER_CERTIFICATE = "volunteer_certificate", _("certificate of volunteer service record")


# The character of each kind in its number (新密矫〔2026〕外字第 12 号): the register's table of prefixes.
NUMBER_PREFIXES: dict[str, str] = {
    DocumentKind.TRAVEL_CERTIFICATE: "外",
    DocumentKind.TRAVEL_APPROVAL: "外审",
    DocumentKind.REFERRAL_LETTER: "转",
    DocumentKind.INTAKE_ANNOUNCEMENT: "宣",
    DocumentKind.SANCTION_DECISION: "处",
    DocumentKind.RELEASE_CERTIFICATE: "解",
    # The supervision documents (issue 17, items 1-2).
    DocumentKind.TERMINATION_NOTICE: "终",
    DocumentKind.CORRECTION_PLAN: "案",
    DocumentKind.SANCTION_PROPOSAL: "建",
    DocumentKind.LOST_CONTACT_NOTICE: "脱",
    DocumentKind.CONTACT_APPROVAL: "会",
    DocumentKind.ENTRY_APPROVAL: "入",
    DocumentKind.RELOCATION_APPROVAL: "迁",
    # Referral letters and volunteer certificates (issue 17 items 1-3).
    DocumentKind.VOLUNTEER_CERTIFICATE: "志",
}

# What the public verification page shows of a document besides its number, kind, date, office and state:
# nothing for a document about a supervisee; the volunteer's masked name and hours for a volunteer
# certificate (as the volunteers' own check always did). Keys of the snapshot.
PUBLIC_PARTICULARS: dict[str, tuple[str, ...]] = {
    DocumentKind.VOLUNTEER_CERTIFICATE: ("name", "total_hours"),
}


class ImmutableError(ValueError):
    """An attempt to change what a template version or an issued document already says."""


class DocumentTemplate(models.Model):
    """One version of the text of a document kind. A version that has issued a document is never edited:
    the bureau adds a new version, in force from its date."""

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("version"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    body = models.TextField(
        _("body"), help_text=_("One line per paragraph; {placeholders} are filled from the decision's data.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    effective_from = models.DateField(_("in force from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="records_template_kind_version")]

    def __str__(self) -> str:
        return f"{self.title_zh} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk and IssuedDocument.objects.filter(template_id=self.pk).exists():
            raise ImmutableError("a template version that has issued documents is never edited; add a version")
        super().save(*args, **kwargs)


class OfficeCode(models.Model):
    """The short code of an office in its document numbers (新密矫); without a row, the first two characters
    of the office's name and 矫."""

    office = models.OneToOneField(
        "services.Organisation", verbose_name=_("office"), on_delete=models.CASCADE, related_name="document_code"
    )
    code = models.CharField(_("document code"), max_length=16)

    class Meta:
        verbose_name = _("office document code")
        verbose_name_plural = _("office document codes")

    def __str__(self) -> str:
        return self.code


class NumberCounter(models.Model):
    """The last sequence issued per office, kind and year; locked (SELECT ... FOR UPDATE) while issuing."""

    office = models.ForeignKey("services.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "kind", "year"], name="records_counter_office_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.kind}/{self.year}: {self.last}"


class IssuedDocument(models.Model):
    """A document as issued: number, the data it was rendered from, the PDF and its SHA-256. Immutable; a
    correction voids it (with a reason) and issues a new one."""

    # Set once after issue; everything else is frozen.
    SET_ONCE = (
        "voided_at",
        "voided_by_id",
        "void_reason",
        "replaced_by_id",
        "scan",
        "scan_uploaded_at",
        "scan_uploaded_by_id",
    )

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    office = models.ForeignKey(
        "services.Organisation", verbose_name=_("office"), on_delete=models.PROTECT, related_name="issued_documents"
    )
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=64)
    supervisee = models.ForeignKey(
        "coordination.Supervisee",
        verbose_name=_("supervisee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
    )
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    template = models.ForeignKey(
        DocumentTemplate, verbose_name=_("template version"), on_delete=models.PROTECT, related_name="documents"
    )
    snapshot = models.JSONField(_("data rendered"))
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to=private_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("replaced by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scan = models.FileField(_("signed and stamped scan"), storage=private_storage, upload_to=private_path, blank=True)
    scan_uploaded_at = models.DateTimeField(_("scan uploaded at"), null=True, blank=True)
    scan_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scan uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-year", "kind", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "year", "sequence"], name="records_document_office_kind_year_sequence"
            )
        ]
        indexes = [models.Index(fields=["source_type", "source_id"], name="records_document_source")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            self._refuse_changes()
        super().save(*args, **kwargs)

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    def _refuse_changes(self) -> None:
        stored = IssuedDocument.objects.filter(pk=self.pk).values().first()
        if stored is None:
            return
        for field in self._meta.concrete_fields:
            name = field.attname
            new = getattr(self, name)
            if name in ("pdf", "scan"):
                new = new.name or ""
                stored[name] = stored[name] or ""
            if new == stored[name]:
                continue
            if name in self.SET_ONCE and stored[name] in (None, ""):
                continue
            raise ImmutableError(f"an issued document's {name} is never changed")
