"""The vetting state machine: every pair of states, allowed exactly when the table says so."""

import itertools

import pytest
from django.core import mail

import volunteers.actions.vetting  # noqa: F401  (the machine, for the generated test)
from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import Booking, StatusChange, TrainingRecord, Volunteer

Status = Volunteer.Status
MACHINE = actions.vetting.MACHINE
SIDES = ["coordinator", "volunteer", "outsider"]
CASES = [(source, target, side) for source, target, _row in MACHINE.walk() for side in SIDES]


def _actor(side: str, volunteer: Volunteer):
    if side == "volunteer":
        return volunteer.user
    if side == "coordinator":
        return f.coordinator()
    return f.coordinator(f.team("另一志愿者协会"))  # coordinates another team only


@pytest.mark.parametrize(("start", "target", "side"), CASES, ids=[f"{side}:{a}->{b}" for a, b, side in CASES])
def test_every_move_for_every_side_is_allowed_exactly_when_the_table_says(db, start, target, side):
    """Generated from the machine: every ordered pair of states (the same state too), for every side."""
    volunteer = f.volunteer(status=start)
    actor = _actor(side, volunteer)
    row = MACHINE.get(start, target)
    if row is not None and side in row.sides:
        actions.transition(volunteer=volunteer, to_status=target, actor=actor, note="面谈通过")
        volunteer.refresh_from_db()
        assert volunteer.status == target
        change = StatusChange.objects.filter(volunteer=volunteer).last()
        assert (change.from_status, change.to_status, change.note, change.changed_by) == (
            start,
            target,
            "面谈通过",
            actor,
        )
        return
    with pytest.raises(actions.VolunteerActionError) as err:
        actions.transition(volunteer=volunteer, to_status=target, actor=actor)
    # Not in the table: a conflict with the current state; in it but not this side's: forbidden.
    assert err.value.code == ("transition" if row is None else "forbidden")
    volunteer.refresh_from_db()
    assert volunteer.status == start
    assert not StatusChange.objects.filter(volunteer=volunteer, from_status=start).exists()


def test_the_volunteer_side_may_only_withdraw():
    for source in Volunteer.Status.values:
        assert set(MACHINE.verbs(source, "volunteer")) <= {"withdraw"}
    assert MACHINE.final_states() == []


def test_the_table_covers_every_state_and_the_happy_path():
    assert set(actions.TRANSITIONS) == set(Status.values)
    path = [Status.APPLIED, Status.INTERVIEWED, Status.BACKGROUND_CHECKED, Status.TRAINED, Status.ACTIVE]
    for a, b in itertools.pairwise(path):
        assert b in actions.TRANSITIONS[a]
    assert all(Status.WITHDRAWN in actions.TRANSITIONS[s] for s in Status.values if s != Status.WITHDRAWN)


def test_trained_needs_the_core_courses_and_names_the_missing_one(db):
    volunteer = f.volunteer(status=Status.BACKGROUND_CHECKED, trained=False)
    f.train(volunteer, ["legal_basics"])
    with pytest.raises(actions.VolunteerActionError) as err:
        actions.transition(volunteer=volunteer, to_status=Status.TRAINED, actor=None)
    assert "保密与个人信息保护" in str(err.value)
    f.train(volunteer, ["confidentiality"])
    actions.transition(volunteer=volunteer, to_status=Status.TRAINED, actor=None)


def test_activation_mails_a_set_password_link_to_a_login_without_password(db, django_capture_on_commit_callbacks):
    volunteer = f.volunteer(status=Status.TRAINED)
    volunteer.user.set_unusable_password()
    volunteer.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        actions.transition(volunteer=volunteer, to_status=Status.ACTIVE, actor=None)
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert volunteer.user.username in mail.outbox[0].body


def test_suspension_cancels_future_bookings_and_frees_the_place(db):
    volunteer = f.volunteer()
    waiting = f.volunteer()
    shift = f.shift(capacity=1)
    actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    queued = actions.book_shift(actor=None, volunteer=waiting, shift=shift)
    assert queued.status == Booking.Status.WAITLISTED
    actions.transition(volunteer=volunteer, to_status=Status.SUSPENDED, actor=None, note="暂停")
    queued.refresh_from_db()
    assert queued.status == Booking.Status.BOOKED
    assert not Booking.objects.filter(volunteer=volunteer, status__in=Booking.LIVE).exists()


def test_coordinator_moves_a_volunteer_on_the_page_and_the_volunteer_sees_it(client, db):
    coordinator = f.coordinator()
    volunteer = f.volunteer(status=Status.APPLIED)
    client.force_login(coordinator)
    url = f"/en/volunteers/manage/volunteers/{volunteer.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    bad = client.post(url, {"form": "transition", "t-to_status": Status.ACTIVE})
    assert bad.status_code == 400
    assert "A volunteer who is applied cannot be moved to active." in bad.content.decode()
    ok = client.post(url, {"form": "transition", "t-to_status": Status.INTERVIEWED, "t-note": "面谈顺利"})
    assert ok.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == Status.INTERVIEWED
    client.force_login(volunteer.user)
    home = client.get("/volunteers/home/").content.decode()
    assert "已面谈" in home or "interviewed" in home
    assert "面谈顺利" in home


def test_coordinator_records_training_with_expiry_and_bad_dates_get_errors(client, db):
    from django.utils import timezone

    coordinator = f.coordinator()
    volunteer = f.volunteer(status=Status.BACKGROUND_CHECKED, trained=False)
    client.force_login(coordinator)
    url = f"/en/volunteers/manage/volunteers/{volunteer.pk}/"
    course = TrainingRecord._meta.get_field("course").related_model.objects.get(code="confidentiality")
    future = timezone.localdate().replace(year=timezone.localdate().year + 1)
    bad = client.post(url, {"form": "training", "c-course": course.pk, "c-completed_on": future.isoformat()})
    assert bad.status_code == 400
    assert "cannot be in the future" in bad.content.decode()
    today = timezone.localdate()
    client.post(url, {"form": "training", "c-course": course.pk, "c-completed_on": today.isoformat()})
    record = TrainingRecord.objects.get(volunteer=volunteer, course=course)
    assert record.expires_on.year == today.year + 1  # 12 months of validity


def test_other_teams_volunteers_are_not_visible_to_a_coordinator(client, db):
    mine = f.team("甲协会")
    other = f.team("乙协会")
    coordinator = f.coordinator(mine)
    stranger = f.volunteer(organisation=other, status=Status.APPLIED)
    client.force_login(coordinator)
    assert client.get(f"/volunteers/manage/volunteers/{stranger.pk}/").status_code == 404
    listing = client.get("/volunteers/manage/?q=" + stranger.phone[-6:])
    assert stranger.phone not in listing.content.decode()


def test_people_without_the_role_cannot_open_coordinator_pages(client, db):
    volunteer = f.volunteer()
    client.force_login(volunteer.user)
    assert client.get("/volunteers/manage/").status_code == 403
    assert client.get("/volunteers/manage/hours/").status_code == 403
