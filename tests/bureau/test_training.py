"""Staff training (issue 18 item 8): who records for whom, the checks on each record, voiding, the yearly hours
(checked against an independent sum of the rows), the scoping of every page, the certificate, and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bureau import actions, selectors
from bureau.models import StaffTraining
from config.errors import ActionError
from coordination.models import AccessLog
from tests import factories
from tests.bureau.conftest import PNG, today, training

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _shown(response, testid: str) -> str:
    """The text of the element the page marks with ``data-testid`` (what the reader sees)."""
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</', response.content.decode(), re.S)
    assert found, testid
    return found.group(1).strip()


def _figure(value: Decimal) -> str:
    """A number of hours as the pages print it: whole hours without decimals, else two decimals."""
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


def _independent_hours(rows, *, year, trainee=None, organisation=None) -> Decimal:
    """The sum a clerk would make from the list: this year's records, not voided, of the person or office."""
    total = Decimal("0")
    for row in rows:
        row.refresh_from_db()
        if row.voided_at is not None or row.trained_on.year != year:
            continue
        if trainee is not None and row.trainee_id != trainee.pk:
            continue
        if organisation is not None and row.organisation_id != organisation.pk:
            continue
        total += row.hours
    return total


@pytest.fixture
def records(world):
    """A year of training in both offices: one record voided, one last year's."""
    w = world
    this_year = today().replace(month=1, day=1)
    rows = [
        training(w, "officer", hours="3.5"),
        training(w, "officer", hours="6", trained_on=this_year),
        training(w, "head", hours="2"),
        training(w, "social_worker", hours="1.5", actor=w.users["head"]),
        training(w, "other_officer", organisation=w.city.other_office, hours="8"),
        training(w, "officer", hours="7", trained_on=today().replace(year=today().year - 1)),
    ]
    voided = training(w, "officer", hours="4")
    actions.void_training(actor=w.users["head"], training=voided, reason="重复录入")
    return [*rows, voided]


def test_who_records_training_for_whom(world):
    w = world
    # Yourself: yes. The head of your office and the bureau: yes.
    for actor in ("officer", "head", "bureau"):
        training(w, "officer", actor=w.users[actor])
    # Another officer, another office's head, a provider, an editor: no.
    for actor in ("other_officer", "other_head", "social_worker", "provider", "editor", "volunteer"):
        with pytest.raises(PermissionDenied):
            training(w, "officer", actor=w.users[actor])
    # Somebody who holds no staff role (a provider, a volunteer) has no training here, even by the bureau.
    for role in ("provider", "volunteer"):
        with pytest.raises(ActionError) as refused:
            training(w, role, actor=w.users["bureau"])
        assert "organisation" in refused.value.message_dict
    # The organisation is one where the trainee is staff: not another office.
    with pytest.raises(ActionError) as refused:
        training(w, "officer", organisation=w.city.other_office, actor=w.users["bureau"])
    assert "organisation" in refused.value.message_dict
    assert StaffTraining.objects.count() == 3


@pytest.mark.parametrize(
    ("hours", "trained_on", "field"),
    [
        ("0", None, "hours"),
        ("-1", None, "hours"),
        ("24.5", None, "hours"),
        ("2", 1, "trained_on"),
    ],
)
def test_each_record_is_checked(world, hours, trained_on, field):
    day = today() + dt.timedelta(days=trained_on) if trained_on else None
    with pytest.raises(ActionError) as refused:
        training(world, hours=hours, trained_on=day)
    assert list(refused.value.message_dict) == [field]
    assert not StaffTraining.objects.exists()


def test_a_full_day_of_24_hours_is_accepted(world):
    assert training(world, hours="24").hours == Decimal("24")


