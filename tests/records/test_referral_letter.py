"""The referral letter (转介函) of a sent referral, issued once through the document service in the name of the
supervisee's office: it says only what the provider it goes to may see; the same bytes on every download; a
void and the next print issue a new number; a new template version leaves it as issued."""

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from coordination import actions as casework
from coordination.models import Supervisee
from records import actions as records
from records.models import DocumentTemplate, IssuedDocument
from services.models import Organisation
from tests.coordination.factories import make_supervisee, offering
from tests.records.helpers import pdf_bytes_text, stored_text

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def url(referral) -> str:
    return f"/casework/referrals/{referral.uuid}/letter.pdf"


def label(name: str) -> str:
    with override("zh-hans"):
        return str(Supervisee._meta.get_field(name).verbose_name)


def test_the_letter_is_issued_once_and_states_what_the_provider_may_see(world):
    referral = world.referrals["sent"]
    first = body(login(world.users["officer"]).get(url(referral)))
    second = body(login(world.users["bureau"]).get(url(referral)))
    assert first == second
    document = IssuedDocument.objects.get()
    assert document.kind == "referral_letter" and document.source == referral
    assert document.office == world.supervisee.judicial_office and document.supervisee == world.supervisee
    assert document.issued_by == world.users["officer"]
    assert hashlib.sha256(first).hexdigest() == document.sha256
    text = pdf_bytes_text(first)
    assert "社区矫正对象转介函" in text and document.number in text and "转字第 1 号" in text
    assert world.provider_org.display_name in text and referral.offering.name in text
    # A training provider sees the name, the case number and its extras (household type, correction end) ...
    assert world.supervisee.name in text and world.supervisee.case_number in text
    assert label("household_type") in text and f"{world.supervisee.correction_end:%Y年%m月%d日}" in text
    # ... never the offence, the risk level, the ID number or the address.
    for hidden in ("offence_category", "risk_level", "address", "sentence_type"):
        assert label(hidden) not in text
    assert world.supervisee.resident_id_masked not in text
    assert f"{timezone.localtime(referral.sent_at):%Y年%m月%d日}" in text
    assert "《中华人民共和国社区矫正法》第三条" in text and "《中华人民共和国个人信息保护法》第六条、第二十三条" in text
    # The register lists it under the office, with the person.
    register = login(world.users["officer"]).get("/casework/records/?kind=referral_letter").content.decode()
    assert document.number in register and world.supervisee.name in register


def test_an_employer_letter_leaves_out_what_an_employer_may_not_see(world):
    employer = world.city.providers[Organisation.Kind.EMPLOYER]
    service = offering(employer, code=world.offering.category.code)
    casework.record_consent(supervisee=world.supervisee, organisation=employer, recorded_by=world.users["officer"])
    referral = casework.create_referral(
        need=world.need, offering=service, actor=world.users["officer"], send=True, message="请安排面试"
    )
    text = pdf_bytes_text(body(login(world.users["officer"]).get(url(referral))))
    assert world.supervisee.name in text and "请安排面试" in text
    for hidden in ("household_type", "correction_end", "offence_category", "risk_level"):
        assert label(hidden) not in text


def test_a_draft_has_no_letter_and_the_page_says_why(world):
    response = login(world.users["officer"]).get(url(world.referrals["draft"]), follow=True)
    assert not IssuedDocument.objects.exists()
    assert "已发送且仍在办理" in response.content.decode()


def test_only_officers_and_the_bureau_print_it_and_the_page_offers_it_to_them(world):
    referral = world.referrals["sent"]
    page = f"/casework/referrals/{referral.uuid}/"
    assert 'data-testid="referral-letter"' in login(world.users["officer"]).get(page).content.decode()
    assert 'data-testid="referral-letter"' not in login(world.users["social_worker"]).get(page).content.decode()
    assert login(world.users["social_worker"]).get(url(referral)).status_code == 403
    assert login(world.users["provider"]).get(url(referral)).status_code == 403
    assert not IssuedDocument.objects.exists()


def test_after_voiding_the_next_print_issues_a_new_number(world):
    referral = world.referrals["accepted"]
    login(world.users["officer"]).get(url(referral))
    first = IssuedDocument.objects.get()
    records.void(document=first, actor=world.users["officer"], reason="服务名称有误")
    login(world.users["officer"]).get(url(referral))
    second = IssuedDocument.objects.exclude(pk=first.pk).get()
    assert second.sequence == 2 and second.number != first.number
    first.refresh_from_db()
    assert first.voided_at and first.number.endswith("第 1 号") and first.sha256


def test_a_new_template_version_leaves_the_issued_letter_alone(world):
    referral = world.referrals["in_service"]
    before = body(login(world.users["officer"]).get(url(referral)))
    document = IssuedDocument.objects.get()
    DocumentTemplate.objects.create(
        kind="referral_letter",
        version=2,
        title_zh="转介函（新版）",
        body="新版正文 {provider}",
        effective_from=timezone.localdate() - dt.timedelta(days=1),
    )
    after = body(login(world.users["officer"]).get(url(referral)))
    assert after == before and hashlib.sha256(after).hexdigest() == document.sha256
    assert "新版正文" not in stored_text(document)


def test_a_minors_letter_leaves_out_the_full_name_and_phone(world):
    officer = world.users["officer"]
    minor = make_supervisee(office=world.city.office, actor=world.users["bureau"], age=16)
    assert minor.is_minor
    need = casework.record_need(
        supervisee=minor, category=world.offering.category, urgency=2, description="学电工", actor=officer
    )
    casework.record_consent(supervisee=minor, organisation=world.provider_org, recorded_by=officer)
    referral = casework.create_referral(need=need, offering=world.offering, actor=officer, send=True)
    text = pdf_bytes_text(body(login(officer).get(url(referral))))
    assert minor.given_name in text and minor.case_number in text
    assert minor.name not in text and minor.phone not in text and label("phone") not in text
