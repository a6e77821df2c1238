"""Disposal removes what it says (rows anonymised or deleted, files gone from storage) and leaves the disposal
record; it is refused before the due date with the same message on the page and in the API, and to anyone but
a bureau administrator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.attachments import private_storage
from archive import actions
from archive.models import CaseArchive, DisposalRecord, VolumeKind
from config.errors import ActionError
from coordination.models import CaseNote, Referral, Supervisee
from records.models import IssuedDocument
from supervision.models import StatusChange
from tests.archive.helpers import note, release
from tests.records.helpers import issue

REFUSAL = "届满前不得销毁"  # the refusal, in the default language (zh-hans)


def _closed(world):
    document = issue(world, actor=world.users["officer"])
    note(world, body="家访：与母亲同住，情况稳定")
    person = release(world)
    return CaseArchive.objects.get(supervisee=person), document


def _make_due(archive, kind):
    archive.volumes.filter(kind=kind).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    return archive.volumes.get(kind=kind)


@pytest.mark.django_db
def test_disposing_of_the_work_volume_deletes_notes_and_keeps_the_record(world, django_capture_on_commit_callbacks):
    archive, _document = _closed(world)
    volume = _make_due(archive, VolumeKind.WORK)
    assert CaseNote.objects.filter(supervisee=archive.supervisee).exists()
    with django_capture_on_commit_callbacks(execute=True):
        record = actions.dispose(volume=volume, actor=world.users["bureau"], reason="保管期满，经局务会审批销毁")
    assert not CaseNote.objects.filter(supervisee=archive.supervisee).exists()
    assert not Referral.objects.filter(need__supervisee=archive.supervisee).exclude(message="").exists()
    record = DisposalRecord.objects.get(pk=record.pk)
    assert record.counts["case_notes"] >= 1
    assert record.disposed_by == world.users["bureau"]
    assert record.reason == "保管期满，经局务会审批销毁"
    assert record.case_number == archive.case_number
    # The execution volume is still kept, and so is the person's identity.
    person = Supervisee.objects.get(pk=archive.supervisee_id)
    assert person.name == archive.supervisee.name
    assert IssuedDocument.objects.filter(supervisee=person).exists()


@pytest.mark.django_db
def test_disposing_of_both_volumes_removes_files_and_anonymises_the_person(world, django_capture_on_commit_callbacks):
    archive, document = _closed(world)
    pdf_name = document.pdf.name
    storage = private_storage()
    assert storage.exists(pdf_name)
    bureau = world.users["bureau"]
    with django_capture_on_commit_callbacks(execute=True):
        execution = actions.dispose(volume=_make_due(archive, VolumeKind.EXECUTION), actor=bureau, reason="期满")
    assert not storage.exists(pdf_name)
    assert execution.files_removed >= 1
    row = IssuedDocument.objects.get(pk=document.pk)
    assert (row.pdf.name, row.snapshot, row.supervisee_id) == ("", {}, None)
    assert row.number == document.number  # the register keeps the number, without the person
    assert StatusChange.objects.filter(supervisee=archive.supervisee).exists()
    person = Supervisee.objects.get(pk=archive.supervisee_id)
    assert person.name != "已销毁"  # one volume is still kept
    with django_capture_on_commit_callbacks(execute=True):
        actions.dispose(volume=_make_due(archive, VolumeKind.WORK), actor=bureau, reason="期满")
    person = Supervisee.objects.get(pk=archive.supervisee_id)
    assert (person.name, person.phone, person.address, person.resident_id_encrypted) == ("已销毁", "", "", "")
    assert DisposalRecord.objects.filter(case_number=archive.case_number).count() == 2
    assert DisposalRecord.objects.get(kind="work").counts["supervisee"] == 1


@pytest.mark.django_db
def test_a_disposal_is_refused_before_the_due_date_and_leaves_everything(world):
    archive, document = _closed(world)
    volume = archive.volumes.get(kind=VolumeKind.WORK)
    with pytest.raises(ActionError) as refused:
        actions.dispose(volume=volume, actor=world.users["bureau"], reason="提前销毁")
    assert REFUSAL in str(refused.value.messages[0])
    assert refused.value.status_code == 409
    assert CaseNote.objects.filter(supervisee=archive.supervisee).exists()
    assert not DisposalRecord.objects.exists()


@pytest.mark.django_db
def test_only_a_bureau_administrator_disposes_and_a_reason_is_required(world):
    archive, _document = _closed(world)
    volume = _make_due(archive, VolumeKind.WORK)
    with pytest.raises(PermissionDenied):
        actions.dispose(volume=volume, actor=world.users["officer"], reason="期满")
    with pytest.raises(ActionError) as refused:
        actions.dispose(volume=volume, actor=world.users["bureau"], reason="  ")
    assert "reason" in refused.value.message_dict
    actions.dispose(volume=volume, actor=world.users["bureau"], reason="期满")
    with pytest.raises(ActionError) as again:
        actions.dispose(volume=volume, actor=world.users["bureau"], reason="期满")
    assert again.value.status_code == 409


@pytest.mark.django_db
def test_the_page_and_the_api_refuse_an_early_disposal_with_the_same_message(world):
    archive, _document = _closed(world)
    client = Client()
    client.force_login(world.users["bureau"])
    page = client.post(
        reverse("archive:dispose", kwargs={"uuid": archive.uuid, "kind": "work"}),
        {"work-reason": "提前", "work-confirm": "on"},
    )
    api = client.post(
        reverse("archive-case-dispose", kwargs={"uuid": archive.uuid}),
        {"volume": "work", "reason": "提前"},
        content_type="application/json",
    )
    assert page.status_code == 400
    assert api.status_code == 409
    due = archive.volumes.get(kind="work").due_on.isoformat()
    assert REFUSAL in page.content.decode() and due in page.content.decode()
    assert REFUSAL in api.content.decode() and due in api.content.decode()
    assert CaseNote.objects.filter(supervisee=archive.supervisee).exists()


@pytest.mark.django_db
def test_the_page_asks_first_then_disposes_and_shows_the_record(world):
    archive, _document = _closed(world)
    _make_due(archive, VolumeKind.WORK)
    client = Client()
    client.force_login(world.users["bureau"])
    url = reverse("archive:dispose", kwargs={"uuid": archive.uuid, "kind": "work"})
    unconfirmed = client.post(url, {"work-reason": "期满"})
    assert unconfirmed.status_code == 400
    assert CaseNote.objects.filter(supervisee=archive.supervisee).exists()
    done = client.post(url, {"work-reason": "期满", "work-confirm": "on"})
    assert done.status_code == 302
    page = client.get(reverse("archive:detail", kwargs={"uuid": archive.uuid}))
    assert 'data-testid="disposal-work"' in page.content.decode()
    assert not CaseNote.objects.filter(supervisee=archive.supervisee).exists()
