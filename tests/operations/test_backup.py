"""Backup and restore on PostgreSQL: one snapshot for dump and counts, checksums that catch damage, restore equal."""

import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from coordination.models import AccessLog, Supervisee
from operations.management.commands.backup import connect


@pytest.fixture
def empty_database():
    """A fresh database beside the test database, dropped afterwards."""
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    settings_dict = dict(connection.settings_dict, NAME="postgres")
    with psycopg.connect(
        dbname="postgres",
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"] or "postgres",
        password=settings_dict["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_verifies_catches_damage_and_restores_equal(role_users, city, tmp_path, capsys, empty_database):
    from tests.coordination.factories import make_supervisee

    for _ in range(3):
        make_supervisee(office=city.office, actor=role_users["bureau_admin"])
    (tmp_path / "media").mkdir(exist_ok=True)
    (tmp_path / "media" / "note.txt").write_text("a synthetic upload")
    (tmp_path / "private" / "supervision").mkdir(parents=True, exist_ok=True)
    (tmp_path / "private" / "supervision" / "scan.pdf").write_bytes(b"%PDF-1.4 a synthetic scan")

    call_command("backup", str(tmp_path / "backups"))
    folder = tmp_path / "backups" / next(p.name for p in (tmp_path / "backups").iterdir())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["row_counts"]["coordination_supervisee"] == Supervisee.objects.count() == 3
    assert manifest["row_counts"]["coordination_accesslog"] == AccessLog.objects.count()
    assert "FIELD_ENCRYPTION_KEY" not in (folder / "manifest.json").read_text().replace(
        "FIELD_ENCRYPTION_KEY is not", ""
    )

    url = "postgres://{USER}@{HOST}:{PORT}/".format(
        **{k: connection.settings_dict[k] or "" for k in ("USER", "HOST", "PORT")}
    )
    call_command(
        "restore_backup",
        str(folder),
        "--database-url",
        url + empty_database,
        "--media-root",
        str(tmp_path / "r"),
        "--private-root",
        str(tmp_path / "p"),
    )
    assert (tmp_path / "r" / "note.txt").read_text() == "a synthetic upload"
    assert (tmp_path / "p" / "supervision" / "scan.pdf").read_bytes() == b"%PDF-1.4 a synthetic scan"
    target = dict(connection.settings_dict, NAME=empty_database)
    with connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM coordination_supervisee").fetchone()[0] == 3
    with pytest.raises(CommandError, match="already has"):  # never over a database with tables
        call_command("restore_backup", str(folder), "--database-url", url + empty_database)

    dump = folder / "db.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="checksum"):
        call_command("backup", "--verify", str(folder))
