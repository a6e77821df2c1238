"""The rule-book rows of movement requests, prohibition orders and location monitoring (issue 15, items 4-6).

Articles as given in the issue: Community Corrections Law Arts. 27 and 29; Implementation Measures (2020)
Arts. 25-28, 30-31, 37 and 39. The decision deadline of a request and the two reminders are the platform's
defaults (the law sets no number); the deployment may override them.
"""

from django.db import migrations

TRAVEL_ZH = "《中华人民共和国社区矫正法》第二十七条；《社区矫正法实施办法》第二十六条至第二十八条"
TRAVEL_EN = "Community Corrections Law of the PRC, Art. 27; Implementation Measures, Arts. 26-28"
RELOCATION_ZH = "《中华人民共和国社区矫正法》第二十七条；《社区矫正法实施办法》第三十条、第三十一条"
RELOCATION_EN = "Community Corrections Law of the PRC, Art. 27; Implementation Measures, Arts. 30-31"
MONITORING_ZH = "《中华人民共和国社区矫正法》第二十九条；《社区矫正法实施办法》第三十七条"
MONITORING_EN = "Community Corrections Law of the PRC, Art. 29; Implementation Measures, Art. 37"
PLATFORM_ZH = "平台默认值（法律未规定具体数字，可由本地调整）；依据《社区矫正法实施办法》第二十五条至第二十八条、第三十九条"
PLATFORM_EN = "Platform default (the law sets no number; the deployment may adjust it); Implementation Measures, Arts. 25-28, 39"

RULES = [
    ("travel_office_max_days", "司法所负责人可批准的外出天数上限", "Longest travel the judicial office head may approve (days)", 7, "days", TRAVEL_ZH, TRAVEL_EN),
    ("travel_max_days", "县级社区矫正机构每次批准外出的天数上限", "Longest travel the county bureau approves at a time (days)", 30, "days", TRAVEL_ZH, TRAVEL_EN),
    ("travel_window_months", "累计外出天数的计算期间（月）", "Window for counting accumulated travel (months)", 2, "months", TRAVEL_ZH, TRAVEL_EN),
    ("travel_window_max_days", "计算期间内累计外出超过该天数的，报上一级审批", "Accumulated travel days in the window beyond which the level above decides", 30, "days", TRAVEL_ZH, TRAVEL_EN),
    ("frequent_travel_max_months", "因工作经常性跨市县活动的批准有效期上限（月）", "Longest validity of a frequent-travel permit for work (months)", 6, "months", TRAVEL_ZH, TRAVEL_EN),
    ("request_decision", "对外出、会客、进入特定场所申请作出决定的期限", "Days to decide a travel, contact or entry request", 3, "days", PLATFORM_ZH, PLATFORM_EN),
    ("relocation_notice", "申请变更执行地应提前的时间（月）", "How far ahead a change of place of execution is applied for (months)", 1, "months", RELOCATION_ZH, RELOCATION_EN),
    ("relocation_reply", "新执行地社区矫正机构回复意见的期限", "Days for the receiving county to reply to the consultation", 5, "days", RELOCATION_ZH, RELOCATION_EN),
    ("relocation_decision", "收到新执行地回复后作出变更执行地决定的期限", "Days to decide a relocation after the receiving county's reply", 5, "days", RELOCATION_ZH, RELOCATION_EN),
    ("relocation_handover", "批准变更执行地后移交法律文书和档案的期限", "Days to hand over the documents and archive after a relocation is approved", 5, "days", RELOCATION_ZH, RELOCATION_EN),
    ("relocation_report", "社区矫正对象到新执行地报到的期限", "Days for the person to report to the new county", 7, "days", RELOCATION_ZH, RELOCATION_EN),
    ("prohibition_reminder", "禁止令期满前提醒的天数", "Days before a prohibition order ends that the reminder shows", 7, "days", PLATFORM_ZH, PLATFORM_EN),
    ("monitoring_max_months", "每次使用电子定位装置（含延长）的期限上限（月）", "Longest period of electronic location monitoring, and of each extension (months)", 3, "months", MONITORING_ZH, MONITORING_EN),
    ("monitoring_reminder", "电子定位期限届满前提醒的天数", "Days before a monitoring period ends that the reminder shows", 7, "days", MONITORING_ZH + "（提醒天数为平台默认值）", MONITORING_EN + " (the reminder days are a platform default)"),
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
    dependencies = [("supervision", "0017_movement_requests_orders_monitoring")]

    operations = [migrations.RunPython(forward, backward)]
