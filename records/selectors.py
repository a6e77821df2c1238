"""Reads of the document service, each from the policy's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import scoping
from coordination.access import logged
from records.models import DocumentKind, IssuedDocument

STATES = ("valid", "voided", "scanned", "unscanned")


def documents_for(user: Any) -> QuerySet[IssuedDocument]:
    """The documents the user may see, with what a register row shows, each read logged."""
    rows = scoping.scope(user, IssuedDocument).select_related("office", "supervisee", "issued_by", "voided_by")
    return logged(rows, user=user, object_type="issued_document", supervisee_id=lambda row: row.supervisee_id)


def register(
    user: Any, *, office_id: int | None = None, year: int | None = None, kind: str = "", state: str = "", q: str = ""
) -> QuerySet[IssuedDocument]:
    """The register: the user's documents filtered by office, year, kind, state and a number or name."""
    rows = documents_for(user)
    if office_id:
        rows = rows.filter(office_id=office_id)
    if year:
        rows = rows.filter(year=year)
    if kind in DocumentKind.values:
        rows = rows.filter(kind=kind)
    if state == "valid":
        rows = rows.filter(voided_at__isnull=True)
    elif state == "voided":
        rows = rows.filter(voided_at__isnull=False)
    elif state == "scanned":
        rows = rows.exclude(scan="")
    elif state == "unscanned":
        rows = rows.filter(scan="", voided_at__isnull=True)
    q = q.strip()
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(supervisee__name__icontains=q)
            | Q(kind=DocumentKind.VOLUNTEER_CERTIFICATE, snapshot__name__icontains=q)
        )
    return rows.order_by("office__name", "-year", "kind", "-sequence")


def for_verification(uuid: Any) -> IssuedDocument | None:
    """A document by its public id for the public check (no person loaded)."""
    return scoping.scope(None, IssuedDocument, "verify").select_related("office").filter(uuid=uuid).first()
