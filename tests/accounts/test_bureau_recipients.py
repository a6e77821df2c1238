"""One definition of "the bureau" as recipients (review finding: it was computed two ways, and one of them
left out the bureau head, who holds every power of a bureau administrator)."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts import actions as account_actions
from accounts.selectors import bureau_admins
from coordination import actions
from notifications.models import Notification
from services.models import Membership
from tests import factories
from tests.coordination.factories import make_world

Role = Membership.Role


@pytest.fixture
def world(db):
    world = make_world()
    bureau = world.city.bureau
    world.users["head"] = factories.user_with_role(Role.BUREAU_HEAD, bureau)
    world.users["gone"] = factories.user_with_role(Role.BUREAU_ADMIN, bureau, is_active=False)
    ended = factories.user_with_role(Role.BUREAU_ADMIN, bureau)
    Membership.objects.filter(user=ended).update(is_active=False)
    world.users["ended"] = ended
    return world


def test_the_bureau_is_its_administrators_and_heads_with_active_accounts_and_roles(world):
    assert set(bureau_admins()) == {world.users["bureau"], world.users["head"]}


def test_an_overdue_referral_reaches_the_bureau_head_too(world):
    referral = world.referrals["sent"]
    later = referral.deadline + dt.timedelta(days=4)
    actions.escalate_referral(referral_id=referral.pk, now=referral.deadline + dt.timedelta(hours=1))
    assert actions.escalate_referral(referral_id=referral.pk, now=later) == "bureau"
    told = set(
        Notification.objects.about(referral)
        .filter(kind=Notification.Kind.REFERRAL_OVERDUE, channel="inbox")
        .exclude(recipient=world.users["officer"])
        .values_list("recipient__username", flat=True)
    )
    assert told == {world.users["bureau"].username, world.users["head"].username}


def test_the_health_report_goes_to_the_same_people(world):
    account_actions.record_health_summary()
    told = set(
        Notification.objects.filter(kind=Notification.Kind.HEALTH_REPORT, channel="inbox").values_list(
            "recipient", flat=True
        )
    )
    assert told == {user.pk for user in bureau_admins()} == {world.users["bureau"].pk, world.users["head"].pk}
