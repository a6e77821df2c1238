"""The rule-book rows of the retention periods of the two archive volumes (issue 17 item 4).

No national rule sets how long a community-corrections archive is kept: the Implementation Measures of the
Community Corrections Law (2020), Art. 18, only require the execution archive (执行档案) and the work archive
(工作档案) to be kept and managed; provinces set the periods in their own archive measures. The values here
are deployment defaults, labelled as such in the rule's text, that the bureau overrides on the rule-book page
with its province's period.
"""

from django.db import migrations

LAW_ZH = (
    "未找到全国性规定：《中华人民共和国社区矫正法实施办法》第十八条只规定建立并管理执行档案和工作档案，未规定保管期限；"
    "本值为部署默认值，司法局应按本省社区矫正档案管理办法在规则库中调整"
)
LAW_EN = (
    "No national rule found: Implementation Measures of the CCL, Art. 18, require both archives but set no "
    "period; a deployment default, to be overridden with the province's archive measures"
)
RULES = [
    (
        "archive_retention_execution",
        "执行档案（县级社区矫正机构保管）自解除或终止矫正之日起的保管期限（部署默认值）",
        "How long the execution archive (kept by the county bureau) is kept after release or termination (deployment default)",
        360,
    ),
    (
        "archive_retention_work",
        "工作档案（司法所保管）自解除或终止矫正之日起的保管期限（部署默认值）",
        "How long the work archive (kept by the judicial office) is kept after release or termination (deployment default)",
        120,
    ),
]


def forward(apps, schema_editor):
    Rule = apps.get_model("supervision", "Rule")
    for code, measures_zh, measures_en, months in RULES:
        Rule.objects.update_or_create(
            code=code,
            defaults={
                "measures_zh": measures_zh,
                "measures_en": measures_en,
                "default_value": months,
                "unit": "months",
                "law_zh": LAW_ZH,
                "law_en": LAW_EN,
            },
        )


def backward(apps, schema_editor):
    apps.get_model("supervision", "Rule").objects.filter(code__in=[row[0] for row in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("supervision", "0028_bureau_kinds"),
    ]

    operations = [migrations.RunPython(forward, backward)]
