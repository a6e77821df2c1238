"""The data migration moves coordination's outbox rows into the notifications app, and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("coordination", "0005_person_name_validators"), ("notifications", "0001_initial")]
AFTER = [("coordination", "0006_remove_notification"), ("notifications", "0002_copy_from_coordination")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_are_copied_with_their_ids_times_and_referral():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Old = old.get_model("coordination", "Notification")
    user = User.objects.create(username="mig-user", email="m@example.cn")
    row = Old.objects.create(
        recipient_id=user.pk,
        channel="email",
        kind="referral_sent",
        subject="旧通知",
        status="failed",
        attempts=5,
        last_error="gateway down",
    )
    Old.objects.filter(pk=row.pk).update(created_at="2026-01-02T03:04:05Z")
    inbox = Old.objects.create(recipient_id=user.pk, channel="inbox", kind="referral_sent", subject="站内")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    New = new.get_model("notifications", "Notification")
    copied = New.objects.get(pk=row.pk)
    assert (copied.subject, copied.status, copied.attempts, copied.last_error) == (
        "旧通知",
        "failed",
        5,
        "gateway down",
    )
    assert copied.created_at.isoformat().startswith("2026-01-02T03:04:05")
    assert copied.recipient_id == user.pk and copied.key is not None
    assert New.objects.get(pk=inbox.pk).channel == "inbox"
    assert New.objects.count() == 2

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # and back
    back = executor.loader.project_state(BEFORE).apps.get_model("coordination", "Notification")
    assert set(back.objects.values_list("pk", flat=True)) == {row.pk, inbox.pk}

    # Leave the schema as the other tests expect it: every app at its latest migration (not just AFTER,
    # which would leave coordination's later migrations unapplied for the tests after this one).
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
