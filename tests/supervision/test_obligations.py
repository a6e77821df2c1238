"""Obligations follow the supervisee's state; each overdue alert is raised exactly once per level."""

import datetime as dt

import pytest
from django.utils import timezone

from coordination.models import Supervisee
from notifications.models import Notification
from supervision import actions, selectors, tasks
from supervision.models import Obligation

KIND = actions.NOTIFICATION_KIND


def _inbox(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind=KIND, channel=Notification.Channel.INBOX).values_list(
            "body", flat=True
        )
    )


@pytest.mark.django_db
def test_intake_owes_the_report_and_the_release_once(world):
    s = world.supervisee
    today = timezone.localdate()
    Supervisee.objects.filter(pk=s.pk).update(
        status=Supervisee.Status.INTAKE, correction_start=today, correction_end=today + dt.timedelta(days=400)
    )
    s.refresh_from_db()
    assert actions.sync_obligations(supervisee=s) == 2
    assert actions.sync_obligations(supervisee=s) == 0
    report = s.obligations.get(kind=Obligation.Kind.INTAKE_REPORT)
    assert timezone.localdate(report.due_at) == today + dt.timedelta(days=10)
    release = s.obligations.get(kind=Obligation.Kind.RELEASE)
    assert timezone.localdate(release.remind_from) == today + dt.timedelta(days=370)


@pytest.mark.django_db
def test_release_stops_every_reminder(world):
    s = world.supervisee
    actions.sync_obligations(supervisee=s)
    assert s.obligations.filter(done_at__isnull=True).exists()
    Supervisee.objects.filter(pk=s.pk).update(status=Supervisee.Status.RELEASED)
    s.refresh_from_db()
    actions.sync_obligations(supervisee=s)
    assert not s.obligations.filter(done_at__isnull=True).exists()


def _overdue(world, days: int) -> Obligation:
    s = world.supervisee
    actions.sync_obligations(supervisee=s)
    obligation = s.obligations.get(kind=Obligation.Kind.RELEASE)
    Obligation.objects.filter(pk=obligation.pk).update(
        due_at=actions.end_of_day(timezone.localdate() - dt.timedelta(days=days))
    )
    return obligation


@pytest.mark.django_db
def test_nothing_is_raised_before_the_deadline_passes(world):
    s = world.supervisee
    actions.sync_obligations(supervisee=s)
    Obligation.objects.filter(supervisee=s).update(due_at=actions.end_of_day(timezone.localdate()))
    assert tasks.escalate_obligations() == 0
    assert not Notification.objects.filter(kind=KIND).exists()


@pytest.mark.django_db
def test_every_level_is_raised_exactly_once_when_the_task_runs_twice(world, django_capture_on_commit_callbacks):
    obligation = _overdue(world, days=6)  # past the office (2 days) and the bureau (5 days) delays
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_obligations() == 3
        assert tasks.escalate_obligations() == 0
    obligation.refresh_from_db()
    assert obligation.escalation_level == Obligation.Level.BUREAU
    officer, bureau, other = world.users["officer"], world.users["bureau"], world.users["other_officer"]
    # The officer is on the team (level 1) and an officer of the office (level 2); the bureau hears once.
    assert len(_inbox(officer)) == 2
    assert len(_inbox(bureau)) == 1
    assert _inbox(other) == []
    # SMS only from the office level on.
    assert Notification.objects.filter(kind=KIND, channel=Notification.Channel.SMS, recipient=officer).count() == 1
    # The supervisee's name never travels in an alert; the case-number tail says which case it is.
    assert not Notification.objects.filter(kind=KIND, subject__contains=world.supervisee.name).exists()
    tail = world.supervisee.case_number[-4:]
    assert not Notification.objects.filter(kind=KIND).exclude(subject__contains=tail).exists()


@pytest.mark.django_db
def test_levels_follow_the_delays_day_by_day(world):
    obligation = _overdue(world, days=1)
    assert tasks.escalate_obligations() == 1
    obligation.refresh_from_db()
    assert obligation.escalation_level == Obligation.Level.OFFICER
    assert tasks.escalate_obligations() == 0
    Obligation.objects.filter(pk=obligation.pk).update(
        due_at=actions.end_of_day(timezone.localdate() - dt.timedelta(days=3))
    )
    assert tasks.escalate_obligations() == 1
    obligation.refresh_from_db()
    assert obligation.escalation_level == Obligation.Level.OFFICE
    assert len(_inbox(world.users["bureau"])) == 0


