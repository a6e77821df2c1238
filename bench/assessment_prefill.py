"""Monthly assessment pre-fill bench: the periodic task over 20,000 supervisees on PostgreSQL.

Run it on a NEW scratch PostgreSQL database (it migrates it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> CELERY_BROKER_URL=redis://127.0.0.1:6379/<n> \
      .venv/bin/python bench/assessment_prefill.py [--offices 40] [--per-office 500]

The synthetic city: ``--offices`` judicial offices of ``--per-office`` supervisees under correction; last month
each person has three confirmed check-ins (one in five of them late), one in fifty a lost-contact episode and
one in a hundred a warning decided; each office holds two education sessions and one public-interest activity
that everyone attends (one in ten excused). Then the periodic task creates and pre-fills every office's
assessments of last month with their obligations, and runs again (nothing created; drafts pre-filled again).

Printed: wall time, this process's CPU time and the queries of each run, the rows written, and the load
average of the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
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
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.measure import timed  # noqa: E402
from coordination.models import Supervisee  # noqa: E402
from services.models import Organisation, Township  # noqa: E402
from supervision import tasks  # noqa: E402
from supervision.assessment.models import Assessment, Score  # noqa: E402
from supervision.education.models import Attendance, Session  # noqa: E402
from supervision.models import Obligation  # noqa: E402
from supervision.reporting.models import CheckIn, LostContactEpisode  # noqa: E402
from supervision.sanctions.models import SanctionProposal  # noqa: E402

MARK = "BENCH-ASM"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def load(n_offices: int, per_office: int, month: dt.date, rng: random.Random) -> None:
    today = timezone.localdate()
    town = Township.objects.create(code="bench-asm", name=f"{MARK}镇")
    offices = Organisation.objects.bulk_create(
        Organisation(name=f"{MARK}司法所{k:03d}", kind=Organisation.Kind.JUDICIAL_OFFICE, township=town)
        for k in range(n_offices)
    )
    officer = User.objects.create(username="bench-asm-officer", email="bench-asm@example.invalid", is_active=True)
    head = User.objects.create(username="bench-asm-head", email="bench-asm-head@example.invalid", is_active=True)
    people = Supervisee.objects.bulk_create(
        (
            Supervisee(
                name=f"测试{k}",
                given_name=f"测{k}",
                sex="male" if k % 3 else "female",
                date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=k % 9000),
                resident_id_encrypted="bench",
                resident_id_hash=f"bench-asm-{k}",
                case_number=f"BENCH-ASM-{k}",
                resident_id_masked="4101**********0000",
                household_type="urban",
                township=town,
                judicial_office=offices[k // per_office],
                sentence_type="probation",
                offence_category="other",
                correction_start=today - dt.timedelta(days=200),
                correction_end=today + dt.timedelta(days=300),
                risk_level="low",
                status=Supervisee.Status.UNDER_CORRECTION,
            )
            for k in range(n_offices * per_office)
        ),
        batch_size=5000,
    )
    checkins = [
        CheckIn(
            supervisee=person,
            method="in_person",
            state="confirmed",
            occurred_at=at(month + dt.timedelta(days=7 * week + 1)),
            late=rng.random() < 0.2,
            recorded_by=officer,
            confirmed_by=officer,
        )
        for person in people
        for week in range(3)
    ]
    CheckIn.objects.bulk_create(checkins, batch_size=10000)
    LostContactEpisode.objects.bulk_create(
        (
            LostContactEpisode(
                supervisee=person,
                trigger="officer",
                lost_since=month + dt.timedelta(days=3),
                opened_at=at(month + dt.timedelta(days=4)),
                found_at=at(month + dt.timedelta(days=15)),
                outcome="found",
                closed_at=at(month + dt.timedelta(days=15)),
            )
            for k, person in enumerate(people)
            if k % 50 == 0
        ),
        batch_size=5000,
    )
    SanctionProposal.objects.bulk_create(
        (
            SanctionProposal(
                supervisee=person,
                kind="warning",
                state="approved",
                facts="测试",
                proposed_by=officer,
                decided_by=head,
                decided_at=at(month + dt.timedelta(days=20)),
            )
            for k, person in enumerate(people)
            if k % 100 == 0
        ),
        batch_size=5000,
    )
    sessions = Session.objects.bulk_create(
        Session(
            office=office,
            kind=kind,
            topic="学习",
            place="司法所",
            starts_at=at(month + dt.timedelta(days=day), 9),
            ends_at=at(month + dt.timedelta(days=day), 13),
            created_by=officer,
        )
        for office in offices
        for kind, day in (("legal", 5), ("moral", 12), ("public_interest", 19))
    )
    by_office: dict[int, list[Session]] = {}
    for session in sessions:
        by_office.setdefault(session.office_id, []).append(session)
    rows = []
    for person in people:
        for session in by_office[person.judicial_office_id]:
            excused = rng.random() < 0.1
            rows.append(
                Attendance(
                    session=session,
                    supervisee=person,
                    status="excused" if excused else "present",
                    excuse="请假" if excused else "",
                    minutes=0 if excused else 240,
                    recorded_by=officer,
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=10000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offices", type=int, default=40)
    parser.add_argument("--per-office", type=int, default=500)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL (DATABASE_URL=postgres://…).")
    call_command("migrate", verbosity=0)
    if Organisation.objects.filter(name__startswith=MARK).exists():
        sys.exit("this database holds an earlier run: use a new scratch database")
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    started = time.perf_counter()
    load(args.offices, args.per_office, month, random.Random(16))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Loaded {Supervisee.objects.count()} supervisees in {args.offices} offices, "
        f"{CheckIn.objects.count()} check-ins, {Attendance.objects.count()} attendances "
        f"in {time.perf_counter() - started:.1f} s"
    )
    timed("assessment_period (creates and pre-fills)", lambda: tasks.assessment_period(month.isoformat()))
    print(
        f"  assessments {Assessment.objects.filter(month=month).count()}, scores {Score.objects.count()}, "
        f"obligations {Obligation.objects.filter(kind=Obligation.Kind.ASSESSMENT).count()}"
    )
    timed("assessment_period again (pre-fills only)", lambda: tasks.assessment_period(month.isoformat()))
    print("Load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}; CPUs: {}".format(*os.getloadavg(), os.cpu_count()))


if __name__ == "__main__":
    main()
