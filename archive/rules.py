"""The rule-book codes of the archive's retention periods (seeded by archive/migrations/0002; docs/rules.md)."""

from archive.models import VolumeKind

RETENTION_EXECUTION = "archive_retention_execution"
RETENTION_WORK = "archive_retention_work"

RETENTION_RULE = {VolumeKind.EXECUTION: RETENTION_EXECUTION, VolumeKind.WORK: RETENTION_WORK}
