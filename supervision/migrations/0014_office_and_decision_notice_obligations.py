"""Obligations for what exists before the office-owned clocks (issue 14):

- every open investigation request (no opinion sent) gets its obligation, owned by the judicial office,
  due at the end of the request's ``due_on``, with the request as its source;
- every person in intake (or registered) whose current sentence has no decision notice recorded owes the
  deciding organ's notice (CCL Art. 20), due the rule book's ``decision_notice`` days after the decision took
  effect. Most of these are long overdue: they surface on 今日待办 as "chase the deciding organ".

Nothing is fixed here; an obligation that already exists is left as it is.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

INTAKE = ("intake", "registered")


def _end_of_day(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def create(apps, schema_editor):
    Rule = apps.get_model("supervision", "Rule")
    Obligation = apps.get_model("supervision", "Obligation")
    Investigation = apps.get_model("supervision", "Investigation")
    Sentence = apps.get_model("supervision", "Sentence")
    ContentType = apps.get_model("contenttypes", "ContentType")
    source, _created = ContentType.objects.get_or_create(app_label="supervision", model="investigation")
    rows = [
        Obligation(
            judicial_office_id=i.judicial_office_id,
            kind="investigation",
            rule_code=i.rule_code,
            due_at=_end_of_day(i.due_on),
            source_type=source,
            source_id=i.pk,
        )
        for i in Investigation.objects.filter(opinion_sent_on__isnull=True)
    ]
    notice = Rule.objects.filter(code="decision_notice").first()
    if notice is not None:
        days = notice.default_value if notice.override_value is None else notice.override_value
        current = {}
        for sentence in Sentence.objects.filter(supervisee__status__in=INTAKE).order_by(
            "supervisee_id", "-effective_date", "-pk"
        ):
            current.setdefault(sentence.supervisee_id, sentence)
        rows += [
            Obligation(
                supervisee_id=sentence.supervisee_id,
                kind="decision_notice",
                rule_code="decision_notice",
                due_at=_end_of_day(sentence.effective_date + dt.timedelta(days=days)),
            )
            for sentence in current.values()
            if sentence.notice_received_on is None
        ]
    Obligation.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0013_decision_notice_received"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
