"""The archive's pages and API as an officer and the bureau use them: the list (search, filter, sort, paging,
empty state), the table of contents in date order with links to the records' own pages, its PDF, the
retention report and its XLSX; reads are logged and cost a fixed number of queries."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from archive.models import CaseArchive
from coordination.models import AccessLog
from tests.archive.helpers import note, release
from tests.coordination.factories import make_supervisee
from tests.records.helpers import issue, pdf_bytes_text


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _closed(world) -> CaseArchive:
    issue(world, actor=world.users["officer"])
    note(world)
    return CaseArchive.objects.get(supervisee=release(world))


@pytest.mark.django_db
def test_the_list_says_what_to_do_when_empty_and_when_nothing_matches(world):
    client = _client(world.users["officer"])
    empty = client.get(reverse("archive:list")).content.decode()
    assert "released" in empty or "解除" in empty
    _closed(world)
    nothing = client.get(reverse("archive:list"), {"q": "没有这个人"}).content.decode()
    assert 'data-testid="archives"' not in nothing
    assert "filters" in nothing or "筛选" in nothing


@pytest.mark.django_db
def test_the_list_searches_filters_and_sorts(world):
    archive = _closed(world)
    client = _client(world.users["bureau"])
    found = client.get(reverse("archive:list"), {"q": archive.case_number}).content.decode()
    assert archive.supervisee.name in found
    by_state = client.get(reverse("archive:list"), {"state": "disposed"}).content.decode()
    assert archive.case_number not in by_state
    kept = client.get(reverse("archive:list"), {"state": "kept", "sort": "due", "office": "x", "year": "二〇"})
    assert kept.status_code == 200 and archive.case_number in kept.content.decode()
    api = client.get(reverse("archive-case-list"), {"q": archive.case_number, "sort": "name"}).json()
    assert [row["case_number"] for row in api["results"]] == [archive.case_number]


@pytest.mark.django_db
def test_another_office_does_not_see_the_archive(world):
    archive = _closed(world)
    client = _client(world.users["other_officer"])
    assert archive.case_number not in client.get(reverse("archive:list")).content.decode()
    assert client.get(reverse("archive-case-list")).json()["results"] == []


@pytest.mark.django_db
def test_the_contents_list_the_records_in_date_order_per_volume_with_links(world):
    archive = _closed(world)
    client = _client(world.users["officer"])
    before = AccessLog.objects.filter(object_type="case_archive").count()
    page = client.get(reverse("archive:detail", kwargs={"uuid": archive.uuid})).content.decode()
    assert AccessLog.objects.filter(object_type="case_archive").count() > before
    execution = page.split('data-testid="volume-execution"')[1].split("</section>")[0]
    work = page.split('data-testid="volume-work"')[1].split("</section>")[0]
    documents = list(archive.supervisee.issued_documents.all())
    assert documents, "the case has issued documents (the release certificate at least)"
    for document in documents:
        assert reverse("records:detail", kwargs={"uuid": document.uuid}) in execution
    assert reverse("supervision:lifecycle", kwargs={"uuid": archive.supervisee.uuid}) in execution
    assert reverse("coordination:supervisee", kwargs={"uuid": archive.supervisee.uuid}) in work
    assert "records/" not in work
    detail = client.get(reverse("archive-case-detail", kwargs={"uuid": archive.uuid})).json()
    dates = [entry["on"] for entry in detail["contents"]["execution"]]
    assert dates == sorted(dates) and len(dates) >= 2
    assert {volume["kind"] for volume in detail["volumes"]} == {"execution", "work"}


@pytest.mark.django_db
def test_the_contents_print_as_a_pdf(world):
    archive = _closed(world)
    response = _client(world.users["officer"]).get(reverse("archive:pdf", kwargs={"uuid": archive.uuid}))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_bytes_text(response.content)
    assert archive.case_number in text and "执行档案" in text and "工作档案" in text


@pytest.mark.django_db
def test_the_retention_report_lists_the_volumes_due_in_the_year_per_office(world):
    archive = _closed(world)
    due = archive.volumes.get(kind="work").due_on
    client = _client(world.users["bureau"])
    page = client.get(reverse("archive:retention"), {"year": due.year}).content.decode()
    assert archive.case_number in page and world.city.office.name in page
    other_year = client.get(reverse("archive:retention"), {"year": timezone.localdate().year - 1}).content.decode()
    assert archive.case_number not in other_year
    workbook = client.get(reverse("archive:retention-xlsx"), {"year": due.year})
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert any(archive.case_number in row for row in rows[1:])
    api = client.get(reverse("archive-retention"), {"year": due.year}).json()
    assert [(row["case_number"], row["kind"]) for row in api] == [(archive.case_number, "work")]


@pytest.mark.django_db
def test_the_list_and_the_contents_cost_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    archive = _closed(world)
    for _ in range(3):
        person = make_supervisee(office=world.city.office, actor=world.users["bureau"])
        note(world, supervisee=person)
        release(world, supervisee=person)
    client = _client(world.users["officer"])
    client.get(reverse("archive:list"))  # warm the per-user caches (roles)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("archive:list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("archive-case-list")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("archive:detail", kwargs={"uuid": archive.uuid})).status_code == 200


@pytest.mark.django_db
def test_officers_and_the_bureau_find_the_archive_in_their_navigation(world):
    archive_link = reverse("archive:list")
    assert archive_link in _client(world.users["officer"]).get(reverse("records:register")).content.decode()
    assert archive_link not in _client(world.users["social_worker"]).get(reverse("supervision:today")).content.decode()
    bureau = _client(world.users["bureau"])
    assert archive_link in bureau.get(reverse("records:register")).content.decode()
    assert reverse("archive:retention") in bureau.get(reverse("bureau:dashboard")).content.decode()
