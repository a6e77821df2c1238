"""Rotating the field keys of resident ID numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from coordination import identity
from coordination.models import (
    Supervisee,
)

if TYPE_CHECKING:
    pass


@dataclass
class KeyRotationBatch:
    """What one batch of ``rotate_field_keys`` did, and where the next batch starts."""

    examined: int
    reencrypted: int
    rehashed: int
    last_pk: int | None


@transaction.atomic
def rotate_resident_id_keys(*, after_pk: int = 0, batch_size: int = 200) -> KeyRotationBatch:
    """Re-encrypt one batch of resident ID numbers under the current key and refresh their keyed hash.

    Rows already under the current key with a current hash are left alone, so a run that
    stops halfway is simply started again. The rows of the batch are locked while they change.
    """
    rows = list(
        Supervisee.objects.select_for_update()
        .filter(pk__gt=after_pk)
        .order_by("pk")
        .only("pk", "resident_id_encrypted", "resident_id_hash")[:batch_size]
    )
    reencrypted = rehashed = 0
    for row in rows:
        changed = []
        number = identity.decrypt(row.resident_id_encrypted)
        if not identity.is_current(row.resident_id_encrypted):
            row.resident_id_encrypted = identity.encrypt(number)
            changed.append("resident_id_encrypted")
            reencrypted += 1
        digest = identity.lookup_hash(number)
        if digest != row.resident_id_hash:
            row.resident_id_hash = digest
            changed.append("resident_id_hash")
            rehashed += 1
        if changed:
            Supervisee.objects.filter(pk=row.pk).update(**{field: getattr(row, field) for field in changed})
    return KeyRotationBatch(
        examined=len(rows), reencrypted=reencrypted, rehashed=rehashed, last_pk=rows[-1].pk if rows else None
    )
