"""Benchmark: the volunteer home page and a 500-shift private calendar feed.

Run: .venv/bin/python bench/volunteers.py [--runs 30]
Builds a throwaway test database (SQLite by default, or DATABASE_URL's server with a
``test_`` prefix), fills it with synthetic data, times requests through Django's test
client (full middleware, templates, serialisation; no network), prints median and p90.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

N_SHIFTS = 500


def build():
    from accounts.models import User
    from services.models import Organisation
    from volunteers import actions
    from volunteers.models import Booking, HourLog, Opportunity, Shift, TrainingCourse, Volunteer

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    team = Organisation.objects.create(name="基准测试志愿者协会", kind=Organisation.Kind.VOLUNTEER_TEAM)
    user = User.objects.create_user(username="bench", password=None, full_name="基准志愿者")
    volunteer = Volunteer.objects.create(
        user=user,
        organisation=team,
        status=Volunteer.Status.ACTIVE,
        full_name="基准志愿者",
        phone="+8613900000000",
        email="bench@example.cn",
        consent_at=timezone.now(),
        consent_version="bench",
    )
    for course in TrainingCourse.objects.all():
        actions.record_training(volunteer=volunteer, course=course, completed_on=timezone.localdate(), actor=None)
    kinds = list(Opportunity.Kind.values)
    opportunities = [
        actions.create_opportunity(
            actor=None, organisation=team, kind=k, title=f"基准项目{i}", description="说明, 含;标点"
        )
        for i, k in enumerate(kinds)
    ]
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=60)
    shifts = [
        Shift(
            opportunity=opportunities[i % len(opportunities)],
            starts_at=start + dt.timedelta(hours=5 * i),
            ends_at=start + dt.timedelta(hours=5 * i + 3),
            place=f"地点{i}号, 会议室",
            capacity=5,
            booked_count=1,
        )
        for i in range(N_SHIFTS)
    ]
    Shift.objects.bulk_create(shifts)
    Booking.objects.bulk_create(
        Booking(shift=s, volunteer=volunteer, status=Booking.Status.BOOKED) for s in Shift.objects.all()
    )
    HourLog.objects.bulk_create(
        HourLog(
            volunteer=volunteer,
            shift=s,
            date=timezone.localdate(s.starts_at),
            hours=Decimal("3"),
            status=HourLog.Status.APPROVED,
        )
        for s in Shift.objects.filter(starts_at__lt=timezone.now())
    )
    return volunteer


def timed(client: Client, url: str, runs: int, expect: int = 200, before=None) -> list[float]:
    client.get(url)  # warm up (template and translation caches)
    out = []
    for _ in range(runs):
        if before:
            before()
        t0 = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == expect, (url, response.status_code)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        volunteer = build()
        client = Client()
        client.force_login(volunteer.user)
        feed_url = f"/volunteers/calendar/{volunteer.feed_token}.ics"
        rows = [
            ("volunteer home page", timed(client, "/volunteers/home/", args.runs)),
            (f"private feed, {N_SHIFTS} shifts, built", timed(client, feed_url, args.runs, before=cache.clear)),
            (f"private feed, {N_SHIFTS} shifts, cached", timed(client, feed_url, args.runs)),
        ]
        etag = client.get(feed_url)["ETag"]
        rows.append(("same feed, If-None-Match → 304", _timed_304(client, feed_url, etag, args.runs)))
        size = len(client.get(feed_url).content)
        print(f"database: {connection.vendor}; runs per row: {args.runs}; feed size: {size / 1024:.0f} KiB")
        print(f"{'what':<34} {'median ms':>10} {'p90 ms':>10}")
        for name, samples in rows:
            p90 = statistics.quantiles(samples, n=10)[-1]
            print(f"{name:<34} {statistics.median(samples):>10.1f} {p90:>10.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _timed_304(client: Client, url: str, etag: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 304
    return out


if __name__ == "__main__":
    main()
