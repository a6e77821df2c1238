"""Issue 11 findings 3, 4, 5 and 17 for volunteers: nobody decides on their own record, only active
volunteers see private schedules, log hours and have mentees, and leaving active service ends it all."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import scoping
from coordination.models import CorrectionTeamMember
from matching import selectors as matching_selectors
from tests.coordination.factories import make_supervisee
from tests.factories import make_city, user_with_role
from tests.volunteers import factories as f
from volunteers import actions, selectors
from volunteers.actions import VolunteerActionError
from volunteers.models import HourLog, TrainingCourse, Volunteer

Status = Volunteer.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _coordinator_who_applied() -> tuple[object, Volunteer]:
    """A coordinator of the team who also has a volunteer record there (the finding's set-up)."""
    coordinator = f.coordinator()
    volunteer = f.volunteer(status=Status.APPLIED)
    Volunteer.objects.filter(pk=volunteer.pk).update(user=coordinator)
    volunteer.refresh_from_db()
    return coordinator, volunteer


# --- finding 3: self-dealing ---------------------------------------------------------------------


def test_a_coordinator_cannot_vet_train_or_clear_themselves(client):
    coordinator, own = _coordinator_who_applied()
    with pytest.raises(VolunteerActionError) as err:
        actions.transition(volunteer=own, to_status=Status.INTERVIEWED, actor=coordinator)
    assert err.value.code == "forbidden"
    course = TrainingCourse.objects.first()
    with pytest.raises(VolunteerActionError):
        actions.record_training(volunteer=own, course=course, completed_on=timezone.localdate(), actor=coordinator)
    with pytest.raises(VolunteerActionError):
        actions.set_mentoring(
            volunteer=own,
            sex="female",
            max_mentees=2,
            cleared_for_minors=True,
            language_codes=["zh"],
            actor=coordinator,
        )
    own.refresh_from_db()
    assert (own.status, own.cleared_for_minors, own.training_records.filter(recorded_by=coordinator).count()) == (
        Status.APPLIED,
        False,
        0,
    )
    # Positive control: the same coordinator moves another applicant of the team.
    other = f.volunteer(status=Status.APPLIED)
    actions.transition(volunteer=other, to_status=Status.INTERVIEWED, actor=coordinator)
    other.refresh_from_db()
    assert other.status == Status.INTERVIEWED
    # And the page says why.
    client.force_login(coordinator)
    page = client.post(
        f"/en/volunteers/manage/volunteers/{own.pk}/", {"form": "transition", "t-to_status": Status.INTERVIEWED}
    )
    assert page.status_code == 400 and "Nobody may decide on their own volunteer record." in page.content.decode()


def test_a_coordinator_cannot_approve_their_own_hours(api):
    coordinator, own = _coordinator_who_applied()
    Volunteer.objects.filter(pk=own.pk).update(status=Status.ACTIVE)
    entry, _ = actions.log_hours(
        volunteer=own, activity="服务", date=timezone.localdate(), hours=Decimal("3"), actor=coordinator
    )
    api.force_authenticate(coordinator)
    response = api.post("/api/v1/volunteers/manage/hours/review/", {"ids": [entry.pk], "decision": "approve"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == HourLog.Status.PENDING
    # Another coordinator of the team may.
    other = f.coordinator()
    api.force_authenticate(other)
    assert (
        api.post("/api/v1/volunteers/manage/hours/review/", {"ids": [entry.pk], "decision": "approve"}).status_code
        == 200
    )
    entry.refresh_from_db()
    assert entry.status == HourLog.Status.APPROVED


def test_only_active_volunteers_log_hours(api):
    applicant = f.volunteer(status=Status.APPLIED)
    api.force_authenticate(applicant.user)
    body = {
        "activity": "服务",
        "date": timezone.localdate().isoformat(),
        "hours": "2",
        "client_token": str(uuid.uuid4()),
    }
    assert api.post("/api/v1/volunteers/hours/", body, format="json").status_code == 403
    assert not HourLog.objects.exists()
    Volunteer.objects.filter(pk=applicant.pk).update(status=Status.ACTIVE)
    assert api.post("/api/v1/volunteers/hours/", body, format="json").status_code == 201


def test_only_active_trained_volunteers_are_mentor_candidates():
    course = TrainingCourse.objects.filter(required_for_activation=True).first()
    assert course is not None
    ready = f.volunteer(max_mentees=2, sex="female")
    applicant = f.volunteer(status=Status.APPLIED, max_mentees=2, sex="female")
    lapsed = f.volunteer(trained=False, max_mentees=2, sex="female")
    candidates = set(scoping.scope(None, Volunteer, "team_candidate").values_list("pk", flat=True))
    assert ready.pk in candidates and applicant.pk not in candidates and lapsed.pk not in candidates
    mentors = set(matching_selectors.mentor_volunteers().values_list("pk", flat=True))
    assert mentors == {ready.pk}


def test_the_team_member_path_offers_only_active_trained_volunteers():
    from coordination import policies as coordination_policies

    city = make_city()
    officer = user_with_role("office_officer", city.office)
    supervisee = make_supervisee(office=city.office, actor=officer)
    ready = f.volunteer()
    lapsed = f.volunteer(trained=False)
    users = set(coordination_policies.supervisees().team_candidates(officer, supervisee).values_list("pk", flat=True))
    assert ready.user_id in users and lapsed.user_id not in users


# --- finding 4: private schedules ------------------------------------------------------------------


def test_applicants_see_only_public_opportunities_and_shifts(api, client):
    private = f.shift(opp=f.opportunity(title="社区矫正对象集中教育", is_public=False))
    public = f.shift(opp=f.opportunity(title="普法宣传日", is_public=True))
    applicant = f.volunteer(status=Status.APPLIED)
    api.force_authenticate(applicant.user)
    shifts = {row["id"] for row in api.get("/api/v1/volunteers/shifts/").json()["results"]}
    opportunities = {row["id"] for row in api.get("/api/v1/volunteers/opportunities/").json()["results"]}
    assert shifts == {public.pk}
    assert opportunities == {public.opportunity_id}
    client.force_login(applicant.user)
    page = client.get("/en/volunteers/shifts/").content.decode()
    assert "普法宣传日" in page and "社区矫正对象集中教育" not in page
    # Positive control: an active volunteer of the team sees both.
    active = f.volunteer()
    api.force_authenticate(active.user)
    assert {row["id"] for row in api.get("/api/v1/volunteers/shifts/").json()["results"]} == {private.pk, public.pk}


# --- finding 5: leaving active service ends access at once ------------------------------------------


def _mentor_on_a_team(volunteer: Volunteer) -> CorrectionTeamMember:
    city = make_city()
    officer = user_with_role("office_officer", city.office)
    supervisee = make_supervisee(office=city.office, actor=officer)
    return CorrectionTeamMember.objects.create(
        supervisee=supervisee,
        role=CorrectionTeamMember.Role.VOLUNTEER,
        name=volunteer.full_name,
        sex="female",
        user=volunteer.user,
    )


def test_suspension_ends_mentees_hours_and_the_private_feed_and_reactivation_restores_what_it_may(client):
    coordinator = f.coordinator()
    volunteer = f.volunteer()
    member = _mentor_on_a_team(volunteer)
    assert len(selectors.mentees_for(volunteer)) == 1
    old_feed = f"/volunteers/calendar/{volunteer.feed_token}.ics"
    assert client.get(old_feed).status_code == 200

    actions.transition(volunteer=volunteer, to_status=Status.SUSPENDED, actor=coordinator, note="暂停")
    volunteer.refresh_from_db()
    member.refresh_from_db()
    assert not member.is_active and member.ended_at is not None and member.end_reason
    assert selectors.mentees_for(volunteer) == []
    assert client.get(old_feed).status_code == 404
    assert client.get(f"/volunteers/calendar/{volunteer.feed_token}.ics").status_code == 404
    with pytest.raises(VolunteerActionError):
        actions.log_hours(
            volunteer=volunteer, activity="服务", date=timezone.localdate(), hours=Decimal("1"), actor=volunteer.user
        )

    actions.transition(volunteer=volunteer, to_status=Status.ACTIVE, actor=coordinator)
    volunteer.refresh_from_db()
    member.refresh_from_db()
    # Back: hours and the (new) calendar address; the team row stays ended until the office adds them again.
    assert client.get(f"/volunteers/calendar/{volunteer.feed_token}.ics").status_code == 200
    assert client.get(old_feed).status_code == 404
    entry, created = actions.log_hours(
        volunteer=volunteer, activity="服务", date=timezone.localdate(), hours=Decimal("1"), actor=volunteer.user
    )
    assert created
    assert not member.is_active and selectors.mentees_for(volunteer) == []


# --- finding 17: the check-in page --------------------------------------------------------------------


def test_the_check_in_page_needs_the_booking_and_the_code(client):
    shift = f.shift(in_hours=0.5)
    booked = f.volunteer()
    actions.book_shift(volunteer=booked, shift=shift, actor=booked.user)
    stranger = f.volunteer()
    good = f"/en/volunteers/shifts/{shift.pk}/check/{shift.checkin_code}/"
    wrong = f"/en/volunteers/shifts/{shift.pk}/check/WRONGCODE/"
    client.force_login(stranger.user)
    assert client.get(good).status_code == 404
    client.force_login(booked.user)
    assert client.get(wrong).status_code == 404
    page = client.get(good)
    assert page.status_code == 200 and shift.place in page.content.decode()


def test_the_check_in_window_is_unchanged():
    shift = f.shift(in_hours=0.5)
    volunteer = f.volunteer()
    actions.book_shift(volunteer=volunteer, shift=shift, actor=volunteer.user)
    booking, entry = actions.check_in_or_out(
        volunteer=volunteer, shift=shift, code=shift.checkin_code, actor=volunteer.user, now=shift.starts_at
    )
    assert booking.checked_in_at == shift.starts_at and entry is None
    with pytest.raises(VolunteerActionError):
        actions.check_in_or_out(
            volunteer=volunteer,
            shift=shift,
            code=shift.checkin_code,
            actor=volunteer.user,
            now=shift.ends_at + dt.timedelta(hours=4),
        )
