"""Item 8 for sentences: one derived sentence row for every existing supervisee (type, start and end
from the record; the deciding organ is still to be entered, so the row is marked ``derived``), and
the rule-book rows the lifecycle needs (the archive clock is a platform default, not a statutory clock).
"""

from django.db import migrations

PLATFORM_ZH = "平台默认值（非法定期限，由本地决定）"
PLATFORM_EN = "Platform default (not a statutory clock; set locally)"
UNKNOWN_ORGAN = "（待补录）"

RULES = [
    (
        "archive_file",
        "解除或终止矫正后整理归档矫正档案的期限",
        "Days after release or termination to close and archive the case file",
        30,
        "days",
    ),
]


def forward(apps, schema_editor):
    Rule = apps.get_model("supervision", "Rule")
    Supervisee = apps.get_model("coordination", "Supervisee")
    Sentence = apps.get_model("supervision", "Sentence")
    for code, zh, en, value, unit in RULES:
        Rule.objects.update_or_create(
            code=code,
            defaults={
                "measures_zh": zh,
                "measures_en": en,
                "default_value": value,
                "unit": unit,
                "law_zh": PLATFORM_ZH,
                "law_en": PLATFORM_EN,
            },
        )
    have = set(Sentence.objects.values_list("supervisee_id", flat=True))
    rows = [
        Sentence(
            supervisee_id=s.pk,
            organ_kind="court",
            organ_name=UNKNOWN_ORGAN,
            effective_date=s.correction_start,
            sentence_type=s.sentence_type,
            start=s.correction_start,
            end=s.correction_end,
            derived=True,
        )
        for s in Supervisee.objects.only("pk", "sentence_type", "correction_start", "correction_end").iterator()
        if s.pk not in have
    ]
    Sentence.objects.bulk_create(rows, batch_size=1000)


def backward(apps, schema_editor):
    apps.get_model("supervision", "Sentence").objects.filter(derived=True).delete()
    apps.get_model("supervision", "Rule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0004_sentence_lifecycle"),
        ("coordination", "0014_supervisee_status_lifecycle"),
    ]

    operations = [migrations.RunPython(forward, backward)]
