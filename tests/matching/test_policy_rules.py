"""Issue 10 §7: who sees and starts matching, asked through the one door (``scoping``), role by role with
a positive control each. They kill the mutants of ``matching/policies.py`` and of the notification policies
that the (slow) page tests would otherwise be the only ones to catch."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import scoping
from coordination import actions
from matching.models import MatchRun, MentorProposal, Proposal
from notifications.models import Notification, Preference
from tests.coordination.factories import make_supervisee, make_world
from tests.volunteers import factories as volunteer_factories


@pytest.fixture
def world(db, settings):
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    return make_world()


def _seen(user, model, verb="view"):
    return set(scoping.scope(user, model, verb))


NOBODY = ("provider", "volunteer", "editor")


def test_runs_city_wide_and_of_ones_own_office(world):
    city = MatchRun.objects.create()
    ours = MatchRun.objects.create(office=world.city.office)
    theirs = MatchRun.objects.create(office=world.city.other_office)
    assert _seen(world.users["bureau"], MatchRun) == {city, ours, theirs}
    assert _seen(world.users["officer"], MatchRun) == {city, ours}
    assert _seen(world.users["social_worker"], MatchRun) == {city, ours}
    assert _seen(world.users["other_officer"], MatchRun) == {city, theirs}
    for role in NOBODY:
        assert _seen(world.users[role], MatchRun) == set(), role
    assert _seen(AnonymousUser(), MatchRun) == set()
    for role in ("bureau", "officer", "social_worker"):
        assert scoping.can(world.users[role], "use", MatchRun), role
    for role in NOBODY:
        assert not scoping.can(world.users[role], "use", MatchRun), role


def test_the_bureau_starts_any_run_and_an_officer_only_their_offices(world):
    city, ours = MatchRun(), MatchRun(office=world.city.office)
    theirs = MatchRun(office=world.city.other_office)
    bureau, officer = world.users["bureau"], world.users["officer"]
    assert scoping.can(bureau, "start", city) and scoping.can(bureau, "start", theirs)
    assert scoping.policy_for(MatchRun).can(bureau, "start", None)
    assert scoping.can(officer, "start", ours)
    assert not scoping.can(officer, "start", theirs)
    assert not scoping.can(officer, "start", city)  # a city-wide run is the bureau's
    assert not scoping.policy_for(MatchRun).can(officer, "start", None)
    assert not scoping.can(world.users["social_worker"], "start", ours)  # a social worker runs nothing


def test_proposals_follow_the_supervisee(world):
    run = MatchRun.objects.create()
    ours = Proposal.objects.create(run=run, need=world.need, offering=world.offering, cost=1, score=90)
    other_need = actions.record_need(
        supervisee=world.other_supervisee,
        category=world.offering.category,
        urgency=1,
        description="x",
        actor=world.users["other_officer"],
    )
    theirs = Proposal.objects.create(run=run, need=other_need, offering=world.offering, cost=1, score=80)
    mentor = volunteer_factories.volunteer()
    minor = make_supervisee(office=world.city.office, actor=world.users["bureau"], age=16)
    our_mentor = MentorProposal.objects.create(run=run, supervisee=world.supervisee, mentor=mentor, cost=1, score=90)
    their_mentor = MentorProposal.objects.create(
        run=run, supervisee=world.other_supervisee, mentor=mentor, cost=1, score=90
    )
    minor_mentor = MentorProposal.objects.create(run=run, supervisee=minor, mentor=mentor, cost=1, score=90)
    assert _seen(world.users["bureau"], Proposal) == {ours, theirs}
    assert _seen(world.users["officer"], Proposal) == {ours}
    assert _seen(world.users["other_officer"], Proposal) == {theirs}
    assert _seen(world.users["bureau"], MentorProposal) == {our_mentor, their_mentor, minor_mentor}
    assert _seen(world.users["officer"], MentorProposal) == {our_mentor, minor_mentor}
    assert _seen(world.users["other_officer"], MentorProposal) == {their_mentor}
    for role in NOBODY:
        assert _seen(world.users[role], Proposal) == set(), role
        assert _seen(world.users[role], MentorProposal) == set(), role


def test_the_inbox_and_preferences_are_each_users_own(world):
    officer, provider = world.users["officer"], world.users["provider"]
    Notification.objects.all().delete()
    mine = Notification.objects.create(
        recipient=officer, channel=Notification.Channel.INBOX, kind=Notification.Kind.REFERRAL_ACCEPTED
    )
    Notification.objects.create(
        recipient=officer, channel=Notification.Channel.EMAIL, kind=Notification.Kind.REFERRAL_ACCEPTED
    )
    Notification.objects.create(
        recipient=provider, channel=Notification.Channel.INBOX, kind=Notification.Kind.REFERRAL_ACCEPTED
    )
    assert _seen(officer, Notification) == {mine}
    assert _seen(AnonymousUser(), Notification) == set() and _seen(None, Notification) == set()
    Preference.objects.filter(user__in=[officer, provider]).delete()
    own = Preference.objects.create(user=officer)
    Preference.objects.create(user=provider)
    assert _seen(officer, Preference) == {own}
    assert _seen(AnonymousUser(), Preference) == set() and _seen(None, Preference) == set()
