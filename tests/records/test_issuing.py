"""Issuing: numbered per office, kind and year without gaps; rendered once from the template in force;
immutable; voided with a reason while the original stays; the scan kept once."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config.errors import ActionError
from records import actions
from records.models import DocumentTemplate, ImmutableError, IssuedDocument, OfficeCode
from tests.records.helpers import issue, stored_text

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 64


def test_numbers_run_from_one_per_office_kind_and_year(world):
    OfficeCode.objects.create(office=world.city.office, code="新密矫")
    year = timezone.localdate().year
    first, second = issue(world), issue(world)
    other = issue(world, actor=world.users["other_officer"], office=world.city.other_office)
    assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)
    assert first.number == f"新密矫〔{year}〕外字第 1 号"
    assert second.number == f"新密矫〔{year}〕外字第 2 号"
    assert other.number.endswith("外字第 1 号") and other.number.startswith(world.city.other_office.name[:2])


def test_the_pdf_carries_number_dates_legal_basis_and_verification(world):
    document = issue(world)
    text = stored_text(document)
    assert "社区矫正对象外出证明" in text
    assert document.number in text
    assert world.supervisee.name in text
    assert "2026年03月01日" in text and "2026年03月05日" in text and "共5日" in text
    assert "社区矫正法》第二十七条" in text
    assert f"/verify/{document.uuid}/" in text
    with document.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256


def test_a_new_template_version_leaves_issued_documents_alone(world):
    document = issue(world)
    with document.pdf.open("rb") as handle:
        before = handle.read()
    old = document.template
    old.body = "改过的文字"
    with pytest.raises(ImmutableError):
        old.save()
    DocumentTemplate.objects.create(
        kind="travel_certificate",
        version=2,
        title_zh="社区矫正对象外出证明（新版）",
        body="新版正文 {name}",
        effective_from=timezone.localdate() - dt.timedelta(days=1),
    )
    newer = issue(world)
    assert newer.template.version == 2 and "新版正文" in stored_text(newer)
    document.refresh_from_db()
    with document.pdf.open("rb") as handle:
        after = handle.read()
    assert after == before and hashlib.sha256(after).hexdigest() == document.sha256
    assert "新版正文" not in stored_text(document)


def test_a_version_in_force_only_from_its_date(world):
    DocumentTemplate.objects.create(
        kind="travel_certificate",
        version=2,
        title_zh="未来版本",
        body="x",
        effective_from=timezone.localdate() + dt.timedelta(days=10),
    )
    assert issue(world).template.version == 1


def test_issued_content_cannot_change(world):
    document = issue(world)
    document.number = "伪造"
    with pytest.raises(ImmutableError):
        document.save()
    document.refresh_from_db()
    document.snapshot = {"name": "别人"}
    with pytest.raises(ImmutableError):
        document.save()


def test_voiding_keeps_the_original_and_needs_a_reason(world):
    document = issue(world)
    with pytest.raises(ActionError):
        actions.void(document=document, actor=world.users["officer"], reason="  ")
    replacement = issue(world)
    voided = actions.void(document=document, actor=world.users["officer"], reason="日期填错", replaced_by=replacement)
    assert voided.voided_at and voided.void_reason == "日期填错" and voided.replaced_by == replacement
    stored = IssuedDocument.objects.get(pk=document.pk)
    assert stored.number == document.number and stored.sha256 == document.sha256
    with stored.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256
    with pytest.raises(ActionError):
        actions.void(document=stored, actor=world.users["officer"], reason="再次")
    # The void fields are set once.
    stored.void_reason = "改理由"
    with pytest.raises(ImmutableError):
        stored.save()


def test_the_scan_is_checked_by_content_and_kept_once(world):
    document = issue(world)
    with pytest.raises(ActionError) as refused:
        actions.upload_scan(
            document=document, actor=world.users["officer"], file=SimpleUploadedFile("scan.pdf", b"not a pdf")
        )
    assert "file" in refused.value.message_dict
    kept = actions.upload_scan(
        document=document, actor=world.users["officer"], file=SimpleUploadedFile("scan.pdf", PDF)
    )
    assert kept.scan and kept.scan_uploaded_by == world.users["officer"]
    with pytest.raises(ActionError):
        actions.upload_scan(document=kept, actor=world.users["officer"], file=SimpleUploadedFile("s.pdf", PDF))


@pytest.mark.parametrize("who", ["other_officer", "social_worker", "provider", "volunteer", "editor"])
def test_only_the_office_and_the_bureau_issue_and_void(world, who):
    with pytest.raises(PermissionDenied):
        issue(world, actor=world.users[who])
    document = issue(world, actor=world.users["bureau"])
    with pytest.raises(PermissionDenied):
        actions.void(document=document, actor=world.users[who], reason="x")
    with pytest.raises(PermissionDenied):
        actions.upload_scan(document=document, actor=world.users[who], file=SimpleUploadedFile("s.pdf", PDF))
    assert IssuedDocument.objects.count() == 1
