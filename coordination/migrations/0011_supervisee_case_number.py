from django.db import migrations, models


class Migration(migrations.Migration):
    """The platform's own case number (矫正编号): added empty here, filled by 0011, made unique by 0012."""

    dependencies = [
        ("coordination", "0010_access_log_token_use"),
    ]

    operations = [
        migrations.AddField(
            model_name="supervisee",
            name="case_number",
            field=models.CharField(
                default="",
                editable=False,
                help_text="The platform's own number for this case, given at registration; never changed by hand.",
                max_length=24,
                verbose_name="case number",
            ),
            preserve_default=False,
        ),
    ]
