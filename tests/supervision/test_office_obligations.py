"""Issue 14 remainders: an investigation request is an obligation its judicial office owns, and the deciding
organ's notice of the decision (CCL Art. 20) is an obligation until its arrival is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import scoping
from config.errors import ActionError
from coordination.models import Supervisee
from notifications.models import Notification
from supervision import actions, rulebook, selectors, tasks
from supervision.models import Holiday, Investigation, Obligation, Sentence
from tests.coordination.factories import make_supervisee

TODAY = timezone.localdate
KIND = actions.NOTIFICATION_KIND
SUBJECT = "王某某"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _request(world, *, received_on=None, expedited=False, office=None, actor=None) -> Investigation:
    return actions.record_investigation(
        actor=actor or world.users["officer"],
        judicial_office=office or world.city.office,
        organ_kind="court",
        organ_name="新密市人民法院",
        subject_name=SUBJECT,
        received_on=received_on or TODAY(),
        expedited=expedited,
    )


def _obligation_of(investigation: Investigation) -> Obligation:
    return actions.investigation_obligations([investigation]).get()


def _past_due(obligation: Obligation, days: int) -> None:
    Obligation.objects.filter(pk=obligation.pk).update(due_at=actions.end_of_day(TODAY() - dt.timedelta(days=days)))


@pytest.fixture
def november(world):
    """Mon 2 Nov 2026 to the end of the month with one public holiday, Wed 4 Nov, and nothing else."""
    Holiday.objects.filter(date__gte=dt.date(2026, 11, 1), date__lte=dt.date(2026, 12, 31)).delete()
    Holiday.objects.create(date=dt.date(2026, 11, 4), name="地方假日", kind=Holiday.Kind.HOLIDAY)
    return world


# --- the investigation opinion: an office-owned obligation ---------------------------------------------


@pytest.mark.django_db
def test_a_request_opens_the_offices_obligation_due_on_the_last_working_day(november):
    investigation = _request(november, received_on=dt.date(2026, 11, 2))
    obligation = _obligation_of(investigation)
    assert obligation.supervisee is None and obligation.judicial_office == november.city.office
    assert obligation.kind == Obligation.Kind.INVESTIGATION and obligation.rule_code == "investigation"
    # 10 working days skipping the holiday on the 4th: met until the end of the 17th, overdue on the 18th.
    assert timezone.localdate(obligation.due_at) == dt.date(2026, 11, 17)
    noon = lambda day: timezone.make_aware(dt.datetime.combine(day, dt.time(12)))  # noqa: E731
    assert actions.level_reached(obligation, noon(dt.date(2026, 11, 17))) == Obligation.Level.NONE
    assert actions.level_reached(obligation, noon(dt.date(2026, 11, 18))) == Obligation.Level.OFFICER


@pytest.mark.django_db
def test_sending_the_opinion_closes_the_obligation_with_who_and_when(world):
    investigation = _request(world)
    officer = world.users["officer"]
    actions.record_opinion(
        investigation=investigation,
        actor=officer,
        opinion="suitable",
        opinion_note="家庭稳定",
        opinion_sent_on=TODAY(),
    )
    obligation = _obligation_of(investigation)
    assert obligation.done_at is not None and obligation.done_by == officer
    # The nightly run does not open it again.
    tasks.sync_obligations()
    assert not actions.investigation_obligations([investigation]).filter(done_at__isnull=True).exists()


@pytest.mark.django_db
def test_correcting_a_request_moves_its_due_date_and_restarts_the_escalation(november):
    world = november
    investigation = _request(world, received_on=dt.date(2026, 11, 2))
    obligation = _obligation_of(investigation)
    Obligation.objects.filter(pk=obligation.pk).update(escalation_level=Obligation.Level.OFFICER)
    actions.correct_investigation(
        investigation=investigation, actor=world.users["officer"], received_on=dt.date(2026, 11, 2), expedited=True
    )
    obligation.refresh_from_db()
    assert timezone.localdate(obligation.due_at) == dt.date(2026, 11, 10)
    assert obligation.rule_code == "investigation_expedited"
    if obligation.due_at >= timezone.now():
        assert obligation.escalation_level == Obligation.Level.NONE
    # A due date changed elsewhere (the admin, a script) is caught up by the nightly run.
    Investigation.objects.filter(pk=investigation.pk).update(due_on=dt.date(2026, 11, 20))
    tasks.sync_obligations()
    obligation.refresh_from_db()
    assert timezone.localdate(obligation.due_at) == dt.date(2026, 11, 20)
    assert Obligation.objects.filter(kind=Obligation.Kind.INVESTIGATION).count() == 1


@pytest.mark.django_db
def test_a_request_changes_on_the_page_and_the_api_with_the_same_refusal(world):
    investigation = _request(world)
    officer = _client(world.users["officer"])
    future = (TODAY() + dt.timedelta(days=3)).isoformat()
    page = officer.post(f"/casework/supervision/investigations/{investigation.pk}/correct/", {"received_on": future})
    api = officer.post(
        f"/api/v1/supervision/investigations/{investigation.pk}/correct/",
        {"received_on": future},
        content_type="application/json",
    )
    assert page.status_code == 400 and api.status_code == 400
    message = api.json()["errors"]["received_on"][0]
    assert message in page.content.decode()
    earlier = TODAY() - dt.timedelta(days=20)
    api = officer.post(
        f"/api/v1/supervision/investigations/{investigation.pk}/correct/",
        {"received_on": earlier.isoformat(), "expedited": True},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["overdue"] is True
    obligation = _obligation_of(investigation)
    assert timezone.localdate(obligation.due_at) == rulebook.due(rulebook.INVESTIGATION_EXPEDITED, earlier)
    other = _client(world.users["other_officer"])
    assert other.get(f"/casework/supervision/investigations/{investigation.pk}/correct/").status_code == 404


ROLES_SEEING = {
    "bureau": True,
    "officer": True,
    "social_worker": True,
    "other_officer": False,
    "provider": False,
    "volunteer": False,
    "editor": False,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "sees"), ROLES_SEEING.items())
def test_an_office_owned_row_is_seen_by_that_office_and_the_bureau_only(world, role, sees):
    obligation = _obligation_of(_request(world))
    user = world.users[role]
    assert scoping.scope(user, Obligation).filter(pk=obligation.pk).exists() is sees
    client = _client(user)
    listed = client.get("/api/v1/supervision/obligations/")
    detail = client.get(f"/api/v1/supervision/obligations/{obligation.pk}/")
    if role in ("bureau", "officer", "social_worker", "other_officer"):
        ids = [row["id"] for row in listed.json()["results"]]
        assert (obligation.pk in ids) is sees
        assert detail.status_code == (200 if sees else 404)
    else:
        assert listed.status_code == 403 and detail.status_code == 403
    if sees:
        row = detail.json()
        assert row["supervisee"] is None and row["judicial_office"] == world.city.office.pk
        assert row["investigation"] == obligation.source_id and row["kind"] == "investigation"


@pytest.mark.django_db
def test_the_office_filter_of_the_api_takes_the_offices_own_rows(world):
    obligation = _obligation_of(_request(world))
    bureau = _client(world.users["bureau"])
    mine = bureau.get(f"/api/v1/supervision/obligations/?office={world.city.office.pk}").json()["results"]
    theirs = bureau.get(f"/api/v1/supervision/obligations/?office={world.city.other_office.pk}").json()["results"]
    assert obligation.pk in [row["id"] for row in mine]
    assert obligation.pk not in [row["id"] for row in theirs]


@pytest.mark.django_db
def test_an_overdue_request_escalates_to_its_offices_officers_then_the_bureau(
    world, django_capture_on_commit_callbacks
):
    obligation = _obligation_of(_request(world))
    _past_due(obligation, 6)  # past the office (2 days) and the bureau (5 days) delays
    # A second officer of the same office hears it; the other office's officer never does.
    from accounts.roles import Role
    from tests import factories

    colleague = factories.user_with_role(Role.OFFICE_OFFICER, world.city.office, username="colleague")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_obligations() == 3
        assert tasks.escalate_obligations() == 0
    obligation.refresh_from_db()
    assert obligation.escalation_level == Obligation.Level.BUREAU

    def inbox(user):
        return list(
            Notification.objects.filter(recipient=user, kind=KIND, channel=Notification.Channel.INBOX).values_list(
                "subject", "body"
            )
        )

    # Officer level and office level: every officer of the office (there is no correction team).
    assert len(inbox(world.users["officer"])) == 2 and len(inbox(colleague)) == 2
    assert len(inbox(world.users["bureau"])) == 1
    assert inbox(world.users["other_officer"]) == [] and inbox(world.users["social_worker"]) == []
    subject, body = inbox(world.users["bureau"])[0]
    assert SUBJECT not in subject and str(obligation.source_id) in subject
    assert "opinion" in body or "意见" in body
    link = Notification.objects.filter(recipient=world.users["bureau"], kind=KIND).values_list("url", flat=True)[0]
    assert link.endswith(f"/supervision/investigations/{obligation.source_id}/opinion/")


@pytest.mark.django_db
def test_todo_shows_the_request_and_links_to_it_for_the_office_only(world):
    investigation = _request(world)
    _past_due(_obligation_of(investigation), 1)
    officer = world.users["officer"]
    overdue = selectors.todo(officer)["overdue"]
    owners = [owner for owner, _rows in overdue]
    assert investigation in owners
    page = _client(officer).get("/en/casework/supervision/today/").content.decode()
    assert f"/casework/supervision/investigations/{investigation.pk}/opinion/" in page and SUBJECT in page
    other = _client(world.users["other_officer"]).get("/en/casework/supervision/today/").content.decode()
    assert SUBJECT not in other
    assert all(
        investigation not in [o for o, _ in rows] for rows in selectors.todo(world.users["other_officer"]).values()
    )
    # The bureau's count per office includes it; the other office's does not.
    counts = {row["office"].pk: row for row in selectors.office_counts(world.users["bureau"])}
    assert counts[world.city.office.pk]["overdue"] == 1
    assert counts[world.city.other_office.pk]["overdue"] == 0
    assert investigation in [o for o, _ in selectors.todo(world.users["bureau"], office=world.city.office)["overdue"]]


@pytest.mark.django_db
def test_mark_done_refuses_the_kinds_closed_by_their_own_record_on_the_page_and_the_api(world):
    obligation = _obligation_of(_request(world))
    officer = _client(world.users["officer"])
    api = officer.post(f"/api/v1/supervision/obligations/{obligation.pk}/complete/")
    assert api.status_code == 409
    page = officer.post(f"/casework/supervision/obligations/{obligation.pk}/done/", follow=True)
    assert api.json()["detail"] in page.content.decode()
    obligation.refresh_from_db()
    assert obligation.done_at is None


@pytest.mark.django_db
def test_the_calendar_lists_the_offices_requests_without_the_name(world):
    investigation = _request(world)
    token = actions.feed_for(user=world.users["officer"]).token
    body = Client().get(f"/casework/supervision/calendar/{token}.ics").content.decode()
    assert f"obligation-{_obligation_of(investigation).pk}@" in body and SUBJECT not in body
    other = actions.feed_for(user=world.users["other_officer"]).token
    body = Client().get(f"/casework/supervision/calendar/{other}.ics").content.decode()
    assert f"obligation-{_obligation_of(investigation).pk}@" not in body


@pytest.mark.django_db
def test_todo_asks_the_same_number_of_queries_for_1_or_5_requests_and_people(world):
    officer = world.users["officer"]

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            buckets = selectors.todo(officer)
            for rows in buckets.values():
                for _owner, found in rows:
                    for row in found:
                        row.get_kind_display()
        return len(ctx.captured_queries)

    def add(n):
        for _ in range(n):
            _past_due(_obligation_of(_request(world)), 1)
            person = make_supervisee(office=world.city.office, actor=world.users["bureau"])
            actions.sync_obligations(supervisee=person)
            Obligation.objects.filter(supervisee=person).update(due_at=timezone.now() - dt.timedelta(days=2))

    add(1)
    few = cost()
    add(4)
    assert cost() == few
    assert selectors.todo(officer)["overdue"].total >= 10


@pytest.mark.django_db
def test_the_data_migration_opens_the_obligations_of_open_requests_and_missing_notices(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("supervision.migrations.0014_office_and_decision_notice_obligations")
    waiting = _request(world)
    answered = _request(world)
    actions.record_opinion(
        investigation=answered,
        actor=world.users["officer"],
        opinion="suitable",
        opinion_note="理由",
        opinion_sent_on=TODAY(),
    )
    person = make_supervisee(office=world.city.office, actor=world.users["bureau"], status=Supervisee.Status.INTAKE)
    effective = TODAY() - dt.timedelta(days=30)
    Sentence.objects.create(
        supervisee=person,
        organ_kind="court",
        organ_name="某法院",
        effective_date=effective,
        sentence_type="probation",
        start=effective,
        end=effective + dt.timedelta(days=365),
        derived=True,
    )
    Obligation.objects.all().delete()
    migration.create(apps, None)
    rows = Obligation.objects.filter(done_at__isnull=True)
    assert set(rows.filter(kind="investigation").values_list("source_id", flat=True)) == {waiting.pk}
    notice = rows.get(kind="decision_notice")
    assert notice.supervisee == person
    assert timezone.localdate(notice.due_at) == effective + dt.timedelta(days=5)
    migration.create(apps, None)  # run twice: nothing more
    assert Obligation.objects.count() == 2


# --- the deciding organ's notice (CCL Art. 20) ---------------------------------------------------------


@pytest.fixture
def intake(world):
    return make_supervisee(office=world.city.office, actor=world.users["bureau"], status=Supervisee.Status.INTAKE)


def _sentence(s, actor, *, effective, **extra) -> Sentence:
    fields = {
        "organ_kind": "court",
        "organ_name": "某市某区人民法院",
        "case_number": "（2026）某0102刑初123号",
        "effective_date": effective,
        "sentence_type": "probation",
        "term_months": 12,
        "start": effective,
        "end": effective + dt.timedelta(days=365),
    }
    fields.update(extra)
    return actions.record_sentence(supervisee=s, actor=actor, **fields)


def _notice(s) -> Obligation:
    return s.obligations.get(kind=Obligation.Kind.DECISION_NOTICE)


@pytest.mark.django_db
def test_the_notice_is_owed_five_days_from_the_effective_date_due_on_day_5_overdue_on_day_6(world, intake):
    effective = TODAY() - dt.timedelta(days=3)
    _sentence(intake, world.users["officer"], effective=effective)
    obligation = _notice(intake)
    assert obligation.rule_code == "decision_notice" and obligation.done_at is None
    assert timezone.localdate(obligation.due_at) == effective + dt.timedelta(days=5)
    officer = world.users["officer"]

    def bucket_on(day: dt.date) -> str | None:
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        buckets = selectors.todo(officer, now=at)
        return next((name for name, rows in buckets.items() for _o, found in rows if obligation in found), None)

    assert bucket_on(effective + dt.timedelta(days=5)) == "today"
    assert bucket_on(effective + dt.timedelta(days=6)) == "overdue"


@pytest.mark.django_db
def test_a_sentence_recorded_with_the_notice_owes_nothing_and_a_late_notice_is_marked(world, intake):
    officer = world.users["officer"]
    effective = TODAY() - dt.timedelta(days=9)
    sentence = _sentence(intake, officer, effective=effective, notice_received_on=effective + dt.timedelta(days=5))
    assert not intake.obligations.filter(kind=Obligation.Kind.DECISION_NOTICE).exists()
    assert sentence.notice_late is False
    other = make_supervisee(office=world.city.office, actor=world.users["bureau"], status=Supervisee.Status.INTAKE)
    late = _sentence(other, officer, effective=effective, notice_received_on=effective + dt.timedelta(days=6))
    assert late.notice_late is True


@pytest.mark.django_db
def test_recording_the_arrival_closes_the_clock_and_keeps_the_late_date(world, intake):
    officer = world.users["officer"]
    effective = TODAY() - dt.timedelta(days=10)
    sentence = _sentence(intake, officer, effective=effective)
    actions.record_decision_notice(
        sentence=sentence, actor=officer, notice_received_on=effective + dt.timedelta(days=8)
    )
    sentence.refresh_from_db()
    assert sentence.notice_received_on == effective + dt.timedelta(days=8) and sentence.notice_late is True
    obligation = _notice(intake)
    assert obligation.done_at is not None and obligation.done_by == officer
    with pytest.raises(ActionError) as exc:
        actions.record_decision_notice(sentence=sentence, actor=officer, notice_received_on=TODAY())
    assert exc.value.code == "conflict"
    # Late notices can be reported from the sentence rows.
    assert list(Sentence.objects.filter(notice_late=True)) == [sentence]


@pytest.mark.django_db
def test_the_arrival_is_recorded_on_the_page_and_the_api_with_the_same_refusals(world, intake):
    officer = world.users["officer"]
    effective = TODAY() - dt.timedelta(days=7)
    _sentence(intake, officer, effective=effective)
    client = _client(officer)
    page_url = f"/casework/supervision/supervisees/{intake.uuid}/notified/"
    api_url = f"/api/v1/supervision/supervisees/{intake.uuid}/notified/"
    assert "notified" in client.get(f"/api/v1/supervision/supervisees/{intake.uuid}/").json()["next_steps"]
    too_early = (effective - dt.timedelta(days=1)).isoformat()
    page = client.post(page_url, {"notice_received_on": too_early})
    api = client.post(api_url, {"notice_received_on": too_early}, content_type="application/json")
    assert page.status_code == 400 and api.status_code == 400
    message = api.json()["errors"]["notice_received_on"][0]
    assert message in page.content.decode()
    assert client.post(api_url, {"notice_received_on": "yesterday"}, content_type="application/json").status_code == 400
    assert client.post(page_url, {"notice_received_on": effective.isoformat()}).status_code == 302
    assert _notice(intake).done_at is not None
    again = client.post(api_url, {"notice_received_on": effective.isoformat()}, content_type="application/json")
    assert again.status_code == 409
    page = client.post(page_url, {"notice_received_on": effective.isoformat()})
    assert page.status_code == 400 and again.json()["detail"] in page.content.decode()
    record = client.get(f"/api/v1/supervision/supervisees/{intake.uuid}/").json()
    assert record["sentences"][0]["notice_received_on"] == effective.isoformat()
    assert record["sentences"][0]["notice_late"] is False
    assert "notified" not in record["next_steps"]
    # Another office's officer and a social worker cannot record it.
    assert (
        _client(world.users["other_officer"]).post(api_url, {"notice_received_on": effective.isoformat()}).status_code
        == 404
    )
    assert (
        _client(world.users["social_worker"]).post(page_url, {"notice_received_on": effective.isoformat()}).status_code
        == 403
    )


@pytest.mark.django_db
def test_an_overdue_notice_shows_as_chase_the_deciding_organ_and_escalates(
    world, intake, django_capture_on_commit_callbacks
):
    officer = world.users["officer"]
    _sentence(intake, officer, effective=TODAY() - dt.timedelta(days=8))
    page = _client(officer).get("/en/casework/supervision/today/").content.decode()
    assert "Chase the deciding organ" in page and f"/supervisees/{intake.uuid}/notified/" in page
    with django_capture_on_commit_callbacks(execute=True):
        tasks.escalate_obligations()
    obligation = _notice(intake)
    assert obligation.escalation_level == Obligation.Level.OFFICE
    bodies = Notification.objects.filter(kind=KIND, channel=Notification.Channel.INBOX, recipient=officer)
    assert any("deciding organ" in body or "决定机关" in body for body in bodies.values_list("body", flat=True))
    # The officer's calendar has it too.
    token = actions.feed_for(user=officer).token
    body = Client().get(f"/casework/supervision/calendar/{token}.ics").content.decode()
    assert f"obligation-{obligation.pk}@" in body
    # Mark done is refused: the arrival date is what closes it.
    with pytest.raises(ActionError):
        actions.complete_obligation(obligation=obligation, actor=officer)


@pytest.mark.django_db
def test_the_deciding_organs_late_notice_never_counts_against_the_person(world):
    from supervision import classification

    supervisee = world.supervisee
    Supervisee.objects.filter(pk=supervisee.pk).update(risk_level="low")
    supervisee.refresh_from_db()
    long_ago = timezone.now() - dt.timedelta(days=30)
    Obligation.objects.create(supervisee=supervisee, kind="release", rule_code="release_reminder", due_at=long_ago)
    Obligation.objects.create(
        supervisee=supervisee, kind="decision_notice", rule_code="decision_notice", due_at=long_ago
    )
    Obligation.objects.create(supervisee=supervisee, kind="documents", rule_code="document_delivery", due_at=long_ago)
    assert classification.suggest(supervisee).level != "strict"
    Obligation.objects.create(
        supervisee=supervisee, kind="plan_review", rule_code="plan_review_interval", due_at=long_ago
    )
    assert classification.suggest(supervisee).level == "strict"  # two of the person's own clocks overdue
