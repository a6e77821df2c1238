"""Reporting plan, check-ins and codes, health reports and visits (issue 15, items 1-3): what an officer
and the person notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config.errors import ActionError
from coordination.models import AccessLog, Supervisee
from supervision import actions as supervision_actions
from supervision import rulebook
from supervision.models import Obligation
from supervision.reporting import actions, selectors
from supervision.reporting.models import CheckIn, CheckinCode, HealthReport, Visit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(content: bytes = PNG, name: str = "letter.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def officer(world):
    return world.users["officer"]


@pytest.fixture
def person(world):
    return world.supervisee


@pytest.fixture
def own_login(person):
    user = UserFactory(username="own-login")
    Supervisee.objects.filter(pk=person.pk).update(account=user)
    person.refresh_from_db()
    return user


def plan(world, **changes):
    fields = {
        "supervision_level": "ordinary",
        "risk_level": "medium",
        "classification_reasons": "初次评估",
        "reporting_mode": "phone",
        "reporting_interval_days": 7,
    }
    fields.update(changes)
    return supervision_actions.write_plan(supervisee=world.supervisee, actor=world.users["officer"], **fields)


def open_report(person) -> Obligation:
    return Obligation.objects.get(supervisee=person, kind=Obligation.Kind.REPORT, done_at=None)


# --- the reporting plan -------------------------------------------------------------------------------


def test_the_plan_follows_the_correction_plan_and_the_level_caps_the_interval(world, person):
    plan(world, reporting_interval_days=7)
    derived = actions.reporting_plan(person)
    assert (derived.mode, derived.interval_days, derived.source) == ("phone", 7, "plan")
    plan(world, reporting_interval_days=60, change_note="放宽")
    assert actions.reporting_plan(person).interval_days == rulebook.value("report_interval_ordinary")


def test_an_override_needs_a_reason_and_records_who_and_when(world, person, officer):
    plan(world)
    with pytest.raises(ActionError) as refused:
        actions.set_reporting_plan(supervisee=person, actor=officer, reason=" ", interval_days=3)
    assert "reason" in refused.value.error_dict
    actions.set_reporting_plan(
        supervisee=person, actor=officer, reason="近期情绪不稳", reporting_mode="in_person", interval_days=3
    )
    derived = actions.reporting_plan(person)
    assert (derived.mode, derived.interval_days, derived.source, derived.decided_by) == (
        "in_person",
        3,
        "override",
        officer,
    )
    assert derived.reason == "近期情绪不稳"


def test_a_social_worker_or_another_office_may_not_override(world, person):
    for who in ("social_worker", "other_officer", "provider", "volunteer"):
        with pytest.raises(ActionError) as refused:
            actions.set_reporting_plan(supervisee=person, actor=world.users[who], reason="x", interval_days=3)
        assert refused.value.code == "forbidden"


# --- the obligation cycle and the late flag --------------------------------------------------------------


def test_checking_in_meets_the_report_owed_and_owes_the_next(world, person, officer):
    plan(world, reporting_interval_days=7)
    actions.ensure_obligations(supervisee=person)
    first = open_report(person)
    row = actions.check_in(supervisee=person, actor=officer, method="in_person", report={"law_abiding": True})
    first.refresh_from_db()
    assert first.done_at is not None and row.obligation == first
    assert row.state == CheckIn.State.CONFIRMED and row.confirmed_by == officer and not row.late
    following = open_report(person)
    assert timezone.localdate(following.due_at) == timezone.localdate() + dt.timedelta(days=7)


@pytest.mark.parametrize(("days_after_due", "late"), [(0, False), (1, True)])
def test_late_only_after_the_due_day(world, person, officer, days_after_due, late):
    plan(world, reporting_interval_days=7)
    now = timezone.now()
    due_day = timezone.localdate(now) - dt.timedelta(days=days_after_due)
    Obligation.objects.create(
        supervisee=person,
        kind="report",
        rule_code="report_interval_ordinary",
        due_at=supervision_actions.end_of_day(due_day),
    )
    row = actions.check_in(supervisee=person, actor=officer, method="in_person", at=now)
    assert row.due_on == due_day
    assert row.late is late


def test_a_reported_change_is_flagged_until_an_officer_notes_it(world, person, officer):
    plan(world)
    with pytest.raises(ActionError):
        actions.check_in(supervisee=person, actor=officer, method="in_person", report={"address_changed": True})
    row = actions.check_in(
        supervisee=person, actor=officer, method="in_person", report={"address_changed": True, "changes": "搬到城东"}
    )
    assert row.changes_flagged
    assert selectors.check_ins_to_look_at(officer)[1] == [row]
    actions.acknowledge_changes(check_in=row, actor=officer)
    assert selectors.check_ins_to_look_at(officer)[1] == []


def test_the_report_refuses_unknown_items_and_non_answers(world, person, officer):
    for report in ({"risk": "high"}, {"law_abiding": "yes"}, {"work": 5}):
        with pytest.raises(ActionError) as refused:
            actions.check_in(supervisee=person, actor=officer, method="in_person", report=report)
        assert "report" in refused.value.error_dict


# --- check-in codes -------------------------------------------------------------------------------------


def test_a_code_works_once_and_is_kept_only_as_a_hash(world, person, officer, own_login):
    plan(world)
    code = actions.issue_checkin_code(supervisee=person, actor=officer)
    assert len(code) == 6 and code.isdigit()
    assert not CheckinCode.objects.filter(code_hash__contains=code).exists()
    row = actions.check_in(supervisee=person, actor=own_login, method="code", code=code)
    assert row.state == CheckIn.State.CONFIRMED and row.confirmed_by == officer
    with pytest.raises(ActionError) as refused:
        actions.check_in(supervisee=person, actor=own_login, method="code", code=code)
    assert "code" in refused.value.error_dict


def test_a_code_expires_after_the_rule_book_period(world, person, officer, own_login):
    plan(world)
    code = actions.issue_checkin_code(supervisee=person, actor=officer)
    hours = rulebook.value(rulebook.CHECKIN_CODE_VALID)
    later = timezone.now() + dt.timedelta(hours=hours, minutes=1)
    with pytest.raises(ActionError):
        actions.check_in(supervisee=person, actor=own_login, method="code", code=code, now=later)
    assert actions.check_in(
        supervisee=person, actor=own_login, method="code", code=code, now=later - dt.timedelta(minutes=2)
    )


def test_a_new_code_replaces_the_old_one(world, person, officer, own_login):
    old = actions.issue_checkin_code(supervisee=person, actor=officer)
    new = actions.issue_checkin_code(supervisee=person, actor=officer)
    if old != new:
        with pytest.raises(ActionError):
            actions.check_in(supervisee=person, actor=own_login, method="code", code=old)
    assert actions.check_in(supervisee=person, actor=own_login, method="code", code=new)


def test_wrong_codes_lock_the_code_after_the_rule_book_limit(world, person, officer, own_login):
    code = actions.issue_checkin_code(supervisee=person, actor=officer)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _attempt in range(rulebook.value(rulebook.CHECKIN_CODE_ATTEMPTS)):
        with pytest.raises(ActionError):
            actions.check_in(supervisee=person, actor=own_login, method="code", code=wrong)
    with pytest.raises(ActionError) as refused:
        actions.check_in(supervisee=person, actor=own_login, method="code", code=code)
    assert refused.value.code == "forbidden"


def test_only_the_person_checks_in_with_a_code_and_only_officers_issue_them(world, person, officer, own_login):
    code = actions.issue_checkin_code(supervisee=person, actor=officer)
    with pytest.raises(ActionError):
        actions.check_in(supervisee=person, actor=officer, method="code", code=code)
    with pytest.raises(ActionError):
        actions.check_in(supervisee=world.other_supervisee, actor=own_login, method="code", code=code)
    for who in ("social_worker", "other_officer", "provider", "volunteer"):
        with pytest.raises(ActionError):
            actions.issue_checkin_code(supervisee=person, actor=world.users[who])
    with pytest.raises(ActionError):
        actions.issue_checkin_code(supervisee=person, actor=own_login)


# --- phone and video check-ins ----------------------------------------------------------------------------


def test_a_phone_check_in_by_the_person_waits_for_an_officer(world, person, officer, own_login):
    plan(world)
    actions.ensure_obligations(supervisee=person)
    row = actions.check_in(supervisee=person, actor=own_login, method="phone", report={"work": "在厂里上班"})
    assert row.state == CheckIn.State.PENDING
    assert open_report(person)  # not met yet
    assert [r["id"] for r in selectors.self_view(person)["pending_check_ins"]] == [row.pk]
    with pytest.raises(ActionError):
        actions.confirm_check_in(check_in=row, actor=world.users["social_worker"])
    actions.confirm_check_in(check_in=row, actor=officer)
    row.refresh_from_db()
    assert row.state == CheckIn.State.CONFIRMED and row.confirmed_by == officer
    with pytest.raises(ActionError) as twice:
        actions.confirm_check_in(check_in=row, actor=officer)
    assert twice.value.code == "already_decided"


def test_a_video_check_in_recorded_by_an_officer_is_confirmed(world, person, officer):
    row = actions.check_in(supervisee=person, actor=officer, method="video")
    assert row.state == CheckIn.State.CONFIRMED


def test_the_person_cannot_backdate_a_check_in(world, person, own_login):
    past = timezone.now() - dt.timedelta(days=3)
    row = actions.check_in(supervisee=person, actor=own_login, method="phone", at=past)
    assert row.occurred_at > past + dt.timedelta(days=2)


def test_an_attachment_must_be_an_image_or_a_pdf(world, person, own_login, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(ActionError) as refused:
        actions.check_in(
            supervisee=person, actor=own_login, method="video", attachment=upload(b"MZ\x90\x00 not an image", "x.png")
        )
    assert "attachment" in refused.value.error_dict
    row = actions.check_in(supervisee=person, actor=own_login, method="video", attachment=upload())
    assert row.attachment.name.endswith(".png") and "letter" not in row.attachment.name
    # Stored outside the served media folder, with no address of its own.
    assert (tmp_path / "private" / row.attachment.name).exists()
    assert not (tmp_path / "media").exists()
    with pytest.raises(ValueError):
        row.attachment.url  # noqa: B018


# --- health reports ---------------------------------------------------------------------------------------


def test_health_reports_are_owed_on_medical_temporary_execution(world, person, officer, own_login):
    with pytest.raises(ActionError):
        actions.set_reporting_plan(supervisee=person, actor=officer, reason="保外就医", health_reports=True)
    Supervisee.objects.filter(pk=person.pk).update(sentence_type="temporary_execution")
    person.refresh_from_db()
    actions.set_reporting_plan(supervisee=person, actor=officer, reason="保外就医", health_reports=True)
    owed = {o.kind: o for o in Obligation.objects.filter(supervisee=person, done_at=None)}
    today = timezone.localdate()
    assert timezone.localdate(owed["health_report"].due_at) == rulebook.due(rulebook.HEALTH_REPORT, today)
    assert timezone.localdate(owed["reexamination"].due_at) == rulebook.due(rulebook.REEXAMINATION, today)
    view = selectors.self_view(person)
    assert {r["kind"] for r in view["health_reports_due"]} == {"monthly", "reexamination"}
    with pytest.raises(ActionError) as refused:
        actions.submit_health_report(supervisee=person, actor=own_login, kind="monthly", document=upload(b"hello"))
    assert "document" in refused.value.error_dict
    report = actions.submit_health_report(
        supervisee=person, actor=own_login, kind="monthly", document=upload(PDF, "病历.pdf")
    )
    assert report.kind == HealthReport.Kind.MONTHLY and report.document.name.endswith(".pdf")
    assert Obligation.objects.filter(supervisee=person, kind="health_report", done_at__isnull=False).count() == 1
    assert Obligation.objects.filter(supervisee=person, kind="health_report", done_at=None).count() == 1


def test_a_person_not_on_medical_grounds_owes_no_health_report(world, person, own_login):
    with pytest.raises(ActionError) as refused:
        actions.submit_health_report(supervisee=person, actor=own_login, kind="monthly", document=upload())
    assert refused.value.code == "transition"


# --- visits -----------------------------------------------------------------------------------------------


def test_a_visit_done_meets_the_visit_owed_and_owes_the_next(world, person, officer):
    plan(world, supervision_level="ordinary")
    actions.ensure_obligations(supervisee=person)
    owed = Obligation.objects.get(supervisee=person, kind="visit", done_at=None)
    today = timezone.localdate()
    visit = actions.record_visit(
        supervisee=person, actor=officer, kind="home", done_on=today, people_seen="母亲", findings="居住稳定"
    )
    owed.refresh_from_db()
    assert owed.done_at is not None and visit.state == Visit.State.DONE
    following = Obligation.objects.get(supervisee=person, kind="visit", done_at=None)
    assert timezone.localdate(following.due_at) == rulebook.due("visit_interval_ordinary", today)


def test_a_discreet_visit_is_never_shown_to_the_person(world, person, officer):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    actions.schedule_visit(supervisee=person, actor=officer, kind="workplace", scheduled_on=tomorrow, discreet=True)
    actions.schedule_visit(supervisee=person, actor=officer, kind="home", scheduled_on=tomorrow)
    assert [v["kind"] for v in selectors.self_view(person)["next_visits"]] == ["home"]


def test_a_visit_needs_who_was_seen_and_findings(world, person, officer):
    with pytest.raises(ActionError) as refused:
        actions.record_visit(
            supervisee=person, actor=officer, kind="home", done_on=timezone.localdate(), people_seen="", findings=""
        )
    assert {"people_seen", "findings"} <= set(refused.value.error_dict)


# --- self view and scoping --------------------------------------------------------------------------------


def test_self_view_shows_the_next_report_and_no_staff_matters(world, person, officer):
    plan(world, reporting_interval_days=7)
    actions.ensure_obligations(supervisee=person)
    view = selectors.self_view(person)
    assert view["next_report"]["due_on"] == timezone.localdate() + dt.timedelta(days=7)
    assert view["next_report"]["mode"] == "phone"
    flat = repr(view)
    assert "risk" not in flat and "findings" not in flat and "reason" not in flat


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("officer", True),
        ("social_worker", True),
        ("bureau", True),
        ("other_officer", False),
        ("provider", False),
        ("volunteer", False),
    ],
)
def test_who_sees_check_ins(world, person, officer, who, sees):
    row = actions.check_in(supervisee=person, actor=officer, method="in_person")
    assert (row in selectors.check_ins(world.users[who])) is sees


def test_reading_check_ins_is_logged(world, person, officer):
    actions.check_in(supervisee=person, actor=officer, method="in_person")
    list(selectors.check_ins(officer))
    assert AccessLog.objects.filter(user=officer, object_type="check_in", supervisee=person).exists()


def test_no_reporting_for_a_person_not_under_correction(world, person, officer):
    Supervisee.objects.filter(pk=person.pk).update(status=Supervisee.Status.REGISTERED)
    person.refresh_from_db()
    with pytest.raises(ActionError) as refused:
        actions.check_in(supervisee=person, actor=officer, method="in_person")
    assert refused.value.code == "transition"
