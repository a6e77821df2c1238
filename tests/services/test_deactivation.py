"""Deactivating a provider is an action: its open referrals are withdrawn (or moved), places released,
offerings deactivated, and each case staff member told once."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coordination import actions as coordination_actions
from coordination.models import Referral
from notifications.models import Notification
from services import actions
from services.models import Membership, Organisation, ServiceOffering
from tests import factories
from tests.coordination.factories import make_supervisee, offering

Role = Membership.Role
State = Referral.State


@pytest.fixture
def provider_world(city):
    bureau = factories.user_with_role(Role.BUREAU_ADMIN, city.bureau, email="bureau@example.org")
    officers = [
        factories.user_with_role(Role.OFFICE_OFFICER, city.office, email=f"officer{k}@example.org") for k in (1, 2)
    ]
    provider = city.providers[Organisation.Kind.TRAINING_PROVIDER]
    staff = factories.user_with_role(Role.PROVIDER_STAFF, provider)
    offerings = [offering(provider, capacity=10), offering(provider, code="job_placement", capacity=10)]
    other = offering(city.providers[Organisation.Kind.EMPLOYER])
    referrals = []
    for k in range(7):
        officer = officers[0] if k < 3 else officers[1]
        supervisee = make_supervisee(office=city.office, actor=bureau)
        coordination_actions.record_consent(supervisee=supervisee, organisation=provider, recorded_by=officer)
        for target in offerings:
            need = coordination_actions.record_need(
                supervisee=supervisee, category=target.category, urgency=2, description="", actor=officer
            )
            referral = coordination_actions.create_referral(need=need, offering=target, actor=officer, send=k % 7 != 6)
            if k % 3 == 1:  # some hold a place
                referral = coordination_actions.apply_verb(referral=referral, verb="accept", actor=staff)
            if k % 3 == 2 and referral.state == State.SENT:
                referral = coordination_actions.apply_verb(referral=referral, verb="accept", actor=staff)
                referral = coordination_actions.apply_verb(referral=referral, verb="start", actor=staff)
            referrals.append(referral)
    return {
        "bureau": bureau,
        "officers": officers,
        "provider": provider,
        "offerings": offerings,
        "other": other,
        "referrals": referrals,
    }


def _inbox(subject_part: str) -> Counter:
    rows = Notification.objects.filter(channel=Notification.Channel.INBOX, subject__contains=subject_part)
    return Counter(rows.values_list("recipient_id", flat=True))


def test_deactivating_with_withdraw_ends_every_open_referral_and_tells_staff_once(provider_world, city):
    w = provider_world
    provider = w["provider"]
    assert Referral.objects.filter(offering__organisation=provider, state__in=Referral.OPEN_STATES).count() == 14
    assert sum(ServiceOffering.objects.filter(organisation=provider).values_list("places_taken", flat=True)) > 0
    result = actions.deactivate_organisation(
        organisation=provider, actor=w["bureau"], disposition="withdraw", reason="机构停业整顿"
    )
    assert result["withdrawn"] == 14 and result["offerings"] == 2
    ours = Referral.objects.filter(offering__organisation=provider)
    assert not ours.filter(state__in=Referral.OPEN_STATES).exists()
    assert not ours.filter(holds_place=True).exists()
    assert set(ServiceOffering.objects.filter(organisation=provider).values_list("places_taken", flat=True)) == {0}
    assert not ServiceOffering.objects.filter(organisation=provider, is_active=True).exists()
    provider.refresh_from_db()
    assert not provider.is_active
    # the reason is on each referral's history, for the case staff
    assert all("机构停业整顿" in r.events.order_by("-pk").first().note for r in ours)
    # every case staff member is told once, in the inbox (and by e-mail)
    assert _inbox(provider.name) == Counter({w["officers"][0].pk: 1, w["officers"][1].pk: 1})
    # no new referral can go to them
    need = w["referrals"][0].need
    with pytest.raises(ValidationError):
        coordination_actions.create_referral(need=need, offering=w["offerings"][0], actor=w["officers"][0], send=True)


def test_a_draft_to_an_inactive_service_cannot_be_sent(provider_world):
    w = provider_world
    draft = next(r for r in w["referrals"] if r.state == State.DRAFT)
    ServiceOffering.objects.filter(pk=draft.offering_id).update(is_active=False)
    with pytest.raises(coordination_actions.ReferralError) as refused:
        coordination_actions.apply_verb(referral=draft, verb="send", actor=w["officers"][1])
    assert "offering" in refused.value.message_dict


def test_reassign_moves_open_referrals_to_another_service_as_drafts(provider_world, city):
    w = provider_world
    provider, first, second = w["provider"], *w["offerings"]
    elsewhere = offering(city.providers[Organisation.Kind.EMPLOYER], code="job_placement")
    training = offering(city.providers[Organisation.Kind.EMPLOYER])
    with pytest.raises(ValidationError) as refused:  # every service with open referrals needs a target
        actions.deactivate_organisation(
            organisation=provider,
            actor=w["bureau"],
            disposition="reassign",
            reason="停业",
            reassign_to={second.pk: elsewhere},
        )
    assert "reassign" in refused.value.message_dict
    assert provider.offerings.filter(is_active=True).count() == 2  # nothing written
    result = actions.deactivate_organisation(
        organisation=provider,
        actor=w["bureau"],
        disposition="reassign",
        reason="停业",
        reassign_to={first.pk: training, second.pk: elsewhere},
    )
    assert result["reassigned"] == 14
    moved = Referral.objects.filter(offering__in=[training, elsewhere])
    assert moved.count() == 14 and set(moved.values_list("state", flat=True)) == {State.DRAFT}


def test_the_bureau_page_lists_open_referrals_and_asks_what_to_do(provider_world, client):
    w = provider_world
    url = reverse("provider-deactivate", kwargs={"uuid": w["provider"].uuid})
    client.force_login(w["officers"][0])
    assert client.get(url).status_code == 403
    client.force_login(w["bureau"])
    page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count("<tr>") == 15  # header + 14
    refused = client.post(url, {"open_referrals": "withdraw", "reason": ""})
    assert refused.status_code == 400 and "reason" in refused.context["form"].errors
    assert client.post(url, {"open_referrals": "withdraw", "reason": "停业"}).status_code == 302
    assert not Referral.objects.filter(offering__organisation=w["provider"], state__in=Referral.OPEN_STATES).exists()


def test_api_patch_is_active_goes_through_the_action(provider_world, client):
    w = provider_world
    url = f"/api/v1/organisations/{w['provider'].uuid}/"
    client.force_login(w["bureau"])
    refused = client.patch(url, {"is_active": False}, content_type="application/json")
    assert refused.status_code == 400
    assert {"open_referrals", "reason"} <= set(refused.json()["errors"])
    assert Organisation.objects.get(pk=w["provider"].pk).is_active
    done = client.patch(
        url, {"is_active": False, "open_referrals": "withdraw", "reason": "停业"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["is_active"] is False
    assert not Referral.objects.filter(offering__organisation=w["provider"], holds_place=True).exists()
    assert not ServiceOffering.objects.filter(organisation=w["provider"], is_active=True).exists()
