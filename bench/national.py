"""National simulation: the nightly matching run fanned out per county over N Celery workers.

700,000 supervisees in 3,000 counties (synthetic, seeded; generated as arrays by
``bench/matching_data.py`` inside each county task, no ORM). Each county is one task of a
Celery ``group`` (generate, build the candidate edges, solve exactly, explain); a ``chord``
gathers the results. Wall time is measured with 1, 2 and all local workers (each a real
``celery worker`` process on Redis), and the time on 8 is projected from the measured speed-up.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/15 .venv/bin/python bench/national.py --scale 0.05
    CELERY_BROKER_URL=redis://127.0.0.1:6379/15 .venv/bin/python bench/national.py   # full size

``--scale`` multiplies the number of counties (and so of supervisees); the size of a county
does not change. Results: docs/scaling.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from celery import Celery, chord, group

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BROKER = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
QUEUE = "national-bench"
SUPERVISEES, COUNTIES = 700_000, 3_000
NEEDS_PER_SUPERVISEE = 0.5  # open needs on a night (the province bench: 150,000 needs)
NEEDS_PER_OFFERING = 10  # as in the city and province benches (20,000 needs, 2,000 offerings)
TOWNSHIPS_PER_COUNTY = 12

app = Celery("national", broker=BROKER, backend=BROKER)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    worker_prefetch_multiplier=4,
    task_default_queue=QUEUE,
    result_expires=3600,
    broker_connection_retry_on_startup=True,
)


def county_sizes(counties: int, seed: int = 7) -> np.ndarray:
    """Supervisees per county: log-normal (a few large urban counties), summing to 700,000 × counties/3,000."""
    rng = np.random.default_rng(seed)
    raw = rng.lognormal(mean=0.0, sigma=0.8, size=counties)
    total = round(SUPERVISEES * counties / COUNTIES)
    sizes = np.maximum(np.floor(raw / raw.sum() * total).astype(int), 10)
    sizes[np.argmax(sizes)] += total - sizes.sum()
    return sizes


@app.task(name="national.county")
def solve_county(county: int, supervisees: int) -> list:
    """One county's nightly run: generate its arrays, build, solve exactly, explain. Returns figures."""
    from bench.matching_data import generate
    from matching.engine.explain import explain_assignment
    from matching.engine.solver import Problem, assign_needs

    t0 = time.perf_counter()
    n_needs = max(int(supervisees * NEEDS_PER_SUPERVISEE), 1)
    inst = generate(
        n_needs=n_needs,
        n_offerings=max(n_needs // NEEDS_PER_OFFERING, 2),
        townships_per_city=TOWNSHIPS_PER_COUNTY,
        seed=county + 1,
    )
    problem = Problem.build(inst.needs, inst.offerings, inst.townships)
    assignment = assign_needs(problem)
    explained = explain_assignment(assignment)
    return [county, n_needs, len(explained), float(assignment.total_cost), time.perf_counter() - t0]


@app.task(name="national.gather")
def gather(results: list) -> dict:
    """The chord's callback: the nation's totals."""
    return {
        "counties": len(results),
        "needs": sum(r[1] for r in results),
        "served": sum(r[2] for r in results),
        "cost": round(sum(r[3] for r in results), 1),
        "task_seconds": round(sum(r[4] for r in results), 2),
        "slowest_county_s": round(max(r[4] for r in results), 3),
    }


def _start_workers(n: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bench.national",
            "worker",
            "-Q",
            QUEUE,
            "--pool=prefork",
            f"--concurrency={n}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "-n",
            f"national{n}-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "CELERY_BROKER_URL": BROKER},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_ready(n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if replies:
            return
        time.sleep(0.5)
    raise SystemExit("workers did not start")


def run(workers: int, sizes: np.ndarray) -> tuple[float, dict]:
    app.control.purge()
    proc = _start_workers(workers)
    try:
        _wait_ready(workers)
        t0 = time.perf_counter()
        result = chord(group(solve_county.s(i, int(s)) for i, s in enumerate(sizes)))(gather.s())
        totals = result.get(timeout=3600, interval=0.2)
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return wall, totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 3,000 counties (default 1 = full size)")
    parser.add_argument("--workers", default="", help="comma-separated worker counts (default 1,2,all cores)")
    args = parser.parse_args()
    counties = max(int(COUNTIES * args.scale), 2)
    sizes = county_sizes(counties)
    cores = os.cpu_count() or 1
    counts = [int(w) for w in args.workers.split(",") if w] or sorted({1, 2, cores})
    print(
        f"national simulation: {counties:,} counties, {int(sizes.sum()):,} supervisees, "
        f"{int((sizes * NEEDS_PER_SUPERVISEE).sum()):,} open needs; broker {BROKER}; {cores} cores"
    )
    print("| workers | wall s | counties/s | served | sum of task s | slowest county s |")
    print("|---|---|---|---|---|---|")
    walls = {}
    for n in counts:
        wall, t = run(n, sizes)
        walls[n] = wall
        print(
            f"| {n} | {wall:.1f} | {counties / wall:.1f} | {t['served']:,} / {t['needs']:,} | "
            f"{t['task_seconds']:.1f} | {t['slowest_county_s']:.2f} |",
            flush=True,
        )
    if 1 in walls:
        best = max(walls)
        efficiency = walls[1] / (best * walls[best]) if best > 1 else 1.0
        ideal = walls[1] / 8
        print(
            f"projected on 8 workers: {ideal:.1f} s if linear, {ideal / max(min(efficiency, 1.0), 0.01):.1f} s at the "
            f"parallel efficiency measured with {best} workers ({efficiency:.0%})"
        )


if __name__ == "__main__":
    main()
