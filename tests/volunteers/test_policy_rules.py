"""Issue 10 §7: who sees and may do what with volunteers, asked through the one door (``scoping``): a
coordinator their own team's, a volunteer their own, the bureau everything, each with a positive control.
They kill the mutants of ``volunteers/policies.py`` that the (slow) page tests would otherwise be the only
ones to catch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts import scoping
from accounts.roles import forget
from services.models import Membership, Organisation
from tests.factories import OrganisationFactory, UserFactory, user_with_role
from tests.volunteers import factories as f
from volunteers import policies
from volunteers.models import (
    Booking,
    Certificate,
    HourLog,
    Opportunity,
    Shift,
    StatusChange,
    TrainingCourse,
    TrainingRecord,
    Volunteer,
)

pytestmark = pytest.mark.django_db
Role = Membership.Role
Status = Volunteer.Status


def _seen(user, model, verb="view"):
    return set(scoping.scope(user, model, verb))


@pytest.fixture
def teams():
    """Two volunteer teams, each with a coordinator, an active volunteer and an applicant; the bureau."""
    ours = f.team()
    theirs = f.team("另一志愿者协会")
    bureau = user_with_role(Role.BUREAU_ADMIN, OrganisationFactory(kind=Organisation.Kind.JUSTICE_BUREAU))
    return {
        "ours": ours,
        "theirs": theirs,
        "coordinator": f.coordinator(ours),
        "other_coordinator": f.coordinator(theirs),
        "bureau": bureau,
        "active": f.volunteer(organisation=ours),
        "applicant": f.volunteer(organisation=ours, status=Status.APPLIED, trained=False),
        "their_active": f.volunteer(organisation=theirs),
    }


def test_each_one_sees_their_own_profile_and_coordinators_their_teams(teams):
    active, applicant, theirs = teams["active"], teams["applicant"], teams["their_active"]
    assert _seen(active.user, Volunteer, "own") == {active}
    assert _seen(AnonymousUser(), Volunteer, "own") == set()
    assert _seen(None, Volunteer, "own") == set()  # None stands for a visitor in scope()
    assert policies.own_profile(active.user) == active and policies.own_profile(UserFactory()) is None
    assert _seen(teams["coordinator"], Volunteer, "coordinate") == {active, applicant}
    assert _seen(teams["other_coordinator"], Volunteer, "coordinate") == {theirs}
    assert _seen(teams["bureau"], Volunteer, "coordinate") == {active, applicant, theirs}
    assert _seen(active.user, Volunteer, "coordinate") == set()
    assert set(policies.coordinated_organisations(teams["coordinator"])) == {teams["ours"]}
    assert {teams["ours"], teams["theirs"]} <= set(policies.coordinated_organisations(teams["bureau"]))


def test_coordinating_and_deciding_on_a_volunteer(teams):
    coordinator, active = teams["coordinator"], teams["active"]
    assert scoping.can(coordinator, "coordinate", Volunteer) and scoping.can(teams["bureau"], "coordinate", Volunteer)
    assert not scoping.can(active.user, "coordinate", Volunteer)
    assert scoping.can(coordinator, "decide", Volunteer) and not scoping.can(active.user, "decide", Volunteer)
    assert scoping.can(coordinator, "coordinate", active) and scoping.can(coordinator, "decide", active)
    assert not scoping.can(coordinator, "coordinate", teams["their_active"])
    assert not scoping.can(coordinator, "decide", teams["their_active"])
    assert scoping.can(teams["bureau"], "decide", teams["their_active"])
    # A coordinator who is also a volunteer of their team decides on the others, never on themselves.
    own = f.volunteer(organisation=teams["ours"])
    Membership.objects.create(user=own.user, organisation=teams["ours"], role=Role.VOLUNTEER_COORDINATOR)
    assert scoping.can(own.user, "coordinate", own) and not scoping.can(own.user, "decide", own)
    assert scoping.can(own.user, "decide", active)
    assert policies.vetting_side(own.user, own) == policies.VOLUNTEER
    assert policies.vetting_side(own.user, active) == policies.COORDINATOR
    assert policies.vetting_side(teams["other_coordinator"], active) is None
    assert policies.vetting_side(AnonymousUser(), active) is None
    assert policies.vetting_side(None, active) is None  # None stands for a visitor in scope()
    # An agency's social worker is no coordinator of the agency's volunteers.
    agency = OrganisationFactory(kind=Organisation.Kind.SOCIAL_WORK_AGENCY)
    worker = user_with_role(Role.SOCIAL_WORKER, agency)
    agency_volunteer = f.volunteer(organisation=agency)
    assert _seen(worker, Volunteer, "coordinate") == set()
    assert not scoping.can(worker, "coordinate", agency_volunteer)
    assert not policies.is_own_record(AnonymousUser(), Volunteer(user_id=None))


def test_team_candidates_are_active_with_valid_required_training(teams):
    active = teams["active"]
    untrained = f.volunteer(organisation=teams["ours"], trained=False)
    suspended = f.volunteer(organisation=teams["ours"], status=Status.SUSPENDED)
    expired = f.volunteer(organisation=teams["ours"], trained=False)
    required = TrainingCourse.objects.filter(required_for_activation=True)
    assert required.exists()
    f.train(expired, completed_on=timezone.localdate() - dt.timedelta(days=3650))
    TrainingRecord.objects.filter(volunteer=expired).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    lasting = f.volunteer(organisation=teams["ours"], trained=False)
    f.train(lasting)
    TrainingRecord.objects.filter(volunteer=lasting).update(expires_on=None)
    today = f.volunteer(organisation=teams["ours"], trained=False)
    f.train(today)
    TrainingRecord.objects.filter(volunteer=today).update(expires_on=timezone.localdate())
    future = f.volunteer(organisation=teams["ours"], trained=False)
    f.train(future)
    TrainingRecord.objects.filter(volunteer=future).update(completed_on=timezone.localdate() + dt.timedelta(days=1))
    trained_today = f.volunteer(organisation=teams["ours"], trained=False)
    f.train(trained_today, completed_on=timezone.localdate())
    half = f.volunteer(organisation=teams["ours"], trained=False)
    f.train(half, codes=["legal_basics"])  # one of the two required courses only
    candidates = _seen(teams["coordinator"], Volunteer, "team_candidate")
    assert half not in candidates
    assert {active, teams["their_active"], lasting, today, trained_today} <= candidates
    assert not {untrained, suspended, expired, future, teams["applicant"]} & candidates
    # A course nobody has to take first changes nothing.
    TrainingCourse.objects.create(code="optional", name="选修", required_for_activation=False)
    assert active in _seen(teams["coordinator"], Volunteer, "team_candidate")


def test_opportunities_a_coordinator_publishes_for_and_a_volunteer_sees(teams):
    ours_private = f.opportunity(organisation=teams["ours"], is_public=False)
    ours_public = f.opportunity(organisation=teams["ours"], is_public=True)
    closed = f.opportunity(organisation=teams["ours"], is_public=True)
    Opportunity.objects.filter(pk=closed.pk).update(is_active=False)
    theirs = f.opportunity(organisation=teams["theirs"], is_public=True)
    assert _seen(teams["coordinator"], Opportunity, "coordinate") == {ours_private, ours_public, closed}
    assert _seen(teams["bureau"], Opportunity, "coordinate") == {ours_private, ours_public, closed, theirs}
    assert _seen(teams["active"].user, Opportunity, "coordinate") == set()
    # An active volunteer: every active one of their team; an applicant: only the public ones.
    assert _seen(teams["active"].user, Opportunity, "book") == {ours_private, ours_public}
    assert _seen(teams["applicant"].user, Opportunity, "book") == {ours_public}
    assert _seen(teams["coordinator"], Opportunity, "book") == set()  # no volunteer profile
    assert _seen(AnonymousUser(), Opportunity, "book") == set()


def test_shifts_public_and_coordinated(teams):
    public = f.shift(opp=f.opportunity(organisation=teams["ours"], is_public=True))
    private = f.shift(opp=f.opportunity(organisation=teams["ours"], is_public=False))
    theirs = f.shift(opp=f.opportunity(organisation=teams["theirs"], is_public=True))
    closed = f.shift(opp=f.opportunity(organisation=teams["theirs"], is_public=True))
    Opportunity.objects.filter(pk=closed.opportunity_id).update(is_active=False)
    assert _seen(AnonymousUser(), Shift, "public") == {public, theirs}
    assert _seen(teams["coordinator"], Shift, "coordinate") == {public, private}
    assert _seen(teams["bureau"], Shift, "coordinate") == {public, private, theirs, closed}
    assert _seen(teams["active"].user, Shift, "coordinate") == set()


def test_bookings_hours_and_records_are_the_volunteers_own_and_their_coordinators(teams):
    active, theirs, coordinator = teams["active"], teams["their_active"], teams["coordinator"]
    shift = f.shift(opp=f.opportunity(organisation=teams["ours"]))
    mine = Booking.objects.create(shift=shift, volunteer=active, status=Booking.Status.BOOKED)
    Booking.objects.create(shift=shift, volunteer=theirs, status=Booking.Status.BOOKED)
    assert _seen(active.user, Booking, "own") == {mine}
    assert _seen(AnonymousUser(), Booking, "own") == set() and _seen(None, Booking, "own") == set()
    day = timezone.localdate()
    my_hours = HourLog.objects.create(volunteer=active, date=day, hours=Decimal("2"), activity="社区服务")
    their_hours = HourLog.objects.create(volunteer=theirs, date=day, hours=Decimal("2"), activity="社区服务")
    assert _seen(active.user, HourLog, "own") == {my_hours}
    assert _seen(AnonymousUser(), HourLog, "own") == set() and _seen(None, HourLog, "own") == set()
    assert _seen(coordinator, HourLog, "coordinate") == {my_hours}
    assert _seen(teams["bureau"], HourLog, "coordinate") == {my_hours, their_hours}
    assert _seen(active.user, HourLog, "coordinate") == set()
    assert _seen(coordinator, HourLog, "review") == {my_hours}
    # A coordinator who logs hours on their own team never approves them.
    Membership.objects.create(user=active.user, organisation=teams["ours"], role=Role.VOLUNTEER_COORDINATOR)
    other = f.volunteer(organisation=teams["ours"])
    other_hours = HourLog.objects.create(volunteer=other, date=day, hours=Decimal("1"), activity="社区服务")
    forget(active.user)
    assert _seen(active.user, HourLog, "review") == {other_hours}
    assert _seen(AnonymousUser(), HourLog, "review") == set() and _seen(None, HourLog, "review") == set()
    # The volunteer's history, training and certificates: theirs and their coordinators'.
    certificate = Certificate.objects.create(volunteer=active, code="TESTCODE1", total_hours=Decimal("2"))
    Certificate.objects.create(volunteer=theirs, code="TESTCODE2", total_hours=Decimal("2"))
    for model in (StatusChange, TrainingRecord, Certificate):
        own = set(model.objects.filter(volunteer=other))
        ours = set(model.objects.filter(volunteer__organisation=teams["ours"]))
        assert _seen(other.user, model) == own, model
        assert _seen(coordinator, model) == ours, model
        assert _seen(teams["bureau"], model) == set(model.objects.all()), model
        assert _seen(AnonymousUser(), model) == set(), model
    assert certificate in _seen(active.user, Certificate)
    assert _seen(AnonymousUser(), Certificate, "verify") == set(Certificate.objects.all())
