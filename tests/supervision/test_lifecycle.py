"""The sentence lifecycle: sentence records, intake clocks, status actions, release and termination."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.test import APIClient

from config.errors import ActionError
from coordination.models import CorrectionTeamMember, Need, Referral, ReferralEvent, Supervisee
from notifications.models import Notification
from supervision import actions
from supervision.models import Announcement, Obligation, ReleaseNotice, Sentence, StatusChange
from tests.coordination.factories import make_supervisee

S = Supervisee.Status
TODAY = timezone.localdate


def _sentence(s, actor, *, effective=None, **extra):
    effective = effective or TODAY() - dt.timedelta(days=3)
    fields = {
        "organ_kind": "court",
        "organ_name": "某市某区人民法院",
        "case_number": "（2026）某0102刑初123号",
        "judgment_date": effective - dt.timedelta(days=10),
        "effective_date": effective,
        "sentence_type": "probation",
        "term_months": 12,
        "start": effective,
        "end": effective + dt.timedelta(days=365),
    }
    fields.update(extra)
    return actions.record_sentence(supervisee=s, actor=actor, **fields)


def _announcement(**extra):
    fields = {
        "place": "某司法所宣告室",
        "attendees": "司法所工作人员、社会工作者、家属",
        "items": "判决内容、矫正期限、应遵守的规定",
    }
    fields.update(extra)
    return fields


@pytest.fixture
def intake(world):
    """A person expected after a court notice (status intake, nothing recorded yet)."""
    return make_supervisee(office=world.city.office, actor=world.users["bureau"], status=S.INTAKE)


def _registered(world, s):
    officer = world.users["officer"]
    sentence = _sentence(s, officer)
    actions.record_document(sentence=sentence, actor=officer, kind="enforcement_notice", received_at=TODAY())
    actions.register(supervisee=s, actor=officer, reported_on=TODAY())
    return sentence


@pytest.mark.django_db
def test_sentence_follows_the_record_and_opens_the_intake_clocks(world, intake):
    sentence = _sentence(intake, world.users["officer"], effective=TODAY() - dt.timedelta(days=2))
    intake.refresh_from_db()
    assert intake.correction_start == sentence.start and intake.correction_end == sentence.end
    report = intake.obligations.get(kind=Obligation.Kind.INTAKE_REPORT, done_at__isnull=True)
    documents = intake.obligations.get(kind=Obligation.Kind.DOCUMENTS, done_at__isnull=True)
    assert timezone.localdate(report.due_at) == sentence.effective_date + dt.timedelta(days=10)
    assert timezone.localdate(documents.due_at) == sentence.effective_date + dt.timedelta(days=10)
    assert report.rule_code == "intake_report" and documents.rule_code == "document_delivery"


@pytest.mark.django_db
def test_sentence_refuses_bad_dates_and_a_missing_deprivation_term(world, intake):
    officer = world.users["officer"]
    with pytest.raises(ActionError) as exc:
        _sentence(intake, officer, end=TODAY() - dt.timedelta(days=30))
    assert "end" in exc.value.message_dict
    with pytest.raises(ActionError) as exc:
        _sentence(intake, officer, deprived_political_rights=True)
    assert "deprivation_months" in exc.value.message_dict
    with pytest.raises(ActionError) as exc:
        _sentence(intake, officer, effective=TODAY() + dt.timedelta(days=1))
    assert "effective_date" in exc.value.message_dict
    assert not Sentence.objects.filter(supervisee=intake).exists()


@pytest.mark.django_db
def test_social_workers_and_other_offices_cannot_record_or_change(world, intake):
    for user in (world.users["social_worker"], world.users["other_officer"], world.users["provider"]):
        with pytest.raises(PermissionDenied):
            _sentence(intake, user)
        with pytest.raises(PermissionDenied):
            actions.register(supervisee=intake, actor=user, reported_on=TODAY())


@pytest.mark.django_db
def test_report_clock_due_on_the_last_day_overdue_the_next(world, intake):
    effective = dt.date(2026, 3, 2)
    _sentence(intake, world.users["officer"], effective=effective)
    report = intake.obligations.get(kind=Obligation.Kind.INTAKE_REPORT)
    last_day = timezone.make_aware(dt.datetime(2026, 3, 12, 23, 0))
    next_day = timezone.make_aware(dt.datetime(2026, 3, 13, 9, 0))
    assert actions.level_reached(report, last_day) == Obligation.Level.NONE
    assert actions.level_reached(report, next_day) == Obligation.Level.OFFICER


@pytest.mark.django_db
def test_missed_report_is_a_loudong_alert_to_the_office_and_bureau(world, intake):
    _sentence(intake, world.users["officer"], effective=TODAY() - dt.timedelta(days=3))
    report = intake.obligations.get(kind=Obligation.Kind.INTAKE_REPORT)
    later = report.due_at + dt.timedelta(days=30)
    assert actions.escalate_obligation(obligation_id=report.pk, now=later) == [1, 2, 3]
    bodies = list(
        Notification.objects.filter(
            recipient=world.users["bureau"], kind=actions.NOTIFICATION_KIND, channel=Notification.Channel.INBOX
        ).values_list("body", flat=True)
    )
    assert any("漏管" in body for body in bodies)
    assert actions.escalate_obligation(obligation_id=report.pk, now=later) == []


@pytest.mark.django_db
def test_documents_close_the_missing_documents_clock(world, intake):
    officer = world.users["officer"]
    sentence = _sentence(intake, officer)
    actions.record_document(sentence=sentence, actor=officer, kind="judgment", received_at=TODAY())
    assert intake.obligations.filter(kind=Obligation.Kind.DOCUMENTS, done_at__isnull=True).exists()
    actions.record_document(sentence=sentence, actor=officer, kind="enforcement_notice", received_at=TODAY())
    assert not intake.obligations.filter(kind=Obligation.Kind.DOCUMENTS, done_at__isnull=True).exists()
    with pytest.raises(ActionError):
        actions.record_document(
            sentence=sentence,
            actor=officer,
            kind="judgment",
            received_at=TODAY(),
            receipt_returned_at=TODAY() - dt.timedelta(days=1),
        )


@pytest.mark.django_db
def test_register_needs_a_sentence_and_the_documents(world, intake):
    officer = world.users["officer"]
    with pytest.raises(ActionError) as exc:
        actions.register(supervisee=intake, actor=officer, reported_on=TODAY())
    assert exc.value.code == "precondition"
    sentence = _sentence(intake, officer)
    with pytest.raises(ActionError) as exc:
        actions.register(supervisee=intake, actor=officer, reported_on=TODAY())
    assert "通知书" in str(exc.value) or "enforcement" in str(exc.value).lower()
    actions.record_document(sentence=sentence, actor=officer, kind="enforcement_notice", received_at=TODAY())
    actions.register(supervisee=intake, actor=officer, reported_on=TODAY())
    intake.refresh_from_db()
    assert intake.status == S.REGISTERED
    assert not intake.obligations.filter(kind=Obligation.Kind.INTAKE_REPORT, done_at__isnull=True).exists()
    with pytest.raises(ActionError) as exc:
        actions.register(supervisee=intake, actor=officer, reported_on=TODAY())
    assert exc.value.code == "transition"


@pytest.mark.django_db
def test_late_report_is_registered_and_says_so(world, intake):
    officer = world.users["officer"]
    sentence = _sentence(intake, officer, effective=TODAY() - dt.timedelta(days=20))
    actions.record_document(sentence=sentence, actor=officer, kind="enforcement_notice", received_at=TODAY())
    change = actions.register(supervisee=intake, actor=officer, reported_on=TODAY())
    assert "late" in change.note.lower() or "逾期" in change.note


@pytest.mark.django_db
def test_announce_starts_the_correction_and_protects_minors(world):
    officer = world.users["officer"]
    minor = make_supervisee(office=world.city.office, actor=world.users["bureau"], status=S.INTAKE, age=16)
    assert minor.is_minor
    with pytest.raises(ActionError):
        actions.announce(supervisee=minor, actor=officer, held_on=TODAY(), **_announcement())  # not registered yet
    _registered(world, minor)
    with pytest.raises(ActionError) as exc:
        actions.announce(supervisee=minor, actor=officer, held_on=TODAY(), is_public=True, **_announcement())
    assert {"is_public", "guardian_present"} <= set(exc.value.message_dict)
    actions.announce(supervisee=minor, actor=officer, held_on=TODAY(), guardian_present=True, **_announcement())
    minor.refresh_from_db()
    assert minor.status == S.UNDER_CORRECTION
    assert Announcement.objects.get(supervisee=minor, kind="intake").guardian_present


@pytest.mark.django_db
def test_suspend_and_resume(world):
    s, officer = world.supervisee, world.users["officer"]
    with pytest.raises(ActionError):
        actions.suspend(supervisee=s, actor=officer, on=TODAY(), note="")
    actions.suspend(supervisee=s, actor=officer, on=TODAY(), note="因涉嫌新罪被公安机关刑事拘留")
    s.refresh_from_db()
    assert s.status == S.SUSPENDED
    with pytest.raises(ActionError):
        actions.release(supervisee=s, actor=officer, released_on=TODAY(), **_announcement())
    actions.resume(supervisee=s, actor=officer, on=TODAY())
    s.refresh_from_db()
    assert s.status == S.UNDER_CORRECTION
    assert list(StatusChange.objects.filter(supervisee=s).order_by("pk").values_list("action", flat=True)) == [
        "suspend",
        "resume",
    ]


@pytest.mark.django_db
def test_release_not_before_the_end_date(world):
    s, officer = world.supervisee, world.users["officer"]
    with pytest.raises(ActionError) as exc:
        actions.release(supervisee=s, actor=officer, released_on=TODAY(), **_announcement())
    assert "held_on" in exc.value.message_dict
    s.refresh_from_db()
    assert s.status == S.UNDER_CORRECTION


@pytest.mark.django_db
def test_release_not_dated_in_the_future(world):
    s, officer = world.supervisee, world.users["officer"]
    _end_today(s)
    with pytest.raises(ActionError) as exc:
        actions.release(supervisee=s, actor=officer, released_on=TODAY() + dt.timedelta(days=1), **_announcement())
    assert "held_on" in exc.value.message_dict
    s.refresh_from_db()
    assert s.status == S.UNDER_CORRECTION


def _end_today(s):
    Supervisee.objects.filter(pk=s.pk).update(correction_start=TODAY() - dt.timedelta(days=365), correction_end=TODAY())
    s.refresh_from_db()


@pytest.mark.django_db
def test_release_closes_needs_referrals_team_and_reminders(world):
    s, officer = world.supervisee, world.users["officer"]
    _end_today(s)
    actions.sync_obligations(supervisee=s)
    actions.release(supervisee=s, actor=officer, released_on=TODAY(), **_announcement())
    s.refresh_from_db()
    assert s.status == S.RELEASED
    assert not Need.objects.filter(supervisee=s).exclude(status__in=("closed", "met")).exists()
    assert not Referral.objects.filter(need__supervisee=s, state__in=Referral.OPEN_STATES).exists()
    sent = world.referrals["sent"]
    event = ReferralEvent.objects.filter(referral=sent, to_state="withdrawn").get()
    assert event.audience == ReferralEvent.Audience.BOTH_SIDES
    assert (
        event.note
        == gettext("Community correction ended: the person was released.")
        == "社区矫正已结束：该对象已解除矫正。"
    )
    assert Notification.objects.filter(recipient=world.users["provider"], kind="referral_withdrawn").exists()
    assert not CorrectionTeamMember.objects.filter(supervisee=s, is_active=True).exists()
    volunteer_row = CorrectionTeamMember.objects.get(supervisee=s, role="volunteer")
    assert volunteer_row.ended_at is not None
    open_rows = list(s.obligations.filter(done_at__isnull=True).values_list("kind", "rule_code"))
    assert open_rows == [("archive", "archive_file")]
    assert Announcement.objects.filter(supervisee=s, kind="release").exists()
    # The nightly sync keeps the archive clock and raises no reminder again.
    actions.sync_obligations(supervisee=s)
    assert list(s.obligations.filter(done_at__isnull=True).values_list("kind", flat=True)) == ["archive"]


@pytest.mark.django_db
def test_release_notices_recorded_after_release(world):
    s, officer = world.supervisee, world.users["officer"]
    with pytest.raises(ActionError):
        actions.record_release_notice(
            supervisee=s, actor=officer, recipient="procuratorate", sent_on=TODAY(), method="post"
        )
    _end_today(s)
    actions.release(supervisee=s, actor=officer, released_on=TODAY(), **_announcement())
    for recipient in ("deciding_organ", "procuratorate", "public_security"):
        actions.record_release_notice(supervisee=s, actor=officer, recipient=recipient, sent_on=TODAY(), method="post")
    assert ReleaseNotice.objects.filter(supervisee=s).count() == 3


@pytest.mark.django_db
def test_notices_go_with_the_release_or_later_each_checked(world):
    """The release form records the notices sent with it (CCL Art. 44); one not sent yet is recorded later. A
    notice needs its day and its method, and is not dated before the correction ended nor in the future; a bad
    one refuses the whole release, so nothing is half-written."""
    s, officer = world.supervisee, world.users["officer"]
    _end_today(s)
    yesterday, tomorrow = TODAY() - dt.timedelta(days=1), TODAY() + dt.timedelta(days=1)
    bad = {
        "deciding_organ": (yesterday, "post"),  # before the release
        "procuratorate": (TODAY(), ""),  # no method
        "public_security": (tomorrow, "hand"),  # in the future
    }
    with pytest.raises(ActionError) as refused:
        actions.release(supervisee=s, actor=officer, released_on=TODAY(), notices=bad, **_announcement())
    assert set(refused.value.message_dict) == {
        "notice_deciding_organ_on",
        "notice_procuratorate_method",
        "notice_public_security_on",
    }
    s.refresh_from_db()
    assert s.status == S.UNDER_CORRECTION and not ReleaseNotice.objects.filter(supervisee=s).exists()
    with pytest.raises(ActionError) as refused:
        actions.release(
            supervisee=s,
            actor=officer,
            released_on=TODAY(),
            notices={"procuratorate": (None, "post")},
            **_announcement(),
        )
    assert set(refused.value.message_dict) == {"notice_procuratorate_on"}

    actions.release(
        supervisee=s,
        actor=officer,
        released_on=TODAY(),
        notices={"deciding_organ": (TODAY(), "system"), "procuratorate": (None, "")},
        **_announcement(),
    )
    assert list(ReleaseNotice.objects.filter(supervisee=s).values_list("recipient", "method")) == [
        ("deciding_organ", "system")
    ]
    # The others later, by their own step: not dated before the release either.
    with pytest.raises(ActionError) as refused:
        actions.record_release_notice(
            supervisee=s, actor=officer, recipient="procuratorate", sent_on=yesterday, method="post"
        )
    assert set(refused.value.message_dict) == {"sent_on"}
    with pytest.raises(ActionError) as refused:
        actions.record_release_notice(
            supervisee=s, actor=officer, recipient="procuratorate", sent_on=TODAY(), method=""
        )
    assert set(refused.value.message_dict) == {"method"}
    actions.record_release_notice(
        supervisee=s, actor=officer, recipient="procuratorate", sent_on=TODAY(), method="post"
    )
    assert ReleaseNotice.objects.filter(supervisee=s).count() == 2
    # An organ already told of this closing is not recorded twice.
    with pytest.raises(ActionError) as refused:
        actions.record_release_notice(
            supervisee=s, actor=officer, recipient="deciding_organ", sent_on=TODAY(), method="post"
        )
    assert set(refused.value.message_dict) == {"recipient"}
    assert ReleaseNotice.objects.filter(supervisee=s).count() == 2
    # The lifecycle record of an ordinary case: closing it would not seal it.
    api = APIClient()
    api.force_authenticate(officer)
    record = api.get(f"/api/v1/supervision/supervisees/{s.uuid}/").json()
    assert (record["sealed_on_closing"], record["sealed_on_closing_reason"]) == (False, "")
    # The "notice" step is offered until every organ has been told.
    assert "notice" in record["next_steps"]
    actions.record_release_notice(
        supervisee=s, actor=officer, recipient="public_security", sent_on=TODAY(), method="hand"
    )
    assert "notice" not in api.get(f"/api/v1/supervision/supervisees/{s.uuid}/").json()["next_steps"]


@pytest.mark.django_db
def test_terminate_needs_grounds_and_closes_out(world):
    s, officer = world.supervisee, world.users["officer"]
    with pytest.raises(ActionError):
        actions.terminate(supervisee=s, actor=officer, ground="", on=TODAY())
    with pytest.raises(ActionError) as exc:
        actions.terminate(supervisee=s, actor=officer, ground="other", on=TODAY())
    assert "note" in exc.value.message_dict
    actions.terminate(supervisee=s, actor=officer, ground="revocation", on=TODAY(), note="法院裁定撤销缓刑")
    s.refresh_from_db()
    assert s.status == S.TERMINATED
    assert not Referral.objects.filter(need__supervisee=s, state__in=Referral.OPEN_STATES).exists()
    assert not CorrectionTeamMember.objects.filter(supervisee=s, is_active=True).exists()
    with pytest.raises(ActionError):
        actions.terminate(supervisee=s, actor=officer, ground="death", on=TODAY())


@pytest.mark.django_db
def test_a_new_sentence_after_release_is_a_new_row_and_a_new_intake(world, intake):
    officer = world.users["officer"]
    first = _registered(world, intake)
    actions.announce(supervisee=intake, actor=officer, held_on=TODAY(), **_announcement())
    with pytest.raises(ActionError):
        _sentence(intake, officer)  # still serving: no second sentence on top
    _end_today(intake)
    actions.release(supervisee=intake, actor=officer, released_on=TODAY(), **_announcement())
    second = _sentence(intake, officer, effective=TODAY())
    intake.refresh_from_db()
    assert intake.status == S.INTAKE and intake.correction_start == second.start
    assert list(Sentence.objects.filter(supervisee=intake).order_by("pk")) == [first, second]
    assert intake.obligations.filter(kind=Obligation.Kind.INTAKE_REPORT, done_at__isnull=True).exists()


@pytest.mark.django_db
def test_status_changes_tell_the_team_without_the_name(world):
    s, officer = world.supervisee, world.users["officer"]
    actions.suspend(supervisee=s, actor=world.users["bureau"], on=TODAY(), note="刑事拘留")
    rows = Notification.objects.filter(kind="supervision_status", channel=Notification.Channel.INBOX)
    recipients = set(rows.values_list("recipient__username", flat=True))
    assert {officer.username, world.users["volunteer"].username} <= recipients
    assert world.users["provider"].username not in recipients
    assert world.users["bureau"].username not in recipients  # the actor is not told what they did
    assert all(s.name not in subject for subject in rows.values_list("subject", flat=True))


@pytest.mark.django_db
def test_the_nightly_sync_leaves_the_archive_clock_alone(world):
    from supervision import tasks

    s, officer = world.supervisee, world.users["officer"]
    _end_today(s)
    actions.release(supervisee=s, actor=officer, released_on=TODAY(), **_announcement())
    tasks.sync_obligations()
    tasks.sync_obligations()
    assert list(s.obligations.filter(done_at__isnull=True).values_list("kind", flat=True)) == ["archive"]


@pytest.mark.django_db
def test_the_nightly_batch_sync_opens_and_closes_the_intake_clocks_like_the_action(world, intake):
    from supervision import tasks
    from supervision.models import LegalDocument

    officer = world.users["officer"]
    # The effective date differs from the record's start: the report is due from the effective date.
    sentence = _sentence(intake, officer, effective=TODAY() - dt.timedelta(days=4), start=TODAY())
    by_action = set(intake.obligations.filter(done_at__isnull=True).values_list("kind", "rule_code", "due_at"))
    assert {kind for kind, _code, _due in by_action} == {"intake_report", "documents", "release", "decision_notice"}
    intake.obligations.all().delete()
    tasks.sync_obligations()
    assert set(intake.obligations.filter(done_at__isnull=True).values_list("kind", "rule_code", "due_at")) == by_action
    # The notice of enforcement arrives outside the action: the nightly run closes the documents clock.
    LegalDocument.objects.create(sentence=sentence, kind="enforcement_notice", received_at=TODAY(), recorded_by=officer)
    tasks.sync_obligations()
    assert not intake.obligations.filter(kind=Obligation.Kind.DOCUMENTS, done_at__isnull=True).exists()
    assert intake.obligations.filter(kind=Obligation.Kind.INTAKE_REPORT, done_at__isnull=True).exists()
    # So does the decision notice recorded outside the action.
    assert intake.obligations.filter(kind=Obligation.Kind.DECISION_NOTICE, done_at__isnull=True).exists()
    Sentence.objects.filter(pk=sentence.pk).update(notice_received_on=TODAY())
    tasks.sync_obligations()
    assert not intake.obligations.filter(kind=Obligation.Kind.DECISION_NOTICE, done_at__isnull=True).exists()