def test_a_voided_record_stays_listed_with_its_reason_and_no_longer_counts(world):
    w = world
    kept = training(w, hours="3")
    wrong = training(w, hours="5")
    assert selectors.person_hours(w.users["officer"], w.users["officer"], today().year) == Decimal("8")
    with pytest.raises(ActionError) as refused:
        actions.void_training(actor=w.users["officer"], training=wrong, reason="  ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.void_training(actor=w.users["other_head"], training=wrong, reason="x")
    actions.void_training(actor=w.users["officer"], training=wrong, reason="日期填错")
    with pytest.raises(ActionError):  # twice
        actions.void_training(actor=w.users["bureau"], training=wrong, reason="x")
    assert selectors.person_hours(w.users["officer"], w.users["officer"], today().year) == kept.hours
    page = _client(w.users["officer"]).get(reverse("bureau:training")).content.decode()
    assert "日期填错" in page
    again = _client(w.users["officer"]).get(reverse("bureau:training-void", args=[wrong.pk]))
    assert again.status_code == 302  # nothing left to void: back to the list
    assert StaffTraining.objects.count() == 2


def test_yearly_hours_per_person_and_office_equal_an_independent_sum(world, records):
    w = world
    year = today().year
    office = w.city.office
    head = _client(w.users["head"])
    page = head.get(reverse("bureau:training-office", args=[office.pk]), {"year": year})
    assert page.status_code == 200
    shown = {p.pk: p.hours for p in page.context["page"].object_list}
    # Every staff member of the office is listed, those without training with 0.
    assert set(shown) == {w.users[r].pk for r in ("officer", "head", "social_worker")}
    for role in ("officer", "head", "social_worker"):
        person = w.users[role]
        assert shown[person.pk] == _independent_hours(records, year=year, trainee=person, organisation=office)
    assert shown[w.users["officer"].pk] == Decimal("9.5")  # 3.5 + 6; the voided 4 and last year's 7 left out
    assert page.context["office_hours"] == _independent_hours(records, year=year, organisation=office)
    officer_hours = _independent_hours(records, year=year, trainee=w.users["officer"], organisation=office)
    assert _shown(page, f"person-hours-{w.users['officer'].pk}") == _figure(officer_hours) == "9.50"
    assert _figure(_independent_hours(records, year=year, organisation=office)) in _shown(page, "office-hours")
    # Last year: only last year's record.
    last = head.get(reverse("bureau:training-office", args=[office.pk]), {"year": year - 1})
    assert {p.pk: p.hours for p in last.context["page"].object_list}[w.users["officer"].pk] == Decimal("7")
    # The city page: every organisation's total, and the total, equal the sums of the rows.
    city = _client(w.users["bureau"]).get(reverse("bureau:training-offices"), {"year": year})
    totals = {o.pk: o for o in city.context["totals"]}
    for org in (office, w.city.other_office):
        assert totals[org.pk].hours == _independent_hours(records, year=year, organisation=org)
    assert totals[office.pk].trained == 3
    assert city.context["total_hours"] == _independent_hours(records, year=year)
    assert _shown(city, "total-hours") == _figure(_independent_hours(records, year=year))
    assert _shown(city, f"org-hours-{office.pk}") == _figure(
        _independent_hours(records, year=year, organisation=office)
    )
    people = {p.pk: p.hours for p in city.context["page"].object_list}
    assert people[w.users["other_officer"].pk] == Decimal("8")
    # My training: this year's own hours.
    mine = _client(w.users["officer"]).get(reverse("bureau:training"))
    assert mine.context["hours"] == _independent_hours(records, year=year, trainee=w.users["officer"])
    assert _figure(mine.context["hours"]) in _shown(mine, "year-hours")
    # The API's table says the same.
    api = head.get("/api/v1/bureau/training/hours/", {"year": year, "organisation": office.pk}).json()
    body = api["results"] if isinstance(api, dict) else api
    assert {row["id"]: Decimal(row["hours"]) for row in body} == shown


def test_the_office_table_searches_sorts_and_exports(world, records):
    w = world
    url = reverse("bureau:training-office", args=[w.city.office.pk])
    head = _client(w.users["head"])
    by_hours = head.get(url, {"sort": "-hours"}).context["page"].object_list
    assert [p.hours for p in by_hours] == sorted((p.hours for p in by_hours), reverse=True)
    assert by_hours[0] == w.users["officer"]
    found = head.get(url, {"q": w.users["social_worker"].get_full_name()}).context["page"].object_list
    assert list(found) == [w.users["social_worker"]]
    empty = head.get(url, {"q": "没有这个人"})
    assert "没有符合条件的人员" in empty.content.decode()  # the empty state says what to do next
    english = head.get("/en" + url, {"q": "没有这个人"}).content.decode()
    assert "Nobody matches. Clear the search" in english
    export = head.get(reverse("bureau:training-export"), {"office": w.city.office.pk, "sort": "-hours"})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][2] == w.users["officer"].get_full_name()
    assert Decimal(rows[1][5]) == Decimal("9.5")
    assert len(rows) == 1 + 3
    assert head.get(reverse("bureau:training-export"), {"office": w.city.other_office.pk}).status_code == 404


