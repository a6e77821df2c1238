"""Obligations for the supervisees that exist before the deadline engine: release on the end date
(shown from the reminder period before it) and, while in intake, the report due after the start.

Inconsistent records (end date passed, or intake past the report period) get their obligations too,
already overdue, so they surface on 今日待办; the bureau's clean-up list flags them. Nothing is fixed here.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

ACTIVE = ("intake", "under_correction")


def _aware(day, time):
    return timezone.make_aware(dt.datetime.combine(day, time))


def create(apps, schema_editor):
    Rule = apps.get_model("supervision", "Rule")
    Supervisee = apps.get_model("coordination", "Supervisee")
    Obligation = apps.get_model("supervision", "Obligation")
    values = {r.code: (r.default_value if r.override_value is None else r.override_value) for r in Rule.objects.all()}
    report_days = values["intake_report"]
    reminder_days = values["release_reminder"]
    rows = []
    for s in Supervisee.objects.filter(status__in=ACTIVE).only("pk", "status", "correction_start", "correction_end"):
        rows.append(
            Obligation(
                supervisee_id=s.pk,
                kind="release",
                rule_code="release_reminder",
                due_at=_aware(s.correction_end, dt.time.max),
                remind_from=_aware(s.correction_end - dt.timedelta(days=reminder_days), dt.time.min),
            )
        )
        if s.status == "intake":
            rows.append(
                Obligation(
                    supervisee_id=s.pk,
                    kind="intake_report",
                    rule_code="intake_report",
                    due_at=_aware(s.correction_start + dt.timedelta(days=report_days), dt.time.max),
                )
            )
    Obligation.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_seed_rule_book_and_holidays"),
        ("coordination", "0004_shared_choice_sets"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
