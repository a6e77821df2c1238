"""The rule-book row of the smallest count of people the dashboards show outside correction staff (issue 18).

Counts from 1 to below this value are hidden from viewers who may not read the records behind them, so that a
figure cannot single a person out. The law sets no number: the Personal Information Protection Law, Art. 4,
leaves anonymised information outside its scope, and the platform's default follows the common small-cell rule
of official statistics; the deployment may override it.
"""

from django.db import migrations

CODE = "stats_min_cell"


def forward(apps, schema_editor):
    apps.get_model("supervision", "Rule").objects.update_or_create(
        code=CODE,
        defaults={
            "measures_zh": "统计图表对非矫正工作人员显示的最小人数（小于该数的数字隐藏）",
            "measures_en": "Smallest count of people a dashboard shows to viewers outside correction staff (smaller counts are hidden)",
            "default_value": 5,
            "unit": "count",
            "law_zh": "平台默认值（法律未规定具体数字，可由本地调整）；依据《中华人民共和国个人信息保护法》第四条（匿名化处理后的信息不属于个人信息）",
            "law_en": "Platform default (the law sets no number; adjustable here); Personal Information Protection Law, Art. 4 (anonymised information is not personal information)",
        },
    )


def backward(apps, schema_editor):
    apps.get_model("supervision", "Rule").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bureau", "0003_staff_training"),
        ("supervision", "0028_bureau_kinds"),
    ]

    operations = [migrations.RunPython(forward, backward)]
