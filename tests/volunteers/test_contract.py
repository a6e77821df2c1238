"""Issue 10 §2: the action owns the rule, so the same invalid payload through the page and through the
API is refused by both, with the same message (forms and serializers only parse). Both answer in
the default language (Chinese), so the messages compare as they are."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import Booking, HourLog, Volunteer

Status = Volunteer.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _api_message(response, field: str | None = None) -> str:
    body = response.json()
    return body["errors"][field][0] if field else body["detail"]


def _same_on_the_page(page, message: str) -> None:
    assert escape(message) in page.content.decode(), message


def test_book_shift_refuses_an_applicant_the_same_way(api, client):
    shift = f.shift(opp=f.opportunity(is_public=True))
    applicant = f.volunteer(status=Status.APPLIED)
    api.force_authenticate(applicant.user)
    response = api.post("/api/v1/volunteers/bookings/", {"shift": shift.pk}, format="json")
    assert response.status_code == 403
    message = _api_message(response)
    client.force_login(applicant.user)
    page = client.post(f"/volunteers/shifts/{shift.pk}/book/", follow=True)
    _same_on_the_page(page, message)
    assert not Booking.objects.exists()


def test_log_hours_refuses_a_future_date_the_same_way(api, client):
    volunteer = f.volunteer()
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    payload = {"activity": "普法宣传", "date": future, "hours": "2", "client_token": str(uuid.uuid4())}
    api.force_authenticate(volunteer.user)
    response = api.post("/api/v1/volunteers/hours/", payload, format="json")
    assert response.status_code == 400
    message = _api_message(response, "date")
    client.force_login(volunteer.user)
    page = client.post("/volunteers/hours/", payload)
    assert page.status_code == 400
    _same_on_the_page(page, message)
    assert not HourLog.objects.exists()


def test_transition_refuses_a_step_the_table_does_not_allow_the_same_way(api, client):
    coordinator = f.coordinator()
    applicant = f.volunteer(status=Status.APPLIED)
    api.force_authenticate(coordinator)
    response = api.post(
        f"/api/v1/volunteers/manage/volunteers/{applicant.pk}/transition/", {"to_status": Status.ACTIVE}
    )
    assert response.status_code == 409
    message = _api_message(response, "to_status")
    client.force_login(coordinator)
    page = client.post(
        f"/volunteers/manage/volunteers/{applicant.pk}/", {"form": "transition", "t-to_status": Status.ACTIVE}
    )
    assert page.status_code == 400
    _same_on_the_page(page, message)
    applicant.refresh_from_db()
    assert applicant.status == Status.APPLIED


def test_review_hours_refuses_ones_own_entries_the_same_way(api, client):
    coordinator = f.coordinator()
    own = f.volunteer()
    Volunteer.objects.filter(pk=own.pk).update(user=coordinator)
    own.refresh_from_db()
    entry, _ = actions.log_hours(
        volunteer=own, activity="服务", date=timezone.localdate(), hours=Decimal("2"), actor=coordinator
    )
    api.force_authenticate(coordinator)
    response = api.post("/api/v1/volunteers/manage/hours/review/", {"ids": [entry.pk], "decision": "approve"})
    assert response.status_code == 403
    message = _api_message(response)
    client.force_login(coordinator)
    page = client.post("/volunteers/manage/hours/", {"entries": [entry.pk], "decision": "approve"})
    assert page.status_code == 400
    _same_on_the_page(page, message)
    entry.refresh_from_db()
    assert entry.status == HourLog.Status.PENDING
