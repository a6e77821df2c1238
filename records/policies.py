"""Who sees and issues documents (docs/records.md): the officers of the issuing office and the bureau; for a
certificate of volunteer service record, the coordinators of the volunteer team that issues it, and the
volunteer themselves may ask for their own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from accounts import scoping
from accounts.roles import Role, is_bureau_admin, organisation_ids
from records.models import DocumentKind, IssuedDocument

# Kinds a volunteer team issues (its coordinators keep them, as officers keep their office's).
TEAM_KINDS = (DocumentKind.VOLUNTEER_CERTIFICATE,)


@dataclass(frozen=True)
class Issuing:
    """What the issue question is asked about: the kind, the issuing office and the decision it comes from."""

    kind: str
    office: Any
    source: Any = None


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _office_ids(user: Any) -> set[int]:
    if not _active(user):
        return set()
    return organisation_ids(user, Role.OFFICE_OFFICER)


def _team_ids(user: Any) -> set[int]:
    if not _active(user):
        return set()
    return organisation_ids(user, Role.VOLUNTEER_COORDINATOR)


def works_for(user: Any, office: Any) -> bool:
    """The bureau, or an officer (or head) of ``office``."""
    if office is None or not getattr(user, "is_authenticated", False):
        return False
    return is_bureau_admin(user) or office.pk in _office_ids(user)


def keeps(user: Any, kind: str, office: Any) -> bool:
    """Keeps documents of ``kind`` issued in the name of ``office``: the bureau and the office's officers, and
    for a volunteer team's kinds also the team's coordinators."""
    if works_for(user, office):
        return True
    return kind in TEAM_KINDS and office is not None and office.pk in _team_ids(user)


class IssuedDocumentPolicy(scoping.BasePolicy):
    model = IssuedDocument

    def rows_view(self, user: Any) -> QuerySet[Any]:
        """The bureau sees every document; an officer the documents of their own offices; a volunteer
        coordinator the volunteer certificates of their team; social workers, providers, volunteers and the
        public none (the public checks one document by its code only)."""
        if not _active(user):
            return IssuedDocument.objects.none()
        if is_bureau_admin(user):
            return IssuedDocument.objects.all()
        return IssuedDocument.objects.filter(
            Q(office_id__in=_office_ids(user)) | Q(kind__in=TEAM_KINDS, office_id__in=_team_ids(user))
        )

    def rows_verify(self, user: Any) -> QuerySet[Any]:
        """Anyone may check a document by its public id; the page shows only number, kind, date, office and
        whether it is valid, and what the kind allows (``PUBLIC_PARTICULARS``), never a supervisee."""
        return IssuedDocument.objects.all()

    def allow_issue(self, user: Any, obj: Any = None) -> bool:
        """Issue a document (``obj`` an ``Issuing``, or the office): the office's officers and the bureau; a
        volunteer certificate also the team's coordinators and the volunteer it is for (Volunteer Service
        Regulations Art. 19: issued on the volunteer's request)."""
        office = getattr(obj, "office", obj)
        kind = getattr(obj, "kind", "")
        if keeps(user, kind, office):
            return True
        source = getattr(obj, "source", None)
        return (
            kind == DocumentKind.VOLUNTEER_CERTIFICATE
            and _active(user)
            and source is not None
            and getattr(source, "user_id", None) == user.pk
        )

    def allow_void(self, user: Any, obj: Any = None) -> bool:
        """Void a document not yet voided: those who keep its office's documents of its kind."""
        return obj is not None and obj.voided_at is None and keeps(user, obj.kind, obj.office)

    def allow_reissue(self, user: Any, obj: Any = None) -> bool:
        """Issue the corrected document of a void one from the same decision: those who keep its office's
        documents of its kind (the action refuses a valid or already replaced document, with the reason)."""
        return obj is not None and keeps(user, obj.kind, obj.office)

    def allow_scan(self, user: Any, obj: Any = None) -> bool:
        """Upload the signed and stamped scan once, of a valid document: those who keep it."""
        return obj is not None and obj.voided_at is None and not obj.scan and keeps(user, obj.kind, obj.office)


def register() -> None:
    scoping.register(IssuedDocument, IssuedDocumentPolicy())
