"""Bureau dashboard and yearly report bench (issue 18): on the city of ``bench/bureau_data.py`` (20,000
supervisees, 100,000 referrals, a year of check-ins), the dashboard page, the year's figures uncounted by
any cache, and the yearly report end to end.

Load the city first, then measure on the same database (Redis as the cache, as in service):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_bureau .venv/bin/python bench/bureau_data.py --reset
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_bureau CACHE_URL=redis://127.0.0.1:6379/11 \\
      .venv/bin/python bench/bureau_dashboard.py [--runs 21] [--cold-runs 21] [--year 2026] [--parts abc]

Measured:

(a) the page ``bureau:dashboard`` through the Django test client, signed in with the second factor
    passed: as ``bench-bureau`` for the city, one office and one township (this month, the page's
    default) and the city for the whole year; as ``bench-head`` for their own office. Each cold (the
    figures' cache dropped with ``figures.flush()`` before every request) and warm (cached), with the
    median and 95th percentile of ``--runs`` requests, the queries of one request and the page's size;
(b) the year's figures uncached: ``figures.raw_values(..., cached=False)`` and ``figures.period_figures``
    after a flush, for the city and one office (time, CPU, queries);
(c) the yearly report of the city end to end: ``actions.request_report`` with Celery eager, so the
    generation task runs in this process on commit (time, queries, the report's state and the sizes
    of its XLSX and PDF). Skipped with a message while ``bureau.reports`` is not on this branch.

Printed also: the cache backend in use and the load average of the machine before and after. The
report run adds a Report row and its two files to private storage; the dashboard requests write
sessions only (the page logs no supervisee reads; the drill-down rows behind a figure do).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The data script's module sets the bench environment and starts Django (one copy of that set-up).
from bench import bureau_data

BUREAU_NAME, database_state = bureau_data.BUREAU_NAME, bureau_data.database_state

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.measure import QueryCounter, cpu  # noqa: E402
from bureau import figures  # noqa: E402
from services.models import Organisation  # noqa: E402


def pass_second_factor(client: Client, user: User) -> None:
    """Mark the session as having passed the second factor (as tests/conftest.py does)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def signed_in(username: str) -> tuple[User, Client]:
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    pass_second_factor(client, user)
    return user, client


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def measure_page(label: str, client: Client, url: str, runs: int, *, cold: bool) -> None:
    """``runs`` requests of the page (each after a flush when ``cold``); median, p95, queries of the last, size."""
    response = client.get(url)  # warm-up: sessions, templates, rule book
    assert response.status_code == 200, (url, response.status_code)
    timings, queries, used = [], [], cpu()
    for _ in range(runs):
        if cold:
            figures.flush()  # outside a transaction: dropped at once
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(counter.count)
    used = (cpu() - used) / runs * 1000
    print(
        f"{label:<40} {'cold' if cold else 'warm'}  median {statistics.median(timings):7.1f} ms  "
        f"p95 {p95(timings):7.1f} ms  cpu {used:6.1f} ms/request  queries {min(queries)}-{max(queries)}  "
        f"{len(response.content) // 1024} KiB",
        flush=True,
    )


def timed(label: str, func: Callable[[], object]) -> object:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        wall, used = time.perf_counter(), cpu()
        result = func()
        wall, used = time.perf_counter() - wall, cpu() - used
    print(f"{label:<52} wall {wall:7.2f} s  cpu {used:6.2f} s  queries {counter.count}", flush=True)
    return result


def load_average(when: str) -> None:
    print(
        "Load average {} (1, 5, 15 min): {:.2f} {:.2f} {:.2f}; CPUs: {}".format(when, *os.getloadavg(), os.cpu_count())
    )


def report(user: User, year: int) -> None:
    """The yearly report of the city: requested, generated on commit by the eager task, sizes read back."""
    try:
        from bureau import actions, reports  # noqa: F401 (reports: present once the report has landed)
        from bureau.models import Report
    except ImportError as missing:
        print(f"(c) yearly report: skipped, not on this branch yet ({missing})")
        return
    from config.celery import app

    app.conf.task_always_eager = True  # the task runs here, on commit, whatever the broker setting
    figures.flush()
    row = timed(
        f"(c) yearly report {year}, city, request → XLSX + PDF",
        lambda: actions.request_report(actor=user, period=str(year), scope_param="city"),
    )
    row = Report.objects.get(pk=row.pk)
    sizes = ", ".join(
        f"{name} {getattr(row, name).size / 1024:.0f} KiB" for name in ("xlsx", "pdf") if getattr(row, name)
    )
    print(f"    state {row.state}  {sizes or 'no files'}  {row.error or ''}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21, help="warm requests per page")
    parser.add_argument("--cold-runs", type=int, default=None, help="cold requests per page (default: --runs)")
    parser.add_argument("--year", type=int, default=timezone.localdate().year, help="the year counted in (b), (c)")
    parser.add_argument("--parts", default="abc", help="which of (a), (b), (c) to run, e.g. 'c' (default: abc)")
    args = parser.parse_args()
    cold_runs = args.runs if args.cold_runs is None else args.cold_runs
    if connection.vendor != "postgresql" or database_state() != "bench":
        sys.exit("Run on the PostgreSQL database bench/bureau_data.py loaded (DATABASE_URL=postgres://…).")
    cache = settings.CACHES["default"]
    print(f"Cache: {cache['BACKEND']} {cache.get('LOCATION', '')}; figures cached {figures.CACHE_SECONDS} s")
    load_average("before")
    figures.flush()  # nothing cached by an earlier run (on this or another database) is read as warm

    bureau_user, bureau_client = signed_in("bench-bureau")
    head, head_client = signed_in("bench-head")
    own_office = head.memberships.get(role="office_head").organisation
    if "a" in args.parts:
        offices = list(Organisation.objects.filter(parent__name=BUREAU_NAME).order_by("pk"))
        other = offices[len(offices) // 2]
        page = reverse("bureau:dashboard")
        cases = [
            ("bench-bureau city (this month)", bureau_client, f"{page}?scope=city"),
            (f"bench-bureau office-{own_office.pk}", bureau_client, f"{page}?scope=office-{own_office.pk}"),
            (f"bench-bureau township-{other.township_id}", bureau_client, f"{page}?scope=township-{other.township_id}"),
            (f"bench-bureau city (year {args.year})", bureau_client, f"{page}?scope=city&period={args.year}"),
            (f"bench-head office-{own_office.pk}", head_client, f"{page}?scope=office-{own_office.pk}"),
        ]
        print(f"(a) the dashboard page, {cold_runs} cold and {args.runs} warm requests each:")
        for label, client, url in cases:
            measure_page(label, client, url, cold_runs, cold=True)
            measure_page(label, client, url, args.runs, cold=False)
    if "b" in args.parts:
        year = figures.period_of(args.year, None, today=timezone.localdate())  # the year up to today at the latest
        print(f"(b) the figures of {year.start} to {year.end}, uncached:")
        for scope in (
            figures.resolve_scope(bureau_user, "city"),
            figures.resolve_scope(bureau_user, f"office-{own_office.pk}"),
        ):
            timed(
                f"    raw_values {scope.param} (cached=False)",
                lambda s=scope: figures.raw_values(s, year, cached=False),
            )
            figures.flush()
            timed(
                f"    period_figures {scope.param} after flush",
                lambda s=scope: figures.period_figures(bureau_user, s, start=year.start, end=year.end),
            )
    if "c" in args.parts:
        report(bureau_user, args.year)
    load_average("after")


if __name__ == "__main__":
    main()
