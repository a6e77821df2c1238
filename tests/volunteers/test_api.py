"""The mobile API: scoped to the volunteer, coordinators' vetting and approvals, field errors, fixed query counts."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import Booking, HourLog, Volunteer


@pytest.fixture
def api():
    return APIClient()


def test_volunteer_lists_books_and_cancels(api, db):
    volunteer = f.volunteer()
    mine = f.shift(capacity=1)
    foreign = f.shift(opp=f.opportunity(organisation=f.team("别的协会")))
    api.force_authenticate(volunteer.user)
    assert api.get("/api/v1/volunteers/me/").json()["status"] == "active"
    ids = [s["id"] for s in api.get("/api/v1/volunteers/shifts/").json()["results"]]
    assert mine.pk in ids and foreign.pk not in ids
    assert api.get("/api/v1/volunteers/opportunities/").json()["count"] == 1
    created = api.post("/api/v1/volunteers/bookings/", {"shift": mine.pk}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "booked"
    again = api.post("/api/v1/volunteers/bookings/", {"shift": mine.pk}, format="json")
    assert again.status_code == 400 and again.json()["detail"] and again.json()["errors"] == {}
    assert api.post("/api/v1/volunteers/bookings/", {"shift": foreign.pk}, format="json").json()["errors"] == {
        "shift": ["您不能预约此班次。"]
    }
    assert "shift" in api.post("/api/v1/volunteers/bookings/", {"shift": "x"}, format="json").json()["errors"]
    booking_id = created.json()["id"]
    assert api.post(f"/api/v1/volunteers/bookings/{booking_id}/cancel/").json()["status"] == "cancelled"
    other = f.volunteer()
    other_booking = actions.book_shift(actor=None, volunteer=other, shift=mine)
    assert api.post(f"/api/v1/volunteers/bookings/{other_booking.pk}/cancel/").status_code == 404


def test_hours_are_idempotent_and_bad_input_gets_field_errors(api, db):
    volunteer = f.volunteer()
    api.force_authenticate(volunteer.user)
    token = str(uuid.uuid4())
    body = {"activity": "普法宣传", "date": timezone.localdate().isoformat(), "hours": "2.5", "client_token": token}
    assert api.post("/api/v1/volunteers/hours/", body, format="json").status_code == 201
    assert api.post("/api/v1/volunteers/hours/", body, format="json").status_code == 200
    assert HourLog.objects.count() == 1
    bad = api.post(
        "/api/v1/volunteers/hours/",
        {"date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "hours": "99", "client_token": "nope"},
        format="json",
    ).json()
    assert set(bad["errors"]) == {"hours", "client_token"}
    # Parsed input reaches the action, which owns the rules: a future date is its refusal.
    future = api.post(
        "/api/v1/volunteers/hours/",
        {
            "activity": "普法宣传",
            "date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "hours": "1",
            "client_token": str(uuid.uuid4()),
        },
        format="json",
    )
    assert future.status_code == 400 and set(future.json()["errors"]) == {"date"}
    no_activity = api.post(
        "/api/v1/volunteers/hours/",
        {"date": timezone.localdate().isoformat(), "hours": "1", "client_token": str(uuid.uuid4())},
        format="json",
    )
    assert no_activity.status_code == 400 and "activity" in no_activity.json()["errors"]
    assert api.get("/api/v1/volunteers/hours/").json()["count"] == 1


def test_people_without_a_profile_or_role_are_refused(api, db):
    from tests.factories import UserFactory

    api.force_authenticate(UserFactory())
    assert api.get("/api/v1/volunteers/shifts/").status_code == 403
    assert api.get("/api/v1/volunteers/manage/volunteers/").status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/v1/volunteers/me/").status_code == 403


def test_coordinator_vets_through_the_api_with_field_errors(api, db):
    coordinator = f.coordinator()
    applicant = f.volunteer(status=Volunteer.Status.APPLIED)
    stranger = f.volunteer(status=Volunteer.Status.APPLIED, organisation=f.team("别的协会"))
    api.force_authenticate(coordinator)
    listed = api.get("/api/v1/volunteers/manage/volunteers/", {"status": "applied"}).json()
    assert [v["id"] for v in listed["results"]] == [applicant.pk]
    url = f"/api/v1/volunteers/manage/volunteers/{applicant.pk}/transition/"
    skipped = api.post(url, {"to_status": "active"}, format="json")
    assert skipped.status_code == 409 and "to_status" in skipped.json()["errors"]
    assert "to_status" in api.post(url, {"to_status": "bogus"}, format="json").json()["errors"]
    ok = api.post(url, {"to_status": "interviewed", "note": "好"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "interviewed"
    assert (
        api.post(
            f"/api/v1/volunteers/manage/volunteers/{stranger.pk}/transition/",
            {"to_status": "interviewed"},
            format="json",
        ).status_code
        == 404
    )


def test_coordinator_reviews_hours_in_bulk_through_the_api(api, db):
    coordinator = f.coordinator()
    volunteer = f.volunteer()
    foreign = f.volunteer(organisation=f.team("别的协会"))
    entries = [
        actions.log_hours(
            actor=None, volunteer=volunteer, activity="服务", date=timezone.localdate(), hours=Decimal("1")
        )[0]
        for _ in range(3)
    ]
    other, _ = actions.log_hours(
        actor=None, volunteer=foreign, activity="服务", date=timezone.localdate(), hours=Decimal("1")
    )
    api.force_authenticate(coordinator)
    assert api.get("/api/v1/volunteers/manage/hours/").json()["count"] == 3
    assert (
        "ids"
        in api.post(
            "/api/v1/volunteers/manage/hours/review/", {"ids": [other.pk], "decision": "approve"}, format="json"
        ).json()["errors"]
    )
    assert set(
        api.post("/api/v1/volunteers/manage/hours/review/", {"ids": [], "decision": "maybe"}, format="json").json()[
            "errors"
        ]
    ) == {"ids", "decision"}
    done = api.post(
        "/api/v1/volunteers/manage/hours/review/",
        {"ids": [e.pk for e in entries], "decision": "approve"},
        format="json",
    )
    assert done.json() == {"reviewed": 3}
    assert HourLog.objects.filter(status="approved").count() == 3


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/api/v1/volunteers/shifts/", "volunteer"),
        ("/api/v1/volunteers/opportunities/", "volunteer"),
        ("/api/v1/volunteers/bookings/", "volunteer"),
        ("/api/v1/volunteers/hours/", "volunteer"),
        ("/api/v1/volunteers/manage/volunteers/", "coordinator"),
        ("/api/v1/volunteers/manage/hours/", "coordinator"),
    ],
)
def test_list_endpoints_cost_the_same_queries_for_3_or_12_rows(api, db, url, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    volunteer = f.volunteer()
    user = volunteer.user if who == "volunteer" else f.coordinator()
    api.force_authenticate(user)

    def grow(n):
        for _ in range(n):
            shift = f.shift(opp=f.opportunity(courses=["legal_basics"]), in_hours=48 + 10 * Booking.objects.count())
            actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
            actions.log_hours(
                actor=None, volunteer=volunteer, activity="服务", date=timezone.localdate(), hours=Decimal("1")
            )
            f.volunteer(status=Volunteer.Status.APPLIED)

    from accounts import roles

    grow(3)
    roles.forget(user)  # each request loads the roles afresh, as a real request does
    with CaptureQueriesContext(connection) as few:
        assert api.get(url).status_code == 200
    grow(9)
    roles.forget(user)
    with CaptureQueriesContext(connection) as many:
        assert api.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many]


def test_schema_documents_the_volunteer_endpoints(api, db, settings):
    settings.API_DOCS_PUBLIC = True  # as with DEBUG on; the login rule is tested in tests/security
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/volunteers/bookings/" in schema["paths"]
    assert "/api/v1/volunteers/manage/hours/review/" in schema["paths"]


def test_schema_generates_without_warnings(db, tmp_path):
    from django.core.management import call_command

    # --fail-on-warn turns any drf-spectacular warning (an undocumented field, an enum clash) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/volunteers/hours/" in (tmp_path / "schema.yml").read_text()
