from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0012_fill_case_numbers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="supervisee",
            name="case_number",
            field=models.CharField(
                editable=False,
                help_text="The platform's own number for this case, given at registration; never changed by hand.",
                max_length=24,
                unique=True,
                verbose_name="case number",
            ),
        ),
    ]
