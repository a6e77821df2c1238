"""Deadline-engine bench: the escalation and nightly obligation tasks over 20,000 supervisees and
200,000 obligations, and 今日待办 for an office of 500 supervisees.

Run it on a NEW scratch PostgreSQL database each time (it migrates it; its 今日待办 requests write
access-log rows, which are append-only, so a second run on the same database stops with a message):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> CELERY_BROKER_URL=redis://127.0.0.1:6379/<n> \
      .venv/bin/python bench/obligations.py [--offices 40] [--per-office 500] [--per-person 10] [--runs 21]

``--today-only`` measures 今日待办 again on a database an earlier run loaded (no reset, load or tasks:
to compare a change to the page without loading the city again; the access log just grows).

The synthetic city: ``--offices`` judicial offices of ``--per-office`` supervisees under correction,
each office with three officers and a head, each supervisee with an officer on the correction team;
``--per-person`` obligations per supervisee (release plus kinds standing in for the check-ins and
visits of parts 2-3), due from 60 days ago to 60 days ahead, a third of them done, and the open
overdue ones already escalated as far as they had reached yesterday. So the escalation run raises
the day's new crossings, as the hourly task does in service; a second run raises nothing.

Printed: wall time, this process's CPU time, the queries (total and per batch) of each task, the
median of ``--runs`` requests of 今日待办 with its query count, and the load average of the machine.
Delivery of the outbox rows is a separate task and is not queued here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

import notifications.actions  # noqa: E402
from accounts.models import User  # noqa: E402
from bench.measure import QueryCounter, cpu, timed  # noqa: E402
from coordination.models import CorrectionTeamMember, Supervisee  # noqa: E402
from notifications.models import Notification  # noqa: E402
from services.models import Membership, Organisation, Township  # noqa: E402
from supervision import actions, tasks  # noqa: E402
from supervision.models import Obligation  # noqa: E402

MARK = "BENCH-OBL"
KINDS = [Obligation.Kind.RELEASE] + [f"bench_{k}" for k in range(1, 20)]


def reset() -> None:
    offices = Organisation.objects.filter(name__startswith=MARK)
    from coordination.models import AccessLog

    if AccessLog.objects.filter(supervisee__judicial_office__in=offices).exists():
        # The 今日待办 requests of an earlier run wrote access-log rows, which nothing may delete.
        raise SystemExit("this database holds an earlier run's access log (append-only): use a new scratch database")
    Supervisee.objects.filter(judicial_office__in=offices).delete()  # cascades to obligations and teams
    Membership.objects.filter(organisation__in=offices).delete()
    Membership.objects.filter(user__username__startswith="bench-obl-").delete()
    User.objects.filter(username__startswith="bench-obl-").delete()
    offices.delete()
    Township.objects.filter(code="bench-obl").delete()


@transaction.atomic
def load(n_offices: int, per_office: int, per_person: int, rng: random.Random) -> None:
    now = timezone.now()
    today = timezone.localdate()
    town = Township.objects.create(code="bench-obl", name=f"{MARK}镇")
    bureau = Organisation.objects.create(name=f"{MARK}司法局", kind=Organisation.Kind.JUSTICE_BUREAU)
    offices = Organisation.objects.bulk_create(
        Organisation(name=f"{MARK}司法所{k:03d}", kind=Organisation.Kind.JUDICIAL_OFFICE, township=town)
        for k in range(n_offices)
    )
    users = User.objects.bulk_create(
        User(
            username=f"bench-obl-{k}-{j}",
            full_name=f"干部{k}-{j}",
            email=f"bench-obl-{k}-{j}@example.invalid",
            phone="+8613900000000",
            is_active=True,
        )
        for k in range(n_offices)
        for j in range(4)
    )
    admin = User.objects.create(username="bench-obl-bureau", email="bench-obl@example.invalid", is_active=True)
    Membership.objects.bulk_create(
        [Membership(user=admin, organisation=bureau, role=Membership.Role.BUREAU_ADMIN, is_active=True)]
        + [
            Membership(
                user=users[k * 4 + j],
                organisation=office,
                role=Membership.Role.OFFICE_HEAD if j == 3 else Membership.Role.OFFICE_OFFICER,
                is_active=True,
            )
            for k, office in enumerate(offices)
            for j in range(4)
        ]
    )
    supervisees = Supervisee.objects.bulk_create(
        (
            Supervisee(
                name=f"测试{k}",
                given_name=f"测{k}",
                sex="male" if k % 3 else "female",
                date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=k % 9000),
                resident_id_encrypted="bench",
                resident_id_hash=f"bench-obl-{k}",
                case_number=f"BENCH-OBL-{k}",
                resident_id_masked="4101**********0000",
                household_type="urban",
                township=town,
                judicial_office=offices[k // per_office],
                sentence_type="probation",
                offence_category="other",
                correction_start=today - dt.timedelta(days=200),
                correction_end=today + dt.timedelta(days=rng.randint(-60, 400)),
                risk_level="low",
                status=Supervisee.Status.UNDER_CORRECTION,
            )
            for k in range(n_offices * per_office)
        ),
        batch_size=5000,
    )
    CorrectionTeamMember.objects.bulk_create(
        (
            CorrectionTeamMember(
                supervisee=s,
                role=CorrectionTeamMember.Role.OFFICER,
                user=users[(k // per_office) * 4 + k % 3],
                name="干部",
                sex="male",
            )
            for k, s in enumerate(supervisees)
        ),
        batch_size=5000,
    )
    delays = actions.escalation_delays()
    yesterday = now - dt.timedelta(days=1)
    rows = []
    for s in supervisees:
        for kind in KINDS[:per_person]:
            due = now + dt.timedelta(days=rng.uniform(-60, 60))
            row = Obligation(
                supervisee=s,
                kind=kind,
                rule_code="release_reminder",
                due_at=due,
                remind_from=due - dt.timedelta(days=30),
            )
            if rng.random() < 1 / 3:
                row.done_at = min(due, now)
            else:
                row.escalation_level = actions.level_reached(row, yesterday, delays)
            rows.append(row)
    Obligation.objects.bulk_create(rows, batch_size=10000)


def pass_second_factor(client: Client, user: User) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def measure_today(username: str, url: str, runs: int) -> None:
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    pass_second_factor(client, user)
    response = client.get(url)  # warm up
    assert response.status_code == 200, response.status_code
    timings, used = [], cpu()
    for _ in range(runs):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
    used = (cpu() - used) / runs * 1000
    size = len(response.content) // 1024
    print(
        f"今日待办 {username:<18} {url:<40} median {statistics.median(timings):6.1f} ms  "
        f"cpu {used:5.1f} ms/request  queries {counter.count}  {size} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offices", type=int, default=40)
    parser.add_argument("--per-office", type=int, default=500)
    parser.add_argument("--per-person", type=int, default=10)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--today-only", action="store_true", help="only 今日待办, on an earlier run's data")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL (DATABASE_URL=postgres://…).")
    if args.today_only:
        call_command("migrate", verbosity=0)
        measure_all(args.runs)
        return
    call_command("migrate", verbosity=0)
    reset()
    started = time.perf_counter()
    load(args.offices, args.per_office, args.per_person, random.Random(14))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    bench_rows = Obligation.objects.filter(supervisee__judicial_office__name__startswith=MARK)
    print(
        f"Loaded {Supervisee.objects.filter(judicial_office__name__startswith=MARK).count()} supervisees, "
        f"{bench_rows.count()} obligations ({bench_rows.filter(done_at__isnull=True).count()} open) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    notifications.actions._queue_delivery = lambda ids: None  # delivery is its own task
    outbox = Notification.objects.count()
    print(
        f"Batch: {tasks.BATCH} rows; open obligations to scan: {Obligation.objects.filter(done_at__isnull=True).count()}"
    )
    timed("escalate_obligations (the day's crossings)", tasks.escalate_obligations)
    print(f"  outbox rows written: {Notification.objects.count() - outbox}")
    timed("escalate_obligations again (nothing new)", tasks.escalate_obligations)
    timed("sync_obligations (nightly)", tasks.sync_obligations)
    timed("sync_obligations again", tasks.sync_obligations)
    measure_all(args.runs)


def measure_all(runs: int) -> None:
    office = Organisation.objects.get(name=f"{MARK}司法所000")
    shown = actions.ACTIVE_STATUSES
    print(
        f"Office of {Supervisee.objects.filter(judicial_office=office, status__in=shown).count()} supervisees, "
        f"{Obligation.objects.filter(supervisee__judicial_office=office, done_at__isnull=True).count()} open obligations"
    )
    measure_today("bench-obl-0-0", "/casework/supervision/today/", runs)
    measure_today("bench-obl-0-3", "/casework/supervision/today/", runs)
    measure_today("bench-obl-bureau", f"/casework/supervision/today/?office={office.pk}", runs)
    print("Load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}; CPUs: {}".format(*os.getloadavg(), os.cpu_count()))


if __name__ == "__main__":
    main()
