"""What a sealed juvenile record (CPL Art. 286, CCL Art. 54) must not leak through the side doors a code review
found: the messages about the person, the investigation requests, the ID-number check at intake and at a
package import, the access-log page, the edit page during an opening, and the retention of its volumes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from archive.models import ArchiveVolume, CaseArchive, DisposalRecord
from coordination import actions as coordination_actions
from coordination import identity
from coordination.actions.supervisees import DUPLICATE_ELSEWHERE_MESSAGE
from coordination.models import PROBE_SEALED, AccessLog, Supervisee
from notifications.models import Notification, topic_for
from records.models import IssuedDocument
from supervision import actions
from supervision.interchange import actions as interchange
from supervision.interchange.package import PackageRefused
from supervision.models import Investigation
from supervision.sealing import actions as sealing
from tests.security.test_id_probes import _fields
from tests.supervision.test_sealing import REQUEST, _closing_case, _release


def _referred(world, s):
    """The person's need sent to the provider, not yet accepted (release withdraws it and tells the provider)."""
    officer = world.users["officer"]
    need = coordination_actions.record_need(
        supervisee=s, category=world.offering.category, urgency=2, description="想学电工", actor=officer
    )
    coordination_actions.record_consent(supervisee=s, organisation=world.offering.organisation, recorded_by=officer)
    return coordination_actions.create_referral(need=need, offering=world.offering, actor=officer, send=True)


def _inbox_text(user) -> str:
    page = Client()
    page.force_login(user)
    return page.get(reverse("notifications:inbox")).content.decode()


@pytest.mark.django_db
def test_sealing_withdraws_every_message_about_the_person_and_an_adults_closing_keeps_them(world):
    provider = world.users["provider"]
    adult = _closing_case(world, offence_age=18, offence_shift_days=30)
    _referred(world, adult)
    minor = _closing_case(world)
    _referred(world, minor)
    for s in (adult, minor):
        assert Notification.objects.about_person(s).filter(recipient=provider, channel="inbox").exists()
    # An e-mail about the minor already went out before the closing: only its delivery record may stay.
    sent = Notification.objects.about_person(minor).filter(channel="email").first()
    assert sent is not None
    Notification.objects.filter(pk=sent.pk).update(status=Notification.Status.SENT, sent_at=timezone.now())

    _release(world, adult)
    minor = _release(world, minor)

    assert adult.sealed_at is None and minor.sealed_at is not None
    # The adult's closing tells the provider the referral was withdrawn, with the name.
    withdrawn = Notification.objects.about_person(adult).filter(
        recipient=provider, kind=Notification.Kind.REFERRAL_WITHDRAWN, channel="inbox"
    )
    assert withdrawn.exists()
    # Of the minor, nothing is left in any inbox (the closing's own notices included) or waiting to go out.
    about = Notification.objects.about_person(minor)
    assert list(about.values_list("pk", flat=True)) == [sent.pk]
    sent.refresh_from_db()
    assert (sent.subject, sent.body, sent.url, sent.topic, sent.status) == ("", "", "", "", "sent")
    for role in ("provider", "officer", "bureau"):
        assert minor.name not in _inbox_text(world.users[role])
    api = APIClient()
    api.force_authenticate(provider)
    assert minor.name not in api.get("/api/v1/notifications/").content.decode()


@pytest.mark.django_db
def test_a_provider_deactivation_notice_names_no_one(world):
    from services import actions as services_actions

    services_actions.deactivate_organisation(
        organisation=world.provider_org, actor=world.users["bureau"], disposition="withdraw", reason="停业"
    )
    rows = Notification.objects.filter(channel="inbox", subject__contains=world.provider_org.name)
    assert rows.exists()
    for row in rows:
        assert world.supervisee.name not in row.body and world.supervisee.case_number[-4:] in row.body


# --- investigation requests --------------------------------------------------------------------------------

