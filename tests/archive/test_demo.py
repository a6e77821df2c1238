"""The demo's released and terminated people have closed archives, and loading the demo again adds none."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from archive.models import ArchiveVolume, CaseArchive
from coordination.models import Supervisee


@pytest.mark.django_db
def test_the_demo_closes_the_archive_of_everyone_whose_correction_ended():
    call_command("load_demo", stdout=io.StringIO())
    ended = Supervisee.objects.filter(status__in=("released", "terminated"))
    assert ended.exists()
    assert set(CaseArchive.objects.values_list("supervisee_id", flat=True)) == set(ended.values_list("pk", flat=True))
    assert ArchiveVolume.objects.count() == 2 * ended.count()
    for archive in CaseArchive.objects.select_related("supervisee"):
        assert archive.closed_on <= archive.volumes.get(kind="work").due_on
    before = CaseArchive.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert CaseArchive.objects.count() == before
