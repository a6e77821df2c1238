"""The referral letter (转介函) and the certificate of volunteer service record (志愿服务记录证明) on the
document service: their kinds in the choices, and version 1 of each template with its legal basis."""

import datetime

from django.db import migrations, models

REFERRAL_LETTER = """致：{provider}
兹有{office}社区矫正对象一名，有“{category}”方面的需求，现转介贵单位“{service}”服务，请予接洽。
对象基本情况（仅限贵单位提供服务所需）：
{particulars}
需求说明：{need}
转介说明：{message}
转介日期：{sent_on}
请于 {respond_by} 前通过平台答复是否接收；接收后请按约定提供服务，服务结束时反馈服务结果。
贵单位对本函所载个人信息负有保密义务，仅可用于本次服务，不得用于其他目的，不得向他人提供。
出具单位：{office}
出具日期：{issued_on}
依据：{legal_basis}"""

REFERRAL_BASIS = (
    "《中华人民共和国社区矫正法》第三条、第十三条、第三十七条、第四十三条；"
    "《中华人民共和国个人信息保护法》第六条、第二十三条"
)

VOLUNTEER_CERTIFICATE = """兹证明 {name} 同志在{office}参加志愿服务。
服务期间：{first_date} 至 {last_date}，经审核累计志愿服务时长 {total_hours} 小时。
服务活动：
{activities}
培训记录：
{training}
本证明依据志愿服务记录无偿、如实出具。
出具单位：{office}
出具日期：{issued_on}
依据：{legal_basis}"""

VOLUNTEER_BASIS = "《志愿服务条例》第十九条；《新密市人民政府关于加强社区矫正工作的意见》（新密政〔2012〕17号）二（四）"

TEMPLATES = [
    {
        "kind": "referral_letter",
        "title_zh": "社区矫正对象转介函",
        "title_en": "Referral letter",
        "body": REFERRAL_LETTER,
        "legal_basis": REFERRAL_BASIS,
        "effective_from": datetime.date(2020, 7, 1),
    },
    {
        "kind": "volunteer_certificate",
        "title_zh": "志愿服务记录证明",
        "title_en": "Certificate of volunteer service record",
        "body": VOLUNTEER_CERTIFICATE,
        "legal_basis": VOLUNTEER_BASIS,
        "effective_from": datetime.date(2017, 12, 1),
    },
]


def seed(apps, schema_editor):
    DocumentTemplate = apps.get_model("records", "DocumentTemplate")
    for template in TEMPLATES:
        DocumentTemplate.objects.get_or_create(
            kind=template["kind"],
            version=1,
            defaults={key: value for key, value in template.items() if key != "kind"},
        )


def unseed(apps, schema_editor):
    DocumentTemplate = apps.get_model("records", "DocumentTemplate")
    DocumentTemplate.objects.filter(kind__in=[t["kind"] for t in TEMPLATES], version=1).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0003_supervision_documents'),
    ]

    operations = [
        migrations.AlterField(
            model_name='documenttemplate',
            name='kind',
            field=models.CharField(choices=[('travel_certificate', 'travel certificate'), ('travel_approval', 'travel approval form'), ('referral_letter', 'referral letter'), ('intake_announcement', 'intake announcement document'), ('sanction_decision', 'sanction decision'), ('release_certificate', 'release certificate'), ('termination_notice', 'termination notice'), ('correction_plan', 'correction plan'), ('sanction_proposal', 'sanction proposal'), ('lost_contact_notice', 'lost-contact notice'), ('contact_approval', 'contact approval form'), ('entry_approval', 'entry approval form'), ('relocation_approval', 'relocation approval form'), ('volunteer_certificate', 'certificate of volunteer service record')], max_length=32, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='issueddocument',
            name='kind',
            field=models.CharField(choices=[('travel_certificate', 'travel certificate'), ('travel_approval', 'travel approval form'), ('referral_letter', 'referral letter'), ('intake_announcement', 'intake announcement document'), ('sanction_decision', 'sanction decision'), ('release_certificate', 'release certificate'), ('termination_notice', 'termination notice'), ('correction_plan', 'correction plan'), ('sanction_proposal', 'sanction proposal'), ('lost_contact_notice', 'lost-contact notice'), ('contact_approval', 'contact approval form'), ('entry_approval', 'entry approval form'), ('relocation_approval', 'relocation approval form'), ('volunteer_certificate', 'certificate of volunteer service record')], max_length=32, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='numbercounter',
            name='kind',
            field=models.CharField(choices=[('travel_certificate', 'travel certificate'), ('travel_approval', 'travel approval form'), ('referral_letter', 'referral letter'), ('intake_announcement', 'intake announcement document'), ('sanction_decision', 'sanction decision'), ('release_certificate', 'release certificate'), ('termination_notice', 'termination notice'), ('correction_plan', 'correction plan'), ('sanction_proposal', 'sanction proposal'), ('lost_contact_notice', 'lost-contact notice'), ('contact_approval', 'contact approval form'), ('entry_approval', 'entry approval form'), ('relocation_approval', 'relocation approval form'), ('volunteer_certificate', 'certificate of volunteer service record')], max_length=32),
        ),
        migrations.RunPython(seed, unseed),
    ]
