"""Issue 10 §3: a supervisee's fields are rendered by ONE mechanism for the API and the pages
(``coordination.serializers.SuperviseeRecordOutput``, restricted by the policy's ``fields``), so what
a reader gets from one door is what the other shows: the same field set, in the same order."""

from __future__ import annotations

from django.test import Client

from coordination import policies
from coordination.models import Supervisee
from coordination.serializers import SuperviseeRecordOutput, display_rows

EVERY_FIELD = frozenset(SuperviseeRecordOutput().fields)


def _client(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


def _label(name: str) -> str:
    return str(Supervisee._meta.get_field(name).verbose_name)


def test_the_api_gives_exactly_the_fields_the_policy_allows_for_each_side(world):
    referral = world.referrals["sent"]
    policy = policies.referrals()
    seen = {}
    for role in ("officer", "social_worker", "provider"):
        user = world.users[role]
        allowed = policy.fields(user, referral, side=policy.side(user, referral))
        person = _client(world, role).get(f"/api/v1/referrals/{referral.uuid}/").json()["supervisee"]
        assert set(person) == allowed & EVERY_FIELD, role
        seen[role] = set(person)
    # The policy really differs by side (a positive control for the assertion above).
    assert "risk_level" in seen["officer"] and "risk_level" not in seen["provider"]


def test_the_page_shows_the_rows_of_the_same_serializer_and_no_other(world):
    referral = world.referrals["sent"]
    policy = policies.referrals()
    provider = world.users["provider"]
    allowed = policy.fields(provider, referral, side=policy.side(provider, referral))
    rows = display_rows(world.supervisee, allowed)
    labels = [str(label) for label, _value in rows]
    html = _client(world, "provider").get(f"/casework/referrals/{referral.uuid}/").content.decode()
    for label in labels:
        assert label in html
    hidden = [name for name in ("risk_level", "offence_category", "address") if name not in allowed]
    assert hidden, "the provider is refused some fields"
    for name in hidden:
        assert _label(name) not in labels
    # The officer's page shows what the provider's hides.
    officer_html = _client(world, "officer").get(f"/casework/referrals/{referral.uuid}/").content.decode()
    assert _label("risk_level") in officer_html and world.supervisee.get_risk_level_display() in officer_html


def test_rows_follow_the_serializer_order_with_labels_and_choice_names(world):
    supervisee = world.supervisee
    fields = policies.supervisees().fields(world.users["officer"], supervisee)
    rows = display_rows(supervisee, fields)
    api_order = [
        name for name in SuperviseeRecordOutput(supervisee, fields=fields).data if name not in {"uuid", "is_minor"}
    ]
    page_order = [str(label) for label, _value in rows]
    # resident_id and its masked form share one row; age has its own label.
    assert len(page_order) == len([n for n in api_order if n != "resident_id_masked"])
    assert {str(label): value for label, value in rows}[_label("sex")] == supervisee.get_sex_display()
    assert page_order.index(_label("name")) < page_order.index(_label("correction_end"))


# --- Found by mutation testing of coordination/policies.py (docs/development.md) -----------------


def test_the_policy_works_out_the_side_when_not_told_and_adds_the_provider_kinds_fields(world):
    referral = world.referrals["sent"]
    policy = policies.referrals()
    provider_fields = policy.fields(world.users["provider"], referral)  # no side given
    assert provider_fields == policy.fields(world.users["provider"], referral, side="provider")
    # A training provider also needs the household type and the correction's end; never the risk level.
    assert {"name", "phone", "household_type", "correction_end"} <= provider_fields
    assert "risk_level" not in provider_fields
    assert "risk_level" in policy.fields(world.users["officer"], referral)


def test_a_minors_name_contact_and_offence_stay_hidden_from_the_provider(world):
    from coordination import actions
    from tests.coordination.factories import make_supervisee

    minor = make_supervisee(office=world.city.office, age=16)
    officer = world.users["officer"]
    actions.record_consent(supervisee=minor, organisation=world.offering.organisation, recorded_by=officer)
    need = actions.record_need(
        supervisee=minor, category=world.offering.category, urgency=2, description="学技能", actor=officer
    )
    referral = actions.create_referral(need=need, offering=world.offering, actor=officer, send=True)
    seen = policies.referrals().fields(world.users["provider"], referral)
    assert not {"name", "phone", "address", "resident_id", "offence_category"} & seen
    assert {"given_name", "household_type"} <= seen


def test_case_staff_without_the_full_number_get_the_masked_one(world):
    fields = policies.supervisees().fields(world.users["social_worker"], world.supervisee)
    assert "resident_id" not in fields and "resident_id_masked" in fields
