"""Generated links use the host the user came by (or SITE_URL), and dates shown are Beijing dates."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from pypdf import PdfReader

from records.models import IssuedDocument
from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import Certificate, HourLog

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
# 00:30 on 1 December in Beijing is still 30 November in UTC.
HALF_PAST_MIDNIGHT = dt.datetime(2026, 12, 1, 0, 30, tzinfo=BEIJING)
REPO = Path(__file__).resolve().parents[1]


def _approved_volunteer():
    volunteer = f.volunteer(full_name="赵志愿")
    entry, _ = actions.log_hours(
        actor=None, volunteer=volunteer, activity="普法宣传", date=dt.date(2026, 11, 20), hours=Decimal("3")
    )
    actions.review_hours(entries=HourLog.objects.filter(pk=entry.pk), actor=None, approve=True)
    return volunteer


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
def test_certificate_pdf_and_verification_page_agree_on_the_beijing_date(client):
    volunteer = _approved_volunteer()
    client.force_login(volunteer.user)
    with time_machine.travel(HALF_PAST_MIDNIGHT, tick=False):
        response = client.post("/volunteers/certificate/", follow=True)
    text = _pdf_text(response.content)
    document = IssuedDocument.objects.get(kind="volunteer_certificate")
    assert "出具日期：2026年12月01日" in text and "〔2026〕" in text
    page = client.get(f"/verify/{document.uuid}/").content.decode()
    assert "2026-12-01" in page and "2026-11-30" not in page
    # A certificate issued before the document service: its own check by code, the same Beijing date.
    with time_machine.travel(HALF_PAST_MIDNIGHT, tick=False):
        old = Certificate.objects.create(volunteer=volunteer, code="ABCD-EFGH-JKLM", total_hours=Decimal("3"))
    page = client.get("/volunteers/verify/", {"code": old.code}).content.decode()
    assert "2026-12-01" in page and "2026-11-30" not in page


@pytest.mark.django_db
def test_the_consent_date_in_the_application_mail_is_the_beijing_date(django_capture_on_commit_callbacks):
    team = f.team()
    with time_machine.travel(HALF_PAST_MIDNIGHT, tick=False), django_capture_on_commit_callbacks(execute=True):
        actions.submit_application(
            full_name="钱申请", phone="+8613900001234", email="qian@example.cn", organisation=team
        )
    body = mail.outbox[-1].body
    assert "2026-12-01" in body and "2026-11-30" not in body


@pytest.mark.django_db
def test_the_certificate_links_to_the_host_the_user_came_by(client, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    volunteer = _approved_volunteer()
    client.force_login(volunteer.user)
    response = client.post("/volunteers/certificate/", follow=True, HTTP_HOST="127.0.0.1:8301")
    text = _pdf_text(response.content).replace("\n", "")
    document = IssuedDocument.objects.get(kind="volunteer_certificate")
    assert f"http://127.0.0.1:8301/verify/{document.uuid}/" in text
    assert "127.0.0.1:8000" not in text


@pytest.mark.django_db
def test_mails_sent_without_a_request_use_site_url(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://127.0.0.1:8301"
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_application(
            full_name="孙申请", phone="+8613900005678", email="sun@example.cn", organisation=f.team()
        )
    body = mail.outbox[-1].body
    assert "http://127.0.0.1:8301/accounts/password/reset/" in body
    assert "127.0.0.1:8000" not in body


def test_make_run_sets_site_url_from_host_and_port():
    out = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0", "PORT=8301"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    served = [line for line in out.splitlines() if "runserver" in line]
    assert served and "SITE_URL=http://0.0.0.0:8301" in served[0]
