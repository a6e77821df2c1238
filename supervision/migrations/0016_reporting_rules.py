"""The rule-book rows of reporting, check-in codes, health reports, visits and lost contact (issue 15, items 1-3).

Reporting: Community Corrections Law Art. 23 and Implementation Measures Arts. 24-25 (the national rules
frame reporting; the intervals by supervision level are the deployment's defaults, which a bureau may
override). Visits: CCL Art. 26. Lost contact: CCL Art. 30 and Measures Art. 38.
"""

from django.db import migrations

REPORTING_ZH = "《中华人民共和国社区矫正法》第二十三条；《社区矫正法实施办法》第二十四条、第二十五条"
REPORTING_EN = "Community Corrections Law of the PRC, Art. 23; Implementation Measures, Arts. 24-25"
VISIT_ZH = "《中华人民共和国社区矫正法》第二十六条"
VISIT_EN = "Community Corrections Law of the PRC, Art. 26"
LOST_ZH = "《中华人民共和国社区矫正法》第三十条；《社区矫正法实施办法》第三十八条"
LOST_EN = "Community Corrections Law of the PRC, Art. 30; Implementation Measures, Art. 38"

RULES = [
    (
        "report_interval_strict",
        "严管社区矫正对象报告的最长间隔",
        "Longest interval between reports, strict supervision",
        7,
        "days",
        "r",
    ),
    (
        "report_interval_ordinary",
        "普管社区矫正对象报告的最长间隔",
        "Longest interval between reports, ordinary supervision",
        14,
        "days",
        "r",
    ),
    (
        "report_interval_lenient",
        "宽管社区矫正对象报告的最长间隔",
        "Longest interval between reports, lenient supervision",
        30,
        "days",
        "r",
    ),
    (
        "missed_report_grace",
        "报告逾期多少天未报告即视为失去联系、启动查找",
        "Days a report may be overdue before the person counts as out of contact and the search starts",
        1,
        "days",
        "l",
    ),
    ("checkin_code_valid", "一次性报到码的有效时间", "Hours a one-time check-in code stays valid", 24, "hours", "r"),
    (
        "checkin_code_attempts",
        "报到码输错多少次后作废",
        "Wrong tries after which the person's open check-in codes stop working",
        5,
        "count",
        "r",
    ),
    (
        "health_report",
        "保外就医的社区矫正对象报告身体情况的间隔",
        "Interval of the health report of a person on medical temporary execution",
        1,
        "months",
        "r",
    ),
    (
        "reexamination",
        "保外就医的社区矫正对象提交病情复查情况的间隔",
        "Interval of the medical re-examination of a person on medical temporary execution",
        3,
        "months",
        "r",
    ),
    (
        "visit_interval_strict",
        "严管社区矫正对象走访的最长间隔",
        "Longest interval between visits, strict supervision",
        30,
        "days",
        "v",
    ),
    (
        "visit_interval_ordinary",
        "普管社区矫正对象走访的最长间隔",
        "Longest interval between visits, ordinary supervision",
        60,
        "days",
        "v",
    ),
    (
        "visit_interval_lenient",
        "宽管社区矫正对象走访的最长间隔",
        "Longest interval between visits, lenient supervision",
        90,
        "days",
        "v",
    ),
    (
        "lost_contact_notice",
        "失去联系后查找无果、通知公安机关和人民检察院的期限",
        "Days from the alert by which public security and the procuratorate are told, if the person is not found",
        1,
        "days",
        "l",
    ),
    (
        "lost_contact_long",
        "失去联系超过多少天构成较重的违规情形",
        "Days out of contact beyond which the more serious ground applies",
        10,
        "days",
        "l",
    ),
    (
        "lost_contact_month",
        "失去联系超过多长时间构成最重的违规情形",
        "Time out of contact beyond which the most serious ground applies",
        1,
        "months",
        "l",
    ),
]
LAWS = {"r": (REPORTING_ZH, REPORTING_EN), "v": (VISIT_ZH, VISIT_EN), "l": (LOST_ZH, LOST_EN)}


def forward(apps, schema_editor):
    Rule = apps.get_model("supervision", "Rule")
    for code, zh, en, value, unit, law in RULES:
        law_zh, law_en = LAWS[law]
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
    dependencies = [("supervision", "0015_reporting_checkins_visits_lost_contact")]

    operations = [migrations.RunPython(forward, backward)]
