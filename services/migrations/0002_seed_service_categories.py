"""Seed the managed taxonomy of service categories (the bureau may add more later)."""

import uuid

from django.db import migrations

# code, Chinese, English; the namespace makes the HSDS term ids identical on every installation.
CATEGORIES = [
    ("job_placement", "就业安置", "Job placement"),
    ("job_guidance", "就业指导", "Job guidance"),
    ("vocational_training", "职业技能培训", "Vocational training"),
    ("minimum_living_allowance", "最低生活保障（低保）", "Minimum living allowance (dibao)"),
    ("temporary_assistance", "临时救助", "Temporary assistance"),
    ("responsibility_farmland", "责任田落实", "Responsibility farmland"),
    ("psychological_counselling", "心理咨询与矫正", "Psychological counselling"),
    ("legal_aid", "法律援助", "Legal aid"),
    ("schooling", "就学帮扶", "Schooling"),
    ("housing", "住房帮扶", "Housing"),
    ("medical_assistance", "医疗救助", "Medical assistance"),
    ("education_session", "教育学习", "Education sessions"),
    ("public_interest_labour", "公益劳动", "Public-interest labour placements"),
]
NAMESPACE = uuid.UUID("5b0f6a52-3f59-4b59-9d53-0e8f3c1a2b00")


def seed(apps, schema_editor):
    ServiceCategory = apps.get_model("services.ServiceCategory")
    for order, (code, name, name_en) in enumerate(CATEGORIES, start=1):
        ServiceCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "sort_order": order * 10,
                "uuid": uuid.uuid5(NAMESPACE, code),
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("services.ServiceCategory").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