@pytest.mark.django_db
def test_a_done_obligation_is_never_escalated(world):
    obligation = _overdue(world, days=6)
    actions.complete_obligation(obligation=obligation, actor=world.users["officer"])
    assert tasks.escalate_obligations() == 0
    obligation.refresh_from_db()
    assert obligation.done_by == world.users["officer"]


@pytest.mark.django_db
def test_todo_buckets_and_the_clean_up_list(world):
    s = world.supervisee
    today = timezone.localdate()
    Supervisee.objects.filter(pk=s.pk).update(
        status=Supervisee.Status.UNDER_CORRECTION,
        correction_start=today - dt.timedelta(days=400),
        correction_end=today - dt.timedelta(days=3),
    )
    s.refresh_from_db()
    actions.sync_obligations(supervisee=s)
    officer = world.users["officer"]
    buckets = selectors.todo(officer)
    assert [sup.pk for sup, _rows in buckets["overdue"]] == [s.pk]
    assert selectors.cleanup_list(officer)["ended"].filter(pk=s.pk).exists()
    # The other office's officer sees none of it.
    other = world.users["other_officer"]
    assert all(sup.pk != s.pk for rows in selectors.todo(other).values() for sup, _ in rows)


@pytest.mark.django_db
def test_the_nightly_sync_picks_up_new_and_released_records(world):
    assert tasks.sync_obligations() >= 2  # both supervisees of the world owe their release
    assert tasks.sync_obligations() == 0
    Supervisee.objects.filter(pk=world.supervisee.pk).update(status=Supervisee.Status.TERMINATED)
    tasks.sync_obligations()
    assert not world.supervisee.obligations.filter(done_at__isnull=True).exists()
    assert world.other_supervisee.obligations.filter(done_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_data_migration_creates_the_same_obligations_as_the_action(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("supervision.migrations.0003_obligations_for_existing_supervisees")
    today = timezone.localdate()
    Supervisee.objects.filter(pk=world.supervisee.pk).update(
        status=Supervisee.Status.INTAKE, correction_start=today - dt.timedelta(days=40)
    )
    migration.create(apps, None)
    rows = {
        (o.supervisee_id, o.kind, timezone.localdate(o.due_at))
        for o in Obligation.objects.filter(supervisee=world.supervisee)
    }
    Obligation.objects.all().delete()
    world.supervisee.refresh_from_db()
    actions.sync_obligations(supervisee=world.supervisee)
    expected = {
        (o.supervisee_id, o.kind, timezone.localdate(o.due_at))
        for o in Obligation.objects.filter(supervisee=world.supervisee)
    }
    assert rows == expected
    assert {kind for _s, kind, _d in rows} == {Obligation.Kind.INTAKE_REPORT, Obligation.Kind.RELEASE}


def _people(world, n):
    from tests.coordination.factories import make_supervisee

    return [make_supervisee(office=world.city.office, actor=world.users["bureau"]) for _ in range(n)]


@pytest.mark.django_db
def test_the_tasks_ask_the_same_number_of_queries_for_2_or_8_people(world):
    """A batch costs a constant number of queries, whatever it holds (the benches rely on it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(task) -> int:
        with CaptureQueriesContext(connection) as ctx:
            task()
        return len(ctx.captured_queries)

    Supervisee.objects.exclude(pk=world.supervisee.pk).delete()
    gone, *few = _people(world, 2)
    Supervisee.objects.filter(pk=gone.pk).update(status=Supervisee.Status.RELEASED)
    Obligation.objects.create(supervisee=gone, kind="release", rule_code="release_reminder", due_at=timezone.now())
    sync_few = cost(tasks.sync_obligations)
    past = timezone.now() - dt.timedelta(days=30)
    Obligation.objects.filter(kind=Obligation.Kind.RELEASE).update(due_at=past)
    escalate_few = cost(tasks.escalate_obligations)
    assert Obligation.objects.filter(escalation_level=Obligation.Level.BUREAU).count() == 1 + len(few)

    _people(world, 6)
    Supervisee.objects.filter(pk__in=[s.pk for s in few]).update(status=Supervisee.Status.RELEASED)
    assert cost(tasks.sync_obligations) == sync_few
    Obligation.objects.filter(kind=Obligation.Kind.RELEASE, done_at__isnull=True).update(
        due_at=past, escalation_level=0
    )
    assert cost(tasks.escalate_obligations) == escalate_few
    assert Obligation.objects.filter(escalation_level=Obligation.Level.BUREAU, done_at__isnull=True).count() == 7


@pytest.mark.django_db
def test_todo_lists_are_paged_by_person(world, client):
    past = timezone.now() - dt.timedelta(days=3)
    people = _people(world, 3)
    for person in people:
        actions.sync_obligations(supervisee=person)
    Obligation.objects.filter(supervisee__in=people, kind=Obligation.Kind.RELEASE).update(due_at=past)
    officer = world.users["officer"]
    first = selectors.todo(officer, per_page=2)["overdue"]
    assert (first.total, first.pages, len(first), first.has_next) == (3, 2, 2, True)
    second = selectors.todo(officer, per_page=2, pages={"overdue": 2})["overdue"]
    assert len(second) == 1 and not second.has_next
    assert {s.pk for s, _ in first} | {s.pk for s, _ in second} == {p.pk for p in people}
    client.force_login(officer)
    for query in ("?overdue=2", "?overdue=abc", "?overdue=99999999"):
        assert client.get("/casework/supervision/today/" + query).status_code == 200


@pytest.mark.django_db
def test_todo_logs_each_person_shown_once_per_view_whatever_their_rows(world, client):
    """The access log says who read whom: one row per person 今日待办 shows, not one per deadline of theirs."""
    from coordination.models import AccessLog

    people = _people(world, 2)
    past = timezone.now() - dt.timedelta(days=3)
    Obligation.objects.filter(supervisee__in=people).delete()
    for person in people:
        for kind in (Obligation.Kind.RELEASE, Obligation.Kind.REPORT, Obligation.Kind.VISIT):
            Obligation.objects.create(supervisee=person, kind=kind, rule_code="release_reminder", due_at=past)
    officer = world.users["officer"]
    client.force_login(officer)
    uuids = {p.pk: str(p.uuid) for p in Supervisee.objects.all()}
    for _view in (1, 2):
        before = AccessLog.objects.count()
        page = client.get("/casework/supervision/today/").content.decode()
        assert all(str(p.uuid) in page for p in people)
        logged = [
            (row.supervisee_id, row.object_type, row.object_id, row.user_id)
            for row in AccessLog.objects.order_by("pk")[before:]
            if row.supervisee_id is not None
        ]
        per_person = [row[0] for row in logged]
        assert len(per_person) == len(set(per_person))  # once each, though each has three deadlines shown
        assert {p.pk for p in people} <= set(per_person)
        assert all(row == (row[0], "supervisee", uuids[row[0]], officer.pk) for row in logged)


@pytest.mark.django_db
def test_a_todo_line_links_to_the_case_and_the_step_and_escapes_what_people_typed(world, client):
    """Each line of 今日待办 is built in Python (supervision.todo): what the officer reads and clicks must be what
    the template used to show, with the person's own text escaped."""
    s = world.supervisee
    today = timezone.localdate()
    Supervisee.objects.filter(pk=s.pk).update(
        name="<b>王五</b>",
        status=Supervisee.Status.UNDER_CORRECTION,
        correction_start=today - dt.timedelta(days=400),
        correction_end=today - dt.timedelta(days=3),
    )
    s.refresh_from_db()
    actions.sync_obligations(supervisee=s)
    release = s.obligations.get(kind=Obligation.Kind.RELEASE, done_at__isnull=True)
    Obligation.objects.filter(pk=release.pk).update(escalation_level=Obligation.Level.OFFICE)
    client.force_login(world.users["officer"])
    page = client.get("/en/casework/supervision/today/").content.decode()
    assert "&lt;b&gt;王五&lt;/b&gt;" in page and "<b>王五</b>" not in page
    assert f'href="/en/casework/supervisees/{s.uuid}/"' in page
    assert f'href="/en/casework/supervision/supervisees/{s.uuid}/release/">Record the release</a>' in page
    assert f'formaction="/en/casework/supervision/obligations/{release.pk}/done/">Mark done</button>' in page
    assert "escalated to whole judicial office" in page
    assert f'datetime="{timezone.localtime(release.due_at).isoformat()}"' in page
    assert "· under correction</span>" in page
