"""An officer opens a need, sees suggestions with the reasons, and sends a referral from one."""

import pytest

from coordination.models import Referral
from tests import factories
from tests.browser.conftest import pass_second_factor
from tests.matching.factories import make_match_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_officer_sends_a_referral_from_a_suggestion(page):
    mw = make_match_world()
    page.goto("/en/accounts/login/?next=/en/casework/matching/")
    page.get_by_label("Username").fill("mofficer")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    pass_second_factor(page, "mofficer")
    page.wait_for_url("**/casework/matching/")
    page.get_by_test_id(f"need-{mw.need.pk}").click()
    page.wait_for_url(f"**/casework/matching/needs/{mw.need.pk}/")

    cards = page.get_by_test_id("suggestions").get_by_role("listitem").filter(has=page.get_by_role("heading"))
    first = cards.first
    assert first.get_by_role("heading").inner_text() == "电工培训"
    reasons = first.get_by_role("list", name="Why this service").inner_text()
    assert "same township" in reasons and "1 place left" in reasons
    page.get_by_text("services left out").click()
    assert "no places left" in page.content()

    first.get_by_role("button", name="Send referral").click()
    page.wait_for_url("**/casework/referrals/**")
    assert "Referral sent." in page.content()
    referral = Referral.objects.get(need=mw.need)
    assert referral.state == "sent" and referral.offering == mw.near
