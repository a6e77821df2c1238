"""Lost-contact episodes (脱管, issue 15 item 3): a missed check-in opens exactly one, the search is recorded,
and the grounds follow the episode's length."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import ActionError
from supervision import rulebook
from supervision.actions import end_of_day
from supervision.models import Obligation, SanctionGround
from supervision.reporting import actions, selectors
from supervision.reporting.models import LostContactEpisode

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(world):
    return world.users["officer"]


@pytest.fixture
def person(world):
    return world.supervisee


def overdue_report(person, days: int) -> Obligation:
    due = timezone.localdate() - dt.timedelta(days=days)
    return Obligation.objects.create(
        supervisee=person, kind="report", rule_code="report_interval_ordinary", due_at=end_of_day(due)
    )


def grounds(person) -> set[str]:
    return set(SanctionGround.objects.filter(supervisee=person).values_list("code", flat=True))


def test_a_missed_check_in_opens_exactly_one_episode_however_often_the_task_runs(world, person):
    grace = rulebook.value(rulebook.MISSED_REPORT_GRACE)
    overdue_report(person, grace + 1)
    first = actions.run_daily()
    second = actions.run_daily()
    assert (first["episodes"], second["episodes"]) == (1, 0)
    episode = LostContactEpisode.objects.get(supervisee=person)
    assert episode.trigger == "missed_report" and episode.opened_by is None
    assert Obligation.objects.filter(supervisee=person, kind="lost_contact", done_at=None).count() == 1


def test_within_the_grace_period_no_episode_opens(world, person):
    overdue_report(person, rulebook.value(rulebook.MISSED_REPORT_GRACE))
    assert actions.run_daily()["episodes"] == 0


def test_a_pending_check_in_holds_off_the_alarm(world, person, officer):
    from django.contrib.auth import get_user_model

    from coordination.models import Supervisee

    login = get_user_model().objects.create_user(username="own", password="x-Pass-12345")
    Supervisee.objects.filter(pk=person.pk).update(account=login)
    overdue_report(person, 5)
    actions.check_in(supervisee=person, actor=login, method="phone")
    assert actions.run_daily()["episodes"] == 0


def test_the_database_keeps_one_open_episode_per_person(world, person, officer):
    actions.report_lost_contact(supervisee=person, actor=officer)
    with pytest.raises(ActionError) as refused:
        actions.report_lost_contact(supervisee=person, actor=officer)
    assert refused.value.code == "conflict"
    with pytest.raises(IntegrityError), transaction.atomic():
        LostContactEpisode.objects.create(
            supervisee=person, trigger="officer", lost_since=timezone.localdate(), opened_at=timezone.now()
        )


@pytest.mark.parametrize(
    ("days", "expected"),
    [(10, {"lost_contact"}), (11, {"lost_contact_long"})],
)
def test_grounds_at_ten_and_eleven_days_on_close(world, person, officer, days, expected):
    today = timezone.localdate()
    episode = actions.report_lost_contact(supervisee=person, actor=officer, lost_since=today - dt.timedelta(days=days))
    actions.close_episode(episode=episode, actor=officer, found_at=timezone.now(), outcome="found")
    assert grounds(person) == expected


def test_grounds_as_an_open_episode_crosses_the_thresholds(world, person, officer):
    today = timezone.localdate()
    since = today - dt.timedelta(days=10)
    episode = actions.report_lost_contact(supervisee=person, actor=officer, lost_since=since)
    actions.run_daily()
    assert grounds(person) == set()
    tomorrow = timezone.now() + dt.timedelta(days=1)
    actions.run_daily(now=tomorrow)
    actions.run_daily(now=tomorrow)
    assert grounds(person) == {"lost_contact_long"}
    month_end = rulebook.due(rulebook.LOST_CONTACT_MONTH, since)
    at_month = timezone.make_aware(dt.datetime.combine(month_end, dt.time(12)))
    actions.record_episode_grounds(now=at_month)
    assert grounds(person) == {"lost_contact_long"}
    actions.record_episode_grounds(now=at_month + dt.timedelta(days=1))
    assert grounds(person) == {"lost_contact_long", "lost_contact_month"}
    # Closing later adds nothing the episode already gave.
    actions.close_episode(
        episode=episode,
        actor=officer,
        found_at=at_month + dt.timedelta(days=1),
        outcome="detained",
        now=at_month + dt.timedelta(days=1),
    )
    assert SanctionGround.objects.filter(supervisee=person).count() == 2


def test_from_alert_to_found(world, person, officer):
    overdue_report(person, 3)
    actions.run_daily()
    episode = selectors.open_episodes(officer)[0]
    actions.add_search_step(episode=episode, actor=officer, kind="phone", result="电话关机")
    actions.add_search_step(episode=episode, actor=officer, kind="family", result="家属称外出打工")
    actions.record_notice(episode=episode, actor=officer, recipient="public_security", sent_on=timezone.localdate())
    actions.record_notice(episode=episode, actor=officer, recipient="procuratorate", sent_on=timezone.localdate())
    with pytest.raises(ActionError) as refused:
        actions.close_episode(episode=episode, actor=officer, found_at=timezone.now(), outcome="")
    assert "outcome" in refused.value.error_dict
    actions.close_episode(episode=episode, actor=officer, found_at=timezone.now(), outcome="returned")
    episode.refresh_from_db()
    assert (
        episode.closed_at
        and episode.police_notified_on
        and [s.kind for s in episode.steps.all()] == ["phone", "family"]
    )
    assert selectors.open_episodes(officer) == []
    assert not Obligation.objects.filter(supervisee=person, kind="lost_contact", done_at=None).exists()
    # Found is contact: the reporting clock starts again and the task does not reopen the episode.
    assert Obligation.objects.get(supervisee=person, kind="report", done_at=None).due_at > timezone.now()
    assert actions.run_daily()["episodes"] == 0
    with pytest.raises(ActionError):
        actions.add_search_step(episode=episode, actor=officer, kind="phone", result="x")


@pytest.mark.parametrize("who", ["social_worker", "other_officer", "provider", "volunteer"])
def test_only_the_office_and_bureau_handle_episodes(world, person, officer, who):
    with pytest.raises(ActionError):
        actions.report_lost_contact(supervisee=person, actor=world.users[who])
    episode = actions.report_lost_contact(supervisee=person, actor=officer)
    with pytest.raises(ActionError):
        actions.add_search_step(episode=episode, actor=world.users[who], kind="phone", result="x")
    assert (episode in selectors.episodes(world.users[who])) is (who == "social_worker")


def test_the_daily_task_owes_reports_and_visits_once_and_skips_people_who_owe_them(
    world, django_assert_max_num_queries
):
    first = actions.run_daily()
    assert first["obligations"] >= 2  # at least the report and the visit of the world's supervisee
    with django_assert_max_num_queries(8):
        again = actions.run_daily()
    assert again == {"obligations": 0, "episodes": 0, "grounds": 0}
