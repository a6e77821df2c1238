"""The first version of the travel certificate (外出证明): the text the movement module printed before the
document service, with the number and legal basis the service adds."""

import datetime

from django.db import migrations

BODY = """社区矫正对象：{name}（{sex}）
身份证号码：{resident_id}
矫正类别：{sentence_type}
执行地司法所：{office}

经批准，该社区矫正对象于 {start} 至 {end} 外出，共{days}日。
外出目的地：{destination}
外出事由：{reason}
请于 {end} 前返回，并立即向{office}报告（销假）。
外出期间应遵守法律法规和社区矫正监督管理规定，按要求报告活动情况。

批准机关：{decider}
批准日期：{decided_on}
出具单位：{office}
出具日期：{issued_on}
依据：{legal_basis}"""

LEGAL_BASIS = "《中华人民共和国社区矫正法》第二十七条；《中华人民共和国社区矫正法实施办法》第二十八条、第二十九条"


def seed(apps, schema_editor):
    DocumentTemplate = apps.get_model("records", "DocumentTemplate")
    DocumentTemplate.objects.get_or_create(
        kind="travel_certificate",
        version=1,
        defaults={
            "title_zh": "社区矫正对象外出证明",
            "title_en": "Travel certificate of a person under community correction",
            "body": BODY,
            "legal_basis": LEGAL_BASIS,
            "effective_from": datetime.date(2020, 7, 1),
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("records", "DocumentTemplate").objects.filter(kind="travel_certificate", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0001_documents")]

    operations = [migrations.RunPython(seed, unseed)]
