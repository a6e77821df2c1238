"""Every write of the document service: issue (numbered, rendered, hashed, stored privately), void, and the
upload of the signed and stamped scan. Each asks the policy first."""

from __future__ import annotations

import hashlib
import uuid as uuidlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import attachments, scoping
from accounts.links import absolute_url
from config.errors import ActionError
from records import pdf
from records.models import NUMBER_PREFIXES, DocumentTemplate, IssuedDocument, NumberCounter, OfficeCode
from records.policies import Issuing


def template_in_force(kind: str, *, on=None) -> DocumentTemplate:
    """The newest version of a kind in force on a day (today by default)."""
    day = on or timezone.localdate()
    template = (
        DocumentTemplate.objects.filter(kind=kind, effective_from__lte=day)
        .order_by("-effective_from", "-version")
        .first()
    )
    if template is None:
        raise ActionError(_("No template of this kind of document is in force."), code="conflict")
    return template


def office_code(office: Any) -> str:
    """The office's short code in numbers (its OfficeCode row, else the first two characters of its name and 矫)."""
    row = OfficeCode.objects.filter(office=office).first()
    return row.code if row else f"{office.name[:2]}矫"


def format_number(*, office: Any, kind: str, year: int, sequence: int) -> str:
    return f"{office_code(office)}〔{year}〕{NUMBER_PREFIXES[kind]}字第 {sequence} 号"


