"""Give every existing supervisee a platform case number, in registration order per office and year.

The format is the one ``coordination.models.next_case_number`` gives new records (docs/casework.md):
``<year registered, Beijing time>-<office id, 3 digits>-<sequence, 4 digits>``.
"""

from zoneinfo import ZoneInfo

from django.db import migrations

SHANGHAI = ZoneInfo("Asia/Shanghai")


def numbers_for(rows):
    """{pk: case number} for ``(pk, office id, created_at)`` rows given in registration order."""
    sequences: dict[tuple[int, int], int] = {}
    numbers = {}
    for pk, office_id, created_at in rows:
        year = created_at.astimezone(SHANGHAI).year
        key = (office_id, year)
        sequences[key] = sequences.get(key, 0) + 1
        numbers[pk] = f"{year}-{office_id:03d}-{sequences[key]:04d}"
    return numbers


def fill(apps, schema_editor):
    Supervisee = apps.get_model("coordination", "Supervisee")
    rows = Supervisee.objects.order_by("created_at", "pk").values_list("pk", "judicial_office_id", "created_at")
    for pk, number in numbers_for(rows.iterator()).items():
        Supervisee.objects.filter(pk=pk).update(case_number=number)


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0011_supervisee_case_number"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
