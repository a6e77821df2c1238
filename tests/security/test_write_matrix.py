"""The permission matrix's second axis (issue 11): for every write route and every role,

* a refused request (anything the matrix expects other than a success) changes nothing, and a
  successful one changes something; and
* whatever a write announces goes only to people who may read it: every notification about a
  referral reaches someone the referral policy lets see it, and every event the provider side can
  read was written for both sides.

It reuses the routes and expected answers of tests/coordination/test_permission_matrix.py.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from accounts import scoping
from coordination.models import (
    CaseNote,
    Consent,
    CorrectionTeamMember,
    Need,
    Referral,
    ReferralEvent,
    Supervisee,
)
from notifications.models import Notification
from tests.coordination.factories import make_world
from tests.coordination.test_permission_matrix import MATRIX, ROLES, _prepare, _url

POSTS = [key for key in MATRIX if key[1] == "post"]


@pytest.fixture
def world(db, settings):
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    w = make_world()
    _prepare(w)
    return w


def _fingerprint() -> tuple:
    return (
        list(Supervisee.objects.order_by("pk").values_list("pk", "risk_level", "updated_at")),
        list(CorrectionTeamMember.objects.order_by("pk").values_list("pk", "is_active")),
        list(Need.objects.order_by("pk").values_list("pk", "status")),
        CaseNote.objects.count(),
        Consent.objects.count(),
        list(Referral.objects.order_by("pk").values_list("pk", "state")),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
    )


def _is_success(route, status: int, location: str) -> bool:
    """A page succeeds with a redirect (a refused form answers 200 with errors); the API with 200/201."""
    if route[0].startswith("coordination:"):
        return status == 302 and "/login/" not in location
    return status in (200, 201)


@pytest.mark.parametrize("route", POSTS, ids=[name for name, _ in POSTS])
def test_refused_writes_change_nothing_and_announcements_follow_the_read_scope(world, route):
    kwargs_builder, body_builder, expected = MATRIX[route]
    url = _url(world, route[0], kwargs_builder)
    body = body_builder(world)
    wrong = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        with transaction.atomic():
            before = _fingerprint()
            last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            last_event = ReferralEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            if route[0].startswith("coordination:"):
                response = client.post(url, body)
            else:
                response = client.post(url, body, content_type="application/json")
            changed = _fingerprint() != before
            success = _is_success(route, response.status_code, response.get("Location", ""))
            if response.status_code != expected[role]:
                wrong[role] = f"answered {response.status_code}, the matrix expects {expected[role]}"
            elif not success and changed:
                wrong[role] = f"refused ({response.status_code}) but the database changed"
            elif success and not changed:
                wrong[role] = f"succeeded ({response.status_code}) but nothing changed"
            for note in Notification.objects.filter(
                pk__gt=last_notification, topic__startswith=f"{Referral._meta.label_lower}:", recipient__isnull=False
            ):
                referral = Referral.objects.get(pk=int(note.topic.split(":")[1]))
                if not scoping.policy_for(Referral).side(note.recipient, referral):
                    wrong[role] = f"told {note.recipient} about a referral they may not read"
            for event in ReferralEvent.objects.filter(pk__gt=last_event):
                provider = world.users["provider"]
                if scoping.scope(provider, ReferralEvent).filter(pk=event.pk).exists() and event.actor_id not in (
                    None,
                    provider.pk,
                ):
                    assert event.audience == ReferralEvent.Audience.BOTH_SIDES
                    if event.note.startswith("[consent override]"):
                        wrong[role] = "the provider can read a consent-override reason"
            transaction.set_rollback(True)
    assert not wrong, wrong