COURT = {"judicial_office": None, "organ_kind": "court", "organ_name": "某法院"}


def _request(world, *, name: str, person=None) -> Investigation:
    """An investigation request the officer records today, with the person's resident ID number if given."""
    number = identity.decrypt(person.resident_id_encrypted) if person is not None else ""
    return actions.record_investigation(
        **{**COURT, "judicial_office": world.city.office},
        actor=world.users["officer"],
        subject_name=name,
        subject_resident_id=number,
        received_on=timezone.localdate(),
    )


@pytest.mark.django_db
def test_an_investigation_request_leaves_the_lists_with_the_sealed_record_it_is_about(world):
    officer = world.users["officer"]
    minor = _closing_case(world)
    number = identity.decrypt(minor.resident_id_encrypted)
    about = _request(world, name=minor.name, person=minor)
    unrelated = _request(world, name="无关人员")
    assert about.supervisee_id == minor.pk and about.subject_id_hash == minor.resident_id_hash
    assert number not in json.dumps(list(Investigation.objects.values()), default=str)  # only the keyed hash
    page = Client()
    page.force_login(officer)
    assert minor.name in page.get(reverse("supervision:investigations")).content.decode()

    _release(world, minor)

    listing = page.get(reverse("supervision:investigations")).content.decode()
    assert minor.name not in listing and unrelated.subject_name in listing
    api = APIClient()
    api.force_authenticate(world.users["bureau"])
    rows = api.get("/api/v1/supervision/investigations/").json()
    names = [row["subject_name"] for row in rows.get("results", rows)]
    assert minor.name not in names and unrelated.subject_name in names
    # A new request about the same person (a new case) is not hidden with the old one.
    again = _request(world, name=minor.name, person=minor)
    assert again.supervisee_id is None
    assert minor.name in page.get(reverse("supervision:investigations")).content.decode()


