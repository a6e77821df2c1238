"""Two workers run the escalation task at the same moment: each level is raised once between them."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from supervision import actions, tasks
from supervision.models import Obligation
from tests.coordination.factories import make_world

WORKERS = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_runs_raise_each_level_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    actions.sync_obligations(supervisee=world.supervisee)
    Obligation.objects.filter(supervisee=world.supervisee).update(
        due_at=actions.end_of_day(timezone.localdate() - dt.timedelta(days=6))
    )
    barrier = threading.Barrier(WORKERS)
    raised: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            count = tasks.escalate_obligations()
            with lock:
                raised.append(count)
        except Exception as exc:
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    open_rows = Obligation.objects.filter(supervisee=world.supervisee).count()
    # Every open obligation of the person reaches the bureau level exactly once across all workers.
    assert sum(raised) == 3 * open_rows
    inbox = Notification.objects.filter(kind=actions.NOTIFICATION_KIND, channel=Notification.Channel.INBOX)
    assert inbox.filter(recipient=world.users["bureau"]).count() == open_rows
    assert inbox.filter(recipient=world.users["officer"]).count() == 2 * open_rows
