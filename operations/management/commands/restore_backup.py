"""Restore a backup into an EMPTY database and check every table's row count against the manifest.

    manage.py restore_backup /srv/backups/cc/20261201T020000Z \
        --database-url postgres://cc_owner@db/cc_restored --media-root /srv/cc/media-restored

It refuses a database that already has tables, so it cannot overwrite a live one by mistake.
The target must use the same FIELD_ENCRYPTION_KEY as the backup (the fingerprint is checked).
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand, CommandError

from operations.management.commands.backup import DUMP, MEDIA, connect, key_fingerprint, pg_params, row_counts, verify


class Command(BaseCommand):
    help = "Restore a verified backup into an empty PostgreSQL database and compare row counts."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="the backup folder (with manifest.json)")
        parser.add_argument("--database-url", required=True, help="the EMPTY database to restore into")
        parser.add_argument("--media-root", help="where to unpack the media files (default: do not unpack)")
        parser.add_argument("--private-root", help="where to unpack the private attachments (default: do not unpack)")
        parser.add_argument(
            "--ignore-key", action="store_true", help="restore although the encryption key fingerprint differs"
        )

    def handle(
        self,
        *args,
        backup: str,
        database_url: str,
        media_root: str | None,
        ignore_key: bool,
        private_root: str | None = None,
        **options,
    ):
        folder = Path(backup)
        manifest = verify(folder)
        if manifest["encryption_key_fingerprint"] != key_fingerprint() and not ignore_key:
            raise CommandError(
                "FIELD_ENCRYPTION_KEY differs from the backup's: encrypted fields would be unreadable "
                "(set the key the backup was taken with, or pass --ignore-key)"
            )
        target = dj_database_url.parse(database_url)
        with connect(target) as conn:
            tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        if tables:
            raise CommandError(f"{target['NAME']} already has {tables} tables: restore only into an empty database")
        args, env = pg_params(target)
        result = subprocess.run(  # noqa: S603
            ["pg_restore", *args, "-d", target["NAME"], "--no-owner", "--exit-on-error", str(folder / DUMP)],  # noqa: S607
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        with connect(target) as conn, conn.cursor() as cursor:
            restored = row_counts(cursor)
        differ = {t: (n, restored.get(t)) for t, n in manifest["row_counts"].items() if restored.get(t) != n}
        if differ:
            raise CommandError(f"row counts differ after restore (manifest, restored): {differ}")
        wanted = {"media": media_root, "private": private_root}
        if any(wanted.values()):
            with tempfile.TemporaryDirectory() as unpacked, tarfile.open(folder / MEDIA) as tar:
                tar.extractall(unpacked, filter="data")
                for arcname, root in wanted.items():
                    if root and (Path(unpacked) / arcname).exists():
                        shutil.copytree(Path(unpacked) / arcname, root, dirs_exist_ok=True)
        self.stdout.write(f"restored {sum(restored.values())} rows in {len(restored)} tables into {target['NAME']}")
