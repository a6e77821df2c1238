"""Every rule-book clock at its boundary: met on the last day, overdue the next; working days across
a holiday and a make-up working day; overrides change the clock and are recorded."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from supervision import actions, rulebook
from supervision.models import Holiday, Obligation, Rule, RuleChange

D = dt.date


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "start", "last_day"),
    [
        ("decision_notice", D(2026, 3, 2), D(2026, 3, 7)),
        ("document_delivery", D(2026, 3, 2), D(2026, 3, 12)),
        ("intake_report", D(2026, 3, 2), D(2026, 3, 12)),
        # Calendar days run through holidays: a 10-day clock across National Day is not extended.
        ("intake_report", D(2026, 9, 28), D(2026, 10, 8)),
    ],
)
def test_day_clocks_are_met_on_the_last_day_and_overdue_the_next(code, start, last_day):
    assert rulebook.due(code, start) == last_day
    obligation = Obligation(due_at=actions.end_of_day(rulebook.due(code, start)))
    assert actions.level_reached(obligation, at(last_day, 23, 59)) == Obligation.Level.NONE
    assert actions.level_reached(obligation, at(last_day + dt.timedelta(days=1), 0, 1)) == Obligation.Level.OFFICER


@pytest.mark.django_db
def test_release_reminder_starts_the_rule_books_days_before_the_end():
    assert rulebook.before("release_reminder", D(2026, 6, 30)) == D(2026, 5, 31)


@pytest.mark.django_db
def test_working_days_skip_the_spring_festival_and_count_the_make_up_saturday():
    # 2026: Sat 14 Feb is a make-up working day; 15-23 Feb are days off (weekend and the festival).
    assert Holiday.objects.get(date=D(2026, 2, 14)).kind == Holiday.Kind.WORKDAY
    assert rulebook.add(1, Rule.Unit.WORKING_DAYS, D(2026, 2, 13)) == D(2026, 2, 14)
    assert rulebook.add(2, Rule.Unit.WORKING_DAYS, D(2026, 2, 13)) == D(2026, 2, 24)
    Rule.objects.create(
        code="test_working", measures_zh="测试", measures_en="test", default_value=3, unit=Rule.Unit.WORKING_DAYS
    )
    last = rulebook.due("test_working", D(2026, 2, 12))
    assert last == D(2026, 2, 24)
    obligation = Obligation(due_at=actions.end_of_day(last))
    assert actions.level_reached(obligation, at(D(2026, 2, 24), 23, 0)) == Obligation.Level.NONE
    assert actions.level_reached(obligation, at(D(2026, 2, 25), 9)) == Obligation.Level.OFFICER


@pytest.mark.django_db
def test_a_holiday_the_bureau_adds_moves_a_working_day_clock(world):
    assert rulebook.add(1, Rule.Unit.WORKING_DAYS, D(2026, 3, 2)) == D(2026, 3, 3)
    actions.add_holiday(date=D(2026, 3, 3), name="地方假日", kind=Holiday.Kind.HOLIDAY, actor=world.users["bureau"])
    assert rulebook.add(1, Rule.Unit.WORKING_DAYS, D(2026, 3, 2)) == D(2026, 3, 4)
    with pytest.raises(PermissionDenied):
        actions.add_holiday(date=D(2026, 3, 5), name="x", kind=Holiday.Kind.HOLIDAY, actor=world.users["officer"])


@pytest.mark.django_db
def test_month_clocks_end_on_the_last_day_of_a_shorter_month():
    assert rulebook.add(1, Rule.Unit.MONTHS, D(2026, 1, 31)) == D(2026, 2, 28)
    assert rulebook.add(48, Rule.Unit.HOURS, at(D(2026, 1, 31), 9)) == at(D(2026, 2, 2), 9)


@pytest.mark.django_db
def test_an_override_changes_the_clock_and_is_recorded_with_who_and_why(world):
    bureau = world.users["bureau"]
    rule = Rule.objects.get(code="intake_report")
    actions.set_rule_override(rule=rule, value=7, reason="本省细则", actor=bureau)
    assert rulebook.due("intake_report", D(2026, 3, 2)) == D(2026, 3, 9)
    actions.set_rule_override(rule=rule, value=None, reason="恢复法定期限", actor=bureau)
    assert rulebook.due("intake_report", D(2026, 3, 2)) == D(2026, 3, 12)
    changes = list(RuleChange.objects.filter(rule=rule).order_by("pk").values_list("old_value", "new_value", "reason"))
    assert changes == [(None, 7, "本省细则"), (7, None, "恢复法定期限")]
    assert set(RuleChange.objects.values_list("changed_by", flat=True)) == {bureau.pk}


@pytest.mark.django_db
def test_an_override_needs_a_reason_and_the_bureau(world):
    rule = Rule.objects.get(code="intake_report")
    with pytest.raises(ValidationError):
        actions.set_rule_override(rule=rule, value=7, reason="  ", actor=world.users["bureau"])
    with pytest.raises(PermissionDenied):
        actions.set_rule_override(rule=rule, value=7, reason="x", actor=world.users["officer"])
    assert Rule.objects.get(code="intake_report").value == 10
    assert not RuleChange.objects.exists()


@pytest.mark.django_db
def test_2026_and_2027_calendars_are_seeded():
    assert Holiday.objects.filter(date=D(2026, 10, 1), kind=Holiday.Kind.HOLIDAY).exists()
    assert Holiday.objects.filter(date=D(2026, 9, 20), kind=Holiday.Kind.WORKDAY).exists()
    assert Holiday.objects.filter(date=D(2027, 10, 1), kind=Holiday.Kind.HOLIDAY).exists()
