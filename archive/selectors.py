"""Reads of the case archive, each from the archive's policy (itself from the user's scoped supervisees), with
what a page shows loaded in a fixed number of queries; every read of a case is logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from archive.models import ArchiveVolume, CaseArchive, DisposalRecord, VolumeKind
from coordination.access import logged
from coordination.models import CaseNote, Referral
from records.models import IssuedDocument
from supervision.assessment.models import Assessment
from supervision.models import Announcement, StatusChange
from supervision.movement.models import MovementRequest
from supervision.reporting.models import CheckIn
from supervision.sanctions.models import SanctionProposal

STATES = ("kept", "due", "disposed")
SORTS = {
    "closed": ("-closed_on", "-pk"),
    "-closed": ("closed_on", "pk"),
    "name": ("supervisee__name", "pk"),
    "due": ("first_due", "pk"),
}


def _volumes() -> Prefetch:
    return Prefetch("volumes", queryset=ArchiveVolume.objects.select_related("disposal").order_by("kind"))


def archives_for(user: Any) -> QuerySet[CaseArchive]:
    """The archives the user may see, with the person, office, closer and volumes; each read logged."""
    rows = (
        scoping.scope(user, CaseArchive)
        .select_related("supervisee", "office", "closed_by")
        .prefetch_related(_volumes())
        .annotate(first_due=Min("volumes__due_on", filter=Q(volumes__disposed_at__isnull=True)))
    )
    return logged(rows, user=user, object_type="case_archive", supervisee_id=lambda row: row.supervisee_id)


def listing(
    user: Any,
    *,
    q: str = "",
    office_id: int | None = None,
    state: str = "",
    year: int | None = None,
    sort: str = "closed",
    today: dt.date | None = None,
) -> QuerySet[CaseArchive]:
    """The archive list: search by name or case number, filter by office, state and the year closed, sorted."""
    rows = archives_for(user)
    q = q.strip()
    if q:
        rows = rows.filter(Q(supervisee__name__icontains=q) | Q(case_number__icontains=q))
    if office_id:
        rows = rows.filter(office_id=office_id)
    if year:
        rows = rows.filter(closed_on__year=year)
    today = today or timezone.localdate()
    disposed = ArchiveVolume.objects.filter(disposed_at__isnull=False).values("archive_id")
    if state == "kept":
        rows = rows.exclude(pk__in=disposed)
    elif state == "due":
        due = ArchiveVolume.objects.filter(disposed_at__isnull=True, due_on__lte=today).values("archive_id")
        rows = rows.filter(pk__in=due)
    elif state == "disposed":
        rows = rows.filter(pk__in=disposed)
    return rows.order_by(*SORTS.get(sort, SORTS["closed"]))


@dataclass(frozen=True)
class Entry:
    """One line of a volume's table of contents: when, what kind, what it says, and the page that shows it."""

    on: dt.date
    kind: str
    title: str
    url: str


