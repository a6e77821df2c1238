# Signed announcement scans move from the public media folder (served by the proxy at /media/) to the
# private attachment folder (accounts/attachments.py), which only a scoped, logged view reads.

import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import accounts.attachments


def move_scans(apps, schema_editor):
    """Move each stored scan under PRIVATE_MEDIA_ROOT, keeping its name (the column does not change)."""
    Announcement = apps.get_model("supervision", "Announcement")
    public, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    for name in Announcement.objects.exclude(signed_scan="").values_list("signed_scan", flat=True):
        source, target = public / name, private / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(source), str(target))


def move_back(apps, schema_editor):
    Announcement = apps.get_model("supervision", "Announcement")
    public, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    for name in Announcement.objects.exclude(signed_scan="").values_list("signed_scan", flat=True):
        source, target = private / name, public / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(source), str(target))


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0011_sanction_grounds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="announcement",
            name="signed_scan",
            field=models.FileField(
                blank=True,
                max_length=200,
                storage=accounts.attachments.private_storage,
                upload_to=accounts.attachments.private_path,
                verbose_name="signed scan",
            ),
        ),
        migrations.RunPython(move_scans, move_back),
    ]