def _next_sequence(*, office: Any, kind: str, year: int) -> int:
    """The next number of the office, kind and year, holding the counter's row lock until the issuing
    transaction ends: two issuers wait for each other, so numbers never repeat or skip."""
    NumberCounter.objects.bulk_create([NumberCounter(office=office, kind=kind, year=year)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(office=office, kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _may_issue(actor: Any, *, kind: str, office: Any, source: Any) -> None:
    if not scoping.policy_for(IssuedDocument).can(actor, "issue", Issuing(kind=kind, office=office, source=source)):
        raise PermissionDenied(_("Only the officers of the office and the bureau issue its documents."))


@transaction.atomic
def issue(
    *, kind: str, office: Any, supervisee: Any, source: Any, data: dict, actor: Any, request=None
) -> IssuedDocument:
    """Issue a document of ``kind`` for ``office`` from a decision's ``data``: the template in force, the
    next number, the PDF rendered once and stored privately with its SHA-256."""
    _may_issue(actor, kind=kind, office=office, source=source)
    template = template_in_force(kind)
    now = timezone.now()
    year = timezone.localtime(now).year
    sequence = _next_sequence(office=office, kind=kind, year=year)
    number = format_number(office=office, kind=kind, year=year, sequence=sequence)
    public_id = uuidlib.uuid4()
    verify_url = absolute_url(reverse("records:verify", kwargs={"uuid": public_id}), request)
    snapshot = {
        **{key: str(value) for key, value in data.items()},
        "number": number,
        "office": office.name,
        "issued_on": f"{timezone.localtime(now):%Y年%m月%d日}",
        "legal_basis": template.legal_basis,
        "verify_url": verify_url,
    }
    body = pdf.render(
        # A kind with several forms (the sanction decisions, the proposals) names its form in the title.
        title=pdf.fill(template.title_zh, snapshot),
        number=number,
        body=template.body,
        snapshot=snapshot,
        verify_url=verify_url,
        author=office.name,
    )
    document = IssuedDocument(
        uuid=public_id,
        kind=kind,
        office=office,
        year=year,
        sequence=sequence,
        number=number,
        supervisee=supervisee,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        template=template,
        snapshot=snapshot,
        sha256=hashlib.sha256(body).hexdigest(),
        issued_by=actor,
        issued_at=now,
    )
    document.pdf.save("document.pdf", ContentFile(body), save=False)
    document.save()
    return document


def issued_for(*, kind: str, source: Any) -> IssuedDocument | None:
    """The valid document of ``kind`` issued from ``source``, if any."""
    return (
        IssuedDocument.objects.filter(
            kind=kind,
            source_type=ContentType.objects.get_for_model(source),
            source_id=source.pk,
            voided_at__isnull=True,
        )
        .order_by("-issued_at")
        .first()
    )


def issued_or_issue(
    *, kind: str, office: Any, supervisee: Any, source: Any, data: Any, actor: Any, request=None
) -> IssuedDocument:
    """The valid document of ``kind`` issued from ``source``, or a new one issued now. The caller holds the
    source's row lock, so two downloads at once issue one document; ``data`` may be a callable, so the data is
    only gathered when a document is issued (in Chinese, the documents' language, whatever the reader's)."""
    existing = issued_for(kind=kind, source=source)
    if existing is not None:
        return existing
    with translation.override(settings.LANGUAGE_CODE):
        data = data() if callable(data) else data
        return issue(
            kind=kind, office=office, supervisee=supervisee, source=source, data=data, actor=actor, request=request
        )


# How each kind is issued again from its decision after a void: registered by the apps whose decisions
# issue documents (records imports none of them). An issuer takes the source, the actor and the request.
_ISSUERS: dict[str, Callable[[Any, Any, Any], IssuedDocument]] = {}


def register_issuer(kind: str, issuer: Callable[[Any, Any, Any], IssuedDocument]) -> None:
    _ISSUERS[kind] = issuer


def may_reissue(document: IssuedDocument) -> bool:
    """A void document that nothing replaces yet, of a kind issued from a decision that still exists."""
    return (
        document.voided_at is not None
        and document.replaced_by_id is None
        and document.kind in _ISSUERS
        and document.source_id is not None
    )


@transaction.atomic
def reissue(*, document: IssuedDocument, actor: Any, request=None) -> IssuedDocument:
    """Issue the corrected document of a void one from the same decision (a new number, the template in force,
    the decision's data as it is now), and record on the void one what replaced it."""
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.voided_at is None:
        raise ActionError(_("Only a void document is issued again; void it first, with the reason."), code="conflict")
    if document.replaced_by_id is not None:
        raise ActionError(_("A corrected document has already been issued in place of this one."), code="conflict")
    issuer = _ISSUERS.get(document.kind)
    source = document.source if document.source_id is not None else None
    if issuer is None or source is None:
        raise ActionError(_("This kind of document is issued again from its own page."), code="conflict")
    _may_issue(actor, kind=document.kind, office=document.office, source=source)
    replacement = issuer(source, actor, request)
    document.replaced_by = replacement
    document.save()
    return replacement


@transaction.atomic
def void(
    *, document: IssuedDocument, actor: Any, reason: str, replaced_by: IssuedDocument | None = None
) -> IssuedDocument:
    """Void a document with a reason; the original (number, PDF, hash) stays as it was."""
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.voided_at is not None:
        raise ActionError(_("This document is already void."), code="conflict")
    if not scoping.policy_for(IssuedDocument).can(actor, "void", document):
        raise PermissionDenied(_("Only the officers of the office and the bureau void its documents."))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError({"reason": [_("Say why the document is voided.")]})
    document.voided_at = timezone.now()
    document.voided_by = actor
    document.void_reason = reason
    document.replaced_by = replaced_by
    document.save()
    return document


@transaction.atomic
def upload_scan(*, document: IssuedDocument, actor: Any, file: Any) -> IssuedDocument:
    """Keep the signed and stamped scan of a valid document (once), checked by content like every upload."""
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.voided_at is not None or document.scan:
        raise ActionError(_("A scan is kept once, for a valid document."), code="conflict")
    if not scoping.policy_for(IssuedDocument).can(actor, "scan", document):
        raise PermissionDenied(_("Only the officers of the office and the bureau keep its scans."))
    try:
        mime = attachments.validate_attachment(file)
    except ValidationError as refused:
        raise ActionError({"file": [f"“{file.name}”: {message}" for message in refused.messages]}) from None
    file.seek(0)
    document.scan.save(f"scan{attachments.ALLOWED_KINDS[mime]}", file, save=False)
    document.scan_uploaded_at = timezone.now()
    document.scan_uploaded_by = actor
    document.save()
    return document
