"""The rule-book rows of rewards and sanctions (issue 16 item 2).

Articles as given in the issue: Community Corrections Law Arts. 28, 46-48; Implementation Measures (2020)
Arts. 32-36 and 46-49. The minimum time before praise, the days to decide a proposal and to review the plan
after a sanction are the platform's defaults (the law sets no number); the deployment may override them.
"""

from django.db import migrations

SANCTION_ZH = "《中华人民共和国社区矫正法》第二十八条；《社区矫正法实施办法》第三十二条至第三十六条"
SANCTION_EN = "Community Corrections Law of the PRC, Art. 28; Implementation Measures, Arts. 32-36"
REVOKE_ZH = "《中华人民共和国社区矫正法》第二十八条、第四十六条；《社区矫正法实施办法》第四十六条至第四十九条"
REVOKE_EN = "Community Corrections Law of the PRC, Arts. 28, 46; Implementation Measures, Arts. 46-49"
COURT_ZH = "《中华人民共和国社区矫正法》第四十六条；《社区矫正法实施办法》第四十六条"
COURT_EN = "Community Corrections Law of the PRC, Art. 46; Implementation Measures, Art. 46"
DETENTION_ZH = "《中华人民共和国社区矫正法》第四十七条；《社区矫正法实施办法》第四十八条"
DETENTION_EN = "Community Corrections Law of the PRC, Art. 47; Implementation Measures, Art. 48"
PLATFORM_ZH = "平台默认值（法律未规定具体数字，可由本地调整）；依据《社区矫正法实施办法》第三十二条至第三十六条"
PLATFORM_EN = "Platform default (the law sets no number; the deployment may adjust it); Implementation Measures, Arts. 32-36"

RULES = [
    ("praise_min_months", "社区矫正对象接受社区矫正满该月数后方可给予表扬", "Months under correction before praise may be proposed", 6, "months", PLATFORM_ZH, PLATFORM_EN),
    ("warning_after_admonitions", "受到训诫达到该次数（仍不改正）的，建议给予警告", "Admonitions after which a warning is suggested", 2, "count", SANCTION_ZH, SANCTION_EN),
    ("revocation_after_warnings", "受到警告达到该次数（仍不改正）的，建议提请撤销缓刑、假释或收监执行", "Warnings after which revocation or execution in prison is suggested", 2, "count", REVOKE_ZH, REVOKE_EN),
    ("sanction_decision", "县级社区矫正机构对奖惩建议作出决定的期限", "Days for the county bureau to decide a reward or sanction proposal", 5, "days", PLATFORM_ZH, PLATFORM_EN),
    ("sanction_plan_review", "训诫、警告决定后复核分类管理和矫正方案的期限", "Days to review the classification and plan after an admonition or warning", 5, "days", PLATFORM_ZH, PLATFORM_EN),
    ("court_decision", "人民法院对撤销缓刑、假释或收监执行建议作出裁定的期限", "Days for the court to rule on a revocation or prison proposal", 30, "days", COURT_ZH, COURT_EN),
    ("detention_decision", "人民法院对提请逮捕作出是否逮捕决定的期限（小时）", "Hours for the court to decide a detention request", 48, "hours", DETENTION_ZH, DETENTION_EN),
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
    dependencies = [("supervision", "0020_sanction_proposals")]

    operations = [migrations.RunPython(forward, backward)]
