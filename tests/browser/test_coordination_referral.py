"""A social worker records a need and sends a referral; the provider accepts and completes it; the
social worker sees the outcome."""

import pytest

from coordination import actions
from coordination.models import Referral
from services.models import Membership
from tests import factories
from tests.browser.conftest import pass_second_factor
from tests.coordination.factories import make_supervisee, offering

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Role = Membership.Role


def log_in(page, username: str, next_url: str) -> None:
    page.goto(f"/en/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    pass_second_factor(page, username)
    page.wait_for_url(f"**{next_url}")


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_closed_loop_referral_in_the_browser(page):
    city = factories.make_city()
    social_worker = factories.user_with_role(Role.SOCIAL_WORKER, city.office, username="sw")
    provider_org = city.providers["training_provider"]
    factories.user_with_role(Role.PROVIDER_STAFF, provider_org, username="staff")
    supervisee = make_supervisee(office=city.office)
    training = offering(provider_org, capacity=3)
    actions.record_consent(supervisee=supervisee, organisation=provider_org, recorded_by=social_worker)
    case_url = f"/en/casework/supervisees/{supervisee.uuid}/"

    log_in(page, "sw", case_url)
    page.get_by_role("link", name="Record a need").click()
    page.get_by_label("Category").select_option(label="Vocational training")
    page.get_by_label("What is needed").fill("想学电工，考取电工证")
    page.get_by_role("button", name="Save the need").click()
    page.get_by_label("Service").select_option(index=0)
    page.get_by_label("Message to the provider").fill("请安排入学评估")
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url("**/casework/referrals/**")
    assert "Referral sent." in page.content()
    referral = Referral.objects.get(need__supervisee=supervisee)
    assert referral.state == "sent" and referral.offering == training
    log_out(page)

    log_in(page, "staff", "/en/casework/inbox/")
    page.get_by_test_id("inbox-item").get_by_role("link").click()
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("button", name="Start the service").click()
    page.get_by_label("Outcome", exact=True).select_option("achieved")
    page.get_by_label("Outcome note").fill("已结业，取得电工证")
    page.get_by_role("button", name="Complete").click()
    assert "已结业，取得电工证" in page.get_by_test_id("outcome").inner_text()
    log_out(page)

    log_in(page, "sw", case_url)
    outcome = page.get_by_test_id("referral-outcome").inner_text()
    assert "achieved" in outcome and "已结业，取得电工证" in outcome
    referral.refresh_from_db()
    assert referral.state == "completed"
    assert list(referral.events.values_list("to_state", flat=True)) == [
        "draft",
        "sent",
        "accepted",
        "in_service",
        "completed",
    ]
