"""Sanction grounds: recorded once per source, by the platform or by an officer of the person's office."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from accounts import scoping
from supervision import actions
from supervision.models import Investigation, SanctionGround

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 2)


def test_a_source_gives_a_ground_once(world):
    person = world.supervisee
    source = Investigation.objects.create(
        judicial_office=world.city.office,
        organ_kind="court",
        organ_name="新密市人民法院",
        subject_name="张三",
        received_on=DAY,
        rule_code="investigation",
        due_on=DAY,
        recorded_by=world.users["officer"],
    )
    first, new = actions.record_ground(supervisee=person, code="late_return", occurred_on=DAY, source=source)
    again, new_again = actions.record_ground(supervisee=person, code="late_return", occurred_on=DAY, source=source)
    assert new and not new_again and first.pk == again.pk
    assert SanctionGround.objects.filter(supervisee=person).count() == 1
    assert first.recorded_by is None


def test_only_the_office_and_bureau_record_and_see_grounds(world):
    person = world.supervisee
    with pytest.raises(PermissionDenied):
        actions.record_ground(
            supervisee=person, code="missed_report", occurred_on=DAY, actor=world.users["other_officer"]
        )
    ground, _ = actions.record_ground(
        supervisee=person, code="missed_report", occurred_on=DAY, facts=" 未按时报到 ", actor=world.users["officer"]
    )
    assert ground.facts == "未按时报到"
    assert ground in scoping.scope(world.users["officer"], SanctionGround)
    assert ground in scoping.scope(world.users["bureau"], SanctionGround)
    for role in ("other_officer", "provider", "volunteer"):
        assert not scoping.scope(world.users[role], SanctionGround).exists(), role


def test_own_record_is_the_live_supervisee_of_a_sign_in_only(world):
    from supervision.policies import own_record
    from tests.factories import UserFactory

    person = world.supervisee
    account = UserFactory(username="self-signin")
    assert own_record(account) is None
    person.account = account
    person.save(update_fields=["account"])
    fresh = type(account).objects.get(pk=account.pk)
    assert own_record(fresh) == person
    assert own_record(world.users["officer"]) is None
    type(person).objects.filter(pk=person.pk).update(status="released")
    assert own_record(type(account).objects.get(pk=account.pk)) is None
