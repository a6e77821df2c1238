"""The app's PostgreSQL role, created as deploy/postgres/ says, cannot get around the access log's guard."""

import re
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "postgres"


def run_psql_file(cursor, name: str, variables: dict[str, str]) -> None:
    """Run one of the deploy SQL files as psql would with ``-v name=value`` (identifiers and literals)."""
    text = "\n".join(line for line in (DEPLOY / name).read_text().splitlines() if not line.lstrip().startswith("--"))
    text = re.sub(r':"(\w+)"', lambda m: connection.ops.quote_name(variables[m.group(1)]), text)
    text = re.sub(r":(\w+)", lambda m: variables[m.group(1)], text)
    for statement in filter(None, (s.strip() for s in text.split(";"))):
        cursor.execute(statement)


@pytest.fixture
def app_role(db):
    """Roles created inside the test's transaction, so they vanish with it."""
    suffix = uuid.uuid4().hex[:8]
    names = {
        "owner_role": f"cc_owner_{suffix}",
        "app_role": f"cc_app_{suffix}",
        "db": connection.settings_dict["NAME"],
        "owner_password": "'owner-pass-for-tests'",
        "app_password": "'app-pass-for-tests'",
    }
    with connection.cursor() as cursor:
        run_psql_file(cursor, "01-roles.sql", names)
        run_psql_file(cursor, "02-grants.sql", names)
    return names["app_role"]


def attempt(role: str, sql: str) -> str:
    """Run one statement as the role (in a savepoint); returns '' if it worked, else the error."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
            cursor.execute(sql)
    except DatabaseError as exc:
        return str(exc)
    return ""


@pytest.mark.postgres
def test_the_app_role_cannot_bypass_the_append_only_access_log(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [app_role])
        assert cursor.fetchone() == (False, False)
    # What the app does every day still works.
    assert attempt(app_role, "SELECT count(*) FROM coordination_supervisee") == ""
    assert attempt(app_role, "SELECT count(*) FROM coordination_accesslog") == ""
    assert attempt(app_role, "UPDATE coordination_need SET description = description WHERE false") == ""
    # What a superuser could do to the access log, the app role cannot.
    assert "permission denied" in attempt(app_role, "TRUNCATE coordination_accesslog")
    assert "must be owner" in attempt(
        app_role, "ALTER TABLE coordination_accesslog DISABLE TRIGGER coordination_accesslog_no_change"
    )
    assert "permission denied" in attempt(app_role, "SET session_replication_role = replica")
    assert "permission denied" in attempt(app_role, "DELETE FROM coordination_accesslog")
    assert "permission denied" in attempt(app_role, "UPDATE coordination_accesslog SET purpose = 'x'")
    assert "must be owner" in attempt(app_role, "DROP TABLE coordination_accesslog")
    assert "must be owner" in attempt(app_role, "ALTER TABLE coordination_referral ADD COLUMN x int")
    # The same statements succeed as the superuser the tests connect as: the checks above can fail.
    assert attempt(connection.settings_dict["USER"] or "postgres", "SET session_replication_role = replica") == ""
