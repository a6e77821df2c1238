"""On a phone (390x844), from a lost-contact episode of 12 days to the month's assessment (issue 16):
the officer records the episode and closes it when the person is found; the platform suggests a warning
(警告) with the ground; the officer proposes it; the county bureau's head decides it (Measures: the county
bureau decides 训诫 and 警告) and the decision document is issued; the month's assessment, pre-filled by
the officer, scores the lost contact and the warning; the office head approves the assessment."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from services.models import Membership
from supervision.assessment.models import Assessment
from supervision.models import SanctionGround
from supervision.sanctions.models import SanctionProposal
from tests import factories
from tests.browser.test_axe_work_pages import _serious
from tests.browser.test_coordination_referral import log_in, log_out
from tests.browser.test_supervision_today import phone  # noqa: F401  (the phone-sized page fixture)
from tests.coordination.factories import make_supervisee

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Role = Membership.Role


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_twelve_days_lost_contact_to_a_warning_to_the_months_assessment_on_a_phone(phone):  # noqa: F811
    page = phone
    city = factories.make_city()
    officer = factories.user_with_role(Role.OFFICE_OFFICER, city.office, username="officer")
    factories.user_with_role(Role.OFFICE_HEAD, city.office, username="officehead")
    factories.user_with_role(Role.BUREAU_HEAD, city.bureau, username="bureauhead")
    person = make_supervisee(office=city.office, actor=officer, name="孙志强")
    since = timezone.localdate() - dt.timedelta(days=12)

    # The officer records the lost contact (12 days ago) and closes the episode: found.
    log_in(page, "officer", f"/en/casework/supervision/reporting/{person.uuid}/")
    page.get_by_text("Report lost contact").click()
    page.get_by_label("Out of contact since").fill(since.isoformat())
    page.get_by_label("What is known").fill("电话关机，家属称其外出")
    page.get_by_role("button", name="Open a lost-contact episode").click()
    page.wait_for_url(re.compile(r"/casework/supervision/lost-contact/\d+/$"))
    page.get_by_label("Outcome of the search:", exact=True).select_option("found")
    page.get_by_label("Details:", exact=True).fill("在外地务工地找到，已责令返回")
    page.get_by_role("button", name="Close the episode").click()
    page.wait_for_load_state()
    ground = SanctionGround.objects.get(supervisee=person, code=SanctionGround.Code.LOST_CONTACT_LONG)

    # The platform suggests a warning, with the ground as its reason; the officer proposes it.
    page.goto(f"/en/casework/supervision/sanctions/supervisees/{person.uuid}/")
    suggestion = page.locator("#suggestion-list > li", has_text="Warning")
    assert f"lost contact beyond the first threshold ({ground.occurred_on.isoformat()})" in suggestion.inner_text()
    _fits(page)
    assert _serious(Axe().run(page)) == []
    suggestion.get_by_role("link", name="Propose").click()
    page.wait_for_url(re.compile(r"/propose/"))
    page.get_by_label("Facts").fill("2026年失联12天，经查找在外地务工地找到")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/sanctions/proposals/\d+/$"))
    proposal = SanctionProposal.objects.get(supervisee=person)
    assert proposal.kind == SanctionProposal.Kind.WARNING and list(proposal.grounds.all()) == [ground]
    log_out(page)

    # The bureau head decides; the decision document is issued.
    log_in(page, "bureauhead", f"/en/casework/supervision/sanctions/proposals/{proposal.pk}/")
    page.get_by_role("link", name="Decide", exact=True).click()
    page.get_by_label("Approve").check()
    page.get_by_label("Decision number (文号)").fill("新密矫〔2026〕警字第3号")
    page.get_by_label("I have read the facts").check()
    page.get_by_role("button", name=re.compile("Decide|Save")).click()
    page.wait_for_url(re.compile(rf"/sanctions/proposals/{proposal.pk}/$"))
    proposal.refresh_from_db()
    assert proposal.decided_by is not None and proposal.state != SanctionProposal.State.PROPOSED
    pdf = page.request.get(page.get_by_role("link", name="Decision document (PDF)").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    _fits(page)
    log_out(page)

    # The officer pre-fills the month: the lost contact and the warning cost their items' points.
    log_in(page, "officer", "/en/casework/supervision/assessments/")
    # The form offers last month (the one normally assessed); this month has begun and holds the decision.
    prefill = page.get_by_role("form", name="Pre-fill a month")
    prefill.get_by_label("Month", exact=True).fill(f"{timezone.localdate():%Y-%m}")
    prefill.get_by_role("button", name="Create and pre-fill the month's assessments").click()
    page.wait_for_load_state()
    assessment = Assessment.objects.get(supervisee=person, month=timezone.localdate().replace(day=1))
    page.goto(f"/en/casework/supervision/assessments/{assessment.pk}/")
    rows = page.locator("tbody tr")
    lost = rows.filter(has_text="12 days out of contact")
    assert lost.count() == 1 and lost.locator("td").first.inner_text().strip() == "0"
    warned = rows.filter(has_text="Decided in the period")
    assert "warning (警告)" in warned.inner_text() and warned.locator("td").first.inner_text().strip() == "0"
    _fits(page)
    assert _serious(Axe().run(page)) == []
    # The items only the officer can judge (admitting guilt, attitude): full points here.
    for box in page.locator("input[type=number]").all():
        if not box.input_value():
            box.fill(box.get_attribute("max"))
    page.get_by_role("button", name="Save the points").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Submit for the office head's review").click()
    page.wait_for_load_state()
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.SUBMITTED, page.locator("main").inner_text()
    log_out(page)

    # The office head approves it; the total stays below the full score.
    log_in(page, "officehead", f"/en/casework/supervision/assessments/{assessment.pk}/")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.APPROVED and assessment.reviewed_by is not None
    assert assessment.total < assessment.rubric.max_total
