"""Prohibition orders and location-monitoring approvals: the reminders, the breach ground, the three-month
limit held by the database and by the action, extensions after a fresh assessment, early end."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from config.errors import ActionError
from supervision import rulebook
from supervision.models import Obligation, SanctionGround
from supervision.movement import actions
from supervision.movement.models import MONITORING_MAX_MONTHS, LocationDataAccess, MonitoringPeriod
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau_head(world):
    return user_with_role(Role.BUREAU_HEAD, world.city.bureau, username="bureauhead")


def today():
    return timezone.localdate()


def test_an_order_reminds_before_its_end_and_a_breach_records_the_ground_once(world):
    officer = world.users["officer"]
    end = today() + dt.timedelta(days=60)
    order = actions.record_order(
        supervisee=world.supervisee, actor=officer, kind="people", text="禁止接触被害人张某", start=today(), end=end
    )
    reminder = Obligation.objects.get(kind="prohibition_expiry", source_id=order.pk)
    assert timezone.localtime(reminder.due_at).date() == end
    assert timezone.localtime(reminder.remind_from).date() == end - dt.timedelta(days=7)
    breach = actions.record_breach(order=order, actor=officer, occurred_on=today(), facts="在被害人家门口徘徊")
    ground = SanctionGround.objects.get(supervisee=world.supervisee)
    assert ground.code == "prohibition_breach" and ground.source_id == breach.pk
    with pytest.raises(ActionError):
        actions.record_breach(order=order, actor=world.users["other_officer"], occurred_on=today(), facts="x")
    with pytest.raises(ActionError) as error:
        actions.record_breach(order=order, actor=officer, occurred_on=today(), facts=" ")
    assert "facts" in error.value.error_dict


def test_the_database_refuses_more_than_three_months_and_agrees_with_the_rule_book(world, bureau_head):
    assert rulebook.rule(rulebook.MONITORING_MAX_MONTHS).default_value == MONITORING_MAX_MONTHS == 3
    fields = {
        "supervisee": world.supervisee,
        "ground": "prohibition_breach",
        "facts": "进入酒吧",
        "start": today(),
        "end": today() + dt.timedelta(days=120),
        "approved_by": bureau_head,
    }
    MonitoringPeriod.objects.create(months=3, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringPeriod.objects.create(months=4, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringPeriod.objects.create(months=0, **fields)


def test_the_bureau_head_approves_at_most_three_months_with_a_message(world, bureau_head):
    common = {"supervisee": world.supervisee, "ground": "left_without_approval", "facts": "未经批准离开本县"}
    with pytest.raises(ActionError) as error:
        actions.approve_monitoring(actor=bureau_head, start=today(), months=4, **common)
    assert "months" in error.value.error_dict
    with pytest.raises(ActionError) as error:
        actions.approve_monitoring(actor=world.users["bureau"], start=today(), months=1, **common)
    assert error.value.code == "forbidden"
    period = actions.approve_monitoring(actor=bureau_head, start=today(), months=3, device_id="DEV-1", **common)
    assert 88 <= (period.end - period.start).days <= 91  # three calendar months, both ends counted
    reminder = Obligation.objects.get(kind="monitoring_expiry", source_id=period.pk, done_at__isnull=True)
    assert timezone.localtime(reminder.remind_from).date() == period.end - dt.timedelta(days=7)


def test_an_extension_needs_a_fresh_assessment_and_starts_where_the_period_ends(world, bureau_head):
    common = {"supervisee": world.supervisee, "ground": "warned_not_reporting", "facts": "拒不报告被警告"}
    first = actions.approve_monitoring(actor=bureau_head, start=today(), months=2, **common)
    with pytest.raises(ActionError) as error:
        actions.approve_monitoring(actor=bureau_head, months=3, extends=first, **common)
    assert "assessment" in error.value.error_dict
    second = actions.approve_monitoring(actor=bureau_head, months=3, extends=first, assessment="仍有脱管风险", **common)
    assert second.start == first.end + dt.timedelta(days=1)
    assert not Obligation.objects.filter(kind="monitoring_expiry", source_id=first.pk, done_at__isnull=True).exists()
    assert Obligation.objects.filter(kind="monitoring_expiry", source_id=second.pk, done_at__isnull=True).exists()
    with pytest.raises(ActionError):
        actions.approve_monitoring(actor=bureau_head, months=1, extends=first, assessment="再次", **common)
    with pytest.raises(ActionError) as error:
        actions.approve_monitoring(actor=bureau_head, months=4, extends=second, assessment="再次", **common)
    assert "months" in error.value.error_dict


def test_early_end_closes_the_reminder_and_accesses_are_recorded(world, bureau_head):
    officer = world.users["officer"]
    period = actions.approve_monitoring(
        supervisee=world.supervisee,
        actor=bureau_head,
        ground="public_order_penalty",
        facts="被治安处罚",
        start=today(),
        months=1,
    )
    actions.record_monitoring_notice(period=period, actor=officer, told_on=today(), device_id=" DEV-2 ")
    period.refresh_from_db()
    assert period.told_on == today() and period.device_id == "DEV-2"
    with pytest.raises(ActionError):
        actions.end_monitoring(period=period, actor=officer, ended_on=today(), reason="")
    actions.end_monitoring(period=period, actor=officer, ended_on=today(), reason="已无必要")
    assert not Obligation.objects.filter(kind="monitoring_expiry", source_id=period.pk, done_at__isnull=True).exists()
    with pytest.raises(ActionError):
        actions.end_monitoring(period=period, actor=officer, ended_on=today(), reason="again")
    actions.record_location_access(
        period=period,
        actor=officer,
        accessed_by="派出所民警",
        accessed_at=timezone.now(),
        system="省电子定位平台",
        purpose="核实是否进入禁止区域",
    )
    assert LocationDataAccess.objects.get().purpose == "核实是否进入禁止区域"
    with pytest.raises(ActionError):
        actions.record_location_access(
            period=period,
            actor=world.users["other_officer"],
            accessed_by="x",
            accessed_at=timezone.now(),
            system="x",
            purpose="x",
        )
