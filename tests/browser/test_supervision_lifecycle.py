"""On a phone: an officer registers a person from a court notice, records the announcement, sets the
correction plan and later releases them; the provider then sees the referral withdrawn with the reason."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from coordination import actions as casework
from coordination.models import Supervisee
from services.models import Membership
from supervision.models import CorrectionPlan, Obligation
from tests import factories
from tests.browser.test_coordination_referral import log_in
from tests.browser.test_supervision_today import phone  # noqa: F401 - the phone-size page fixture
from tests.coordination.factories import make_supervisee, offering

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Role = Membership.Role


def _fill(page, fields: dict) -> None:
    # Labels carry Django's suffix ("Place:"); match the label text exactly as shown.
    for label, value in fields.items():
        page.get_by_label(f"{label}:", exact=True).fill(value)


def test_register_announce_release_and_the_provider_sees_why(phone, browser, live_server):  # noqa: F811
    page = phone
    city = factories.make_city()
    officer = factories.user_with_role(Role.OFFICE_OFFICER, city.office, username="officer")
    provider = factories.user_with_role(
        Role.PROVIDER_STAFF, city.providers[factories.Organisation.Kind.TRAINING_PROVIDER], username="provider"
    )
    today = timezone.localdate()
    person = make_supervisee(office=city.office, actor=officer, name="孙志强", status=Supervisee.Status.INTAKE)

    log_in(page, "officer", f"/en/casework/supervision/supervisees/{person.uuid}/")
    page.get_by_role("link", name="Record a sentence").click()
    page.get_by_label("Deciding organ kind:", exact=True).select_option("court")
    page.get_by_label("Sentence type:", exact=True).select_option("probation")
    _fill(
        page,
        {
            "Deciding organ": "新密市人民法院",
            "Case number (案号)": "（2026）豫0183刑初66号",
            "Date the decision took effect": (today - dt.timedelta(days=2)).isoformat(),
            "Correction starts": (today - dt.timedelta(days=2)).isoformat(),
            "Correction ends": (today + dt.timedelta(days=363)).isoformat(),
        },
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record a legal document").click()
    page.get_by_label("Document kind:", exact=True).select_option("enforcement_notice")
    _fill(page, {"Received": today.isoformat()})
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Register the person's report").click()
    _fill(page, {"Reported on": today.isoformat()})
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record the intake announcement").click()
    _fill(
        page,
        {
            "Date": today.isoformat(),
            "Place": "青屏街道司法所宣告室",
            "Who attended": "司法所工作人员、家属",
            "Items announced": "矫正期限与应遵守的规定",
        },
    )
    page.get_by_role("button", name="Save").click()
    assert page.locator("#lifecycle-status").inner_text() == "under correction"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The correction plan (矫正方案): its first version, with the review clock it opens.
    page.get_by_role("link", name="Correction plan", exact=True).click()
    page.get_by_role("link", name="Write the plan").click()
    page.get_by_label("Supervision level:", exact=True).select_option("ordinary")
    page.get_by_label("How they report:", exact=True).select_option("in_person")
    _fill(
        page,
        {
            "Reasons for the classification": "初次入矫，表现稳定",
            "Report every (days)": "14",
            "Education goals": "每月参加集中教育学习",
        },
    )
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(re.compile(rf"/casework/supervision/plans/{person.uuid}/$"))
    assert "version 1" in page.locator("#plan-current").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Obligation.objects.filter(supervisee=person, kind=Obligation.Kind.PLAN_REVIEW, done_at=None).exists()

    # Months later: a referral is waiting at a provider when the term ends.
    offer = offering(city.providers[factories.Organisation.Kind.TRAINING_PROVIDER])
    need = casework.record_need(
        supervisee=person, category=offer.category, urgency=2, description="想学电工", actor=officer
    )
    casework.record_consent(supervisee=person, organisation=offer.organisation, recorded_by=officer)
    referral = casework.create_referral(need=need, offering=offer, actor=officer, send=True)
    Supervisee.objects.filter(pk=person.pk).update(correction_end=today)

    page.goto(f"/en/casework/supervision/supervisees/{person.uuid}/")
    page.get_by_role("link", name="Release", exact=True).click()
    _fill(
        page,
        {
            "Released on": today.isoformat(),
            "Place": "青屏街道司法所宣告室",
            "Who attended": "司法所工作人员、家属",
            "Items announced": "矫正期满，依法解除社区矫正",
        },
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Release").click()  # the confirmation page
    page.wait_for_url(re.compile(rf"/casework/supervision/supervisees/{person.uuid}/$"))
    assert page.locator("#lifecycle-status").inner_text() == "released"
    assert page.get_by_role("link", name="Release certificate (PDF)").is_visible()
    # The plan's review clock ended with the correction; the plan stays as the record.
    assert not Obligation.objects.filter(supervisee=person, kind=Obligation.Kind.PLAN_REVIEW, done_at=None).exists()
    assert CorrectionPlan.objects.filter(supervisee=person, version=1).exists()

    provider_context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844}
    )
    provider_page = provider_context.new_page()
    log_in(provider_page, "provider", f"/en/casework/referrals/{referral.uuid}/")
    text = provider_page.content()
    assert "Community correction ended: the person was released." in text
    provider_context.close()
    assert provider.is_active
