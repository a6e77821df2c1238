"""One decision for both kinds of proposal: confirm, edit with a reason, reject; refused actors; the decision page."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from coordination.models import CorrectionTeamMember, Referral
from matching import actions
from matching.models import MentorProposal, Proposal
from services.models import ServiceCategory, Sex
from tests import factories
from tests.matching.test_mentor_db import mentor, run_mentors

pytestmark = pytest.mark.django_db


def referral_proposal(mw) -> Proposal:
    run = actions.execute_run(run_id=actions.start_run(actor=mw.officer, office=mw.city.office, queue=False).pk)
    return Proposal.objects.get(run=run, need=mw.need)


def mentor_world(mw):
    """A mentor run for the officer's office: the proposal for their supervisee and a second mentor to choose."""
    proposed = mentor(mw.city.townships[0], sex=Sex.MALE, full_name="钱近")
    other = mentor(mw.city.townships[1], sex=Sex.MALE, full_name="孙远")
    run = run_mentors(mw.officer, mw.city.office)
    proposal = MentorProposal.objects.get(run=run, supervisee=mw.supervisee)
    assert proposal.mentor == proposed
    return proposal, other


def volunteer_on_team(mw):
    return set(
        mw.supervisee.team.filter(role=CorrectionTeamMember.Role.VOLUNTEER, is_active=True).values_list(
            "user", flat=True
        )
    )


# --- the action, both kinds -------------------------------------------------------------


def test_referral_confirm_drafts_a_referral_to_the_proposed_service(mw):
    proposal = actions.decide(proposal=referral_proposal(mw), verb="confirm", actor=mw.officer)
    proposal.refresh_from_db()
    assert proposal.status == "confirmed" and proposal.decided_by == mw.officer
    assert proposal.referral.offering == mw.near and proposal.referral.state == Referral.State.DRAFT


def test_referral_edit_drafts_to_the_chosen_service_with_the_reason(mw):
    proposal = actions.decide(
        proposal=referral_proposal(mw), verb="edit", target=mw.far, reason="离家人近", actor=mw.officer
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.chosen_offering, proposal.decision_note) == ("edited", mw.far, "离家人近")
    assert proposal.referral.offering == mw.far


def test_referral_edit_to_a_service_of_another_category_is_refused(mw):
    other_category = ServiceCategory.objects.exclude(pk=mw.near.category_id).first()
    stray = factories.ServiceOfferingFactory(name="别类服务", category=other_category)
    proposal = referral_proposal(mw)
    with pytest.raises(ValidationError) as err:
        actions.decide(proposal=proposal, verb="edit", target=stray, reason="试试", actor=mw.officer)
    assert "offering" in err.value.error_dict and not Referral.objects.exists()


def test_referral_reject_keeps_the_need_open_and_writes_no_referral(mw):
    proposal = actions.decide(proposal=referral_proposal(mw), verb="reject", reason="本人拒绝", actor=mw.officer)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note, proposal.referral) == ("rejected", "本人拒绝", None)
    assert not Referral.objects.exists()


def test_mentor_confirm_edit_and_reject(mw):
    proposal, other = mentor_world(mw)
    decided = actions.decide(proposal=proposal, verb="edit", target=other, reason="同乡", actor=mw.officer)
    decided.refresh_from_db()
    assert (decided.status, decided.chosen_mentor, decided.decision_note) == ("edited", other, "同乡")
    assert volunteer_on_team(mw) == {other.user_id}

    second = another_mentor_proposal(mw)
    actions.decide(proposal=second, verb="confirm", actor=mw.officer)
    second.refresh_from_db()
    assert second.status == "confirmed" and second.team_member.user == second.mentor.user

    third = another_mentor_proposal(mw)
    with pytest.raises(ValidationError):
        actions.decide(proposal=third, verb="reject", reason=" ", actor=mw.officer)
    actions.decide(proposal=third, verb="reject", reason="本人不愿意", actor=mw.officer)
    third.refresh_from_db()
    assert (third.status, third.team_member) == ("rejected", None)


