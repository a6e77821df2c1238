"""Outreach site throughput: cached and uncached home page against a minimal Django view.

Run: .venv/bin/python bench/outreach.py [--requests 2000] [--uncached-requests 300] [--rounds 3] [--clients 2]

What it does, all on 127.0.0.1:
1. builds a throwaway SQLite database in a temporary folder, migrates it and loads the demo;
2. counts the queries of every outreach page type served uncached (Django test client);
3. starts gunicorn with 2 sync workers (DEBUG off, SECRET_KEY set, STATIC_MANIFEST=0,
   ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0) on the bench settings, which add a
   minimal view at /bench/minimal/ (bench/outreach_urls.py, not in production URLs);
4. sends a bounded number of requests from ``--clients`` client processes (plain HTTP/1.0 over
   sockets: gunicorn's sync workers close every connection anyway) to the minimal view, the home
   page from the page cache, and the home page uncached (a query string bypasses the cache);
5. prints a table and the targets (cached >= 70 % of minimal, uncached >= 5 %, <= 15 queries).

The page cache uses Redis when CACHE_URL is set (e.g. CACHE_URL=redis://127.0.0.1:6379/7), else
each worker's local memory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGE_TYPES = [
    ("HomePage", "/"),
    ("ProgrammePage", "/about/"),
    ("StandardPage", "/about-this-site/"),
    ("NewsIndexPage", "/news/"),
    ("NewsPage", "/news/vocational-training-story/"),
    ("EventIndexPage", "/events/"),
    ("EventPage", "/events/legal-awareness-day/"),
    ("RecruitmentPage", "/volunteer/"),
    ("FaqPage", "/faq/"),
    ("PolicyDocumentPage", "/policy-2012-17/"),
]


def bench_env(var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.outreach_settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production",
            "STATIC_MANIFEST": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "VAR_DIR": var_dir,
            "LOG_LEVEL": "WARNING",
            # Persistent database connections, as in production (docs/configuration.md).
            "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
            "PYTHONPATH": str(ROOT),
        }
    )
    env.pop("DATABASE_URL", None)  # always a throwaway SQLite database
    return env


def count_queries() -> None:
    """Child mode: print {page type: queries} for each page type served uncached, in both languages."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.CMS_PAGE_CACHE = False
    client = Client(HTTP_HOST="127.0.0.1")
    result = {}
    for name, path in PAGE_TYPES:
        counts = []
        for url in (path, "/en" + path):
            assert client.get(url).status_code == 200, url
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200, url
            counts.append(len(ctx.captured_queries))
        result[name] = counts
    print(json.dumps(result))


def _worker(args: tuple[int, str, int]) -> int:
    port, path, count = args
    request = f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode()
    ok = 0
    for _ in range(count):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(request)
            chunks = []
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                chunks.append(data)
        head = b"".join(chunks)[:12]
        if head.endswith(b"200"):
            ok += 1
    return ok


def measure(port: int, path: str, total: int, clients: int) -> tuple[float, int]:
    per_client = max(total // clients, 1)
    with multiprocessing.Pool(clients) as pool:
        pool.map(_worker, [(port, path, 20)] * clients)  # warm up (and fill the page cache)
        started = time.perf_counter()
        ok = sum(pool.map(_worker, [(port, path, per_client)] * clients))
        elapsed = time.perf_counter() - started
    if ok != per_client * clients:
        raise SystemExit(f"{path}: only {ok} of {per_client * clients} requests answered 200")
    return ok / elapsed, ok


@contextlib.contextmanager
def gunicorn(env: dict[str, str]):
    """gunicorn with 2 sync workers on a free local port, stopped afterwards."""
    port = free_port()
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "config.wsgi:application",
        "--workers=2",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        deadline = time.time() + 30
        while True:
            try:
                if _worker((port, "/bench/minimal/", 1)) == 1:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="requests for the minimal view and cached page")
    parser.add_argument("--uncached-requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median is reported")
    parser.add_argument("--clients", type=int, default=2, help="client processes sending requests")
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_queries:
        count_queries()
        return

    with tempfile.TemporaryDirectory(prefix="bench-outreach-") as var_dir:
        env = bench_env(var_dir)
        manage = [PYTHON, str(ROOT / "manage.py")]
        print("Preparing a throwaway database with the demo content…", flush=True)
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*manage, "load_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        queries = json.loads(
            subprocess.run(
                [PYTHON, __file__, "--count-queries"], env=env, check=True, cwd=ROOT, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )

        rounds: dict[str, list[float]] = {"minimal": [], "cached": [], "uncached": [], "cold": []}
        with gunicorn(env) as port:
            # Interleaved rounds, median of each: the machine may be shared, and a slow
            # moment should not fall on one measurement only.
            for _ in range(args.rounds):
                rounds["minimal"].append(measure(port, "/bench/minimal/", args.requests, args.clients)[0])
                rounds["cached"].append(measure(port, "/", args.requests, args.clients)[0])
                rounds["uncached"].append(measure(port, "/?uncached=1", args.uncached_requests, args.clients)[0])
        # Every cms cache off (page cache and the per-generation memo of neighbours, site, root).
        with gunicorn({**env, "CMS_PAGE_CACHE": "0"}) as port:
            for _ in range(args.rounds):
                rounds["cold"].append(measure(port, "/", args.uncached_requests, args.clients)[0])
        minimal, cached, uncached, cold = (
            statistics.median(rounds[k]) for k in ("minimal", "cached", "uncached", "cold")
        )

    cache_kind = os.environ.get("CACHE_URL", "locmem://").split(":", 1)[0]
    print()
    print(
        f"gunicorn 2 sync workers, {args.clients} client processes, cache backend: {cache_kind}, "
        f"median of {args.rounds} interleaved rounds"
    )
    for key, values in rounds.items():
        print(f"  {key}: " + ", ".join(f"{v:,.0f}" for v in values) + " requests/s")
    print()
    print("| measurement | requests/s | % of minimal view | target |")
    print("|---|---:|---:|---|")
    print(f"| minimal Django view | {minimal:,.0f} | 100 % | |")
    print(f"| home page, from the page cache | {cached:,.0f} | {100 * cached / minimal:.0f} % | ≥ 70 % |")
    print(f"| home page, uncached (page cache bypassed) | {uncached:,.0f} | {100 * uncached / minimal:.1f} % | ≥ 5 % |")
    print(f"| home page, every cms cache off | {cold:,.0f} | {100 * cold / minimal:.1f} % | (for reference) |")
    print()
    print("| page type (uncached) | queries zh | queries en | target |")
    print("|---|---:|---:|---|")
    for name, (zh, en) in queries.items():
        print(f"| {name} | {zh} | {en} | ≤ 15 |")
    worst = max(max(v) for v in queries.values())
    verdict = cached / minimal >= 0.70 and uncached / minimal >= 0.05 and worst <= 15
    print()
    print("All targets met." if verdict else "Some target NOT met.")


if __name__ == "__main__":
    main()
