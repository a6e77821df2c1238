"""Version 1 of the supervision documents issued through the document service (issue 17, items 1-2): the
release certificate, the termination notice, the intake announcement, the correction plan, the sanction
decisions and proposals, the lost-contact notice and the approval forms of travel, relocation, contact and
entry. Each with its legal basis; the bureau adds later versions in the admin."""

import datetime

from django.db import migrations, models

KINDS = [
    ("travel_certificate", "travel certificate"),
    ("travel_approval", "travel approval form"),
    ("referral_letter", "referral letter"),
    ("intake_announcement", "intake announcement document"),
    ("sanction_decision", "sanction decision"),
    ("release_certificate", "release certificate"),
    ("termination_notice", "termination notice"),
    ("correction_plan", "correction plan"),
    ("sanction_proposal", "sanction proposal"),
    ("lost_contact_notice", "lost-contact notice"),
    ("contact_approval", "contact approval form"),
    ("entry_approval", "entry approval form"),
    ("relocation_approval", "relocation approval form"),
]

CCL = "《中华人民共和国社区矫正法》"
MEASURES = "《中华人民共和国社区矫正法实施办法》"
CRIMINAL_LAW = "《中华人民共和国刑法》"

PERSON = """社区矫正对象：{name}（{sex}）
身份证号码：{resident_id}
矫正类别：{sentence_type}
执行地司法所：{office}"""

DECISION = """审批层级：{route}
审批意见：{outcome}
审批人：{decided_by}　审批日期：{decided_on}
{extra}
出具单位：{office}
出具日期：{issued_on}
依据：{legal_basis}"""


def approval(lines: str) -> str:
    return f"""{PERSON}

申请事项：{{request_kind}}
申请日期：{{applied_on}}
{lines}
申请理由：{{reason}}

{DECISION}"""


