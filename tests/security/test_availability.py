"""Issue 11, item 14: the public sees availability bands, never exact occupancy; staff keep the counts."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from django.urls import reverse

from services.availability import FEW_PLACES_MAX, Availability, band
from services.models import Membership, ServiceOffering
from tests.factories import ServiceOfferingFactory
from tests.volunteers import factories as vf
from volunteers.api import ShiftOut


@pytest.mark.parametrize(
    ("free", "expected"),
    [
        (0, Availability.NONE),
        (1, Availability.FEW),
        (FEW_PLACES_MAX, Availability.FEW),
        (FEW_PLACES_MAX + 1, Availability.AVAILABLE),
    ],
)
def test_bands(free, expected):
    assert band(free) == expected


@pytest.fixture
def nearly_full(city) -> ServiceOffering:
    """Seven of eight places taken: the exact figure would single out whoever is placed next."""
    offering = ServiceOfferingFactory()
    ServiceOffering.objects.filter(pk=offering.pk).update(capacity=8, places_taken=7)
    offering.refresh_from_db()
    return offering


def test_the_public_directory_shows_a_band_not_the_count(client, nearly_full):
    for url in (reverse("services:offering", kwargs={"uuid": nearly_full.uuid}), reverse("services:directory")):
        body = client.get(url).content.decode()
        assert "名额不多" in body, url
        assert "1 free place" not in body and "1个空余名额" not in body and "共 8" not in body, url
    english = client.get("/en" + reverse("services:offering", kwargs={"uuid": nearly_full.uuid})).content.decode()
    assert "Few places free" in english and "of 8 in all" not in english


def test_the_public_api_gives_the_band_and_staff_get_the_counts(client, nearly_full, role_users):
    url = f"/api/v1/services/{nearly_full.uuid}/"
    public = client.get(url).json()
    assert public["availability"] == "few"
    assert not {"capacity", "places_taken", "vacancies"} & set(public)
    listed = client.get("/api/v1/services/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert all("places_taken" not in row and "capacity" not in row for row in rows)
    client.force_login(role_users[Membership.Role.OFFICE_OFFICER])
    staff = client.get(url).json()
    assert (staff["capacity"], staff["places_taken"], staff["vacancies"]) == (8, 7, 1)


def test_hsds_publishes_no_occupancy(client, nearly_full):
    dump = client.get("/hsds/dump.json").content.decode()
    assert nearly_full.name in dump
    data = json.loads(dump)
    text = json.dumps(data)
    assert '"places_taken"' not in text and '"service_capacity"' not in text and '"capacity"' not in text


def test_volunteers_see_a_band_for_shifts_and_coordinators_the_counts(client, db):
    shift = vf.shift(capacity=8)
    volunteer = vf.volunteer()
    client.force_login(volunteer.user)
    rows = client.get("/api/v1/volunteers/shifts/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    mine = next(r for r in rows if r["id"] == shift.pk)
    assert mine["availability"] == "available"
    assert "places_left" not in mine and "capacity" not in mine
    page = client.get("/en/volunteers/shifts/").content.decode()
    assert "Places available" in page and "of 8 places free" not in page
    # Coordinators (staff) keep the exact count wherever the same output is used for them.
    request = RequestFactory().get("/")
    request.user = vf.coordinator(organisation=shift.opportunity.organisation)
    assert ShiftOut(shift, context={"request": request}).data["places_left"] == 8