def another_mentor_proposal(mw) -> MentorProposal:
    from tests.coordination.factories import make_supervisee

    person = make_supervisee(office=mw.city.office, actor=mw.bureau, team=[])
    mentor(mw.city.townships[0], sex=Sex.MALE)
    run = run_mentors(mw.officer, mw.city.office)
    return MentorProposal.objects.get(run=run, supervisee=person)


@pytest.mark.parametrize("kind", ["referrals", "mentors"])
def test_a_wrong_actor_is_refused_with_the_same_message_and_nothing_is_written(mw, kind):
    proposal = referral_proposal(mw) if kind == "referrals" else mentor_world(mw)[0]
    with pytest.raises(PermissionDenied) as err:
        actions.decide(proposal=proposal, verb="reject", reason="不是我的", actor=mw.other_officer)
    assert str(err.value) == str(actions.DECIDE_DENIED)
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


@pytest.mark.parametrize("kind", ["referrals", "mentors"])
def test_a_wrong_actor_gets_the_same_answer_from_the_page_and_the_api(client, mw, kind):
    if kind == "referrals":
        proposal = referral_proposal(mw)
        page_url = reverse("matching:proposal", kwargs={"pk": proposal.pk})
        api_url = f"/api/v1/matching/proposals/{proposal.pk}/reject/"
    else:
        proposal = mentor_world(mw)[0]
        page_url = reverse("matching:mentor-proposal", kwargs={"pk": proposal.pk})
        api_url = f"/api/v1/matching/mentor-proposals/{proposal.pk}/reject/"
    client.force_login(mw.other_officer)
    page = client.post(page_url, {"verb": "reject", "reason": "不是我的"})
    api = APIClient()
    api.force_authenticate(mw.other_officer)
    answer = api.post(api_url, {"reason": "不是我的"}, format="json")
    # Neither says whether the proposal exists: both answer "not found", and nothing is decided.
    assert page.status_code == answer.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    client.force_login(mw.officer)  # positive control: the right officer may
    assert client.post(page_url, {"verb": "reject", "reason": "本人拒绝"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "rejected"


# --- the referral decision page (issue 12, blocker 1) ------------------------------------------


def test_referral_decision_page_has_radio_buttons_each_label_once_and_services_with_organisations(client, mw):
    twin_org = factories.OrganisationFactory(name="第二培训学校", township=mw.city.townships[0])
    twin = factories.ServiceOfferingFactory(organisation=twin_org, name="焊工培训", category=mw.near.category)
    proposal = referral_proposal(mw)
    client.force_login(mw.officer)
    html = client.get(reverse("matching:proposal", kwargs={"pk": proposal.pk})).content.decode()
    radios = re.findall(r'<input type="radio" name="verb" value="(\w+)"', html)
    assert radios == ["confirm", "edit", "reject"]
    assert html.count(">确认</label>") == 1 and html.count(">改选其他服务</label>") == 1
    options = re.findall(r'<option value="(\d+)">([^<]*)</option>', html)
    labels = [label for _, label in options]
    assert f"焊工培训 · {mw.far.organisation.display_name}" in labels
    assert f"焊工培训 · {twin.organisation.display_name}" in labels
    assert len(labels) == len(set(labels))  # each offering once
    assert str(mw.near.pk) not in {pk for pk, _ in options}  # not the proposed service itself


def test_referral_decision_page_confirms_edits_and_rejects(client, mw):
    client.force_login(mw.officer)
    proposal = referral_proposal(mw)
    url = reverse("matching:proposal", kwargs={"pk": proposal.pk})
    missing = client.post(url, {"verb": "edit", "offering": mw.far.pk})
    assert missing.status_code == 400 and "请说明理由" in missing.content.decode()
    done = client.post(url, {"verb": "edit", "offering": mw.far.pk, "reason": "离家人近"})
    referral = Referral.objects.get(need=mw.need)
    assert done.status_code == 302 and done["Location"].endswith(f"/{referral.uuid}/")
    assert referral.offering == mw.far and referral.state == Referral.State.DRAFT
    again = client.post(url, {"verb": "confirm"})
    assert again.status_code == 400 and "此建议已处理过" in again.content.decode()
    assert Referral.objects.count() == 1
