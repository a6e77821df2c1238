"""The archive closes when the correction ends (release or termination), with who, when and each volume's
retention due date from the rule book; the rule-book rows say they are deployment defaults."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from archive.models import CaseArchive, VolumeKind
from supervision import actions as lifecycle
from supervision.models import Rule
from tests.archive.helpers import release


@pytest.mark.django_db
def test_release_closes_the_archive_with_both_volumes_due_by_the_rule_book(world):
    person = release(world)
    archive = CaseArchive.objects.get(supervisee=person)
    today = timezone.localdate()
    assert archive.ending == "release"
    assert archive.closed_on == today
    assert archive.closed_by == world.users["officer"]
    assert archive.office == world.city.office
    assert archive.case_number == person.case_number
    due = {volume.kind: volume.due_on for volume in archive.volumes.all()}
    execution = Rule.objects.get(code="archive_retention_execution").value
    work = Rule.objects.get(code="archive_retention_work").value
    assert due == {
        VolumeKind.EXECUTION: today + relativedelta(months=execution),
        VolumeKind.WORK: today + relativedelta(months=work),
    }


@pytest.mark.django_db
def test_a_bureau_override_of_the_retention_changes_the_due_date(world):
    Rule.objects.filter(code="archive_retention_work").update(override_value=60, override_reason="本省办法：5年")
    person = release(world)
    volume = CaseArchive.objects.get(supervisee=person).volumes.get(kind=VolumeKind.WORK)
    assert volume.due_on == timezone.localdate() + relativedelta(months=60)


@pytest.mark.django_db
def test_termination_closes_the_archive_too(world):
    person = world.supervisee
    lifecycle.terminate(supervisee=person, actor=world.users["bureau"], ground="death", on=timezone.localdate())
    archive = CaseArchive.objects.get(supervisee=person)
    assert archive.ending == "termination"
    assert archive.closed_by == world.users["bureau"]
    assert archive.volumes.count() == 2


@pytest.mark.django_db
def test_a_correction_still_running_has_no_archive(world):
    assert not CaseArchive.objects.filter(supervisee=world.supervisee).exists()


@pytest.mark.django_db
def test_the_retention_rules_name_their_source_and_say_they_are_defaults():
    for code in ("archive_retention_execution", "archive_retention_work"):
        rule = Rule.objects.get(code=code)
        assert rule.unit == "months"
        assert "第十八条" in rule.law_zh and "部署默认值" in rule.law_zh
        assert "Art. 18" in rule.law_en and "default" in rule.law_en
