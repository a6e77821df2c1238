"""On a phone, an officer runs mentor pairing, reviews the proposal and confirms it: the mentor joins the team."""

import pytest

from coordination.models import CorrectionTeamMember
from tests import factories
from tests.browser.conftest import pass_second_factor
from tests.matching.factories import make_match_world
from tests.matching.test_mentor_db import mentor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_officer_pairs_a_mentor_on_a_phone(page, monkeypatch):
    from matching import tasks

    monkeypatch.setattr(tasks.run_matching, "delay", lambda run_id: tasks.run_matching(run_id))
    page.set_viewport_size({"width": 390, "height": 844})
    mw = make_match_world()
    m = mentor(mw.city.townships[0], full_name="赵志愿")
    page.goto("/en/accounts/login/?next=/en/casework/matching/")
    page.get_by_label("Username").fill("mofficer")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    pass_second_factor(page, "mofficer")
    page.wait_for_url("**/casework/matching/")
    page.get_by_label("What to match").select_option("mentors")
    page.get_by_label("Judicial office").select_option(str(mw.city.office.pk))
    page.get_by_role("button", name="Run the optimiser").click()
    page.wait_for_url("**/casework/matching/runs/**")
    page.get_by_text("赵志愿").wait_for()
    page.get_by_role("link", name="Review").first.click()
    page.get_by_label("confirm").check()
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url("**/casework/matching/mentors/")
    assert "The mentor has joined the correction team." in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert mw.supervisee.team.filter(role=CorrectionTeamMember.Role.VOLUNTEER, user=m.user).exists()