@pytest.mark.django_db
def test_a_bad_resident_id_on_an_investigation_is_a_field_error_on_the_page_and_the_api(world):
    body = {
        "judicial_office": world.city.office.pk,
        "organ_kind": "court",
        "organ_name": "某法院",
        "subject_name": "王某",
        "subject_resident_id": "410183200001011234",
        "received_on": timezone.localdate().isoformat(),
    }
    with translation.override("zh-hans"), pytest.raises(ValidationError) as expected:
        identity.validate_resident_id(body["subject_resident_id"])
    page = Client()
    page.force_login(world.users["officer"])
    response = page.post(reverse("supervision:investigations"), body)
    assert response.status_code == 400 and expected.value.messages[0] in response.content.decode()
    api = APIClient()
    api.force_authenticate(world.users["officer"])
    response = api.post("/api/v1/supervision/investigations/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["subject_resident_id"] == expected.value.messages
    assert not Investigation.objects.exists()


# --- the ID-number check -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_intake_matching_a_sealed_record_is_refused_as_any_other_offices_and_the_bureau_is_told(world, sealed):
    officer = world.users["other_officer"]
    fields = _fields(world, world.city.other_office, sealed.date_of_birth, sealed.sex)
    with pytest.raises(ValidationError) as refused:
        coordination_actions.create_supervisee(
            actor=officer, resident_id=identity.decrypt(sealed.resident_id_encrypted), **fields
        )
    message = refused.value.message_dict["resident_id"][0]
    # The very refusal of a record of another office: the check cannot tell that a record is sealed.
    target = world.supervisee
    with pytest.raises(ValidationError) as elsewhere:
        coordination_actions.create_supervisee(
            actor=officer,
            resident_id=identity.decrypt(target.resident_id_encrypted),
            **_fields(world, world.city.other_office, target.date_of_birth, target.sex),
        )
    assert message == elsewhere.value.message_dict["resident_id"][0]
    assert world.city.office.display_name not in message
    probe = AccessLog.objects.filter(action=AccessLog.Action.PROBE, user=officer).order_by("pk").first()
    assert (probe.purpose, probe.supervisee) == (PROBE_SEALED, sealed)
    alert = Notification.objects.get(
        kind=Notification.Kind.SEALED_RECORD, recipient=world.users["bureau"], channel=Notification.Channel.INBOX
    )
    assert sealed.case_number[-4:] in alert.subject and sealed.name not in alert.subject + alert.body
    assert not Notification.objects.filter(kind=Notification.Kind.SEALED_RECORD, recipient=officer).exists()
    assert not Supervisee.objects.filter(name=fields["name"]).exists()


@pytest.mark.django_db
def test_a_package_import_matching_a_sealed_record_is_refused_as_any_other_and_the_bureau_is_told(world):
    minor = _closing_case(world)
    package = interchange.export_case(supervisee=minor, actor=world.users["officer"])
    _release(world, minor)
    with pytest.raises(PackageRefused) as refused:
        interchange.import_case(
            data=json.loads(json.dumps(package)),
            actor=world.users["other_officer"],
            judicial_office=world.city.other_office,
        )
    assert [error["path"] for error in refused.value.errors] == ["/person/resident_id"]
    assert refused.value.errors[0]["message"] == str(DUPLICATE_ELSEWHERE_MESSAGE)
    assert Notification.objects.filter(kind=Notification.Kind.SEALED_RECORD, recipient=world.users["bureau"]).exists()


# --- the access-log page and the edit page -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_access_log_page_shows_a_sealed_record_by_case_number_and_never_finds_it_by_name(world, sealed):
    AccessLog.objects.create(
        user=world.users["officer"], action=AccessLog.Action.READ, object_type="supervisee", supervisee=sealed
    )
    page = Client()
    page.force_login(world.users["bureau"])
    url = reverse("coordination:access-log")
    text = page.get(url).content.decode()
    assert sealed.name not in text and sealed.case_number in text
    assert 'data-testid="access-row"' not in page.get(url, {"person": sealed.name}).content.decode()
    assert 'data-testid="sealed-person"' in page.get(url, {"person": sealed.case_number}).content.decode()


@pytest.mark.django_db
def test_an_opening_does_not_open_the_edit_page(world, sealed):
    bureau = world.users["bureau"]
    sealing.open_sealed(supervisee=sealed, actor=bureau, **REQUEST)
    page = Client()
    page.force_login(bureau)
    record = page.get(reverse("coordination:supervisee", args=[sealed.uuid])).content.decode()
    assert 'data-testid="sealed-banner"' in record
    assert reverse("coordination:supervisee-edit", args=[sealed.uuid]) not in record
    edit = reverse("coordination:supervisee-edit", args=[sealed.uuid])
    assert page.get(edit).status_code == 403
    assert page.post(edit, {"name": "改名"}).status_code == 403
    with pytest.raises(PermissionDenied):
        coordination_actions.update_supervisee(supervisee=sealed, actor=bureau, name="改名")
    sealed.refresh_from_db()
    assert sealed.name != "改名"


# --- retention ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sealed_volume_is_in_the_retention_report_by_case_number_and_is_disposed_of_when_due(world, sealed):
    archive = CaseArchive.objects.get(supervisee=sealed)
    year = timezone.localdate().year
    archive.volumes.update(due_on=timezone.localdate() - dt.timedelta(days=1))
    bureau, officer = world.users["bureau"], world.users["officer"]
    page = Client()
    page.force_login(bureau)
    report = page.get(reverse("archive:retention"), {"year": year}).content.decode()
    assert archive.case_number in report and sealed.name not in report and 'data-testid="sealed-row"' in report
    xlsx = page.get(reverse("archive:retention-xlsx"), {"year": year})
    assert xlsx.status_code == 200
    api = APIClient()
    api.force_authenticate(bureau)
    rows = api.get("/api/v1/archive/retention/", {"year": year}).json()
    ours = [row for row in rows if row["case_number"] == archive.case_number]
    assert len(ours) == 2 and {row["name"] for row in ours} == {""} and all(row["sealed"] for row in ours)
    # Its contents stay closed; the disposal page shows the case number only.
    assert page.get(reverse("archive:detail", args=[archive.uuid])).status_code == 404
    url = reverse("archive:dispose-sealed", args=[archive.uuid, "work"])
    form = page.get(url).content.decode()
    assert archive.case_number in form and sealed.name not in form
    assert page.post(url, {"work-reason": "", "work-confirm": "on"}).status_code == 400
    response = page.post(url, {"work-reason": "保管期满", "work-confirm": "on"})
    assert response.status_code == 302
    assert DisposalRecord.objects.filter(case_number=archive.case_number, kind="work").exists()
    response = api.post(
        f"/api/v1/archive/cases/{archive.uuid}/dispose/", {"volume": "execution", "reason": "保管期满"}, format="json"
    )
    assert response.status_code == 201
    assert not ArchiveVolume.objects.filter(archive=archive, disposed_at__isnull=True).exists()
    # An officer of the office never sees it there.
    other = Client()
    other.force_login(officer)
    assert other.get(url).status_code == 404


@pytest.mark.django_db
def test_the_notification_person_is_the_supervisee_topic(world):
    row = Notification.objects.about_person(world.supervisee).first()
    assert row is not None and row.person == topic_for(world.supervisee)


@pytest.mark.django_db
def test_an_opening_writes_nothing_exports_nothing_and_issues_nothing(world, sealed):
    bureau = world.users["bureau"]
    sealing.open_sealed(supervisee=sealed, actor=bureau, **REQUEST)
    page, api = Client(), APIClient()
    page.force_login(bureau)
    api.force_authenticate(bureau)
    assert page.get(reverse("coordination:supervisee", args=[sealed.uuid])).status_code == 200
    for step in ("notice", "notified", "sentence"):
        response = page.post(reverse("supervision:lifecycle-step", args=[sealed.uuid, step]), {})
        assert response.status_code == 403, step
    assert page.get(reverse("supervision:interchange-export", args=[sealed.uuid])).status_code in (403, 404)
    certificate = IssuedDocument.objects.get(supervisee=sealed, kind="release_certificate")
    response = page.post(reverse("records:void", args=[certificate.uuid]), {"reason": "错误", "confirmed": "yes"})
    assert response.status_code in (403, 404)
    certificate.refresh_from_db()
    assert certificate.voided_at is None
    sealed.refresh_from_db()
    assert sealed.status == Supervisee.Status.RELEASED


@pytest.mark.django_db
def test_a_request_still_waiting_at_the_seal_stays_with_the_office(world):
    officer = world.users["officer"]
    minor = _closing_case(world)
    waiting = _request(world, name="等待中", person=minor)
    Investigation.objects.filter(pk=waiting.pk).update(supervisee=None)  # recorded before the registration
    _release(world, minor)
    waiting.refresh_from_db()
    assert waiting.supervisee_id is None
    page = Client()
    page.force_login(officer)
    assert "等待中" in page.get(reverse("supervision:investigations")).content.decode()


@pytest.mark.django_db
def test_disposing_of_a_sealed_execution_volume_keeps_its_documents_hidden(world, sealed):
    archive = CaseArchive.objects.get(supervisee=sealed)
    archive.volumes.update(due_on=timezone.localdate() - dt.timedelta(days=1))
    number = IssuedDocument.objects.get(supervisee=sealed, kind="release_certificate").number
    volume = archive.volumes.get(kind="execution")
    from archive import actions as archive_actions

    archive_actions.dispose(volume=volume, actor=world.users["bureau"], reason="保管期满")
    page = Client()
    page.force_login(world.users["officer"])
    assert number not in page.get(reverse("records:register")).content.decode()
