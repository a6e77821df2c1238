"""The Art. 19 certificate, issued through the document service in the volunteer team's name: Chinese PDF whose
text a PDF reader extracts (number, name, hours, dates, legal basis); issued once while the record is unchanged,
the same bytes on every download; the public check shows the masked name and the hours and nothing more; and
certificates issued before the document service still verify by their code and still download."""

import hashlib
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from records import actions as records
from records.models import IssuedDocument
from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import Certificate, HourLog


def text_of(body: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def approve(volunteer, activity: str, hours: str):
    entry, _ = actions.log_hours(
        actor=None, volunteer=volunteer, activity=activity, date=timezone.localdate(), hours=Decimal(hours)
    )
    actions.review_hours(entries=HourLog.objects.filter(pk=entry.pk), actor=None, approve=True)


@pytest.fixture
def served(db):
    volunteer = f.volunteer(full_name="赵志愿")
    for activity, hours in [("普法宣传", "2.5"), ("公益劳动监督", "4")]:
        approve(volunteer, activity, hours)
    actions.log_hours(actor=None, volunteer=volunteer, activity="未审核", date=timezone.localdate(), hours=Decimal("9"))
    return volunteer


def test_certificate_pdf_states_number_name_hours_dates_and_legal_basis(client, served):
    client.force_login(served.user)
    response = client.post("/volunteers/certificate/", follow=True)
    assert response["Content-Type"] == "application/pdf"
    document = IssuedDocument.objects.get(kind="volunteer_certificate")
    assert document.office == served.organisation and document.supervisee is None and document.source == served
    assert document.issued_by == served.user
    text = text_of(response.content)
    assert "志愿服务记录证明" in text and document.number in text and "志字第 1 号" in text
    assert "赵志愿" in text
    assert "6.50 小时" in text  # approved only: the pending 9 hours are not certified
    assert "普法宣传" in text and "公益劳动监督" in text
    assert "保密与个人信息保护" in text  # training
    day = timezone.localdate()
    assert day.isoformat() in text and f"{day:%Y年%m月%d日}" in text  # the service period, the issue date
    assert "《志愿服务条例》第十九条" in text and "新密政〔2012〕17号" in text
    assert f"/verify/{document.uuid}/" in text
    assert hashlib.sha256(response.content).hexdigest() == document.sha256


def test_issued_once_while_the_record_is_unchanged_and_served_as_issued(client, served):
    client.force_login(served.user)
    first = client.post("/volunteers/certificate/", follow=True).content
    second = client.post("/volunteers/certificate/", follow=True).content
    document = IssuedDocument.objects.get()
    again = client.get(f"/volunteers/certificate/{document.uuid}.pdf").content
    assert first == second == again
    # New approved hours: the next request certifies them under a new number; the first stays valid.
    approve(served, "普法宣传", "1")
    newer = text_of(client.post("/volunteers/certificate/", follow=True).content)
    assert "7.50 小时" in newer and "志字第 2 号" in newer
    assert IssuedDocument.objects.filter(voided_at__isnull=True).count() == 2


def test_after_voiding_the_next_request_issues_a_new_number(client, served):
    first = actions.issue_certificate(actor=None, volunteer=served)
    records.void(document=first, actor=f.coordinator(served.organisation), reason="姓名有误")
    second = actions.issue_certificate(actor=None, volunteer=served)
    assert second.pk != first.pk and second.sequence == 2
    first.refresh_from_db()
    assert first.voided_at and first.number.endswith("第 1 号")
    client.force_login(served.user)
    home = client.get("/volunteers/home/").content.decode()
    assert first.number in home and second.number in home


def test_no_certificate_without_approved_hours(client, db):
    volunteer = f.volunteer()
    client.force_login(volunteer.user)
    client.post("/volunteers/certificate/")
    assert not IssuedDocument.objects.exists()
    # control: once an hour entry is approved, the same request issues one
    approve(volunteer, "普法宣传", "1")
    client.post("/volunteers/certificate/")
    assert IssuedDocument.objects.filter(kind="volunteer_certificate").count() == 1


def test_public_check_shows_the_masked_name_and_hours_only(client, served):
    document = actions.issue_certificate(actor=None, volunteer=served)
    page = client.get(f"/verify/{document.uuid}/").content.decode()
    assert "赵**" in page and "6.50" in page and document.number in page
    assert "赵志愿" not in page and served.phone not in page and "普法宣传" not in page
    # The volunteers' check by code sends a document's public id to its page.
    response = client.get("/volunteers/verify/", {"code": str(document.uuid)})
    assert response.status_code == 302 and response["Location"] == f"/verify/{document.uuid}/"


def legacy(volunteer) -> Certificate:
    """A certificate as issued before the document service (a row with a code and a snapshot)."""
    return Certificate.objects.create(
        volunteer=volunteer,
        code="ABCD-EFGH-JKLM",
        total_hours=Decimal("6.50"),
        snapshot={
            "full_name": volunteer.full_name,
            "organisation": volunteer.organisation.name,
            "first_date": "2025-03-01",
            "last_date": "2025-06-30",
            "total_hours": "6.50",
            "activities": [{"name": "普法宣传", "hours": "6.50"}],
            "training": [],
        },
    )


def test_certificates_issued_before_still_verify_and_download(client, served):
    certificate = legacy(served)
    page = client.get("/volunteers/verify/", {"code": certificate.code.lower()}).content.decode()
    assert "赵**" in page and "6.50" in page
    assert "赵志愿" not in page and served.phone not in page and "普法宣传" not in page
    unknown = client.get("/volunteers/verify/", {"code": "AAAA-BBBB-CCCC"}).content.decode()
    assert "6.50" not in unknown
    assert client.get("/volunteers/verify/", {"code": ""}).status_code == 400
    client.force_login(served.user)
    text = text_of(client.get(f"/volunteers/certificate/{certificate.code}.pdf").content)
    assert certificate.code in text and "赵志愿" in text and "6.50 小时" in text and "2025-03-01" in text
    assert not IssuedDocument.objects.exists()  # downloading an old one issues nothing


def test_another_volunteer_cannot_download_my_certificate(client, served):
    document = actions.issue_certificate(actor=None, volunteer=served)
    certificate = legacy(served)
    for url in (f"/volunteers/certificate/{document.uuid}.pdf", f"/volunteers/certificate/{certificate.code}.pdf"):
        client.force_login(served.user)
        assert client.get(url).status_code == 200  # control: the owner can
        client.force_login(f.volunteer().user)
        assert client.get(url).status_code == 404
