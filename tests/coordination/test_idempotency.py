"""Sending a referral twice (double-click, API retry) makes one referral and notifies the provider once."""

from __future__ import annotations

import re

from django.test import Client
from rest_framework.test import APIClient

from accounts.models import IdempotencyKey
from coordination.models import Referral
from notifications.models import Notification


def _token(page: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)


def test_a_double_submitted_referral_form_sends_one_referral(world):
    client = Client()
    client.force_login(world.users["officer"])
    url = f"/casework/needs/{world.need.pk}/refer/"
    form = {"offering": world.offering.pk, "message": "请评估", "send_now": "on"}
    token = _token(client.get(url).content.decode())
    before = Referral.objects.count()
    first = client.post(url, {**form, "idempotency_key": token})
    second = client.post(url, {**form, "idempotency_key": token})  # the double-click
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Referral.objects.count() == before + 1
    referral = Referral.objects.latest("pk")
    provider = world.users["provider"]
    assert Notification.objects.about(referral).filter(recipient=provider, channel="inbox").count() == 1
    # A new form (a new token) is a new referral: the key, not the content, decides.
    client.post(url, {**form, "idempotency_key": _token(client.get(url).content.decode())})
    assert Referral.objects.count() == before + 2


def test_a_retried_api_call_answers_the_first_referral_again(world):
    client = APIClient()
    client.force_authenticate(world.users["officer"])
    payload = {"need": world.need.pk, "offering": str(world.offering.uuid), "send": True}
    before = Referral.objects.count()
    first = client.post("/api/v1/referrals/", payload, format="json", headers={"Idempotency-Key": "retry-abc-123"})
    again = client.post("/api/v1/referrals/", payload, format="json", headers={"Idempotency-Key": "retry-abc-123"})
    assert first.status_code == again.status_code == 201
    assert first.json()["uuid"] == again.json()["uuid"] and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Referral.objects.count() == before + 1
    record = IdempotencyKey.objects.get(key="retry-abc-123")
    assert record.user == world.users["officer"] and record.result_model == "coordination.Referral"
    # Another user's identical key is theirs alone.
    other = APIClient()
    other.force_authenticate(world.users["social_worker"])
    third = other.post("/api/v1/referrals/", payload, format="json", headers={"Idempotency-Key": "retry-abc-123"})
    assert third.status_code == 201 and third.json()["uuid"] != first.json()["uuid"]
    assert Referral.objects.count() == before + 2


def test_a_bad_idempotency_key_is_a_400_and_a_failed_create_keeps_the_key_usable(world):
    client = APIClient()
    client.force_authenticate(world.users["officer"])
    payload = {"need": world.need.pk, "offering": str(world.offering.uuid), "send": True}
    bad = client.post("/api/v1/referrals/", payload, format="json", headers={"Idempotency-Key": "no spaces!"})
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["errors"]
    broken = client.post(
        "/api/v1/referrals/", {**payload, "need": 0}, format="json", headers={"Idempotency-Key": "key-0000001"}
    )
    assert broken.status_code == 400 and not IdempotencyKey.objects.filter(key="key-0000001").exists()
    ok = client.post("/api/v1/referrals/", payload, format="json", headers={"Idempotency-Key": "key-0000001"})
    assert ok.status_code == 201


def test_a_key_expires_after_a_day(world):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    client = APIClient()
    client.force_authenticate(world.users["officer"])
    payload = {"need": world.need.pk, "offering": str(world.offering.uuid)}
    headers = {"Idempotency-Key": "draft-key-42"}
    first = client.post("/api/v1/referrals/", payload, format="json", headers=headers).json()["uuid"]
    with time_machine.travel(timezone.now() + dt.timedelta(hours=23)):
        assert client.post("/api/v1/referrals/", payload, format="json", headers=headers).json()["uuid"] == first
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        assert client.post("/api/v1/referrals/", payload, format="json", headers=headers).json()["uuid"] != first
