"""The lifecycle on the pages and through the API: same steps, same rules, same messages."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from coordination.models import Supervisee
from tests.coordination.factories import make_supervisee

TODAY = timezone.localdate()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(s, step=""):
    return f"/en/casework/supervision/supervisees/{s.uuid}/" + (f"{step}/" if step else "")


SENTENCE = {
    "organ_kind": "court",
    "organ_name": "某区人民法院",
    "case_number": "（2026）某0102刑初88号",
    "effective_date": (TODAY - dt.timedelta(days=2)).isoformat(),
    "sentence_type": "probation",
    "start": (TODAY - dt.timedelta(days=2)).isoformat(),
    "end": (TODAY + dt.timedelta(days=363)).isoformat(),
}
ANNOUNCEMENT = {"place": "司法所宣告室", "attendees": "工作人员、家属", "items": "矫正期限与应遵守的规定"}


@pytest.mark.django_db
def test_an_officer_takes_a_person_from_court_notice_to_release_on_the_pages(world):
    officer = _client(world.users["officer"])
    s = make_supervisee(office=world.city.office, actor=world.users["bureau"], status=Supervisee.Status.INTAKE)
    page = officer.get(_url(s)).content.decode()
    assert "Record a sentence" in page and "Record a legal document" not in page
    assert officer.post(_url(s, "sentence"), SENTENCE).status_code == 302
    refused = officer.post(_url(s, "register"), {"reported_on": TODAY.isoformat()})
    assert refused.status_code == 400 and "Documents missing" in refused.content.decode()
    assert (
        officer.post(_url(s, "document"), {"kind": "enforcement_notice", "received_at": TODAY.isoformat()}).status_code
        == 302
    )
    assert officer.post(_url(s, "register"), {"reported_on": TODAY.isoformat()}).status_code == 302
    assert officer.post(_url(s, "announce"), {"held_on": TODAY.isoformat(), **ANNOUNCEMENT}).status_code == 302
    s.refresh_from_db()
    assert s.status == Supervisee.Status.UNDER_CORRECTION
    Supervisee.objects.filter(pk=s.pk).update(correction_end=TODAY)
    body = {"held_on": TODAY.isoformat(), **ANNOUNCEMENT}
    asked = officer.post(_url(s, "release"), body)
    assert asked.status_code == 200 and 'name="confirmed"' in asked.content.decode()
    s.refresh_from_db()
    assert s.status == Supervisee.Status.UNDER_CORRECTION  # nothing happens before the confirmation
    assert officer.post(_url(s, "release"), {**body, "confirmed": "yes"}).status_code == 302
    s.refresh_from_db()
    assert s.status == Supervisee.Status.RELEASED
    pdf = officer.get(_url(s, "release-certificate.pdf")[:-1])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "解除社区矫正证明书" in text and s.name in text


@pytest.mark.django_db
def test_bad_input_is_a_400_with_field_messages(world):
    officer = _client(world.users["officer"])
    response = officer.post(_url(world.supervisee, "suspend"), {"on": "not a date"})
    assert response.status_code == 400
    api = officer.post(
        f"/api/v1/supervision/supervisees/{world.supervisee.uuid}/suspend/",
        {"on": TODAY.isoformat(), "note": ""},
        content_type="application/json",
    )
    assert api.status_code == 400 and "note" in api.json()["errors"]


@pytest.mark.django_db
def test_the_api_runs_the_same_steps_with_the_same_refusals(world):
    officer = _client(world.users["officer"])
    s = world.supervisee
    base = f"/api/v1/supervision/supervisees/{s.uuid}/"
    record = officer.get(base).json()
    assert record["status"] == "under_correction" and "release" in record["next_steps"]
    early = officer.post(
        base + "release/", {"held_on": TODAY.isoformat(), **ANNOUNCEMENT}, content_type="application/json"
    )
    assert early.status_code == 400 and "held_on" in early.json()["errors"]
    wrong = officer.post(base + "resume/", {"on": TODAY.isoformat()}, content_type="application/json")
    assert wrong.status_code == 409 and wrong.json()["code"] == "transition"
    Supervisee.objects.filter(pk=s.pk).update(correction_end=TODAY)
    done = officer.post(
        base + "terminate/", {"on": TODAY.isoformat(), "ground": "death"}, content_type="application/json"
    )
    assert done.status_code == 201 and done.json()["status"] == "terminated"
    assert done.json()["history"][0]["ground"] == "death"
    social = _client(world.users["social_worker"]).get(base).json()
    assert social["next_steps"] == []


@pytest.mark.django_db
def test_the_signed_scan_is_attached_after_the_announcement(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from supervision.models import Announcement

    settings.MEDIA_ROOT = tmp_path
    officer = _client(world.users["officer"])
    s = world.supervisee
    scan = SimpleUploadedFile("宣告书.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    refused = officer.post(_url(s, "scan"), {"kind": "release", "signed_scan": scan})
    assert refused.status_code == 400 and "no such announcement" in refused.content.decode()
    Supervisee.objects.filter(pk=s.pk).update(correction_end=TODAY)
    body = {"held_on": TODAY.isoformat(), **ANNOUNCEMENT, "confirmed": "yes"}
    assert officer.post(_url(s, "release"), body).status_code == 302
    scan.seek(0)
    assert officer.post(_url(s, "scan"), {"kind": "release", "signed_scan": scan}).status_code == 302
    assert Announcement.objects.get(supervisee=s, kind="release").signed_scan.read() == b"%PDF-1.4 signed"


@pytest.mark.django_db
def test_the_archive_clock_shows_on_todo_after_release(world):
    from supervision import selectors

    s, officer = world.supervisee, world.users["officer"]
    Supervisee.objects.filter(pk=s.pk).update(correction_end=TODAY)
    body = {"held_on": TODAY.isoformat(), **ANNOUNCEMENT, "confirmed": "yes"}
    assert _client(officer).post(_url(s, "release"), body).status_code == 302
    later = timezone.now() + dt.timedelta(days=31)
    overdue = selectors.todo(officer, now=later)["overdue"]
    assert [(supervisee.pk, [o.kind for o in rows]) for supervisee, rows in overdue] == [(s.pk, ["archive"])]


@pytest.mark.django_db
def test_open_clocks_name_the_law_not_the_rule_code(world):
    from supervision.models import Obligation, Rule

    officer = _client(world.users["officer"])
    s = make_supervisee(office=world.city.office, actor=world.users["bureau"], status=Supervisee.Status.INTAKE)
    assert officer.post(_url(s, "sentence"), SENTENCE).status_code == 302
    clock = Obligation.objects.filter(supervisee=s, done_at__isnull=True).first()
    assert clock is not None
    rule = Rule.objects.get(code=clock.rule_code)
    english = officer.get(_url(s)).content.decode()
    chinese = officer.get(_url(s).removeprefix("/en")).content.decode()
    assert f">{clock.rule_code}<" not in english and f">{clock.rule_code}<" not in chinese
    assert rule.law_en and rule.law_en in english and rule.law_zh in chinese


@pytest.mark.django_db
def test_a_signed_scan_is_private_checked_and_read_only_by_case_staff_with_a_log_row(world, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coordination.models import AccessLog
    from supervision.models import Announcement

    officer = _client(world.users["officer"])
    s = world.supervisee
    Supervisee.objects.filter(pk=s.pk).update(correction_end=TODAY)
    body = {"held_on": TODAY.isoformat(), **ANNOUNCEMENT, "confirmed": "yes"}
    assert officer.post(_url(s, "release"), body).status_code == 302
    fake = SimpleUploadedFile("宣告书.pdf", b"<script>not a pdf</script>", content_type="application/pdf")
    refused = officer.post(_url(s, "scan"), {"kind": "release", "signed_scan": fake})
    assert refused.status_code == 400 and "PDF" in refused.content.decode()
    scan = SimpleUploadedFile("宣告书.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    assert officer.post(_url(s, "scan"), {"kind": "release", "signed_scan": scan}).status_code == 302
    announcement = Announcement.objects.get(supervisee=s, kind="release")
    assert "宣告书" not in announcement.signed_scan.name  # stored under a random name
    assert (tmp_path / "private" / announcement.signed_scan.name).is_file()
    url = f"/casework/supervision/supervisees/{s.uuid}/announcements/{announcement.pk}/scan/"
    assert url in officer.get(f"/casework/supervision/supervisees/{s.uuid}/").content.decode()
    got = officer.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 signed"
    assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
    assert AccessLog.objects.filter(
        user=world.users["officer"], supervisee=s, object_type="attachment", object_id=f"announcement {announcement.pk}"
    ).exists()
    for role in ("other_officer", "provider", "volunteer"):
        assert _client(world.users[role]).get(url).status_code in (403, 404), role
