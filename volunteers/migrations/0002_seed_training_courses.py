"""The standard courses every installation starts with (editable afterwards)."""

from django.db import migrations

COURSES = [
    # code, Chinese name, English name, validity in months, required before activation
    ("legal_basics", "社区矫正法律基础", "Legal basics of community corrections", 24, True),
    ("confidentiality", "保密与个人信息保护", "Confidentiality and personal information", 12, True),
    ("working_with_supervisees", "与社区矫正对象工作", "Working with supervisees", 24, False),
]


def seed(apps, schema_editor):
    TrainingCourse = apps.get_model("volunteers", "TrainingCourse")
    for code, name, name_en, months, required in COURSES:
        TrainingCourse.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "validity_months": months, "required_for_activation": required},
        )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
