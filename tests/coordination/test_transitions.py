"""The referral state machine as a whole: every allowed and every forbidden transition."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from coordination import actions
from coordination.models import Referral, ReferralEvent
from services.models import ServiceOffering

State = Referral.State
ALL_STATES = list(State.values)
ALLOWED = set(actions.TRANSITIONS)
FORBIDDEN = [(a, b) for a, b in itertools.product(ALL_STATES, ALL_STATES) if (a, b) not in ALLOWED]


def _actor(world, side):
    return {"case": world.users["officer"], "provider": world.users["provider"], "system": None}[side]


def _referral_in(world, state: str) -> Referral:
    """A fresh referral put into ``state`` (bypassing the machine only to set up the starting point)."""
    referral = actions.create_referral(need=world.need, offering=world.offering, actor=world.users["officer"])
    holds = state in (State.ACCEPTED, State.IN_SERVICE)
    if holds:
        ServiceOffering.objects.filter(pk=world.offering.pk).update(places_taken=world.offering.capacity - 1)
    Referral.objects.filter(pk=referral.pk).update(
        state=state,
        holds_place=holds,
        outcome_grade="achieved" if state == State.COMPLETED else "",
        decline_reason="x" if state == State.DECLINED else "",
        # Past draft a referral has been sent (the provider sees it only then: issue 11, finding 1).
        sent_at=None if state == State.DRAFT else timezone.now(),
    )
    referral.refresh_from_db()
    return referral


def test_the_table_covers_the_issue():
    assert (State.DRAFT, State.SENT) in ALLOWED
    assert {(State.SENT, State.ACCEPTED), (State.SENT, State.DECLINED)} <= ALLOWED
    assert (State.ACCEPTED, State.IN_SERVICE) in ALLOWED and (State.IN_SERVICE, State.COMPLETED) in ALLOWED
    for open_state in Referral.OPEN_STATES:
        assert (open_state, State.WITHDRAWN) in ALLOWED
    closed = {State.COMPLETED, State.DECLINED, State.WITHDRAWN, State.EXPIRED}
    assert not any(frm in closed for frm, _ in ALLOWED), "closed states are final"


@pytest.mark.parametrize(("frm", "to"), sorted(ALLOWED))
def test_every_allowed_transition(world, frm, to):
    rule = actions.TRANSITIONS[(frm, to)]
    referral = _referral_in(world, frm)
    before = ServiceOffering.objects.get(pk=world.offering.pk).places_taken
    result = actions.transition(
        referral=referral, to=to, actor=_actor(world, rule.side), reason="满员", grade="partly", note="备注"
    )
    assert result.state == to
    event = ReferralEvent.objects.filter(referral=referral).latest("pk")
    assert (event.from_state, event.to_state) == (frm, to)
    assert event.actor == _actor(world, rule.side)
    after = ServiceOffering.objects.get(pk=world.offering.pk).places_taken
    holds_before = frm in actions.PLACE_STATES
    holds_after = to in actions.PLACE_STATES
    assert after - before == int(holds_after) - int(holds_before)
    assert result.holds_place == holds_after


def test_every_forbidden_transition_is_refused(world):
    """The complement of the table (all 8x8 pairs minus the allowed ones), for every kind of actor."""
    assert len(FORBIDDEN) == len(ALL_STATES) ** 2 - len(ALLOWED)
    starting = {state: _referral_in(world, state) for state in ALL_STATES}
    for frm, to in FORBIDDEN:
        referral = starting[frm]
        for actor in (world.users["officer"], world.users["provider"], world.users["bureau"], None):
            with pytest.raises(actions.ReferralError) as error:
                actions.transition(referral=referral, to=to, actor=actor, reason="r", grade="achieved", note="n")
            assert error.value.code == "transition", (frm, to)
    for state, referral in starting.items():
        referral.refresh_from_db()
        assert referral.state == state
    assert not ReferralEvent.objects.filter(referral__in=list(starting.values())).exclude(to_state="draft").exists()


def test_the_wrong_side_cannot_make_an_allowed_transition(world):
    for (frm, to), rule in sorted(actions.TRANSITIONS.items()):
        referral = _referral_in(world, frm)
        wrong = [s for s in ("case", "provider", "system") if s != rule.side]
        for side in wrong:
            with pytest.raises(PermissionDenied):
                actions.transition(referral=referral, to=to, actor=_actor(world, side), reason="r", grade="achieved")
        with pytest.raises(PermissionDenied):  # another office's officer has no side at all
            actions.transition(
                referral=referral, to=to, actor=world.users["other_officer"], reason="r", grade="achieved"
            )
        referral.refresh_from_db()
        assert referral.state == frm, (frm, to)


SIDES = ("case", "provider", "system", "outsider")


def _side_actor(world, side):
    """An actor of each side; the outsider (another office's officer) has no side on this referral."""
    users = world.users
    return {
        "case": users["officer"],
        "provider": users["provider"],
        "system": None,
        "outsider": users["other_officer"],
    }[side]


@pytest.mark.parametrize("source", ALL_STATES)
def test_generated_every_move_for_every_side_is_allowed_exactly_when_the_machine_says(world, source):
    """Generated from ``actions.MACHINE`` (accounts.statemachine): from ``source`` to every state (itself too),
    for every side, the move happens exactly when the table has the row and the side is the row's."""
    for target in ALL_STATES:
        row = actions.MACHINE.get(source, target)
        for side in SIDES:
            referral = _referral_in(world, source)
            if source not in actions.PLACE_STATES:
                ServiceOffering.objects.filter(pk=world.offering.pk).update(places_taken=0)
            actor = _side_actor(world, side)
            kwargs = {"reason": "满员", "grade": "partly", "note": "备注"}
            if row is not None and side in row.sides:
                assert actions.transition(referral=referral, to=target, actor=actor, **kwargs).state == target
                continue
            with pytest.raises(actions.ReferralError if row is None else PermissionDenied) as refused:
                actions.transition(referral=referral, to=target, actor=actor, **kwargs)
            if row is None:
                assert refused.value.code == "transition", (source, target, side)
            referral.refresh_from_db()
            assert referral.state == source, (source, target, side)


def test_the_machine_shape_closed_states_are_final_and_verbs_name_one_state_each():
    closed = {State.COMPLETED, State.DECLINED, State.WITHDRAWN, State.EXPIRED}
    assert set(actions.MACHINE.final_states()) == closed
    assert actions.VERBS == {
        "send": State.SENT,
        "accept": State.ACCEPTED,
        "decline": State.DECLINED,
        "withdraw": State.WITHDRAWN,
        "expire": State.EXPIRED,
        "start": State.IN_SERVICE,
        "complete": State.COMPLETED,
    }
    assert actions.MACHINE.verbs(State.DRAFT, actions.PROVIDER) == []  # a provider never sees a draft
    assert {row.requires for row in actions.MACHINE.transitions if row.verb == "decline"} == {("reason",)}
    assert [row.requires for row in actions.MACHINE.transitions if row.verb == "complete"] == [("grade",)]


def test_decline_needs_a_reason_and_complete_needs_a_grade(world):
    with pytest.raises(actions.ReferralError):
        actions.apply_verb(referral=world.referrals["sent"], verb="decline", actor=world.users["provider"], reason=" ")
    with pytest.raises(actions.ReferralError):
        actions.apply_verb(referral=world.referrals["in_service"], verb="complete", actor=world.users["provider"])


def test_sending_needs_consent_or_an_officers_logged_override(world):
    other_org = world.city.providers["employer"]
    from tests.coordination.factories import offering

    job = offering(other_org, code="vocational_training")
    draft = actions.create_referral(need=world.need, offering=job, actor=world.users["social_worker"])
    with pytest.raises(actions.ReferralError) as error:
        actions.apply_verb(referral=draft, verb="send", actor=world.users["social_worker"])
    assert error.value.code == "consent"
    with pytest.raises(PermissionDenied):  # a social worker may not override
        actions.apply_verb(
            referral=draft, verb="send", actor=world.users["social_worker"], override_consent=True, note="急需"
        )
    with pytest.raises(actions.ReferralError):  # an officer must say why
        actions.apply_verb(referral=draft, verb="send", actor=world.users["officer"], override_consent=True)
    sent = actions.apply_verb(
        referral=draft, verb="send", actor=world.users["officer"], override_consent=True, note="对象生活困难，急需"
    )
    assert sent.state == State.SENT and sent.consent_override and sent.consent is None
    assert "consent override" in sent.events.latest("pk").note
    # With consent recorded, sending is plain.
    actions.record_consent(
        supervisee=world.supervisee, organisation=other_org, recorded_by=world.users["social_worker"]
    )
    second = actions.create_referral(need=world.need, offering=job, actor=world.users["social_worker"], send=True)
    assert second.state == State.SENT and second.consent is not None and not second.consent_override


def test_withdrawn_consent_no_longer_counts(world):
    consent = world.supervisee.consents.get()
    actions.withdraw_consent(consent=consent, actor=world.users["officer"])
    with pytest.raises(actions.ReferralError):
        actions.create_referral(need=world.need, offering=world.offering, actor=world.users["officer"], send=True)


def test_accepting_when_full_is_refused_and_freeing_reopens(world):
    ServiceOffering.objects.filter(pk=world.offering.pk).update(capacity=2)  # accepted + in_service hold 2
    extra = actions.create_referral(need=world.need, offering=world.offering, actor=world.users["officer"], send=True)
    with pytest.raises(actions.NoPlaceLeft):
        actions.apply_verb(referral=extra, verb="accept", actor=world.users["provider"])
    extra.refresh_from_db()
    assert extra.state == State.SENT
    actions.apply_verb(
        referral=world.referrals["accepted"], verb="decline", actor=world.users["provider"], reason="改期"
    )
    actions.apply_verb(referral=extra, verb="accept", actor=world.users["provider"])
    assert ServiceOffering.objects.get(pk=world.offering.pk).places_taken == 2


def test_need_follows_its_referrals(world):
    need = world.need
    need.refresh_from_db()
    assert need.status == "referred"
    actions.apply_verb(
        referral=world.referrals["in_service"], verb="complete", actor=world.users["provider"], grade="achieved"
    )
    need.refresh_from_db()
    assert need.status == "met"


def _places(offering) -> int:
    return ServiceOffering.objects.get(pk=offering.pk).places_taken


def test_a_place_is_taken_and_freed_in_the_referral_offering_only(world):
    """Found by mutation testing: the counts of other offerings must not move."""
    provider, officer = world.users["provider"], world.users["officer"]
    other = ServiceOffering.objects.create(
        organisation=world.offering.organisation, category=world.offering.category, name="另一项", capacity=3
    )
    ServiceOffering.objects.filter(pk=other.pk).update(places_taken=1)
    referral = _referral_in(world, State.SENT)
    ServiceOffering.objects.filter(pk=world.offering.pk).update(places_taken=0)
    actions.transition(referral=referral, to=State.ACCEPTED, actor=provider)
    assert (_places(world.offering), _places(other)) == (1, 1)
    actions.transition(referral=referral, to=State.WITHDRAWN, actor=officer)
    assert (_places(world.offering), _places(other)) == (0, 1)


def test_freeing_a_place_never_counts_below_zero(world):
    referral = _referral_in(world, State.ACCEPTED)
    ServiceOffering.objects.filter(pk=world.offering.pk).update(places_taken=0)  # e.g. recounted by hand
    actions.transition(referral=referral, to=State.WITHDRAWN, actor=world.users["officer"])
    assert _places(world.offering) == 0


def test_accepting_for_an_offering_no_longer_active_is_refused(world):
    referral = _referral_in(world, State.SENT)
    ServiceOffering.objects.filter(pk=world.offering.pk).update(is_active=False)
    before = _places(world.offering)
    with pytest.raises(actions.NoPlaceLeft) as refused:
        actions.transition(referral=referral, to=State.ACCEPTED, actor=world.users["provider"])
    assert refused.value.code == "no_place" and refused.value.messages == ["该服务已没有空余名额。"]
    referral.refresh_from_db()
    assert referral.state == State.SENT and _places(world.offering) == before


def test_allowed_verbs_are_the_table_rows_for_the_state_and_side(world):
    sent = _referral_in(world, State.SENT)
    assert sorted(actions.allowed_verbs(sent, actions.PROVIDER)) == ["accept", "decline"]
    assert actions.allowed_verbs(sent, actions.CASE) == ["withdraw"]
    assert actions.allowed_verbs(sent, actions.SYSTEM) == ["expire"]
    assert actions.allowed_verbs(_referral_in(world, State.COMPLETED), actions.PROVIDER) == []
