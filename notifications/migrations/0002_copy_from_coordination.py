"""Copy the outbox rows of coordination.Notification into notifications.Notification (same ids)."""

import uuid

from django.db import migrations

BATCH = 2000


def copy_rows(apps, schema_editor):
    Old = apps.get_model("coordination", "Notification")
    New = apps.get_model("notifications", "Notification")
    # Keep the original times: auto_now_add would stamp every copied row with the migration's time.
    New._meta.get_field("created_at").auto_now_add = False
    rows = []
    for old in Old.objects.order_by("pk").iterator(chunk_size=BATCH):
        rows.append(
            New(
                pk=old.pk,
                key=uuid.uuid4(),
                recipient_id=old.recipient_id,
                channel=old.channel,
                kind=old.kind,
                subject=old.subject,
                body=old.body,
                url=old.url,
                topic=f"coordination.referral:{old.referral_id}" if old.referral_id else "",
                status=old.status,
                attempts=old.attempts,
                last_error=old.last_error,
                claimed_at=old.claimed_at,
                created_at=old.created_at,
                sent_at=old.sent_at,
                read_at=old.read_at,
            )
        )
        if len(rows) >= BATCH:
            New.objects.bulk_create(rows)
            rows = []
    New.objects.bulk_create(rows)
    # Keep the id sequence ahead of the copied ids on PostgreSQL.
    if schema_editor.connection.vendor == "postgresql":
        table = New._meta.db_table
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (table name from the model)
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def copy_back(apps, schema_editor):
    Old = apps.get_model("coordination", "Notification")
    New = apps.get_model("notifications", "Notification")
    Old._meta.get_field("created_at").auto_now_add = False
    rows = []
    for new in New.objects.filter(recipient__isnull=False).order_by("pk").iterator(chunk_size=BATCH):
        referral_id = None
        if new.topic.startswith("coordination.referral:"):
            referral_id = int(new.topic.partition(":")[2])
        rows.append(
            Old(
                pk=new.pk,
                recipient_id=new.recipient_id,
                channel=new.channel if new.channel in ("inbox", "email", "sms") else "inbox",
                kind=new.kind,
                subject=new.subject,
                body=new.body,
                url=new.url,
                referral_id=referral_id,
                status=new.status,
                attempts=new.attempts,
                last_error=new.last_error,
                claimed_at=new.claimed_at,
                created_at=new.created_at,
                sent_at=new.sent_at,
                read_at=new.read_at,
            )
        )
    Old.objects.bulk_create(rows)
    # Undone: the rows live in coordination again (rows to bare addresses cannot go back and are dropped).
    New.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("coordination", "0005_person_name_validators"),
    ]

    operations = [migrations.RunPython(copy_rows, copy_back)]
