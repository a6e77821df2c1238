"""Pre-sentence investigations: the working-day clock across a holiday, the expedited clock, the opinion."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from config.errors import ActionError
from supervision import actions
from supervision.models import Holiday, Investigation


def _request(world, *, received_on, expedited=False, actor=None):
    return actions.record_investigation(
        actor=actor or world.users["officer"],
        judicial_office=world.city.office,
        organ_kind="court",
        organ_name="新密市人民法院",
        subject_name="王某",
        received_on=received_on,
        expedited=expedited,
    )


@pytest.fixture
def november(world):
    """Mon 2 Nov 2026 to the end of the month with one public holiday, Wed 4 Nov, and nothing else."""
    Holiday.objects.filter(date__gte=dt.date(2026, 11, 1), date__lte=dt.date(2026, 12, 31)).delete()
    Holiday.objects.create(date=dt.date(2026, 11, 4), name="地方假日", kind=Holiday.Kind.HOLIDAY)
    return world


@pytest.mark.django_db
def test_ten_working_days_skip_the_weekend_and_the_holiday(november):
    investigation = _request(november, received_on=dt.date(2026, 11, 2))
    # 3, 5, 6, 9, 10, 11, 12, 13, 16, 17 November: the 4th is a holiday, the 7th/8th and 14th/15th weekends.
    assert investigation.due_on == dt.date(2026, 11, 17)
    assert investigation.rule_code == "investigation"
    assert not actions.investigation_overdue(investigation, dt.date(2026, 11, 17))
    assert actions.investigation_overdue(investigation, dt.date(2026, 11, 18))


@pytest.mark.django_db
def test_an_expedited_case_has_five_working_days(november):
    investigation = _request(november, received_on=dt.date(2026, 11, 2), expedited=True)
    assert investigation.due_on == dt.date(2026, 11, 10)
    assert investigation.rule_code == "investigation_expedited"


@pytest.mark.django_db
def test_the_opinion_closes_the_clock_once(november):
    world = november
    investigation = _request(world, received_on=dt.date(2026, 11, 2))
    with pytest.raises(ActionError) as exc:
        actions.record_opinion(
            investigation=investigation,
            actor=world.users["officer"],
            opinion="suitable",
            opinion_note="",
            opinion_sent_on=dt.date(2026, 11, 20),
        )
    assert "opinion_note" in exc.value.message_dict
    actions.record_opinion(
        investigation=investigation,
        actor=world.users["officer"],
        opinion="unsuitable",
        opinion_note="无固定住所",
        opinion_sent_on=dt.date(2026, 11, 20),
    )
    investigation.refresh_from_db()
    assert investigation.opinion == "unsuitable"
    assert not actions.investigation_overdue(investigation, dt.date(2026, 12, 1))
    with pytest.raises(ActionError):
        actions.record_opinion(
            investigation=investigation,
            actor=world.users["officer"],
            opinion="suitable",
            opinion_note="再次",
            opinion_sent_on=dt.date(2026, 11, 20),
        )


@pytest.mark.django_db
def test_only_the_offices_officers_and_the_bureau_record(november):
    world = november
    for user in (world.users["other_officer"], world.users["social_worker"], world.users["provider"]):
        with pytest.raises(PermissionDenied):
            _request(world, received_on=dt.date(2026, 11, 2), actor=user)
    _request(world, received_on=dt.date(2026, 11, 2), actor=world.users["bureau"])
    assert Investigation.objects.count() == 1


@pytest.mark.django_db
def test_the_page_marks_an_overdue_request(world):
    _request(world, received_on=dt.date(2026, 1, 5))  # long past due
    client = Client()
    client.force_login(world.users["officer"])
    page = client.get("/en/casework/supervision/investigations/").content.decode()
    assert "王某" in page and "overdue" in page
    other = Client()
    other.force_login(world.users["other_officer"])
    assert "王某" not in other.get("/en/casework/supervision/investigations/").content.decode()
