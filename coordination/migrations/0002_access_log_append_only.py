"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the access log."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION coordination_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'coordination_accesslog is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS coordination_accesslog_no_change ON coordination_accesslog;
CREATE TRIGGER coordination_accesslog_no_change
    BEFORE UPDATE OR DELETE ON coordination_accesslog
    FOR EACH ROW EXECUTE FUNCTION coordination_accesslog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS coordination_accesslog_no_change ON coordination_accesslog;
DROP FUNCTION IF EXISTS coordination_accesslog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("coordination", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
