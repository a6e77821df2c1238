"""Who sees and issues documents: the officers of the issuing office and the bureau (docs/records.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from accounts.roles import Role, is_bureau_admin, organisation_ids
from records.models import IssuedDocument


def _office_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return organisation_ids(user, Role.OFFICE_OFFICER)


def works_for(user: Any, office: Any) -> bool:
    """The bureau, or an officer (or head) of ``office``."""
    if office is None or not getattr(user, "is_authenticated", False):
        return False
    return is_bureau_admin(user) or office.pk in _office_ids(user)


class IssuedDocumentPolicy(scoping.BasePolicy):
    model = IssuedDocument

    def rows_view(self, user: Any) -> QuerySet[Any]:
        """The bureau sees every document; an officer the documents of their own offices; social workers,
        providers, volunteers and the public none (the public checks one document by its code only)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return IssuedDocument.objects.none()
        if is_bureau_admin(user):
            return IssuedDocument.objects.all()
        return IssuedDocument.objects.filter(office_id__in=_office_ids(user))

    def rows_verify(self, user: Any) -> QuerySet[Any]:
        """Anyone may check a document by its public id; the page shows only number, kind, date, office and
        whether it is valid, never the person."""
        return IssuedDocument.objects.all()

    def allow_issue(self, user: Any, obj: Any = None) -> bool:
        """Issue a document of an office (``obj`` is the office): its officers and the bureau."""
        return works_for(user, obj)

    def allow_void(self, user: Any, obj: Any = None) -> bool:
        """Void a document not yet voided: officers of its office and the bureau."""
        return obj is not None and obj.voided_at is None and works_for(user, obj.office)

    def allow_scan(self, user: Any, obj: Any = None) -> bool:
        """Upload the signed and stamped scan once, of a valid document: officers of its office and the bureau."""
        return obj is not None and obj.voided_at is None and not obj.scan and works_for(user, obj.office)


def register() -> None:
    scoping.register(IssuedDocument, IssuedDocumentPolicy())
