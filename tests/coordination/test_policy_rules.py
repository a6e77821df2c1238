"""Issue 10 §7: who sees and may do what with cases, asked through the one door (``scoping``), role by
role, each rule with its positive control. These tests kill the mutants of ``coordination/policies.py``
that the permission matrices (too slow to run per mutant) would otherwise be the only ones to catch."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import scoping
from accounts.actions import grant_membership
from coordination import actions, policies
from coordination.models import (
    AccessLog,
    CaseNote,
    Consent,
    CorrectionTeamMember,
    Need,
    Referral,
    ReferralEvent,
    Sex,
    Supervisee,
)
from services.models import Membership, Organisation
from tests import factories
from tests.coordination.factories import make_supervisee, offering
from tests.volunteers import factories as volunteer_factories

Role = Membership.Role
Kind = Organisation.Kind


@pytest.fixture
def agency(world):
    """An agency's social worker on the team of an adult and of a minor of the first office (inactive on a
    third person's team), and the agency's second worker on nobody's team."""
    bureau = world.users["bureau"]
    agency_org = world.city.providers[Kind.SOCIAL_WORK_AGENCY]
    worker = factories.user_with_role(Role.SOCIAL_WORKER, agency_org, username="agencysw")
    idle = factories.user_with_role(Role.SOCIAL_WORKER, agency_org, username="agencyidle")
    adult = make_supervisee(office=world.city.office, actor=bureau)
    minor = make_supervisee(office=world.city.office, actor=bureau, age=16)
    left = make_supervisee(office=world.city.office, actor=bureau)
    for person in (adult, minor, left):
        actions.add_team_member(
            supervisee=person,
            role=CorrectionTeamMember.Role.SOCIAL_WORKER,
            name=worker.full_name,
            sex=Sex.FEMALE,
            user=worker,
            actor=bureau,
        )
    CorrectionTeamMember.objects.filter(supervisee=left, user=worker).update(is_active=False)
    assert minor.is_minor and not adult.is_minor
    return {"worker": worker, "idle": idle, "adult": adult, "minor": minor, "left": left}


def _seen(user, model, verb="view"):
    return set(scoping.scope(user, model, verb))


# --- Supervisees ---------------------------------------------------------------------------------


def test_each_role_sees_exactly_the_supervisees_of_its_office_or_team(world, agency):
    everyone = set(Supervisee.objects.all())
    mine = {world.supervisee, agency["adult"], agency["minor"], agency["left"]}
    assert _seen(world.users["bureau"], Supervisee) == everyone
    assert _seen(world.users["officer"], Supervisee) == mine
    assert _seen(world.users["social_worker"], Supervisee) == mine  # of the office: by membership
    assert _seen(world.users["other_officer"], Supervisee) == {world.other_supervisee}
    # The agency's worker: the adult they are actively on the team of; never the minor (Art. 54), never
    # a team they left, never a team where they are not a social worker.
    assert _seen(agency["worker"], Supervisee) == {agency["adult"]}
    for nobody in ("provider", "volunteer", "editor", "employer"):
        assert _seen(world.users[nobody], Supervisee) == set(), nobody
    assert _seen(agency["idle"], Supervisee) == set()
    assert _seen(AnonymousUser(), Supervisee) == set()


def test_a_volunteer_or_officer_on_the_team_gains_nothing_as_a_social_worker(world, agency):
    """Only an active social-worker seat on a team opens the record to an agency's worker."""
    actions.add_team_member(
        supervisee=world.other_supervisee,
        role=CorrectionTeamMember.Role.VOLUNTEER,
        name=agency["worker"].full_name,
        sex=Sex.FEMALE,
        user=agency["worker"],
        actor=world.users["bureau"],
    )
    assert world.other_supervisee not in _seen(agency["worker"], Supervisee)


def test_list_and_register_belong_to_case_staff_of_an_office(world, agency):
    for role in ("bureau", "officer", "social_worker", "other_officer"):
        assert scoping.can(world.users[role], "list", Supervisee), role
        assert scoping.can(world.users[role], "register", Supervisee), role
    # An agency's social worker opens a caseload but may not register anyone: intake is the office's act.
    assert scoping.can(agency["worker"], "list", Supervisee)
    assert not scoping.can(agency["worker"], "register", Supervisee)
    for role in ("provider", "volunteer", "editor"):
        assert not scoping.can(world.users[role], "list", Supervisee), role
        assert not scoping.can(world.users[role], "register", Supervisee), role
    assert list(policies.intake_offices(world.users["officer"])) == [world.city.office]
    assert set(policies.intake_offices(world.users["bureau"])) == set(world.city.offices)
    assert not policies.intake_offices(agency["worker"]).exists()


