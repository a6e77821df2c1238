"""Two coordinators decide the same hour entries at the same moment: one decision wins, the other is told."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from tests.volunteers import factories as f
from volunteers import actions
from volunteers.models import HourLog

ROUNDS = 6


def _race(entry_ids: list[int], decisions: list[bool], by) -> list[str]:
    barrier = threading.Barrier(len(decisions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide(approve: bool) -> None:
        try:
            barrier.wait()
            n = actions.review_hours(entries=HourLog.objects.filter(pk__in=entry_ids), actor=by, approve=approve)
            result = f"{'approved' if approve else 'rejected'}:{n}"
        except actions.VolunteerActionError as exc:
            result = "refused" if exc.code == "already_decided" else f"error: {exc!r}"
        except Exception as exc:
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=decide, args=(d,)) for d in decisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_approve_and_reject_at_once_one_wins_the_other_is_refused():
    volunteer = f.volunteer()
    coordinator = f.coordinator(organisation=volunteer.organisation)
    for round_number in range(ROUNDS):
        entries = [
            actions.log_hours(
                actor=None, volunteer=volunteer, activity=f"第{round_number}轮", date=timezone.localdate(), hours=h
            )[0]
            for h in (Decimal("1"), Decimal("2"))
        ]
        ids = [e.pk for e in entries]
        # approve vs reject, and a double approve
        decisions = [True, False] if round_number % 2 == 0 else [True, True]
        outcomes = _race(ids, decisions, coordinator)
        winners = [o for o in outcomes if o.endswith(":2")]
        assert len(winners) == 1 and outcomes.count("refused") == 1, (round_number, outcomes)
        statuses = set(HourLog.objects.filter(pk__in=ids).values_list("status", flat=True))
        assert statuses == {winners[0].split(":")[0]}, (round_number, outcomes, statuses)


def test_the_api_refuses_a_second_decision_with_409(db):
    from rest_framework.test import APIClient

    volunteer = f.volunteer()
    coordinator = f.coordinator(organisation=volunteer.organisation)
    entry, _ = actions.log_hours(
        actor=None, volunteer=volunteer, activity="服务", date=timezone.localdate(), hours=Decimal("1")
    )
    api = APIClient()
    api.force_authenticate(coordinator)
    url = "/api/v1/volunteers/manage/hours/review/"
    assert api.post(url, {"ids": [entry.pk], "decision": "approve"}, format="json").json() == {"reviewed": 1}
    again = api.post(url, {"ids": [entry.pk], "decision": "reject"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_decided", again.json()
    assert HourLog.objects.get(pk=entry.pk).status == "approved"
