"""Issue 11, findings 1, 2 and 16: what the provider side of a referral sees and who is told.

Uses the coordination world (tests/coordination/factories.py): an office with an officer, a training
provider with a consented, sent referral, and an agency social worker added where needed.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts import scoping
from coordination import actions
from coordination.models import CorrectionTeamMember, Referral, ReferralEvent, Sex
from notifications.models import Notification, topic_for
from services.models import Membership, Organisation
from tests import factories
from tests.coordination.factories import make_supervisee, make_world


@pytest.fixture
def world(db, settings):
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    return make_world()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Finding 1: a referral never sent never reaches the provider --------------------------------


@pytest.mark.parametrize("how", ["withdraw", "close_need"])
def test_a_withdrawn_draft_never_reaches_the_provider(world, how):
    officer, provider = world.users["officer"], world.users["provider"]
    draft = world.referrals["draft"]
    if how == "withdraw":
        actions.apply_verb(referral=draft, verb="withdraw", actor=officer, note="内部：对象不合作")
    else:
        actions.close_need(need=world.need, actor=officer, reason="已自行解决")
    draft.refresh_from_db()
    assert draft.state == Referral.State.WITHDRAWN and draft.sent_at is None

    assert not scoping.scope(provider, Referral).filter(pk=draft.pk).exists()
    client = _client(provider)
    listed = [r["uuid"] for r in client.get("/api/v1/referrals/").json()["results"]]
    assert str(draft.uuid) not in listed
    assert client.get(f"/api/v1/referrals/{draft.uuid}/").status_code == 404
    assert client.get(f"/casework/referrals/{draft.uuid}/").status_code == 404
    inbox = client.get("/casework/inbox/?state=all").content.decode()
    assert str(draft.uuid) not in inbox
    # A referral that was sent and then withdrawn stays visible to the provider it was sent to.
    sent = world.referrals["sent"]
    if how == "withdraw":
        actions.apply_verb(referral=sent, verb="withdraw", actor=officer)
    sent.refresh_from_db()
    assert sent.state == Referral.State.WITHDRAWN
    assert client.get(f"/api/v1/referrals/{sent.uuid}/").status_code == 200


# --- Finding 2: internal notes and the consent-override reason stay with case staff ----------


def test_internal_notes_and_the_override_reason_never_reach_the_provider(world):
    officer, provider = world.users["officer"], world.users["provider"]
    other = make_supervisee(office=world.city.office, actor=world.users["bureau"])
    need = actions.record_need(
        supervisee=other, category=world.offering.category, urgency=2, description="x", actor=officer
    )
    referral = actions.create_referral(
        need=need, offering=world.offering, actor=officer, send=True, override_consent=True, note="机密：紧急安置理由"
    )
    actions.apply_verb(referral=referral, verb="accept", actor=provider)
    actions.apply_verb(referral=referral, verb="withdraw", actor=officer, note="内部：对象再次违规")

    data = _client(provider).get(f"/api/v1/referrals/{referral.uuid}/").json()
    notes = " ".join(e["note"] for e in data["events"])
    assert "机密" not in notes and "内部" not in notes
    assert [e["to_state"] for e in data["events"]] == ["accepted"]  # only the provider's own answer
    page = _client(provider).get(f"/casework/referrals/{referral.uuid}/").content.decode()
    assert "机密" not in page and "内部" not in page
    withdrawn = Notification.objects.filter(recipient=provider, kind=Notification.Kind.REFERRAL_WITHDRAWN)
    assert withdrawn.exists() and not any("内部" in n.body for n in withdrawn)

    # Case staff still see everything, in order.
    case = _client(officer).get(f"/api/v1/referrals/{referral.uuid}/").json()
    case_notes = " ".join(e["note"] for e in case["events"])
    assert "[consent override] 机密" in case_notes and "内部：对象再次违规" in case_notes


def test_a_note_written_for_the_provider_reaches_them(world):
    officer, provider = world.users["officer"], world.users["provider"]
    sent = world.referrals["sent"]
    client = _client(officer)
    response = client.post(
        f"/api/v1/referrals/{sent.uuid}/withdraw/",
        {"note": "对象已就业，感谢配合", "for_provider": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = _client(provider).get(f"/api/v1/referrals/{sent.uuid}/").json()
    assert "对象已就业，感谢配合" in [e["note"] for e in data["events"]]


def _withdraw(channel: str, officer, referral, note: str, for_provider: bool):
    client = _client(officer)
    if channel == "api":
        body = {"note": note, "for_provider": for_provider}
        response = client.post(f"/api/v1/referrals/{referral.uuid}/withdraw/", body, content_type="application/json")
        assert response.status_code == 200
    else:
        body = {"note": note, **({"for_provider": "on"} if for_provider else {})}
        asked = client.post(f"/casework/referrals/{referral.uuid}/withdraw/", body)
        assert asked.status_code == 200 and 'name="confirmed"' in asked.content.decode()
        response = client.post(f"/casework/referrals/{referral.uuid}/withdraw/", {**body, "confirmed": "yes"})
        assert response.status_code == 302


@pytest.mark.parametrize("channel", ["page", "api"])
def test_page_and_api_write_notes_for_the_provider_the_same_way(world, channel):
    officer, provider = world.users["officer"], world.users["provider"]
    shared, internal = world.referrals["sent"], world.referrals["accepted"]
    page = _client(officer).get(f"/casework/referrals/{shared.uuid}/").content.decode()
    assert 'name="for_provider"' in page and "向服务机构显示此备注" in page

    _withdraw(channel, officer, shared, "对象已就业，感谢配合", for_provider=True)
    _withdraw(channel, officer, internal, "内部：对象再次违规", for_provider=False)

    audiences = {
        e.note: e.audience for e in ReferralEvent.objects.filter(referral__in=[shared, internal], to_state="withdrawn")
    }
    assert audiences == {
        "对象已就业，感谢配合": ReferralEvent.Audience.BOTH_SIDES,
        "内部：对象再次违规": ReferralEvent.Audience.CASE_STAFF,
    }
    provider_client = _client(provider)
    for referral, expected in ((shared, ["对象已就业，感谢配合"]), (internal, [])):
        notes = [e["note"] for e in provider_client.get(f"/api/v1/referrals/{referral.uuid}/").json()["events"]]
        assert [note for note in notes if note] == expected
    assert "对象已就业，感谢配合" in provider_client.get(f"/casework/referrals/{shared.uuid}/").content.decode()
    assert "内部" not in provider_client.get(f"/casework/referrals/{internal.uuid}/").content.decode()
    # The provider's own page offers no such choice (its answers are always seen by both sides).
    assert 'name="for_provider"' not in provider_client.get(f"/casework/referrals/{shared.uuid}/").content.decode()


def test_the_data_migration_opens_only_provider_and_system_events(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("coordination.migrations.0006_referral_event_audience")
    ReferralEvent.objects.update(audience=ReferralEvent.Audience.CASE_STAFF)
    migration.open_provider_and_system_events(apps, None)
    opened = set(
        ReferralEvent.objects.filter(audience=ReferralEvent.Audience.BOTH_SIDES).values_list("to_state", flat=True)
    )
    closed = set(
        ReferralEvent.objects.filter(audience=ReferralEvent.Audience.CASE_STAFF).values_list("to_state", flat=True)
    )
    assert opened == {"accepted", "in_service"}
    assert closed == {"draft", "sent"}


# --- Finding 16: notifications follow the read scope ------------------------------------------


def test_a_minors_referral_is_never_announced_to_an_agency_social_worker(world):
    officer, provider = world.users["officer"], world.users["provider"]
    agency = world.city.providers[Organisation.Kind.SOCIAL_WORK_AGENCY]
    agency_worker = factories.user_with_role(Membership.Role.SOCIAL_WORKER, agency, username="agencysw")
    minor = make_supervisee(office=world.city.office, actor=world.users["bureau"], age=16)
    adult = make_supervisee(office=world.city.office, actor=world.users["bureau"])
    assert minor.is_minor
    sent = {}
    for person in (minor, adult):
        actions.add_team_member(
            supervisee=person,
            role=CorrectionTeamMember.Role.SOCIAL_WORKER,
            name=agency_worker.full_name,
            sex=Sex.FEMALE,
            user=agency_worker,
            actor=world.users["bureau"],
        )
        need = actions.record_need(
            supervisee=person, category=world.offering.category, urgency=2, description="x", actor=officer
        )
        actions.record_consent(supervisee=person, organisation=world.offering.organisation, recorded_by=officer)
        sent[person.pk] = actions.create_referral(need=need, offering=world.offering, actor=officer, send=True)
        actions.apply_verb(referral=sent[person.pk], verb="accept", actor=provider)

    told = set(
        Notification.objects.filter(recipient=agency_worker, kind=Notification.Kind.REFERRAL_ACCEPTED).values_list(
            "topic", flat=True
        )
    )
    assert told == {topic_for(sent[adult.pk])}  # told about the adult they may see, never about the minor
    assert Notification.objects.about(sent[minor.pk]).filter(recipient=officer).exists()


def test_withdrawing_on_the_page_asks_first_and_keeps_the_note_choice(world):
    officer = _client(world.users["officer"])
    referral = world.referrals["sent"]
    url = f"/casework/referrals/{referral.uuid}/withdraw/"
    asked = officer.post(url, {"note": "对象已就业", "for_provider": "on"})
    page = asked.content.decode()
    assert asked.status_code == 200 and "撤回这项转介？" in page and "确认撤回" in page
    assert 'name="for_provider" value="on"' in page  # the choice rides along to the confirmed post
    referral.refresh_from_db()
    assert referral.state == "sent"  # nothing happens before the confirmation
    assert officer.post(url, {"note": "对象已就业", "for_provider": "on", "confirmed": "yes"}).status_code == 302
    referral.refresh_from_db()
    assert referral.state == "withdrawn"
    assert referral.events.get(to_state="withdrawn").audience == ReferralEvent.Audience.BOTH_SIDES