def _day(value: dt.date | dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


# Which records make up which volume (Implementation Measures Art. 18): the execution archive holds the legal
# documents of the correction's execution (documents issued, status decisions and announcements, sanction
# decisions, movement approvals); the work archive holds the office's and team's work records (notes, check-ins,
# assessments, referrals for help). Each source: (volume, model, how to read its rows, how to make entries).
Source = tuple[str, type, Callable[[QuerySet, Any], QuerySet], Callable[[Any, Any], Entry]]


def _of_person(rows: QuerySet, person: Any) -> QuerySet:
    """The rows of a model that names the person directly."""
    return rows.filter(supervisee=person)


SOURCES: list[Source] = [
    (
        VolumeKind.EXECUTION,
        IssuedDocument,
        _of_person,
        lambda row, person: Entry(
            _day(row.issued_at),
            _("Issued document"),
            f"{row.get_kind_display()} {row.number}" + (f" ({_('Voided')})" if row.voided_at else ""),
            reverse("records:detail", kwargs={"uuid": row.uuid}),
        ),
    ),
    (
        VolumeKind.EXECUTION,
        StatusChange,
        _of_person,
        lambda row, person: Entry(
            row.occurred_on,
            _("Status decision"),
            f"{row.get_from_status_display()} → {row.get_to_status_display()}",
            reverse("supervision:lifecycle", kwargs={"uuid": person.uuid}),
        ),
    ),
    (
        VolumeKind.EXECUTION,
        Announcement,
        _of_person,
        lambda row, person: Entry(
            row.held_on,
            _("Announcement"),
            row.get_kind_display(),
            reverse("supervision:lifecycle", kwargs={"uuid": person.uuid}),
        ),
    ),
    (
        VolumeKind.EXECUTION,
        SanctionProposal,
        _of_person,
        lambda row, person: Entry(
            _day(row.decided_at or row.proposed_at),
            _("Reward or sanction"),
            f"{row.get_kind_display()} · {row.get_state_display()}",
            reverse("supervision:sanctions-proposal", kwargs={"pk": row.pk}),
        ),
    ),
    (
        VolumeKind.EXECUTION,
        MovementRequest,
        _of_person,
        lambda row, person: Entry(
            _day(row.decided_at or row.applied_at),
            _("Movement request"),
            f"{row.get_kind_display()} · {row.get_state_display()}",
            reverse("supervision:movement-request", kwargs={"pk": row.pk}),
        ),
    ),
    (
        VolumeKind.WORK,
        CaseNote,
        _of_person,
        lambda row, person: Entry(
            _day(row.created_at),
            _("Case note"),
            row.get_kind_display(),
            reverse("coordination:supervisee", kwargs={"uuid": person.uuid}),
        ),
    ),
    (
        VolumeKind.WORK,
        CheckIn,
        _of_person,
        lambda row, person: Entry(
            _day(row.occurred_at),
            _("Check-in"),
            f"{row.get_method_display()} · {row.get_state_display()}",
            reverse("supervision:reporting", kwargs={"uuid": person.uuid}),
        ),
    ),
    (
        VolumeKind.WORK,
        Assessment,
        _of_person,
        lambda row, person: Entry(
            row.month,
            _("Monthly assessment"),
            f"{row.month:%Y-%m} · {row.get_state_display()}",
            reverse("supervision:assessment", kwargs={"pk": row.pk}),
        ),
    ),
    (
        VolumeKind.WORK,
        Referral,
        lambda rows, person: rows.filter(need__supervisee=person).select_related("offering"),
        lambda row, person: Entry(
            _day(row.created_at),
            _("Referral"),
            f"{row.offering.name} · {row.get_state_display()}",
            reverse("coordination:referral", kwargs={"uuid": row.uuid}),
        ),
    ),
]


def contents(user: Any, archive: CaseArchive) -> dict[str, list[Entry]]:
    """Each volume's table of contents, in date order: what the user may see of the person's records, one query
    per kind of record; a disposed volume lists nothing (its disposal record says what was removed)."""
    disposed = {volume.kind for volume in archive.volumes.all() if volume.disposed_at}
    person = archive.supervisee
    toc: dict[str, list[Entry]] = {kind: [] for kind in VolumeKind.values}
    for volume, model, rows_of, entry in SOURCES:
        if volume in disposed:
            continue
        rows: Iterable[Any] = rows_of(scoping.scope(user, model), person)
        toc[volume] += [entry(row, person) for row in rows]
    for entries in toc.values():
        entries.sort(key=lambda item: (item.on, item.kind))
    return toc


def sealed_volume(user: Any, *, uuid: Any, kind: str) -> ArchiveVolume | None:
    """One volume of a sealed record whose retention the user keeps, for its disposal (None for anyone else)."""
    return (
        scoping.scope(user, ArchiveVolume, "retain")
        .filter(archive__uuid=uuid, kind=kind, archive__supervisee__sealed_at__isnull=False)
        .select_related("archive__office", "archive__supervisee")
        .first()
    )


def retention(user: Any, *, year: int) -> QuerySet[ArchiveVolume]:
    """The volumes whose retention ends in a year, per office (the bureau's yearly report); each read logged."""
    rows = (
        scoping.scope(user, ArchiveVolume, "retain")
        .filter(due_on__year=year)
        .select_related("archive__office", "archive__supervisee", "disposal")
        .order_by("archive__office__name", "due_on", "archive__case_number", "kind")
    )
    return logged(
        rows,
        user=user,
        object_type="case_archive",
        supervisee_id=lambda row: row.archive.supervisee_id,
        object_id=lambda row: str(row.archive_id),
    )


def disposals_for(user: Any) -> QuerySet[DisposalRecord]:
    """The disposal records the user may see (no personal data in them)."""
    return scoping.scope(user, DisposalRecord).select_related("office", "disposed_by")
