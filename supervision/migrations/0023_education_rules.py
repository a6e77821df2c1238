"""The rule-book rows of education sessions, public-interest activities and attendance (issue 16, item 3).

Articles as given in the issue: Community Corrections Law Arts. 36 and 42; Implementation Measures (2020)
Arts. 43-44. The law sets no number of hours nor of absences: every value here is the platform's default,
which a province or the deployment may override.
"""

from django.db import migrations

EDUCATION_ZH = "平台默认值（法律未规定具体数字，可由省级或本地调整）；依据《中华人民共和国社区矫正法》第三十六条；《社区矫正法实施办法》第四十三条"
EDUCATION_EN = "Platform default (the law sets no number; a province may override it); Community Corrections Law of the PRC, Art. 36; Implementation Measures, Art. 43"
ACTIVITY_ZH = "平台默认值（法律未规定具体数字，可由省级或本地调整）；依据《中华人民共和国社区矫正法》第四十二条；《社区矫正法实施办法》第四十四条"
ACTIVITY_EN = "Platform default (the law sets no number; a province may override it); Community Corrections Law of the PRC, Art. 42; Implementation Measures, Art. 44"
ABSENCE_ZH = "平台默认值（法律未规定具体数字，可由本地调整）；依据《中华人民共和国社区矫正法》第二十八条、第三十六条、第四十二条"
ABSENCE_EN = "Platform default (the law sets no number; the deployment may adjust it); Community Corrections Law of the PRC, Arts. 28, 36, 42"

RULES = [
    ("education_hours_month", "每月参加教育学习的小时数（目标）", "Hours of education each month (target)", 8, "hours", EDUCATION_ZH, EDUCATION_EN),
    ("activity_hours_month", "每月参加公益活动的小时数（目标）", "Hours of public-interest activity each month (target)", 8, "hours", ACTIVITY_ZH, ACTIVITY_EN),
    ("absence_ground_count", "计算期间内无正当理由缺席教育或公益活动达到该次数的，记录为处罚事由", "Unexcused absences from education or activities in the window that make a sanction ground", 3, "count", ABSENCE_ZH, ABSENCE_EN),
    ("absence_window_months", "计算无故缺席次数的期间（月）", "Window for counting unexcused absences (months)", 3, "months", ABSENCE_ZH, ABSENCE_EN),
]


def forward(apps, schema_editor):
    Rule = apps.get_model("supervision", "Rule")
    for code, zh, en, value, unit, law_zh, law_en in RULES:
        Rule.objects.update_or_create(
            code=code,
            defaults={
                "measures_zh": zh,
                "measures_en": en,
                "default_value": value,
                "unit": unit,
                "law_zh": law_zh,
                "law_en": law_en,
            },
        )


def backward(apps, schema_editor):
    apps.get_model("supervision", "Rule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0022_education_sessions_attendance")]

    operations = [migrations.RunPython(forward, backward)]
