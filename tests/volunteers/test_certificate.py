"""The Art. 19 certificate: Chinese PDF whose text a PDF reader extracts; a verification page that reveals little."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import Certificate, HourLog


@pytest.fixture
def served(db):
    volunteer = f.volunteer(full_name="赵志愿")
    for activity, hours in [("普法宣传", "2.5"), ("公益劳动监督", "4")]:
        entry, _ = actions.log_hours(
            actor=None, volunteer=volunteer, activity=activity, date=timezone.localdate(), hours=Decimal(hours)
        )
        actions.review_hours(entries=HourLog.objects.filter(pk=entry.pk), actor=None, approve=True)
    actions.log_hours(actor=None, volunteer=volunteer, activity="未审核", date=timezone.localdate(), hours=Decimal("9"))
    return volunteer


def test_certificate_pdf_states_hours_activities_training_and_code(client, served):
    client.force_login(served.user)
    response = client.post("/volunteers/certificate/", follow=True)
    assert response["Content-Type"] == "application/pdf"
    certificate = Certificate.objects.get(volunteer=served)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "志愿服务记录证明" in text
    assert "赵志愿" in text
    assert "6.50 小时" in text  # approved only: the pending 9 hours are not certified
    assert "普法宣传" in text and "公益劳动监督" in text
    assert "保密与个人信息保护" in text
    assert certificate.code in text
    assert "第十九条" in text


def test_no_certificate_without_approved_hours(client, db):
    volunteer = f.volunteer()
    client.force_login(volunteer.user)
    client.post("/volunteers/certificate/")
    assert not Certificate.objects.exists()
    # control: once an hour entry is approved, the same request issues one
    entry, _ = actions.log_hours(
        actor=None, volunteer=volunteer, activity="普法宣传", date=timezone.localdate(), hours=Decimal("1")
    )
    actions.review_hours(entries=HourLog.objects.filter(pk=entry.pk), actor=None, approve=True)
    client.post("/volunteers/certificate/")
    assert Certificate.objects.filter(volunteer=volunteer).count() == 1


def test_verification_confirms_without_revealing_more(client, served):
    certificate = actions.issue_certificate(actor=None, volunteer=served)
    page = client.get("/volunteers/verify/", {"code": certificate.code.lower()}).content.decode()
    assert "赵**" in page and "6.50" in page
    assert "赵志愿" not in page and served.phone not in page and "普法宣传" not in page
    unknown = client.get("/volunteers/verify/", {"code": "AAAA-BBBB-CCCC"}).content.decode()
    assert "6.50" not in unknown
    assert client.get("/volunteers/verify/", {"code": ""}).status_code == 400


def test_another_volunteer_cannot_download_my_certificate(client, served):
    certificate = actions.issue_certificate(actor=None, volunteer=served)
    url = f"/volunteers/certificate/{certificate.code}.pdf"
    client.force_login(served.user)
    assert client.get(url).status_code == 200  # control: the owner can
    client.force_login(f.volunteer().user)
    assert client.get(url).status_code == 404
