"""Seed the rule book with the clocks this issue can cite, and the 2026-2027 holiday calendar.

Statutory rows cite the Community Corrections Law (社区矫正法, 2019), checked against its text.
Platform defaults (reminder and escalation delays) say so: they are no statutory clock and a
deployment sets its own. Holidays come from the ``holidays`` package (China, with the State
Council's make-up working days where it has them: 2026); the bureau keeps the calendar afterwards.
"""

from django.db import migrations

LAW_ZH = "《中华人民共和国社区矫正法》第%s条"
LAW_EN = "Community Corrections Law of the PRC, Art. %s"
PLATFORM_ZH = "平台默认值（非法定期限，由本地决定）"
PLATFORM_EN = "Platform default (not a statutory clock; set locally)"

RULES = [
    # code, measures (zh, en), value, unit, article (zh numeral, number) or None
    (
        "decision_notice",
        "决定机关自判决、裁定或决定生效之日起通知执行地社区矫正机构的期限",
        "Days the deciding organ has, from the decision taking effect, to notify the corrections agency",
        5,
        "days",
        ("二十", 20),
    ),
    (
        "document_delivery",
        "决定机关自判决、裁定或决定生效之日起送达法律文书的期限",
        "Days the deciding organ has, from the decision taking effect, to deliver the legal documents",
        10,
        "days",
        ("二十", 20),
    ),
    (
        "intake_report",
        "社区矫正对象自判决、裁定生效之日起到执行地社区矫正机构报到的期限",
        "Days the person has, from the judgment taking effect, to report to the corrections agency",
        10,
        "days",
        ("二十一", 21),
    ),
    (
        "release_reminder",
        "矫正期满前提醒解除矫正的提前天数",
        "Days before the end of the term that the release reminder starts",
        30,
        "days",
        None,
    ),
    (
        "escalate_officer",
        "逾期后提醒负责矫正工作人员的天数",
        "Days after a deadline before the responsible officer is alerted",
        0,
        "days",
        None,
    ),
    (
        "escalate_office",
        "逾期后提醒司法所（含所长）的天数",
        "Days after a deadline before the whole judicial office (its head included) is alerted",
        2,
        "days",
        None,
    ),
    (
        "escalate_bureau",
        "逾期后提醒司法局的天数",
        "Days after a deadline before the bureau is alerted",
        5,
        "days",
        None,
    ),
]

YEARS = (2026, 2027)
MAKE_UP_ZH = "调休上班日"


def seed(apps, schema_editor):
    import holidays

    Rule = apps.get_model("supervision", "Rule")
    Holiday = apps.get_model("supervision", "Holiday")
    for code, measures_zh, measures_en, value, unit, article in RULES:
        Rule.objects.update_or_create(
            code=code,
            defaults={
                "measures_zh": measures_zh,
                "measures_en": measures_en,
                "default_value": value,
                "unit": unit,
                "law_zh": LAW_ZH % article[0] if article else PLATFORM_ZH,
                "law_en": LAW_EN % article[1] if article else PLATFORM_EN,
            },
        )
    calendar = holidays.China(years=YEARS, language="zh_CN")
    rows = {day: (name, "holiday") for day, name in calendar.items() if day.year in YEARS}
    for day in calendar.weekend_workdays:
        if day.year in YEARS:
            rows[day] = (MAKE_UP_ZH, "workday")
    for day, (name, kind) in sorted(rows.items()):
        Holiday.objects.get_or_create(date=day, defaults={"name": name[:100], "kind": kind})


def unseed(apps, schema_editor):
    apps.get_model("supervision", "Rule").objects.filter(code__in=[r[0] for r in RULES]).delete()
    apps.get_model("supervision", "Holiday").objects.filter(date__year__in=YEARS).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
