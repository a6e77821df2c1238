"""Issue 10 §7: who sees and may do what with the rule book, obligations, plans, reviews, the sentence
lifecycle and investigations, asked through the one door (``scoping``), role by role with a positive
control each. They kill the mutants of ``supervision/policies.py`` that only the (slow) permission
matrix would otherwise catch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts import scoping
from accounts.actions import grant_membership
from coordination import actions as coordination_actions
from coordination.models import CorrectionTeamMember, Sex, Supervisee
from services.models import Membership, Organisation
from supervision import actions, policies
from supervision.models import (
    ClassificationReview,
    CorrectionPlan,
    Holiday,
    Investigation,
    LegalDocument,
    Obligation,
    ObligationFeed,
    Rule,
    RuleChange,
    Sentence,
    StatusChange,
)
from tests import factories
from tests.coordination.factories import make_supervisee

Role = Membership.Role
Level = Obligation.Level
TODAY = timezone.localdate

PLAN = {
    "supervision_level": "ordinary",
    "risk_level": "medium",
    "classification_reasons": "初次评估",
    "reporting_mode": "in_person",
    "reporting_interval_days": 7,
    "education_goals": "每月集中教育",
    "help_goals": "协助就业",
}


def _seen(user, model, verb="view"):
    return set(scoping.scope(user, model, verb))


@pytest.fixture
def people(world):
    """Extra roles: the office head, the bureau head, an agency's social worker on the first person's
    team, a volunteer coordinator; and the other office's supervisee with records of their own."""
    agency = world.city.providers[Organisation.Kind.SOCIAL_WORK_AGENCY]
    worker = factories.user_with_role(Role.SOCIAL_WORKER, agency, username="agencysw")
    coordination_actions.add_team_member(
        supervisee=world.supervisee,
        role=CorrectionTeamMember.Role.SOCIAL_WORKER,
        name=worker.full_name,
        sex=Sex.FEMALE,
        user=worker,
        actor=world.users["bureau"],
    )
    return {
        "head": factories.user_with_role(Role.OFFICE_HEAD, world.city.office, username="officehead"),
        "other_head": factories.user_with_role(Role.OFFICE_HEAD, world.city.other_office, username="otherhead"),
        "bureau_head": factories.user_with_role(Role.BUREAU_HEAD, world.city.bureau, username="bureauhead"),
        "agency": worker,
        "coordinator": factories.user_with_role(
            Role.VOLUNTEER_COORDINATOR, world.city.providers[Organisation.Kind.VOLUNTEER_TEAM], username="coord"
        ),
    }


NOBODY = ("provider", "volunteer", "editor", "employer")


def test_the_rule_book_history_and_calendar_are_for_case_staff_only(world, people):
    actions.set_rule_override(
        rule=Rule.objects.first(), value=Rule.objects.first().value + 1, reason="试点", actor=world.users["bureau"]
    )
    for model in (Rule, RuleChange, Holiday):
        every = set(model.objects.all())
        assert every, model
        for role in ("bureau", "officer", "social_worker", "other_officer"):
            assert _seen(world.users[role], model) == every, (model, role)
        for role in NOBODY:
            assert _seen(world.users[role], model) == set(), (model, role)
        assert _seen(people["coordinator"], model) == set()
        assert _seen(AnonymousUser(), model) == set()
    assert scoping.can(world.users["bureau"], "override", Rule) and scoping.can(
        world.users["bureau"], "manage", Holiday
    )
    for role in ("officer", "social_worker"):
        assert not scoping.can(world.users[role], "override", Rule), role
        assert not scoping.can(world.users[role], "manage", Holiday), role


def test_obligations_follow_the_supervisee_and_only_officers_complete_them(world, people):
    actions.sync_obligations(supervisee=world.supervisee)
    actions.sync_obligations(supervisee=world.other_supervisee)
    mine = set(Obligation.objects.filter(supervisee=world.supervisee))
    theirs = set(Obligation.objects.filter(supervisee=world.other_supervisee))
    assert mine and theirs
    assert _seen(world.users["bureau"], Obligation) == mine | theirs
    assert _seen(world.users["officer"], Obligation) == mine
    assert _seen(world.users["social_worker"], Obligation) == mine
    assert _seen(people["agency"], Obligation) == mine  # on the team
    assert _seen(world.users["other_officer"], Obligation) == theirs
    for role in NOBODY:
        assert _seen(world.users[role], Obligation) == set(), role
    # Completing: officers of the office and the bureau, never a social worker.
    assert _seen(world.users["officer"], Obligation, "complete") == mine
    assert _seen(world.users["bureau"], Obligation, "complete") == mine | theirs
    assert _seen(people["head"], Obligation, "complete") == mine
    assert _seen(world.users["social_worker"], Obligation, "complete") == set()
    assert _seen(people["agency"], Obligation, "complete") == set()
    assert _seen(world.users["provider"], Obligation, "complete") == set()


