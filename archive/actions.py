"""Every write of the case archive: close it when the correction ends, and dispose of a volume whose retention
has ended. Each asks the archive's policy first (docs/archive.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from accounts.attachments import private_storage
from archive.models import ArchiveVolume, CaseArchive, DisposalRecord, Ending, VolumeKind
from archive.rules import RETENTION_RULE
from config.errors import ActionError
from coordination.models import CaseNote, Referral, Supervisee
from records.models import IssuedDocument
from supervision import rulebook
from supervision.assessment.models import Assessment
from supervision.models import Announcement, StatusChange
from supervision.movement.models import MovementAttachment, MovementRequest
from supervision.reporting.models import CheckIn, HealthReport
from supervision.sanctions.models import SanctionEvidence, SanctionProposal

DISPOSED_NAME = "已销毁"  # what an anonymised person's name reads (data, not interface text)


@transaction.atomic
def close(*, supervisee: Supervisee, actor: Any, on: dt.date) -> CaseArchive:
    """Close the archive of a correction that ended (release or termination): who, when, and each volume's
    retention due date from the rule book. A case closes once; a second call returns the same archive."""
    if not scoping.policy_for(CaseArchive).can(actor, "close", supervisee):
        raise PermissionDenied(_("Only the officers of the office and the bureau close a case's archive."))
    existing = CaseArchive.objects.filter(supervisee=supervisee).first()
    if existing is not None:
        return existing
    archive = CaseArchive.objects.create(
        supervisee=supervisee,
        office_id=supervisee.judicial_office_id,
        case_number=supervisee.case_number,
        ending=Ending.RELEASE if supervisee.status == Supervisee.Status.RELEASED else Ending.TERMINATION,
        closed_on=on,
        closed_at=timezone.now(),
        closed_by=actor,
    )
    ArchiveVolume.objects.bulk_create(
        [
            ArchiveVolume(archive=archive, kind=kind, rule_code=code, due_on=rulebook.due(code, on))
            for kind, code in RETENTION_RULE.items()
        ]
    )
    return archive


def _files(*fields: FieldFile) -> list[str]:
    return [field.name for field in fields if field]


def _dispose_execution(supervisee: Supervisee) -> tuple[dict[str, int], list[str]]:
    """The execution volume: issued documents lose their PDF, scan and data (their number stays in the register,
    no longer naming the person), decisions lose their free text, evidence and attachments are deleted."""
    counts: dict[str, int] = {}
    files: list[str] = []
    documents = IssuedDocument.objects.filter(supervisee=supervisee)
    for document in documents:
        files += _files(document.pdf, document.scan)
    # A disposal is the one write allowed past an issued document's immutability (its save() refuses it).
    cleared: dict[str, Any] = {"snapshot": {}, "pdf": "", "scan": ""}
    if supervisee.sealed_at is None:
        cleared["supervisee"] = None
    # A sealed record's documents stay tied to it, so that they stay hidden with it (register, verification).
    counts["issued_documents"] = documents.update(**cleared)
    counts["status_changes"] = StatusChange.objects.filter(supervisee=supervisee).update(note="")
    announcements = Announcement.objects.filter(supervisee=supervisee)
    for announcement in announcements:
        files += _files(announcement.signed_scan)
    counts["announcements"] = announcements.update(attendees="", items="", place="", signed_scan="")
    evidence = SanctionEvidence.objects.filter(proposal__supervisee=supervisee)
    files += [row.file.name for row in evidence if row.file]
    counts["sanction_evidence"] = evidence.delete()[0]
    counts["sanction_proposals"] = SanctionProposal.objects.filter(supervisee=supervisee).update(
        facts="", decision_note=""
    )
    attachments = MovementAttachment.objects.filter(request__supervisee=supervisee)
    files += [row.file.name for row in attachments if row.file]
    counts["movement_attachments"] = attachments.delete()[0]
    counts["movement_requests"] = MovementRequest.objects.filter(supervisee=supervisee).update(
        destination="", reason="", people="", place=""
    )
    return counts, files


def _dispose_work(supervisee: Supervisee) -> tuple[dict[str, int], list[str]]:
    """The work archive: notes and health reports are deleted, check-ins lose what was reported and their
    attachment, assessments and referrals lose their free text."""
    counts: dict[str, int] = {}
    files: list[str] = []
    counts["case_notes"] = CaseNote.objects.filter(supervisee=supervisee).delete()[0]
    check_ins = CheckIn.objects.filter(supervisee=supervisee)
    for check_in in check_ins:
        files += _files(check_in.attachment)
    counts["check_ins"] = check_ins.update(report={}, attachment="")
    health = HealthReport.objects.filter(supervisee=supervisee)
    files += [row.document.name for row in health if row.document]
    counts["health_reports"] = health.delete()[0]
    counts["assessments"] = Assessment.objects.filter(supervisee=supervisee).update(note="", review_note="")
    counts["referrals"] = Referral.objects.filter(need__supervisee=supervisee).update(
        message="", outcome_note="", decline_reason=""
    )
    return counts, files


def _anonymise_person(supervisee: Supervisee) -> int:
    """The person's identity, once no volume keeps it: name, contact details and resident ID number go."""
    return Supervisee.objects.filter(pk=supervisee.pk).update(
        name=DISPOSED_NAME,
        given_name=DISPOSED_NAME,
        phone="",
        address="",
        resident_id_encrypted="",
        resident_id_hash=f"disposed-{supervisee.pk}",
        resident_id_masked="",
        date_of_birth=dt.date(supervisee.date_of_birth.year, 1, 1),
        account=None,
        updated_at=timezone.now(),
    )


def _delete_files(storage: Any, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


@transaction.atomic
def dispose(*, volume: ArchiveVolume, actor: Any, reason: str, today: dt.date | None = None) -> DisposalRecord:
    """Dispose of a volume whose retention has ended: its personal data anonymised or deleted, its files
    removed from storage (after the commit), and a disposal record kept forever with what was removed."""
    volume = ArchiveVolume.objects.select_for_update().select_related("archive__supervisee").get(pk=volume.pk)
    if not scoping.policy_for(ArchiveVolume).can(actor, "dispose", volume):
        if volume.disposed_at is not None:
            raise ActionError(_("This volume has already been disposed of."), code="conflict")
        raise PermissionDenied(_("Only a bureau administrator disposes of an archive."))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError({"reason": [_("Say why the volume is disposed of.")]})
    today = today or timezone.localdate()
    if volume.due_on > today:
        raise ActionError(
            _("The retention of this volume ends on %(date)s; it cannot be disposed of before.")
            % {"date": volume.due_on.isoformat()},
            code="conflict",
        )
    archive = volume.archive
    supervisee = archive.supervisee
    if volume.kind == VolumeKind.EXECUTION:
        counts, files = _dispose_execution(supervisee)
    else:
        counts, files = _dispose_work(supervisee)
    now = timezone.now()
    volume.disposed_at = now
    volume.save(update_fields=["disposed_at"])
    if not archive.volumes.filter(disposed_at__isnull=True).exists():
        counts["supervisee"] = _anonymise_person(supervisee)
    record = DisposalRecord.objects.create(
        volume=volume,
        office_id=archive.office_id,
        case_number=archive.case_number,
        kind=volume.kind,
        due_on=volume.due_on,
        counts={key: value for key, value in counts.items() if value},
        files_removed=len(files),
        reason=reason,
        disposed_by=actor,
        disposed_at=now,
    )
    # Files go only once the disposal is committed: a rollback keeps them with their rows.
    transaction.on_commit(lambda: _delete_files(private_storage(), files))
    return record
