"""On a phone, an officer runs the optimiser and decides on three referral proposals from the run:
confirms one, chooses another service for one (with a reason) and rejects one (issue 12, blocker 1)."""

import pytest
from django.utils import translation

from coordination import actions as coordination_actions
from coordination.models import Referral
from matching.models import MatchRun, Proposal
from tests import factories
from tests.browser.conftest import pass_second_factor
from tests.coordination.factories import make_supervisee
from tests.matching.factories import make_match_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_officer_confirms_edits_and_rejects_referral_proposals_on_a_phone(page, monkeypatch):
    from matching import tasks

    monkeypatch.setattr(tasks.run_matching, "delay", lambda run_id: tasks.run_matching(run_id))
    page.set_viewport_size({"width": 390, "height": 844})
    mw = make_match_world()
    for _ in range(2):
        person = make_supervisee(office=mw.city.office, actor=mw.bureau, township=mw.city.townships[0])
        coordination_actions.record_need(
            supervisee=person, category=mw.near.category, urgency=2, description="想学技术", actor=mw.officer
        )
    page.goto("/en/accounts/login/?next=/en/casework/matching/")
    page.get_by_label("Username").fill("mofficer")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    pass_second_factor(page, "mofficer")
    page.wait_for_url("**/casework/matching/")
    page.get_by_label("Judicial office").select_option(str(mw.city.office.pk))
    page.get_by_role("button", name="Run the optimiser").click()
    page.wait_for_url("**/casework/matching/runs/**")
    run_url = page.url
    run = MatchRun.objects.get()
    assert run.proposals.count() == 3
    assert page.get_by_role("link", name="Review").count() == 3

    # Confirm: a referral draft to the proposed service.
    page.get_by_role("link", name="Review").first.click()
    page.wait_for_url("**/casework/matching/proposals/**")
    assert page.get_by_role("radio").count() == 3
    page.get_by_label("confirm", exact=True).check()
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url("**/casework/referrals/**")
    assert "Referral saved as a draft" in page.content()

    # Edit: another service of the same category, with the reason.
    page.goto(run_url)
    page.get_by_role("link", name="Review").first.click()
    page.wait_for_url("**/casework/matching/proposals/**")
    page.get_by_label("choose another service", exact=True).check()
    other = page.get_by_role("combobox", name="Another service")
    labels = other.locator("option").all_inner_texts()
    assert len(labels) == len(set(labels))  # each service once
    # The full service is never proposed, so it is always there to choose (a draft does not take a place).
    with translation.override("en"):  # the page is in English: the organisation's English name
        assert f"厨师培训 · {mw.full.organisation.display_name}" in labels  # with its organisation
    chosen_id = str(mw.full.pk)
    other.select_option(chosen_id)
    page.get_by_label("Reason").fill("离家更近")
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url("**/casework/referrals/**")

    # Reject, with the reason; the officer is back on the run.
    page.goto(run_url)
    assert page.get_by_role("link", name="Review").count() == 1
    page.get_by_role("link", name="Review").click()
    page.get_by_label("reject", exact=True).check()
    page.get_by_label("Reason").fill("本人暂不需要")
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url(run_url)
    assert "Proposal rejected." in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the run table becomes cards

    decided = {p.status: p for p in Proposal.objects.filter(run=run)}
    assert set(decided) == {"confirmed", "edited", "rejected"}
    assert decided["confirmed"].referral.offering_id == decided["confirmed"].offering_id
    edited = decided["edited"]
    assert edited.chosen_offering_id == int(chosen_id) and edited.decision_note == "离家更近"
    assert edited.referral.offering_id == int(chosen_id)
    assert decided["rejected"].decision_note == "本人暂不需要" and decided["rejected"].referral is None
    assert set(Referral.objects.values_list("state", flat=True)) == {Referral.State.DRAFT}
