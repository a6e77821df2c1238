"""The rule-book rows of the monthly assessment and the default rubric (issue 16, item 1).

Articles: Community Corrections Law of the PRC, Art. 28 (the correction body assesses the supervisee's
behaviour and rewards or sanctions it under the relevant provisions), checked against the published text. The
law does not set the period: a monthly assessment (月考核) is the provinces' practice (for example Fujian's
monthly assessment with the grades 良好, 合格, 不合格); the platform's default is one month, reviewed within
five days after the month, which a province or the deployment may override.
"""

from django.db import migrations

PERIOD_ZH = "平台默认值（各省实行月考核制度，法律未规定具体期间）；依据《中华人民共和国社区矫正法》第二十八条"
PERIOD_EN = "Platform default (provinces assess monthly; the law sets no period); Community Corrections Law of the PRC, Art. 28"
ATTENDANCE_ZH = "平台默认值（法律未规定具体期限）；依据《中华人民共和国社区矫正法》第三十六条、第四十二条"
ATTENDANCE_EN = "Platform default (the law sets no period); Community Corrections Law of the PRC, Arts. 36, 42"

RULES = [
    ("assessment_period_months", "考核周期（月）", "Assessment period (months)", 1, "months", PERIOD_ZH, PERIOD_EN),
    ("assessment_due_days", "考核期满后完成考核的期限（日）", "Days after the period within which the assessment is completed", 5, "days", PERIOD_ZH, PERIOD_EN),
    ("attendance_record_days", "教育或公益活动结束后登记出勤的期限（日）", "Days after a session within which its attendance is recorded", 1, "days", ATTENDANCE_ZH, ATTENDANCE_EN),
]

# code, zh, en, max points, source
ITEMS = [
    ("admit_guilt", "认罪悔罪", "Admitting guilt and remorse", 10, "manual"),
    ("rules", "遵纪守法、服从管理（外出、禁止令）", "Keeping the rules (travel, prohibition orders)", 20, "rules"),
    ("reporting", "按时报告", "Reporting on time", 20, "checkins"),
    ("contact", "未脱离监管", "No lost contact", 15, "lost_contact"),
    ("education", "参加教育学习", "Education attended", 15, "education_hours"),
    ("activity", "参加公益活动", "Public-interest activity attended", 10, "activity_hours"),
    ("sanctions", "当月未受训诫、警告等处罚", "No sanction in the month", 10, "sanctions"),
]
GRADES = [
    ("pass", "合格", "Pass", 80),
    ("basic", "基本合格", "Basic pass", 60),
    ("fail", "不合格", "Fail", 0),
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
    Rubric = apps.get_model("supervision", "Rubric")
    if Rubric.objects.exists():
        return
    rubric = Rubric.objects.create(version=1, name="社区矫正对象月度考核", active=True, note="默认考核表")
    for position, (code, zh, en, points, source) in enumerate(ITEMS):
        rubric.items.create(position=position, code=code, label_zh=zh, label_en=en, max_points=points, source=source)
    for code, zh, en, floor in GRADES:
        rubric.grades.create(code=code, label_zh=zh, label_en=en, min_total=floor)


def backward(apps, schema_editor):
    apps.get_model("supervision", "Rule").objects.filter(code__in=[r[0] for r in RULES]).delete()
    apps.get_model("supervision", "Rubric").objects.filter(version=1, assessments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0025_assessment")]

    operations = [migrations.RunPython(forward, backward)]