def _obligation(supervisee) -> Obligation:
    return Obligation.objects.create(
        supervisee=supervisee,
        kind=Obligation.Kind.PLAN_REVIEW,
        rule_code="plan_review_interval",
        due_at=timezone.now() - dt.timedelta(days=3),
    )


def test_who_is_told_at_each_escalation_level(world, people):
    officer, other_officer = world.users["officer"], world.users["other_officer"]
    bureau = world.users["bureau"]
    gone = factories.user_with_role(Role.OFFICE_OFFICER, world.city.office, username="gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    factories.user_with_role(Role.SOCIAL_WORKER, world.city.office, username="notofficer")
    policy = scoping.policy_for(Obligation)
    ours, theirs = _obligation(world.supervisee), _obligation(world.other_supervisee)
    # Level 1: the officers on the team (world.supervisee has one); else every officer of the office.
    assert list(policy.audience((ours, Level.OFFICER))) == [officer]
    assert set(policy.audience((theirs, Level.OFFICER))) == {other_officer, people["other_head"]}
    # Level 2: every officer of the office (the head among them), never an inactive one or a social worker.
    assert set(policy.audience((ours, Level.OFFICE))) == {officer, people["head"]}
    # Level 3: the bureau (its head among them).
    assert {bureau, people["bureau_head"]} <= set(policy.audience((ours, Level.BUREAU)))
    assert officer not in policy.audience((ours, Level.BUREAU))
    assert policy.audience((ours, Level.NONE)) == []
    # The batch answers each pair on its own.
    batch = policy.audiences([(ours, Level.OFFICER), (theirs, Level.OFFICE), (ours, Level.BUREAU)])
    assert batch[(ours.pk, Level.OFFICER)] == [officer]
    assert set(batch[(theirs.pk, Level.OFFICE)]) == {other_officer, people["other_head"]}
    assert {bureau, people["bureau_head"]} <= set(batch[(ours.pk, Level.BUREAU)])
    # An inactive team officer does not count: the office's officers are told instead.
    CorrectionTeamMember.objects.filter(supervisee=world.supervisee, role=CorrectionTeamMember.Role.OFFICER).update(
        is_active=False
    )
    assert set(policy.audience((ours, Level.OFFICER))) == {officer, people["head"]}
    # A revoked membership tells nobody.
    revoked = factories.user_with_role(Role.OFFICE_OFFICER, world.city.office, username="revoked")
    Membership.objects.filter(user=revoked).update(is_active=False)
    assert revoked not in policy.audience((ours, Level.OFFICE))
    # An office with no officer (and a person with no team officer): nobody at levels 1 and 2, no error.
    empty_office = factories.OrganisationFactory(
        kind=Organisation.Kind.JUDICIAL_OFFICE, township=world.city.townships[0]
    )
    alone = _obligation(make_supervisee(office=empty_office, actor=bureau, team=[]))
    assert policy.audience((alone, Level.OFFICER)) == [] and policy.audience((alone, Level.OFFICE)) == []
    # Someone who is both head and officer of the office is told once.
    grant_membership(user=people["head"], organisation=world.city.office, role=Role.OFFICE_OFFICER)
    told = policy.audience((ours, Level.OFFICE))
    assert sorted(u.pk for u in told) == sorted({officer.pk, people["head"].pk})
    # A team officer whose account is closed is not told; the office's active officers are.
    CorrectionTeamMember.objects.filter(supervisee=world.supervisee, role=CorrectionTeamMember.Role.OFFICER).update(
        is_active=True
    )
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert policy.audience((ours, Level.OFFICER)) == [people["head"]]


def test_a_user_sees_only_their_own_calendar_address(world):
    mine = actions.feed_for(user=world.users["officer"])
    actions.feed_for(user=world.users["other_officer"])
    assert _seen(world.users["officer"], ObligationFeed) == {mine}
    assert _seen(AnonymousUser(), ObligationFeed) == set()
    assert _seen(None, ObligationFeed) == set()  # None stands for a visitor in scope()


def test_plans_and_reviews_are_seen_with_the_person_and_written_by_the_office(world, people):
    officer = world.users["officer"]
    plan = actions.write_plan(supervisee=world.supervisee, actor=officer, **PLAN)
    other_plan = actions.write_plan(supervisee=world.other_supervisee, actor=world.users["other_officer"], **PLAN)
    review = ClassificationReview.objects.create(
        supervisee=world.supervisee, from_level="ordinary", to_level="strict", reasons="测试", proposed_by=officer
    )
    other_review = ClassificationReview.objects.create(
        supervisee=world.other_supervisee,
        from_level="ordinary",
        to_level="strict",
        reasons="测试",
        proposed_by=world.users["other_officer"],
    )
    assert _seen(world.users["bureau"], CorrectionPlan) == {plan, other_plan}
    assert _seen(world.users["bureau"], ClassificationReview) == {review, other_review}
    for role in ("officer", "social_worker"):
        assert _seen(world.users[role], CorrectionPlan) == {plan}, role
        assert _seen(world.users[role], ClassificationReview) == {review}, role
    assert _seen(people["agency"], CorrectionPlan) == {plan}
    assert _seen(world.users["other_officer"], ClassificationReview) == {other_review}
    for role in NOBODY:
        assert _seen(world.users[role], CorrectionPlan) == set(), role
        assert _seen(world.users[role], ClassificationReview) == set(), role
    # Writing a plan and proposing a level: officers of the office and the bureau, with a person.
    for verb in ("write", "propose"):
        model = CorrectionPlan if verb == "write" else ClassificationReview
        assert scoping.policy_for(model).can(officer, verb, world.supervisee), verb
        assert scoping.policy_for(model).can(world.users["bureau"], verb, world.other_supervisee), verb
        assert not scoping.policy_for(model).can(officer, verb, world.other_supervisee), verb
        assert not scoping.policy_for(model).can(world.users["social_worker"], verb, world.supervisee), verb
        assert not scoping.policy_for(model).can(people["agency"], verb, world.supervisee), verb
        assert not scoping.policy_for(model).can(officer, verb, None), verb


def test_a_head_decides_the_reviews_of_their_office_and_the_bureau_head_any(world, people):
    officer = world.users["officer"]
    review = ClassificationReview.objects.create(
        supervisee=world.supervisee, from_level="ordinary", to_level="strict", reasons="测试", proposed_by=officer
    )
    other = ClassificationReview.objects.create(
        supervisee=world.other_supervisee,
        from_level="ordinary",
        to_level="strict",
        reasons="测试",
        proposed_by=world.users["other_officer"],
    )
    decided = ClassificationReview.objects.create(
        supervisee=world.supervisee,
        from_level="ordinary",
        to_level="lenient",
        reasons="测试",
        proposed_by=officer,
        state=ClassificationReview.State.APPROVED,
        decided_by=people["bureau_head"],
    )
    assert scoping.can(people["head"], "decide", review) and not scoping.can(people["head"], "decide", other)
    assert scoping.can(people["bureau_head"], "decide", other)
    for role in ("officer", "bureau", "social_worker"):
        assert not scoping.can(world.users[role], "decide", review), role
    assert not scoping.policy_for(ClassificationReview).can(people["bureau_head"], "decide", world.supervisee)
    assert _seen(people["head"], ClassificationReview, "decide") == {review}
    assert _seen(people["bureau_head"], ClassificationReview, "decide") == {review, other}
    assert _seen(officer, ClassificationReview, "decide") == set()
    assert decided not in _seen(people["bureau_head"], ClassificationReview, "decide")


def _sentence(supervisee, actor):
    effective = TODAY() - dt.timedelta(days=3)
    return actions.record_sentence(
        supervisee=supervisee,
        actor=actor,
        organ_kind="court",
        organ_name="某市某区人民法院",
        case_number="（2026）某0102刑初123号",
        judgment_date=effective - dt.timedelta(days=10),
        effective_date=effective,
        sentence_type="probation",
        term_months=12,
        start=effective,
        end=effective + dt.timedelta(days=365),
    )


def test_the_sentence_lifecycle_records_are_seen_with_the_person(world, people):
    bureau = world.users["bureau"]
    ours = make_supervisee(office=world.city.office, actor=bureau, status=Supervisee.Status.INTAKE)
    theirs = make_supervisee(office=world.city.other_office, actor=bureau, status=Supervisee.Status.INTAKE)
    for person, officer in ((ours, world.users["officer"]), (theirs, world.users["other_officer"])):
        sentence = _sentence(person, officer)
        actions.record_document(sentence=sentence, actor=officer, kind="enforcement_notice", received_at=TODAY())
        actions.register(supervisee=person, actor=officer, reported_on=TODAY())
    for model in (Sentence, LegalDocument, StatusChange):
        path = "sentence__supervisee" if model is LegalDocument else "supervisee"
        of_ours = set(model.objects.filter(**{path: ours}))
        of_theirs = set(model.objects.filter(**{path: theirs}))
        assert of_ours and of_theirs, model
        assert _seen(bureau, model) >= of_ours | of_theirs, model
        assert of_ours <= _seen(world.users["officer"], model), model
        assert of_ours <= _seen(world.users["social_worker"], model), model
        assert not of_theirs & _seen(world.users["officer"], model), model
        assert of_theirs <= _seen(world.users["other_officer"], model), model
        for role in NOBODY:
            assert _seen(world.users[role], model) == set(), (model, role)


def test_only_officers_of_the_office_and_the_bureau_run_the_lifecycle(world, people):
    person = world.supervisee
    for verb, model in (("record", Sentence), ("change", StatusChange)):
        policy = scoping.policy_for(model)
        assert policy.can(world.users["officer"], verb, person), verb
        assert policy.can(people["head"], verb, person), verb
        assert policy.can(world.users["bureau"], verb, world.other_supervisee), verb
        assert not policy.can(world.users["officer"], verb, world.other_supervisee), verb
        assert not policy.can(world.users["social_worker"], verb, person), verb
        assert not policy.can(people["agency"], verb, person), verb
        assert not policy.can(world.users["bureau"], verb, None), verb
    assert not policies.is_office_officer_of(world.users["provider"], person)
    # An officer of one office who is a social worker in another runs only their own office's lifecycle.
    grant_membership(user=world.users["officer"], organisation=world.city.other_office, role=Role.SOCIAL_WORKER)
    assert not scoping.policy_for(StatusChange).can(world.users["officer"], "change", world.other_supervisee)


def test_a_batch_of_escalations_finds_its_audience_in_three_queries(world, people, django_assert_max_num_queries):
    events = []
    for _ in range(3):
        person = make_supervisee(office=world.city.office, actor=world.users["bureau"])
        coordination_actions.add_team_member(
            supervisee=person,
            role=CorrectionTeamMember.Role.OFFICER,
            name=world.users["officer"].full_name,
            sex=Sex.MALE,
            user=world.users["officer"],
            actor=world.users["bureau"],
        )
        obligation = _obligation(person)
        events += [(obligation, Level.OFFICER), (obligation, Level.OFFICE), (obligation, Level.BUREAU)]
    events = [(Obligation.objects.select_related("supervisee").get(pk=o.pk), level) for o, level in events]
    policy = scoping.policy_for(Obligation)
    with django_assert_max_num_queries(3):
        told = policy.audiences(events)
        names = {user.username for people_told in told.values() for user in people_told}
    assert {"officer", "officehead", "bureauhead"} <= names


def test_investigations_belong_to_their_office(world, people):
    def request(office, actor):
        return actions.record_investigation(
            actor=actor,
            judicial_office=office,
            organ_kind="court",
            organ_name="新密市人民法院",
            subject_name="王某",
            received_on=TODAY(),
        )

    ours = request(world.city.office, world.users["officer"])
    theirs = request(world.city.other_office, world.users["other_officer"])
    assert _seen(world.users["bureau"], Investigation) == {ours, theirs}
    assert _seen(world.users["officer"], Investigation) == {ours}
    assert _seen(world.users["social_worker"], Investigation) == {ours}
    assert _seen(world.users["other_officer"], Investigation) == {theirs}
    assert _seen(people["agency"], Investigation) == set()  # the agency is no judicial office
    for role in NOBODY:
        assert _seen(world.users[role], Investigation) == set(), role
    policy = scoping.policy_for(Investigation)
    assert policy.can(world.users["officer"], "record", world.city.office)
    assert policy.can(world.users["bureau"], "record", world.city.other_office)
    assert not policy.can(world.users["officer"], "record", world.city.other_office)
    assert not policy.can(world.users["social_worker"], "record", world.city.office)
    assert not policy.can(world.users["bureau"], "record", None)


def test_the_todo_list_is_for_the_bureau_and_officers(world, people):
    assert policies.can_use_todo(world.users["bureau"]) and policies.can_use_todo(world.users["officer"])
    assert policies.can_use_todo(people["head"])
    for role in ("social_worker", "provider", "volunteer"):
        assert not policies.can_use_todo(world.users[role]), role
    assert policies.is_case_staff(world.users["social_worker"]) and not policies.is_case_staff(world.users["provider"])