def test_manage_follows_sight_and_edit_stays_with_the_office(world, agency):
    adult, minor = agency["adult"], agency["minor"]
    worker, officer, other = agency["worker"], world.users["officer"], world.users["other_officer"]
    assert scoping.can(worker, "manage", adult) and not scoping.can(worker, "manage", minor)
    assert not scoping.can(other, "manage", adult)
    for verb in ("edit", "manage_team"):
        assert scoping.can(officer, verb, minor) and scoping.can(world.users["bureau"], verb, adult), verb
        assert scoping.can(world.users["social_worker"], verb, adult), verb
        assert not scoping.can(worker, verb, adult), verb  # sees the record, may not edit it
        assert not scoping.can(other, verb, adult), verb
        assert not scoping.can(officer, verb, world.other_supervisee), verb


def test_only_officers_of_the_office_and_the_bureau_override_consent_or_see_the_full_id(world, agency):
    adult = agency["adult"]
    for verb in ("override_consent", "see_resident_id"):
        assert scoping.can(world.users["officer"], verb, adult), verb
        assert scoping.can(world.users["bureau"], verb, adult), verb
        assert not scoping.can(world.users["social_worker"], verb, adult), verb
        assert not scoping.can(world.users["other_officer"], verb, adult), verb
        assert not scoping.can(agency["worker"], verb, adult), verb
    officer_fields = scoping.fields(world.users["officer"], adult)
    worker_fields = scoping.fields(world.users["social_worker"], adult)
    assert "resident_id" in officer_fields and "resident_id" not in worker_fields
    assert "resident_id_masked" in officer_fields and "resident_id_masked" in worker_fields


def test_a_row_question_without_a_row_is_no(world):
    policy = policies.supervisees()
    officer = world.users["officer"]
    for ask in (policy.allow_manage, policy.allow_edit, policy.allow_override_consent):
        assert ask(officer, None) is False


# --- Team candidates -------------------------------------------------------------------------------


