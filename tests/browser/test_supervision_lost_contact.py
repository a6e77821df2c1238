"""On a phone (390x844), an officer handles a lost-contact episode from the alert on 今日待办 to found:
search steps, notices to public security and the procuratorate, and the close with the outcome."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from services.models import Membership
from supervision.actions import end_of_day
from supervision.models import Obligation, SanctionGround
from supervision.reporting import actions as reporting
from supervision.reporting.models import LostContactEpisode
from tests import factories
from tests.browser.test_axe_work_pages import _serious
from tests.browser.test_coordination_referral import log_in
from tests.browser.test_supervision_today import phone  # noqa: F401  (the phone-sized page fixture)
from tests.coordination.factories import make_supervisee

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Role = Membership.Role


def test_an_officer_handles_lost_contact_from_alert_to_found_on_a_phone(phone):  # noqa: F811
    page = phone
    city = factories.make_city()
    officer = factories.user_with_role(Role.OFFICE_OFFICER, city.office, username="officer")
    person = make_supervisee(office=city.office, actor=officer, name="孙志强")
    Obligation.objects.create(
        supervisee=person,
        kind=Obligation.Kind.REPORT,
        rule_code="report_interval_ordinary",
        due_at=end_of_day(timezone.localdate() - dt.timedelta(days=4)),
    )
    assert reporting.run_daily()["episodes"] == 1

    log_in(page, "officer", "/en/casework/supervision/today/")
    alert = page.locator("section", has=page.get_by_role("heading", name=re.compile("Lost contact")))
    assert "孙志强" in alert.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    alert.get_by_role("link", name="孙志强").click()
    page.wait_for_url(re.compile(r"/casework/supervision/lost-contact/\d+/$"))
    assert _serious(Axe().run(page)) == []

    # Two search steps, each timestamped when recorded.
    for kind, result in (("phone", "电话关机"), ("family", "家属称其外出打工，未告知去向")):
        page.get_by_label("Step:", exact=True).select_option(kind)
        page.get_by_label("Result:", exact=True).fill(result)
        page.get_by_role("button", name="Record the step").click()
        page.wait_for_load_state()
        assert result in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Not found: public security and the procuratorate are told.
    for recipient in ("public_security", "procuratorate"):
        page.get_by_label("Told:", exact=True).select_option(recipient)
        page.get_by_role("button", name="Record the notice").click()
        page.wait_for_load_state()
    today = timezone.localdate().isoformat()
    episode = LostContactEpisode.objects.get(supervisee=person)
    assert (str(episode.police_notified_on), str(episode.procuratorate_notified_on)) == (today, today)

    # Found: close with the outcome.
    page.get_by_label("Outcome of the search:", exact=True).select_option("found")
    page.get_by_label("Details:", exact=True).fill("在外地务工地找到，已责令返回")
    page.get_by_role("button", name="Close the episode").click()
    page.wait_for_load_state()
    assert "Closed" in page.locator("#episode-facts").inner_text()
    episode.refresh_from_db()
    assert episode.closed_at is not None and episode.outcome == "found"
    assert [step.kind for step in episode.steps.all()] == ["phone", "family"]
    assert SanctionGround.objects.filter(supervisee=person, code="lost_contact").count() == 1

    page.goto(f"/en/casework/supervision/reporting/{person.uuid}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert _serious(Axe().run(page)) == []

    # It leaves the top of 今日待办.
    page.goto("/en/casework/supervision/today/")
    assert page.get_by_role("heading", name=re.compile("Lost contact")).count() == 0
