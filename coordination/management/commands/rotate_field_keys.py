"""Re-encrypt every resident ID number under the current field key (docs/security.md, "Keys")."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from coordination import actions, identity
from coordination.models import Supervisee


class Command(BaseCommand):
    help = (
        "Re-encrypt resident ID numbers under the first key of FIELD_ENCRYPTION_KEY and refresh their keyed "
        "hash, in batches. Safe to interrupt: run it again (or pass --after-pk) to carry on."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=200, help="rows per transaction (default 200)")
        parser.add_argument("--after-pk", type=int, default=0, help="start after this supervisee id (resume)")

    def handle(self, *args, batch_size: int, after_pk: int, **options) -> None:
        total = Supervisee.objects.filter(pk__gt=after_pk).count()
        self.stdout.write(f"{len(identity.field_keys())} key(s) configured; {total} record(s) to examine.")
        done = reencrypted = rehashed = 0
        while True:
            batch = actions.rotate_resident_id_keys(after_pk=after_pk, batch_size=batch_size)
            if batch.last_pk is None:
                break
            done += batch.examined
            reencrypted += batch.reencrypted
            rehashed += batch.rehashed
            after_pk = batch.last_pk
            self.stdout.write(f"{done}/{total} examined, {reencrypted} re-encrypted, up to id {after_pk}")
        self.stdout.write(
            self.style.SUCCESS(f"Done: {done} examined, {reencrypted} re-encrypted, {rehashed} keyed hashes refreshed.")
        )
