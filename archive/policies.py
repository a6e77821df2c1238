"""Who sees the case archive and who disposes of it (docs/archive.md).

Every row starts from the people the user may see at all (``scoping.scope(user, Supervisee)``), so a person
hidden from the user (another office, a sealed record) hides their archive too."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from accounts.roles import Role, is_bureau_admin, organisation_ids
from archive.models import ArchiveVolume, CaseArchive, DisposalRecord
from coordination.models import Supervisee
from supervision.models import StatusChange


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _office_ids(user: Any) -> set[int]:
    return organisation_ids(user, Role.OFFICE_OFFICER) if _active(user) else set()


def may_use_archive(user: Any) -> bool:
    """The bureau and the officers (and heads) of judicial offices."""
    return _active(user) and (is_bureau_admin(user) or bool(_office_ids(user)))


class CaseArchivePolicy(scoping.BasePolicy):
    model = CaseArchive

    def rows_view(self, user: Any) -> QuerySet[Any]:
        """The bureau sees every archive; an officer (or head) the archives of their own offices; only of
        people the user may see at all (a hidden or sealed person hides the archive). Social workers,
        providers, volunteers and the public see none."""
        if not may_use_archive(user):
            return CaseArchive.objects.none()
        rows = CaseArchive.objects.filter(supervisee__in=scoping.scope(user, Supervisee).values("pk"))
        if is_bureau_admin(user):
            return rows
        return rows.filter(office_id__in=_office_ids(user))

    def allow_close(self, user: Any, obj: Any = None) -> bool:
        """Close a person's archive (``obj`` is the supervisee): whoever may release or terminate them
        (officers of the office and the bureau)."""
        return obj is not None and scoping.policy_for(StatusChange).can(user, "change", obj)

    def allow_report(self, user: Any, obj: Any = None) -> bool:
        """Read the yearly retention report of every office: the bureau."""
        return _active(user) and is_bureau_admin(user)


class ArchiveVolumePolicy(scoping.BasePolicy):
    model = ArchiveVolume
    # The retention of a sealed record is still kept (``rows_retain``); every other verb hides it.
    shows_sealed = frozenset({"retain"})

    def rows_view(self, user: Any) -> QuerySet[Any]:
        """The volumes of the archives the user sees."""
        return ArchiveVolume.objects.filter(archive__in=CaseArchivePolicy().rows_view(user).values("pk"))

    def allow_dispose(self, user: Any, obj: Any = None) -> bool:
        """Dispose of a volume not yet disposed of: bureau administrators only (the due date is the action's
        rule, so a refusal says why)."""
        if not (_active(user) and is_bureau_admin(user)):
            return False
        return obj is None or obj.disposed_at is None

    def rows_retain(self, user: Any) -> QuerySet[Any]:
        """The volumes whose retention the user keeps (the yearly report, disposal): a bureau administrator
        every volume, those of sealed records included (CPL Art. 286 seals a record; it does not keep it past
        its retention), which are shown by case number only; nobody else any."""
        if not (_active(user) and is_bureau_admin(user)):
            return ArchiveVolume.objects.none()
        return ArchiveVolume.objects.all()


class DisposalRecordPolicy(scoping.BasePolicy):
    model = DisposalRecord

    def rows_view(self, user: Any) -> QuerySet[Any]:
        """The bureau sees every disposal record; an officer those of their own offices (no personal data:
        case number, counts, who, when, why)."""
        if not may_use_archive(user):
            return DisposalRecord.objects.none()
        if is_bureau_admin(user):
            return DisposalRecord.objects.all()
        return DisposalRecord.objects.filter(office_id__in=_office_ids(user))


def register() -> None:
    scoping.register(CaseArchive, CaseArchivePolicy())
    scoping.register(ArchiveVolume, ArchiveVolumePolicy())
    scoping.register(DisposalRecord, DisposalRecordPolicy())
