"""Finding 18: a consent can be withdrawn (PIPL Art. 15) on the supervisee page and through the API;
referrals to that organisation not yet accepted are withdrawn with the reason, and it is logged."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from coordination.models import CaseNote, Consent, Referral

State = Referral.State


def _consent(world) -> Consent:
    return world.supervisee.consents.get(organisation=world.offering.organisation)


def _states(world) -> dict[str, str]:
    return {name: Referral.objects.get(pk=r.pk).state for name, r in world.referrals.items()}


def _check_withdrawn(world, consent: Consent) -> None:
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == world.users["officer"]
    # Not yet accepted: withdrawn; accepted work stays as it is.
    assert _states(world) == {
        "draft": State.WITHDRAWN,
        "sent": State.WITHDRAWN,
        "accepted": State.ACCEPTED,
        "in_service": State.IN_SERVICE,
    }
    # Logged: the referral events carry the reason, and a case note records the withdrawal and its effect.
    event = world.referrals["sent"].events.get(to_state=State.WITHDRAWN)
    assert event.note and event.actor == world.users["officer"]
    note = CaseNote.objects.filter(supervisee=world.supervisee, author=world.users["officer"]).latest("pk")
    assert note.body.startswith(event.note) and "2" in note.body


def test_case_staff_withdraw_a_consent_on_the_supervisee_page(client, world):
    consent = _consent(world)
    client.force_login(world.users["officer"])
    page = client.get(f"/en/casework/supervisees/{world.supervisee.uuid}/").content.decode()
    url = f"/en/casework/supervisees/{world.supervisee.uuid}/consents/{consent.pk}/withdraw/"
    assert url in page
    assert client.post(url).status_code == 302
    _check_withdrawn(world, consent)
    # The referral form no longer offers the organisation as consented.
    again = client.post(url, follow=True).content.decode()
    assert "already withdrawn" in again


def test_withdrawal_through_the_api_and_a_second_one_is_a_conflict(world):
    consent = _consent(world)
    api = APIClient()
    api.force_authenticate(world.users["officer"])
    response = api.post(f"/api/v1/consents/{consent.pk}/withdraw/")
    assert response.status_code == 200, response.content
    assert response.json()["withdrawn_at"]
    _check_withdrawn(world, consent)
    second = api.post(f"/api/v1/consents/{consent.pk}/withdraw/")
    assert second.status_code == 409
    assert second.json()["detail"] == "该同意已被撤回。"  # the API answers in the site's language (Chinese)


@pytest.mark.parametrize("who", ["other_officer", "provider"])
def test_others_cannot_withdraw(world, who):
    consent = _consent(world)
    api = APIClient()
    api.force_authenticate(world.users[who])
    assert api.post(f"/api/v1/consents/{consent.pk}/withdraw/").status_code in (403, 404)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert _states(world)["sent"] == State.SENT
