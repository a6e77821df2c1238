"""Query counts and median response times of the public directory and the directory API.

Usage: .venv/bin/python bench/directory.py [--runs N]
Uses the configured database (DATABASE_URL or var/db.sqlite3); loads the demo data first
if the directory is empty. Prints a table; never asserts timings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from services.models import Organisation, ServiceOffering  # noqa: E402

URLS = [
    "/directory/",
    "/directory/?q=培训",
    "/directory/?category=vocational_training&township=qingping",
    "/directory/?page_size=100",
    "/api/v1/services/",
    "/api/v1/services/?page_size=200",
    "/api/v1/services/?q=心理&has_vacancies=true",
    "/hsds/services",
    "/hsds/services?full=true&per_page=200",
    "/hsds/dump.json",
]


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if not ServiceOffering.objects.exists():
        call_command("migrate", verbosity=0)
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client(HTTP_HOST="localhost")
    print(
        f"database: {connection.vendor}; {Organisation.objects.count()} organisations, "
        f"{ServiceOffering.objects.count()} offerings; {args.runs} runs each (after one warm-up)"
    )
    print(f"{'URL':<58} {'status':>6} {'queries':>7} {'median ms':>9} {'p90 ms':>7} {'KiB':>6}")
    for url in URLS:
        client.get(url)  # warm-up
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = client.get(url)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p90 = times[int(len(times) * 0.9) - 1]
        print(
            f"{url:<58} {response.status_code:>6} {counter.count:>7} "
            f"{statistics.median(times):>9.1f} {p90:>7.1f} {len(response.content) / 1024:>6.0f}"
        )


if __name__ == "__main__":
    main()