TEMPLATES = [
    {
        "kind": "release_certificate",
        "title_zh": "解除社区矫正证明书",
        "title_en": "Certificate of release from community correction",
        "legal_basis": f"{CCL}第四十四条；{MEASURES}第五十三条",
        "body": """社区矫正对象：{name}（{sex}，{birth_date}出生）
身份证号码：{resident_id}
矫正类别：{sentence_type}
决定机关：{organ}　案号：{case_number}
矫正期限：{correction_start} 至 {correction_end}

该社区矫正对象矫正期满，于 {released_on} 依法解除社区矫正。
特此证明。

执行地社区矫正机构（受委托司法所）：{office}
出具日期：{issued_on}
依据：{legal_basis}""",
    },
    {
        "kind": "termination_notice",
        "title_zh": "终止社区矫正通知书",
        "title_en": "Notice of termination of community correction",
        "legal_basis": f"{CCL}第四十五条至第四十八条；{MEASURES}第四十六条至第四十九条",
        "body": """社区矫正决定机关、人民检察院、公安机关：
社区矫正对象{name}（{sex}，身份证号码{resident_id}），矫正类别：{sentence_type}，矫正期限：{correction_start} 至 {correction_end}，由{office}执行社区矫正。
因{ground}，该社区矫正对象的社区矫正于 {terminated_on} 终止。
情况说明：{note}
特此通知。

执行地社区矫正机构（受委托司法所）：{office}
通知日期：{issued_on}
依据：{legal_basis}""",
    },
    {
        "kind": "intake_announcement",
        "title_zh": "社区矫正宣告书",
        "title_en": "Announcement of community correction",
        "legal_basis": f"{CCL}第二十二条；{MEASURES}第十九条",
        "body": f"""{PERSON}
决定机关：{{organ}}　案号：{{case_number}}
矫正期限：{{correction_start}} 至 {{correction_end}}

宣告日期：{{held_on}}
宣告地点：{{place}}（{{publicity}}）
到场人员：{{attendees}}
宣告事项：{{items}}
社区矫正对象应当遵守法律、行政法规，履行判决、裁定、暂予监外执行决定等法律文书确定的义务，遵守关于报告、会客、外出、迁居、保外就医等监督管理规定，服从社区矫正机构的管理。

宣告单位：{{office}}
出具日期：{{issued_on}}
依据：{{legal_basis}}""",
    },
    {
        "kind": "correction_plan",
        "title_zh": "社区矫正方案",
        "title_en": "Correction plan",
        "legal_basis": f"{CCL}第三条、第二十四条；{MEASURES}第二十二条",
        "body": f"""{PERSON}
矫正期限：{{correction_start}} 至 {{correction_end}}

方案版本：第 {{version}} 版（{{written_on}} 制定，制定人：{{written_by}}）
管理类别：{{supervision_level}}
分类理由：{{classification_reasons}}
报告方式：{{reporting_mode}}，每 {{reporting_interval_days}} 日报告一次
教育矫正目标：{{education_goals}}
帮困扶助目标：{{help_goals}}
矫正小组：{{team}}
下次评估日期：{{next_review_on}}
调整说明：{{change_note}}

制定单位：{{office}}
出具日期：{{issued_on}}
依据：{{legal_basis}}""",
    },
    {
        "kind": "sanction_decision",
        "title_zh": "社区矫正对象{measure}决定书",
        "title_en": "Decision on a commendation or sanction",
        "legal_basis": f"{CCL}第二十八条；{MEASURES}第三十二条至第三十六条",
        "body": f"""{PERSON}

事由：{{grounds}}
事实：{{facts}}
提出人：{{proposed_by}}（{{proposed_on}}）
经审查，决定给予该社区矫正对象{{measure}}。{{decision_note}}
审批文号：{{decision_number}}
审批人：{{decided_by}}　审批日期：{{decided_on}}
决定机关：{{bureau}}
出具日期：{{issued_on}}
依据：{{legal_basis}}""",
    },
    {
        "kind": "sanction_proposal",
        "title_zh": "{document_title}",
        "title_en": "Proposal to a deciding organ",
        "legal_basis": f"{CCL}第二十八条、第四十六条至第四十九条；{MEASURES}第三十六条、第四十六条至第四十九条",
        "body": f"""{{organ}}：
{PERSON}
矫正期限：{{correction_start}} 至 {{correction_end}}

事由：{{grounds}}
事实：{{facts}}
提出人：{{proposed_by}}（{{proposed_on}}）
经{{bureau}}审批（审批人：{{decided_by}}，{{decided_on}}），建议{{measure}}。{{decision_note}}
请依法审查决定，并将结果告知本机构。抄送：执行地人民检察院。

提请机关：{{bureau}}
出具日期：{{issued_on}}
依据：{{legal_basis}}""",
    },
    {
        "kind": "lost_contact_notice",
        "title_zh": "社区矫正对象失去联系通知书",
        "title_en": "Notice that a person under community correction is out of contact",
        "legal_basis": f"{CCL}第三十条；{MEASURES}第三十八条",
        "body": f"""公安机关、人民检察院：
{PERSON}

该社区矫正对象自 {{lost_since}} 起失去联系（最后一次联系：{{last_contact}}）。
已开展的查找：{{steps}}
已知情况：{{note}}
{{office}}正在组织查找，请予以配合协助。
特此通知。

通知单位：{{office}}
通知日期：{{issued_on}}
依据：{{legal_basis}}""",
    },
    {
        "kind": "travel_approval",
        "title_zh": "{form_title}",
        "title_en": "Travel approval form",
        "legal_basis": f"{CCL}第二十七条；{MEASURES}第二十六条至第二十九条",
        "body": approval("外出目的地：{destination}\n外出期间：{start} 至 {end}（共{days}日）"),
    },
    {
        "kind": "relocation_approval",
        "title_zh": "社区矫正对象变更执行地审批表",
        "title_en": "Relocation approval form",
        "legal_basis": f"{CCL}第二十七条；{MEASURES}第三十条、第三十一条",
        "body": approval(
            "新执行地：{destination}（{receiving_county}）\n拟变更日期：{start}\n征求新执行地意见：{consulted_on}；回复：{reply}"
        ),
    },
    {
        "kind": "contact_approval",
        "title_zh": "社区矫正对象会客审批表",
        "title_en": "Contact approval form",
        "legal_basis": f"{CCL}第二十三条；{CRIMINAL_LAW}第三十九条、第七十五条、第八十四条",
        "body": approval("会见人员：{people}\n期间：{start} 至 {end}"),
    },
    {
        "kind": "entry_approval",
        "title_zh": "社区矫正对象进入特定区域（场所）审批表",
        "title_en": "Entry approval form",
        "legal_basis": f"{CCL}第二十三条；{CRIMINAL_LAW}第三十八条、第七十二条",
        "body": approval("进入场所：{place}\n期间：{start} 至 {end}"),
    },
]


def seed(apps, schema_editor):
    DocumentTemplate = apps.get_model("records", "DocumentTemplate")
    for template in TEMPLATES:
        DocumentTemplate.objects.get_or_create(
            kind=template["kind"],
            version=1,
            defaults={**template, "effective_from": datetime.date(2020, 7, 1)},
        )


def unseed(apps, schema_editor):
    DocumentTemplate = apps.get_model("records", "DocumentTemplate")
    for template in TEMPLATES:
        DocumentTemplate.objects.filter(kind=template["kind"], version=1, documents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0002_travel_certificate_template")]

    operations = [
        *(
            migrations.AlterField(
                model_name=model,
                name="kind",
                field=models.CharField(choices=KINDS, max_length=32, **extra),
            )
            for model, extra in (
                ("documenttemplate", {"verbose_name": "kind"}),
                ("issueddocument", {"verbose_name": "kind"}),
                ("numbercounter", {}),
            )
        ),
        migrations.RunPython(seed, unseed),
    ]
