"""Casework benchmark: 20,000 supervisees and 100,000 referrals, then the caseload page and the
referrals API timed (median of several runs) with their query counts.

Writes into the database DATABASE_URL points to (migrating it and loading the demo first), e.g.

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/casework.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_coord_bench .venv/bin/python bench/casework.py

Options: --supervisees N --referrals N --runs N --keep (do not regenerate when the data is there).
Synthetic data only: Faker-free generated names and synthetic resident ID numbers.
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from coordination import identity  # noqa: E402
from coordination.models import Need, Referral, ReferralEvent, Supervisee  # noqa: E402
from services.models import Organisation, ServiceOffering  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国红志"
BENCH_MARK = "bench:"  # prefix of the address so the generated rows can be found again


def generate(n_supervisees: int, n_referrals: int, rng: random.Random) -> None:
    offices = list(Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE).select_related("township"))
    demo_office = next(o for o in offices if o.name == "青屏街道司法所")
    offerings = list(ServiceOffering.objects.filter(is_active=True))
    bureau = User.objects.get(username="bureau")
    today = timezone.localdate()
    now = timezone.now()
    started = time.perf_counter()
    used: set[str] = set()
    rows = []
    for i in range(n_supervisees):
        office = demo_office if i % 5 == 0 else offices[i % len(offices)]
        sex = "female" if rng.random() < 0.2 else "male"
        born = today - dt.timedelta(days=rng.randint(19 * 365, 65 * 365))
        while True:
            number = identity.synthetic_resident_id(
                region=f"4101{rng.randint(0, 99):02d}", born=born, sequence=rng.randint(0, 499), sex=sex
            )
            if number not in used:
                used.add(number)
                break
        given = rng.choice(GIVEN) + rng.choice(GIVEN)
        start = today - dt.timedelta(days=rng.randint(0, 900))
        rows.append(
            Supervisee(
                name=rng.choice(SURNAMES) + given,
                given_name=given,
                sex=sex,
                date_of_birth=born,
                resident_id_encrypted=identity.encrypt(number),
                resident_id_hash=identity.lookup_hash(number),
                resident_id_masked=identity.mask_resident_id(number),
                phone=f"+86139{rng.randint(10000000, 99999999)}",
                household_type=rng.choice(["rural", "urban"]),
                township_id=office.township_id,
                address=f"{BENCH_MARK}{i}",
                case_number=f"bench-{office.pk}-{i}",
                judicial_office=office,
                sentence_type=rng.choice(["surveillance", "probation", "parole", "temporary_execution"]),
                offence_category=rng.choice(["traffic", "theft", "fraud", "assault", "other"]),
                correction_start=start,
                correction_end=start + dt.timedelta(days=rng.randint(180, 1500)),
                risk_level=rng.choice(["low", "low", "medium", "high"]),
                supervision_level=rng.choice(["strict", "ordinary", "lenient"]),
                status=rng.choice(["intake", "under_correction", "under_correction", "released"]),
                created_by=bureau,
            )
        )
    with transaction.atomic():
        Supervisee.objects.bulk_create(rows, batch_size=2000)
    supervisee_ids = list(
        Supervisee.objects.filter(address__startswith=BENCH_MARK).order_by("pk").values_list("pk", flat=True)
    )
    print(f"  {len(supervisee_ids)} supervisees in {time.perf_counter() - started:.1f}s")

    started = time.perf_counter()
    n_needs = n_referrals // 2
    needs = []
    for _ in range(n_needs):
        offering = rng.choice(offerings)
        needs.append(
            Need(
                supervisee_id=rng.choice(supervisee_ids),
                category_id=offering.category_id,
                urgency=rng.randint(1, 3),
                description="bench",
                status=rng.choice(["open", "referred", "met", "closed"]),
                created_by=bureau,
            )
        )
    with transaction.atomic():
        Need.objects.bulk_create(needs, batch_size=5000)
    need_rows = list(Need.objects.filter(description="bench").values_list("pk", "category_id"))
    by_category: dict[int, list[ServiceOffering]] = {}
    for offering in offerings:
        by_category.setdefault(offering.category_id, []).append(offering)
    states = ["draft", "sent", "accepted", "declined", "in_service", "completed", "withdrawn", "expired"]
    referrals = []
    for i in range(n_referrals):
        need_id, category_id = need_rows[i % len(need_rows)]
        state = rng.choice(states)
        sent = now - dt.timedelta(days=rng.randint(0, 300))
        referrals.append(
            Referral(
                need_id=need_id,
                offering=rng.choice(by_category[category_id]),
                state=state,
                message="bench",
                sent_at=None if state == "draft" else sent,
                deadline=None if state == "draft" else sent + dt.timedelta(days=5),
                outcome_grade="achieved" if state == "completed" else "",
                decline_reason="bench" if state == "declined" else "",
                created_by=bureau,
                sent_by=bureau,
            )
        )
    with transaction.atomic():
        Referral.objects.bulk_create(referrals, batch_size=5000)
        created = Referral.objects.filter(message="bench").values_list("pk", "state")
        ReferralEvent.objects.bulk_create(
            (ReferralEvent(referral_id=pk, from_state="", to_state=state, note="bench") for pk, state in created),
            batch_size=5000,
        )
    print(f"  {n_needs} needs, {n_referrals} referrals (+events) in {time.perf_counter() - started:.1f}s")


def measure(client: Client, url: str, runs: int) -> tuple[float, int, int]:
    client.get(url)  # warm caches and the session
    timings = []
    queries = 0
    status = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
        status = response.status_code
    return statistics.median(timings), queries, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--supervisees", type=int, default=20_000)
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="reuse generated data if present")
    args = parser.parse_args()

    vendor = connection.vendor
    print(f"Database: {vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull)
    print("Demo data only:")
    results = [("demo", *row) for row in run_measurements(args.runs)]
    existing = Supervisee.objects.filter(address__startswith=BENCH_MARK).count()
    if not (args.keep and existing):
        if existing:
            ReferralEvent.objects.filter(note="bench").delete()
            Referral.objects.filter(message="bench").delete()
            Need.objects.filter(description="bench").delete()
            Supervisee.objects.filter(address__startswith=BENCH_MARK).delete()
        print(f"Generating {args.supervisees} supervisees and {args.referrals} referrals…")
        generate(args.supervisees, args.referrals, random.Random(2012))
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"Totals: {Supervisee.objects.count()} supervisees, {Need.objects.count()} needs, "
        f"{Referral.objects.count()} referrals"
    )
    results += [("generated", *row) for row in run_measurements(args.runs)]
    print()
    print(f"{'data':<10} {'user':<13} {'endpoint':<58} {'status':>6} {'median ms':>10} {'queries':>8}")
    for data, user, url, median, queries, status in results:
        print(f"{data:<10} {user:<13} {url:<58} {status:>6} {median:>10.1f} {queries:>8}")


def run_measurements(runs: int):
    rows = []
    for username, urls in [
        (
            "officer",
            [
                "/casework/caseload/",
                "/casework/caseload/?risk_level=high&open_needs=true&sort=risk",
                "/casework/caseload/?page=40",
                "/api/v1/referrals/",
                "/api/v1/referrals/?state=sent&overdue=true",
            ],
        ),
        ("bureau", ["/casework/caseload/", "/casework/caseload/?q=王", "/api/v1/referrals/"]),
        ("provider", ["/casework/inbox/", "/api/v1/referrals/"]),
    ]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in urls:
            median, queries, status = measure(client, url, runs)
            rows.append((username, url, median, queries, status))
    return rows


if __name__ == "__main__":
    main()
