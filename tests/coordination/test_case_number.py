"""The platform case number (矫正编号) and telling same-name people apart wherever a person is listed or named."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.test import Client
from django.utils import timezone

from coordination import actions
from coordination.api import SuperviseeInput
from coordination.forms import SuperviseeForm
from notifications.models import Notification
from tests.coordination.factories import make_supervisee


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_registration_gets_the_next_number_of_its_office_and_year(world):
    year = timezone.localdate().year
    office = world.city.office
    first = make_supervisee(office=office)
    second = make_supervisee(office=office)
    prefix = f"{year}-{office.pk:03d}-"
    assert first.case_number.startswith(prefix) and second.case_number.startswith(prefix)
    assert int(second.case_number[len(prefix) :]) == int(first.case_number[len(prefix) :]) + 1
    elsewhere = make_supervisee(office=world.city.other_office)
    assert elsewhere.case_number.startswith(f"{year}-{world.city.other_office.pk:03d}-")


def test_the_case_number_cannot_be_typed_or_changed(world):
    assert "case_number" not in SuperviseeForm.base_fields
    assert "case_number" not in SuperviseeInput().fields
    with pytest.raises(TypeError):
        actions.update_supervisee(supervisee=world.supervisee, actor=world.users["bureau"], case_number="2000-001-9999")


def test_the_data_migration_numbers_existing_records_per_office_and_beijing_year():
    migration = importlib.import_module("coordination.migrations.0012_fill_case_numbers")
    utc = dt.UTC
    rows = [
        (1, 7, dt.datetime(2025, 12, 31, 16, 30, tzinfo=utc)),  # 2026-01-01 00:30 in Beijing
        (2, 7, dt.datetime(2025, 12, 31, 16, 59, tzinfo=utc)),
        (3, 12, dt.datetime(2026, 1, 2, 1, 0, tzinfo=utc)),
        (4, 7, dt.datetime(2025, 12, 31, 15, 30, tzinfo=utc)),  # 23:30 on 12-31 in Beijing: still 2025
    ]
    assert migration.numbers_for(rows) == {
        1: "2026-007-0001",
        2: "2026-007-0002",
        3: "2026-012-0001",
        4: "2025-007-0001",
    }


def test_two_people_of_the_same_name_differ_on_the_caseload(world):
    twin = make_supervisee(office=world.city.office, name=world.supervisee.name, age=30)
    page = _client(world.users["officer"]).get("/casework/caseload/").content.decode()
    assert page.count(f">{world.supervisee.name}</a>") == 2
    assert f"矫正编号…{world.supervisee.case_number[-4:]}" in page
    assert f"矫正编号…{twin.case_number[-4:]}" in page


def test_the_case_record_shows_its_number(world):
    page = _client(world.users["officer"]).get(f"/casework/supervisees/{world.supervisee.uuid}/").content.decode()
    assert world.supervisee.case_number in page


def test_a_provider_is_told_who_a_new_referral_is_about(world):
    referral = actions.create_referral(
        need=world.need, offering=world.offering, actor=world.users["officer"], send=True
    )
    subject = Notification.objects.about(referral).get(recipient=world.users["provider"], channel="inbox").subject
    assert world.supervisee.name in subject
    assert f"矫正编号…{world.supervisee.case_number[-4:]}" in subject or world.supervisee.case_number[-4:] in subject


def test_a_minor_is_named_to_the_provider_by_given_name_only(world):
    officer = world.users["officer"]
    minor = make_supervisee(office=world.city.office, age=16, correction_start=timezone.localdate())
    need = actions.record_need(
        supervisee=minor, category=world.offering.category, urgency=2, description="学手艺", actor=officer
    )
    actions.record_consent(supervisee=minor, organisation=world.offering.organisation, recorded_by=officer)
    referral = actions.create_referral(need=need, offering=world.offering, actor=officer, send=True)
    subject = Notification.objects.about(referral).get(recipient=world.users["provider"], channel="inbox").subject
    assert minor.given_name in subject and minor.name not in subject
    page = _client(world.users["provider"]).get("/casework/inbox/").content.decode()
    assert minor.given_name in page and minor.name not in page
    assert f"矫正编号…{minor.case_number[-4:]}" in page


def test_the_caseload_finds_a_person_by_case_number_and_exports_it(world):
    twin = make_supervisee(office=world.city.office, name=world.supervisee.name)
    officer = _client(world.users["officer"])
    page = officer.get(f"/casework/caseload/?q={twin.case_number}").content.decode()
    assert f"矫正编号…{twin.case_number[-4:]}" in page
    assert f"矫正编号…{world.supervisee.case_number[-4:]}" not in page
    response = officer.get("/casework/caseload/export.csv")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].lstrip("\ufeff").startswith("矫正编号,")
    assert f"{twin.case_number},{twin.name}," in body


def test_the_suggestions_page_tells_whose_need_it_is(world):
    from django.urls import reverse

    page = _client(world.users["officer"]).get(reverse("matching:need", kwargs={"pk": world.need.pk}))
    assert page.status_code == 200
    assert f"矫正编号…{world.supervisee.case_number[-4:]}" in page.content.decode()
