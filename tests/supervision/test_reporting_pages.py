"""The officer's reporting pages: what the officer sees and what bad input gives (a form error, never a 500)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from supervision.models import Obligation
from supervision.reporting import actions
from supervision.reporting.models import CheckIn, CheckinCode, LostContactEpisode

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world) -> str:
    return reverse("supervision:reporting", kwargs={"uuid": world.supervisee.uuid})


def test_the_officer_sees_the_plan_and_records_a_check_in(world):
    officer = client_for(world.users["officer"])
    page = officer.get(url(world))
    assert page.status_code == 200
    assert "登记报到" in page.content.decode() and "报告失去联系" in page.content.decode()
    bad = officer.post(url(world), {"do": "check_in", "method": "in_person", "address_changed": "on"})
    assert bad.status_code == 400
    assert not CheckIn.objects.exists()
    ok = officer.post(url(world), {"do": "check_in", "method": "in_person", "law_abiding": "on", "work": "上班"})
    assert ok.status_code == 302
    assert CheckIn.objects.get().report == {
        "law_abiding": True,
        "work": "上班",
        "address_changed": False,
        "job_changed": False,
        "family_changed": False,
    }
    assert Obligation.objects.filter(supervisee=world.supervisee, kind="report", done_at=None).exists()


def test_a_code_is_shown_once_on_the_page(world):
    response = client_for(world.users["officer"]).post(url(world), {"do": "code"})
    assert response.status_code == 200
    code = re.search(r'<strong lang="zxx">(\d{6})</strong>', response.content.decode()).group(1)
    assert CheckinCode.objects.count() == 1 and code not in CheckinCode.objects.get().code_hash


def test_a_social_worker_reads_but_has_no_forms_and_may_not_post(world):
    worker = client_for(world.users["social_worker"])
    page = worker.get(url(world))
    assert page.status_code == 200 and "发放一次性报到码" not in page.content.decode()
    assert worker.post(url(world), {"do": "code"}).status_code == 403


def test_the_episode_page_refuses_bad_input_with_a_form_error(world):
    officer = world.users["officer"]
    episode = actions.report_lost_contact(supervisee=world.supervisee, actor=officer)
    client = client_for(officer)
    path = reverse("supervision:episode", kwargs={"pk": episode.pk})
    assert client.post(path, {"do": "step", "kind": "phone", "result": ""}).status_code == 400
    assert client.post(path, {"do": "close", "found_at": "2000-01-01T10:00", "outcome": "found"}).status_code == 400
    assert LostContactEpisode.objects.get().closed_at is None
    assert (
        client.post(path, {"do": "notice", "recipient": "public_security", "sent_on": "2999-01-01"}).status_code == 400
    )


def test_the_episode_list_searches_filters_and_pages(world):
    from tests.coordination.factories import make_supervisee

    officer = world.users["officer"]
    people = [make_supervisee(office=world.city.office, actor=world.users["bureau"], name=f"张{n}号") for n in range(3)]
    closed = actions.report_lost_contact(supervisee=world.supervisee, actor=officer)
    from django.utils import timezone

    actions.close_episode(episode=closed, actor=officer, found_at=timezone.now(), outcome="found")
    for person in people:
        actions.report_lost_contact(supervisee=person, actor=officer)
    client = client_for(officer)
    path = reverse("supervision:episodes")
    everything = client.get(path).content.decode()
    assert all(p.name in everything for p in people) and world.supervisee.name in everything
    only_open = client.get(path, {"state": "open"}).content.decode()
    assert world.supervisee.name not in only_open and people[0].name in only_open
    one = client.get(path, {"q": people[1].name}).content.decode()
    assert people[1].name in one and people[0].name not in one
    assert client.get(path, {"state": "nonsense", "page": "x"}).status_code == 200
    # Another office's officer sees none of them.
    elsewhere = client_for(world.users["other_officer"]).get(path).content.decode()
    assert people[0].name not in elsewhere


def test_an_officer_uploads_a_health_report_and_only_case_staff_download_it(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coordination.models import Supervisee

    officer = world.users["officer"]
    Supervisee.objects.filter(pk=world.supervisee.pk).update(sentence_type="temporary_execution")
    world.supervisee.refresh_from_db()
    actions.set_reporting_plan(supervisee=world.supervisee, actor=officer, reason="保外就医", health_reports=True)
    client = client_for(officer)
    fake = SimpleUploadedFile("report.pdf", b"plain text, not a pdf")
    assert client.post(url(world), {"do": "health", "kind": "monthly", "document": fake}).status_code == 400
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n")
    assert client.post(url(world), {"do": "health", "kind": "monthly", "document": pdf}).status_code == 302
    from supervision.reporting.models import HealthReport

    report = HealthReport.objects.get()
    path = reverse("supervision:reporting-file", kwargs={"kind": "health", "pk": report.pk})
    download = client.get(path)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "no-store" in download["Cache-Control"]
    assert client_for(world.users["other_officer"]).get(path).status_code == 404
    assert client_for(world.users["provider"]).get(path).status_code == 403
