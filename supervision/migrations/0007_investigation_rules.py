"""The working-day clocks of pre-sentence investigations (调查评估).

The law (Community Corrections Law Art. 18) provides for the investigation; the 10 and 5 working days
come from the Implementation Measures (2020). Only the Law's article is cited here (the Measures'
article number is for the deployment to confirm; docs/supervision.md says so).
"""

from django.db import migrations

LAW_ZH = "《中华人民共和国社区矫正法》第十八条；期限见《社区矫正法实施办法》"
LAW_EN = "Community Corrections Law of the PRC, Art. 18; the period is set by the Implementation Measures"

RULES = [
    (
        "investigation",
        "自收到调查评估委托之日起完成调查评估、提交评估意见的期限",
        "Working days from receiving an investigation request to sending the opinion",
        10,
    ),
    (
        "investigation_expedited",
        "适用速裁程序的案件完成调查评估、提交评估意见的期限",
        "Working days for the opinion in an expedited (fast-track) case",
        5,
    ),
]


def forward(apps, schema_editor):
    Rule = apps.get_model("supervision", "Rule")
    for code, zh, en, value in RULES:
        Rule.objects.update_or_create(
            code=code,
            defaults={
                "measures_zh": zh,
                "measures_en": en,
                "default_value": value,
                "unit": "working_days",
                "law_zh": LAW_ZH,
                "law_en": LAW_EN,
            },
        )


def backward(apps, schema_editor):
    apps.get_model("supervision", "Rule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0006_investigation")]

    operations = [migrations.RunPython(forward, backward)]
