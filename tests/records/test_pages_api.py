"""The register (search, filters, export, fixed query count), the document page (void after a confirmation,
scan upload), the API's 400s, and the public verification page (valid or void, never the name)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coordination.models import AccessLog
from records import actions
from records.models import IssuedDocument
from tests.records.helpers import issue

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 64


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_verification_shows_valid_or_void_and_never_the_person(world, client):
    document = issue(world)
    page = client.get(f"/verify/{document.uuid}/").content.decode()
    assert document.number in page and world.city.office.name in page
    assert "有效" in page or "valid" in page
    assert world.supervisee.name not in page
    actions.void(document=document, actor=world.users["officer"], reason="日期有误")
    page = client.get(f"/verify/{document.uuid}/").content.decode()
    assert "作废" in page or "VOID" in page
    assert "日期有误" not in page and world.supervisee.name not in page
    assert client.get("/verify/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_register_searches_filters_exports_and_logs(world):
    kept = issue(world)
    voided = issue(world)
    actions.void(document=voided, actor=world.users["officer"], reason="重开")
    actions.upload_scan(document=kept, actor=world.users["officer"], file=SimpleUploadedFile("s.pdf", PDF))
    officer = login(world.users["officer"])
    page = officer.get("/casework/records/").content.decode()
    assert kept.number in page and voided.number in page
    assert voided.number not in officer.get("/casework/records/?state=valid").content.decode()
    assert kept.number not in officer.get("/casework/records/?state=voided").content.decode()
    assert kept.number in officer.get("/casework/records/?state=scanned").content.decode()
    assert kept.number in officer.get(f"/casework/records/?q={kept.number[-6:]}").content.decode()
    assert kept.number in officer.get(f"/casework/records/?q={world.supervisee.name}").content.decode()
    assert kept.number not in officer.get("/casework/records/?q=无此人").content.decode()
    assert kept.number not in officer.get("/casework/records/?year=2001").content.decode()
    assert officer.get("/casework/records/?year=abc&office=x").status_code == 200
    export = officer.get("/casework/records/export.csv")
    text = export.content.decode("utf-8-sig")
    assert kept.number in text and voided.number in text and export["Cache-Control"].startswith("private")
    assert AccessLog.objects.filter(object_type="issued_document", supervisee=world.supervisee).exists()
    # Another office's officer sees none of these.
    other = login(world.users["other_officer"]).get("/casework/records/").content.decode()
    assert kept.number not in other


def test_register_exports_as_xlsx_and_pdf_with_the_rows_the_filters_select(world):
    """The office's register for the year as a workbook and as a printable PDF: the same rows as the page under
    the same filters, text kept as text, and another office's officer gets none of them."""
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    kept = issue(world)
    voided = issue(world)
    actions.void(document=voided, actor=world.users["officer"], reason="重开")
    officer = login(world.users["officer"])
    book = officer.get("/casework/records/export.xlsx")
    assert book["Content-Type"].startswith("application/vnd.openxmlformats") and book["Cache-Control"].startswith(
        "private"
    )
    sheet = load_workbook(io.BytesIO(book.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["文号", "类型"]
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {kept.number, voided.number}
    assert by_number[kept.number][3] == world.supervisee.name
    assert by_number[voided.number][6] == "已作废" and by_number[kept.number][6] != "已作废"
    only_valid = load_workbook(io.BytesIO(officer.get("/casework/records/export.xlsx?state=valid").content)).active
    assert [row[0].value for row in only_valid.iter_rows(min_row=2)] == [kept.number]

    printed = officer.get("/casework/records/export.pdf?state=valid")
    assert printed["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.content)).pages)
    assert kept.number in text and voided.number not in text and world.supervisee.name in text
    assert "共 1 份文书" in text  # the subtitle counts the documents

    other = login(world.users["other_officer"])
    assert kept.number not in str(
        [
            c.value
            for r in load_workbook(io.BytesIO(other.get("/casework/records/export.xlsx").content)).active.iter_rows()
            for c in r
        ]
    )
    assert kept.number not in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(other.get("/casework/records/export.pdf").content)).pages
    )


def test_register_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(3):
        issue(world)
    officer = login(world.users["officer"])
    officer.get("/casework/records/")
    with django_assert_max_num_queries(20) as few:
        officer.get("/casework/records/")
    for _ in range(5):
        issue(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        officer.get("/casework/records/")


def test_void_on_the_page_needs_the_confirmation_and_a_reason(world):
    document = issue(world)
    officer = login(world.users["officer"])
    url = f"/casework/records/{document.uuid}/void/"
    assert officer.post(url, {"reason": "错了"}).status_code == 400
    assert officer.post(url, {"confirm": "on"}).status_code == 400
    assert IssuedDocument.objects.get().voided_at is None
    assert officer.post(url, {"reason": "错了", "confirm": "on"}).status_code == 302
    document.refresh_from_db()
    assert document.voided_at and document.voided_by == world.users["officer"]
    page = officer.get(f"/casework/records/{document.uuid}/").content.decode()
    assert "错了" in page


def test_scan_upload_on_the_page_refuses_a_fake_file(world):
    document = issue(world)
    officer = login(world.users["officer"])
    url = f"/casework/records/{document.uuid}/scan/"
    refused = officer.post(url, {"file": SimpleUploadedFile("scan.pdf", b"MZ not a pdf")})
    assert refused.status_code == 400
    assert officer.post(url, {"file": SimpleUploadedFile("scan.pdf", PDF)}).status_code == 302
    scan = officer.get(f"/casework/records/{document.uuid}/scan")
    assert scan.status_code == 200 and b"".join(scan.streaming_content) == PDF


def test_api_lists_scoped_and_answers_bad_input_with_400(world):
    document = issue(world)
    api = login(world.users["officer"])
    listing = api.get("/api/v1/records/documents/").json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert [row["number"] for row in rows] == [document.number]
    assert "name" not in rows[0]
    url = f"/api/v1/records/documents/{document.uuid}/"
    assert api.post(url + "void/", {}, content_type="application/json").status_code == 400
    bad = api.post(url + "scan/", {"file": SimpleUploadedFile("s.pdf", b"nope")})
    assert bad.status_code == 400 and "file" in bad.content.decode()
    ok = api.post(url + "void/", {"reason": "重开"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["voided_at"]
    again = api.post(url + "void/", {"reason": "再次"}, content_type="application/json")
    assert again.status_code == 403


def test_api_list_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(2):
        actions.void(document=issue(world), actor=world.users["officer"], reason="重开")
    api = login(world.users["officer"])
    api.get("/api/v1/records/documents/")
    with django_assert_max_num_queries(20) as few:
        api.get("/api/v1/records/documents/")
    for _ in range(4):
        actions.void(document=issue(world), actor=world.users["officer"], reason="重开")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/v1/records/documents/").json()["results"]) == 6