def test_the_office_pages_are_scoped(world, records):
    w = world
    office_url = reverse("bureau:training-office", args=[w.city.office.pk])
    person_url = reverse("bureau:training-person", args=[w.users["officer"].pk])
    mine = records[0]
    for role in ("other_head", "provider", "other_officer", "social_worker"):
        client = _client(w.users[role])
        assert client.get(office_url).status_code == 404, role
        assert client.get(person_url).status_code == 404, role
        assert client.get(reverse("bureau:training-void", args=[mine.pk])).status_code == 404, role
        assert client.get(f"/api/v1/bureau/training/{mine.pk}/").status_code == 404, role
    # The other head's city page lists their office only.
    other = _client(w.users["other_head"]).get(reverse("bureau:training-offices"))
    assert [o.pk for o in other.context["totals"]] == [w.city.other_office.pk]
    assert w.users["officer"].pk not in {p.pk for p in other.context["page"].object_list}
    # The head sees and records for their office's staff only.
    head = _client(w.users["head"])
    assert head.get(person_url).status_code == 200
    assert head.get(reverse("bureau:training-person", args=[w.users["other_officer"].pk])).status_code == 404
    listed = _client(w.users["head"]).get("/api/v1/bureau/training/").json()
    ids = {row["id"] for row in (listed["results"] if isinstance(listed, dict) else listed)}
    assert ids == set(StaffTraining.objects.filter(organisation=w.city.office).values_list("pk", flat=True))