def test_team_candidates_are_active_staff_of_the_office_and_active_volunteers(world, agency):
    officer = world.users["officer"]
    head = factories.user_with_role(Role.OFFICE_HEAD, world.city.office, username="head")
    gone = factories.user_with_role(Role.OFFICE_OFFICER, world.city.office, username="gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    revoked = factories.user_with_role(Role.SOCIAL_WORKER, world.city.office, username="revoked")
    Membership.objects.filter(user=revoked).update(is_active=False)
    coordinator = factories.user_with_role(Role.VOLUNTEER_COORDINATOR, world.city.office, username="coord")
    trained = volunteer_factories.volunteer()
    untrained = volunteer_factories.volunteer(trained=False)
    candidates = set(policies.supervisees().team_candidates(officer, world.supervisee))
    assert {officer, world.users["social_worker"], head} <= candidates
    assert world.users["other_officer"] not in candidates  # another office's officer
    assert gone not in candidates and revoked not in candidates and coordinator not in candidates
    assert world.users["provider"] not in candidates and agency["worker"] not in candidates
    assert trained.user in candidates and untrained.user not in candidates
    names = [user.full_name for user in policies.supervisees().team_candidates(officer, world.supervisee)]
    assert names == sorted(names)
    # Two people of the same name keep one order (by username), whatever order they were added in.
    added_first = factories.user_with_role(Role.SOCIAL_WORKER, world.city.office, username="zz-same", full_name="同名")
    added_second = factories.user_with_role(Role.SOCIAL_WORKER, world.city.office, username="aa-same", full_name="同名")
    namesakes = [u for u in policies.supervisees().team_candidates(officer, world.supervisee) if u.full_name == "同名"]
    assert namesakes == [added_second, added_first]
    # Nobody for whoever may not manage this team.
    assert not policies.supervisees().team_candidates(world.users["other_officer"], world.supervisee).exists()
    assert not policies.supervisees().team_candidates(agency["worker"], agency["adult"]).exists()


def test_the_team_choice_list_offers_staff_of_the_offices_the_user_edits_for(world, agency):
    policy = policies.supervisees()
    officer, bureau = world.users["officer"], world.users["bureau"]
    gone = factories.user_with_role(Role.OFFICE_OFFICER, world.city.office, username="gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    revoked = factories.user_with_role(Role.SOCIAL_WORKER, world.city.office, username="revoked")
    Membership.objects.filter(user=revoked).update(is_active=False)
    trained = volunteer_factories.volunteer()
    # The office head may be put on a team (team_candidates offers them), so the choice list offers them
    # too; the office's volunteer coordinator is no case staff.
    head = factories.user_with_role(Role.OFFICE_HEAD, world.city.office, username="head")
    coordinator = factories.user_with_role(Role.VOLUNTEER_COORDINATOR, world.city.office, username="coord")
    mine = set(policy.team_candidate_users(officer))
    assert {officer, world.users["social_worker"], head, trained.user} <= mine
    assert world.users["other_officer"] not in mine and gone not in mine and revoked not in mine
    assert coordinator not in mine
    assert world.users["provider"] not in mine
    assert {officer, world.users["other_officer"]} <= set(policy.team_candidate_users(bureau))
    for nobody in (agency["worker"], world.users["provider"], world.users["volunteer"], AnonymousUser(), None):
        assert not policy.team_candidate_users(nobody).exists()


# --- Rows of a supervisee ------------------------------------------------------------------------------


def test_needs_notes_consents_and_team_rows_follow_the_supervisee(world, agency):
    officer = world.users["officer"]
    other_need = actions.record_need(
        supervisee=world.other_supervisee,
        category=world.offering.category,
        urgency=1,
        description="x",
        actor=world.users["other_officer"],
    )
    actions.add_note(supervisee=world.supervisee, author=officer, body="谈话")
    actions.add_note(supervisee=world.other_supervisee, author=world.users["other_officer"], body="谈话")
    for model in (Need, CaseNote, Consent, CorrectionTeamMember):
        mine = set(model.objects.filter(supervisee__judicial_office=world.city.office))
        assert mine, model
        assert _seen(officer, model) == mine, model
        assert _seen(world.users["bureau"], model) == set(model.objects.all()), model
        assert _seen(world.users["provider"], model) == set(), model
    assert other_need in _seen(world.users["other_officer"], Need) and other_need not in _seen(officer, Need)
    assert {row.supervisee for row in _seen(agency["worker"], CorrectionTeamMember)} == {agency["adult"]}


def test_a_volunteer_mentors_only_live_adults(world):
    volunteer = world.users["volunteer"]
    mine = CorrectionTeamMember.objects.get(user=volunteer, supervisee=world.supervisee)
    assert _seen(volunteer, CorrectionTeamMember, "mentor") == {mine}
    # Staff on a team are no mentors.
    assert _seen(world.users["officer"], CorrectionTeamMember, "mentor") == set()
    assert _seen(AnonymousUser(), CorrectionTeamMember, "mentor") == set()
    # A volunteer seat recorded by name only (the database allows it; the action now asks for the account)
    # is nobody's assignment, not the anonymous visitor's (``None`` stands for a visitor in ``scope``).
    CorrectionTeamMember.objects.create(
        supervisee=world.supervisee, role=CorrectionTeamMember.Role.VOLUNTEER, name="李志愿", sex=Sex.FEMALE
    )
    assert _seen(None, CorrectionTeamMember, "mentor") == set()
    Supervisee.objects.filter(pk=world.supervisee.pk).update(status=Supervisee.Status.RELEASED)
    assert _seen(volunteer, CorrectionTeamMember, "mentor") == set()
    Supervisee.objects.filter(pk=world.supervisee.pk).update(status=Supervisee.Status.UNDER_CORRECTION, is_minor=True)
    assert _seen(volunteer, CorrectionTeamMember, "mentor") == set()
    Supervisee.objects.filter(pk=world.supervisee.pk).update(is_minor=False)
    CorrectionTeamMember.objects.filter(pk=mine.pk).update(is_active=False)
    assert _seen(volunteer, CorrectionTeamMember, "mentor") == set()


# --- Referrals -----------------------------------------------------------------------------------------


def test_referrals_each_side_sees(world, agency):
    every = set(Referral.objects.all())
    sent = every - {world.referrals["draft"]}
    assert _seen(world.users["bureau"], Referral) == every
    assert _seen(world.users["officer"], Referral) == every
    assert _seen(world.users["social_worker"], Referral) == every
    assert _seen(world.users["provider"], Referral) == sent  # never the draft
    assert _seen(world.users["employer"], Referral) == set()  # another provider
    assert _seen(world.users["other_officer"], Referral) == set()
    assert _seen(world.users["volunteer"], Referral) == set()
    assert _seen(agency["worker"], Referral) == set()  # not on this supervisee's team


def test_an_agency_worker_sees_the_referrals_of_their_teams_adult(world, agency):
    officer = world.users["officer"]
    referrals = {}
    for key in ("adult", "minor"):
        need = actions.record_need(
            supervisee=agency[key], category=world.offering.category, urgency=2, description="x", actor=officer
        )
        actions.record_consent(supervisee=agency[key], organisation=world.offering.organisation, recorded_by=officer)
        referrals[key] = actions.create_referral(need=need, offering=world.offering, actor=officer, send=True)
    worker = agency["worker"]
    assert _seen(worker, Referral) == {referrals["adult"]}
    assert {event.referral for event in _seen(worker, ReferralEvent)} == {referrals["adult"]}
    # A referral to the worker's own agency is case work for them, not their provider inbox (they are no
    # provider staff there).
    agency_org = world.city.providers[Kind.SOCIAL_WORK_AGENCY]
    counselling = offering(agency_org, code=world.offering.category.code)
    actions.record_consent(supervisee=agency["adult"], organisation=agency_org, recorded_by=officer)
    to_agency = actions.create_referral(need=referrals["adult"].need, offering=counselling, actor=officer, send=True)
    assert to_agency in _seen(worker, Referral)
    assert _seen(worker, Referral, "inbox") == set()
    policy = policies.referrals()
    assert policy.side(worker, referrals["adult"]) == "case"
    assert policy.side(worker, referrals["minor"]) is None
    assert policy.side(worker, referrals["adult"], team_ids={agency["adult"].pk}) == "case"
    assert policy.side(worker, referrals["adult"], team_ids=set()) is None
    assert policy.side(agency["idle"], referrals["adult"]) is None
    assert policy.side(world.users["provider"], referrals["minor"]) == "provider"
    assert list(policy.audience(policies.ReferralNotice(referrals["adult"], (worker, None, agency["idle"])))) == [
        worker
    ]
    assert list(policy.audience(policies.ReferralNotice(referrals["minor"], (worker, officer)))) == [officer]
    # A seat left, or a seat as a volunteer, puts nobody on the case side.
    bureau = world.users["bureau"]
    actions.add_team_member(
        supervisee=world.other_supervisee,
        role=CorrectionTeamMember.Role.VOLUNTEER,
        name=worker.full_name,
        sex=Sex.FEMALE,
        user=worker,
        actor=bureau,
    )
    for person, by in ((agency["left"], officer), (world.other_supervisee, world.users["other_officer"])):
        need = actions.record_need(
            supervisee=person, category=world.offering.category, urgency=2, description="x", actor=by
        )
        actions.record_consent(supervisee=person, organisation=world.offering.organisation, recorded_by=by)
        referral = actions.create_referral(need=need, offering=world.offering, actor=by, send=True)
        assert policy.side(worker, referral) is None
        assert referral not in _seen(worker, Referral)


def test_a_service_of_an_office_is_seen_by_its_provider_staff_not_its_officers(world):
    """A judicial office may offer a service itself; a referral sent to it from another office is the
    provider side's business (its provider staff), not every officer's of the office."""
    office = world.city.office
    service = offering(office, code=world.offering.category.code)
    other_officer = world.users["other_officer"]
    need = actions.record_need(
        supervisee=world.other_supervisee, category=service.category, urgency=2, description="x", actor=other_officer
    )
    actions.record_consent(supervisee=world.other_supervisee, organisation=office, recorded_by=other_officer)
    referral = actions.create_referral(need=need, offering=service, actor=other_officer, send=True)
    officer = world.users["officer"]
    assert referral not in _seen(officer, Referral)
    assert not {event.referral for event in _seen(officer, ReferralEvent)} & {referral}
    assert policies.referrals().side(officer, referral) is None
    staff = factories.user_with_role(Role.PROVIDER_STAFF, office, username="officeprovider")
    assert referral in _seen(staff, Referral) and policies.referrals().side(staff, referral) == "provider"
    # The provider's answer is an event for both sides: its provider staff see it, the office's officers
    # (whose roles in the office are not provider roles) still do not.
    actions.apply_verb(referral=referral, verb="accept", actor=staff)
    answer = ReferralEvent.objects.get(referral=referral, to_state=Referral.State.ACCEPTED)
    assert answer.audience == ReferralEvent.Audience.BOTH_SIDES
    assert answer in _seen(staff, ReferralEvent)
    assert answer not in _seen(officer, ReferralEvent)
    # The same person as officer and provider staff sees both their cases and the service's referrals.
    grant_membership(user=staff, organisation=office, role=Role.OFFICE_OFFICER)
    staff = type(staff).objects.get(pk=staff.pk)
    assert {referral, world.referrals["sent"]} <= _seen(staff, Referral)
    assert world.referrals["sent"] in {event.referral for event in _seen(staff, ReferralEvent)}


def test_the_side_of_each_user_on_a_referral(world):
    policy = policies.referrals()
    sent, draft = world.referrals["sent"], world.referrals["draft"]
    assert policy.side(world.users["bureau"], draft) == "case"
    assert policy.side(world.users["officer"], sent) == "case"
    assert policy.side(world.users["social_worker"], sent) == "case"
    assert policy.side(world.users["provider"], sent) == "provider"
    assert policy.side(world.users["provider"], draft) is None
    for nobody in ("employer", "other_officer", "volunteer"):
        assert policy.side(world.users[nobody], sent) is None, nobody
    # The provider's fields are the provider's set; case staff get the case set.
    assert policy.fields(world.users["provider"], sent) != policy.fields(world.users["officer"], sent)
    assert policy.fields(world.users["officer"], sent) == policies.CASE_REFERRAL_SUPERVISEE_FIELDS


def test_the_provider_inbox_shows_what_was_sent_to_the_users_organisations(world):
    sent = set(Referral.objects.filter(sent_at__isnull=False))
    assert _seen(world.users["provider"], Referral, "inbox") == sent
    assert _seen(world.users["bureau"], Referral, "inbox") == sent
    assert _seen(world.users["officer"], Referral, "inbox") == set()  # case staff have no inbox rows
    assert _seen(world.users["employer"], Referral, "inbox") == set()
    for role in ("provider", "bureau", "employer"):
        assert scoping.can(world.users[role], "use_inbox", Referral), role
    for role in ("officer", "social_worker", "volunteer"):
        assert not scoping.can(world.users[role], "use_inbox", Referral), role


def test_referral_events_the_provider_side_sees(world):
    officer, provider = world.users["officer"], world.users["provider"]
    events = set(ReferralEvent.objects.all())
    for_both = {event for event in events if event.audience == ReferralEvent.Audience.BOTH_SIDES}
    internal = events - for_both
    assert internal and for_both
    of_draft = set(ReferralEvent.objects.filter(referral=world.referrals["draft"]))
    assert of_draft
    assert _seen(world.users["bureau"], ReferralEvent) == events
    assert _seen(officer, ReferralEvent) == events
    assert _seen(world.users["social_worker"], ReferralEvent) == events
    assert _seen(provider, ReferralEvent) == for_both - of_draft
    assert _seen(world.users["employer"], ReferralEvent) == set()
    assert _seen(world.users["other_officer"], ReferralEvent) == set()
    assert _seen(world.users["volunteer"], ReferralEvent) == set()


def test_only_the_bureau_browses_the_access_log(world):
    row = actions.log_access(
        user=world.users["officer"], action=AccessLog.Action.READ, object_type="supervisee", supervisee=world.supervisee
    )
    assert _seen(world.users["bureau"], AccessLog) >= {row}
    for role in ("officer", "social_worker", "provider"):
        assert _seen(world.users[role], AccessLog) == set(), role


# --- Role capabilities ---------------------------------------------------------------------------------


def test_workbench_caseload_and_inbox_capabilities_by_role(world, agency):
    expected = {
        "bureau": (True, True, True),
        "officer": (True, True, False),
        "social_worker": (True, True, False),
        "provider": (True, False, True),
        "employer": (True, False, True),
        "volunteer": (False, False, False),
        "editor": (False, False, False),
    }
    for role, (casework, caseload, inbox) in expected.items():
        user = world.users[role]
        assert policies.can_use_casework(user) is casework, role
        assert policies.can_see_case_list(user) is caseload, role
        assert policies.can_use_provider_inbox(user) is inbox, role
    assert set(policies.case_offices(world.users["bureau"])) == set(world.city.offices)
    assert list(policies.case_offices(world.users["social_worker"])) == [world.city.office]
    assert not policies.case_offices(agency["worker"]).exists()
    assert not policies.case_offices(world.users["provider"]).exists()
