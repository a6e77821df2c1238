"""Take a consistent backup (database dump, media, manifest) and verify it; or verify an existing one.

    manage.py backup /srv/backups/cc            # writes /srv/backups/cc/<UTC time>/ and verifies it
    manage.py backup --verify /srv/backups/cc/20261201T020000Z

The row counts in the manifest and the dump come from one PostgreSQL snapshot
(``pg_export_snapshot`` + ``pg_dump --snapshot``), so they describe the same moment while the
site keeps running. The encryption key is never written into a backup: the manifest keeps only
its fingerprint, so whoever restores can check they hold the right key (docs/deployment.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DUMP = "db.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pg_params(db: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump/pg_restore/psql from a Django database entry."""
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def connect(db: dict):
    import psycopg

    return psycopg.connect(
        dbname=db["NAME"],
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
    )


def row_counts(cursor) -> dict[str, int]:
    """Rows in every table of the public schema, as the cursor's snapshot sees them."""
    from psycopg import sql

    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def key_fingerprint() -> str:
    key = settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY
    return hashlib.sha256(f"cc-key-fingerprint:{key}".encode()).hexdigest()[:16]


def verify(folder: Path) -> dict:
    """Check the files against the manifest and that pg_restore can read the dump; returns the manifest."""
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise CommandError(f"{manifest_path} is missing")
    manifest = json.loads(manifest_path.read_text())
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.exists():
            raise CommandError(f"{path} is missing")
        if sha256(path) != expected["sha256"]:
            raise CommandError(f"{path}: checksum differs from the manifest")
    listing = subprocess.run(["pg_restore", "--list", str(folder / DUMP)], capture_output=True, text=True)  # noqa: S603, S607
    if listing.returncode != 0:
        raise CommandError(f"pg_restore cannot read the dump: {listing.stderr.strip()}")
    with tarfile.open(folder / MEDIA) as tar:
        tar.getmembers()
    return manifest


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format), media and a manifest, then verify the backup."

    def add_arguments(self, parser):
        parser.add_argument(
            "destination", help="folder for backups (a new subfolder per backup), or the backup with --verify"
        )
        parser.add_argument("--verify", action="store_true", help="only verify an existing backup folder")

    def handle(self, *args, destination: str, verify: bool = False, **options):
        if verify:
            manifest = globals()["verify"](Path(destination))
            self.stdout.write(f"backup {destination} verified: {sum(manifest['row_counts'].values())} rows")
            return
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("backup needs PostgreSQL (DATABASE_URL=postgres://…); SQLite is for development only")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = Path(destination) / stamp
        folder.mkdir(parents=True, exist_ok=False)
        os.chmod(folder, 0o700)
        args, env = pg_params(db)
        with connect(db) as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            with conn.cursor() as cursor:
                counts = row_counts(cursor)
            dump = subprocess.run(  # noqa: S603
                ["pg_dump", *args, "-d", db["NAME"], "-Fc", f"--snapshot={snapshot}", "-f", str(folder / DUMP)],  # noqa: S607
                env=env,
                capture_output=True,
                text=True,
            )
            conn.execute("COMMIT")
        if dump.returncode != 0:
            raise CommandError(f"pg_dump failed: {dump.stderr.strip()}")
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(folder / MEDIA, "w:gz") as tar:
            if media_root.exists():
                tar.add(media_root, arcname="media")
            # The private attachments (accounts/attachments.py): signed scans, proofs, health reports.
            private_root = Path(settings.PRIVATE_MEDIA_ROOT)
            if private_root.exists():
                tar.add(private_root, arcname="private")
        manifest = {
            "created_at": stamp,
            "database": db["NAME"],
            "postgres_snapshot": snapshot,
            "row_counts": counts,
            "files": {
                name: {"sha256": sha256(folder / name), "bytes": (folder / name).stat().st_size}
                for name in (DUMP, MEDIA)
            },
            "encryption_key_fingerprint": key_fingerprint(),
            "note": "FIELD_ENCRYPTION_KEY is not in this backup; restore needs the same key (see fingerprint).",
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        globals()["verify"](folder)
        self.stdout.write(str(folder))