def test_the_certificate_is_private_scoped_and_logged(world):
    w = world
    officer = _client(w.users["officer"])
    response = officer.post(
        reverse("bureau:training"),
        {
            "organisation": w.city.office.pk,
            "course": "心理危机干预",
            "provider": "市心理咨询中心",
            "kind": "psychology",
            "trained_on": today().isoformat(),
            "hours": "6.5",
            "certificate": SimpleUploadedFile("证书.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    row = StaffTraining.objects.get()
    assert row.certificate.name.startswith("bureau/stafftraining/") and "证书" not in row.certificate.name
    url = reverse("bureau:training-certificate", args=[row.pk])
    for role in ("other_head", "provider", "other_officer"):
        assert _client(w.users[role]).get(url).status_code == 404
    assert not AccessLog.objects.filter(object_id=f"staff training {row.pk}").exists()
    download = _client(w.users["head"]).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    logged = AccessLog.objects.get(object_id=f"staff training {row.pk}")
    assert (logged.user, logged.object_type) == (w.users["head"], "attachment")
    # Not a photo or a PDF: refused on the field.
    bad = officer.post(
        reverse("bureau:training"),
        {
            "organisation": w.city.office.pk,
            "course": "x",
            "provider": "y",
            "kind": "other",
            "trained_on": today().isoformat(),
            "hours": "1",
            "certificate": SimpleUploadedFile("证书.txt", b"hello", content_type="text/plain"),
        },
    )
    assert bad.status_code == 400
    assert "certificate" in bad.context["form"].errors


def test_the_pages_and_the_api_give_field_messages(world):
    w = world
    officer = _client(w.users["officer"])
    future = (today() + dt.timedelta(days=3)).isoformat()
    page = officer.post(
        reverse("bureau:training"),
        {
            "organisation": w.city.office.pk,
            "course": "培训",
            "provider": "司法局",
            "kind": "casework",
            "trained_on": future,
            "hours": "30",
        },
    )
    assert page.status_code == 400
    assert {"trained_on", "hours"} <= set(page.context["form"].errors)
    api = officer.post(
        "/api/v1/bureau/training/",
        {
            "organisation": w.city.office.pk,
            "course": "培训",
            "provider": "司法局",
            "kind": "casework",
            "trained_on": future,
            "hours": "30",
        },
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "trained_on" in str(api.json()) and "hours" in str(api.json())
    huge = officer.post(
        "/api/v1/bureau/training/",
        {"trainee": 2**63, "organisation": 2**63},
        content_type="application/json",
    )
    assert huge.status_code == 400
    assert {"trainee", "organisation"} <= set(huge.json()["errors"])
    unknown = officer.post(
        "/api/v1/bureau/training/",
        {
            "organisation": 999_999,
            "course": "培训",
            "provider": "司法局",
            "kind": "casework",
            "trained_on": today().isoformat(),
            "hours": "2",
        },
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "organisation" in unknown.json()["errors"]
    assert officer.get("/api/v1/bureau/training/", {"trainee": 2**63}).status_code == 200
    missing = officer.post("/api/v1/bureau/training/", {}, content_type="application/json")
    assert missing.status_code == 400
    for field in ("organisation", "course", "provider", "kind", "trained_on", "hours"):
        assert field in str(missing.json())
    created = officer.post(
        "/api/v1/bureau/training/",
        {
            "organisation": w.city.office.pk,
            "course": "培训",
            "provider": "司法局",
            "kind": "casework",
            "trained_on": today().isoformat(),
            "hours": "2.5",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["trainee"] == w.users["officer"].pk
    pk = created.json()["id"]
    assert officer.post(f"/api/v1/bureau/training/{pk}/void/", {}, content_type="application/json").status_code == 400
    voided = officer.post(f"/api/v1/bureau/training/{pk}/void/", {"reason": "录错了"}, content_type="application/json")
    assert voided.status_code == 200 and voided.json()["voided_at"]
    # For another office's officer: not found, nothing recorded.
    other = _client(w.users["other_head"]).post(
        "/api/v1/bureau/training/",
        {
            "trainee": w.users["officer"].pk,
            "organisation": w.city.office.pk,
            "course": "x",
            "provider": "y",
            "kind": "other",
            "trained_on": today().isoformat(),
            "hours": "1",
        },
        content_type="application/json",
    )
    assert other.status_code == 404
    assert StaffTraining.objects.count() == 1


def test_the_office_table_costs_a_fixed_number_of_queries(world, records, django_assert_max_num_queries):
    w = world
    head = _client(w.users["head"])
    url = reverse("bureau:training-office", args=[w.city.office.pk])
    head.get(url)  # warm the session and caches
    with django_assert_max_num_queries(20) as few:
        head.get(url)
    for n in range(6):
        factories.user_with_role("social_worker", w.city.office, username=f"sw{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        head.get(url)


@pytest.mark.parametrize(
    "body",
    [
        {"hours": "abc", "trained_on": "yesterday", "kind": "nap", "organisation": "x"},
        {"hours": "1e400", "trained_on": "2026-02-30", "organisation": -1, "trainee": 0},
        {"hours": "123456789", "course": "课" * 500, "provider": ["a"], "organisation": None},
        {"certificate": "not a file", "organisation": {"pk": 1}},
    ],
)
def test_bad_bodies_and_queries_are_client_errors(world, body):
    officer = _client(world.users["officer"])
    response = officer.post("/api/v1/bureau/training/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"])
    for query in ({"year": "abc", "trainee": "-1"}, {"year": "99999", "trainee": "１"}, {"organisation": "x"}):
        assert officer.get("/api/v1/bureau/training/", query).status_code == 200
        head = _client(world.users["head"])
        assert head.get("/api/v1/bureau/training/hours/", query).status_code in (200, 404)
        assert head.get(reverse("bureau:training-offices"), query).status_code == 200
        assert head.get(reverse("bureau:training-export"), {"office": "x", **query}).status_code == 404
    assert officer.get(reverse("bureau:training-person", args=[2**62])).status_code == 404


def test_the_training_form_sent_twice_records_the_training_once(world):
    client = Client()
    client.force_login(world.users["officer"])
    page = client.get(reverse("bureau:training"))
    body = {
        "organisation": world.city.office.pk,
        "course": "社区矫正法专题培训",
        "provider": "市司法局",
        "kind": "legal_policy",
        "trained_on": today().isoformat(),
        "hours": "3",
        "idempotency_key": page.context["form"]["idempotency_key"].initial,
    }
    assert client.post(reverse("bureau:training"), body).status_code == 302
    assert client.post(reverse("bureau:training"), body).status_code == 302
    assert StaffTraining.objects.filter(trainee=world.users["officer"]).count() == 1


def test_the_yearly_table_shows_the_year_it_counts_in_its_year_box(world):
    client = Client()
    client.force_login(world.users["bureau"])
    page = client.get(reverse("bureau:training-offices"))
    assert page.context["search"]["year"].value() == today().year
    assert f'value="{today().year}"' in page.content.decode()
    earlier = client.get(reverse("bureau:training-offices"), {"year": today().year - 1})
    assert earlier.context["search"]["year"].value() == str(today().year - 1)
