"""Matching bench: exact min-cost flow vs greedy, city and province scale, one-need suggestions.

Run: .venv/bin/python bench/matching.py [--scales city,province] [--seed 1]
Each scale runs in its own process so that the peak RSS (ru_maxrss) is that scale's own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on sys.path and its name would hide the
# ``matching`` package: put the project root there instead.
sys.path[0] = str(ROOT)

SCALES = {
    "city": {"n_needs": 20_000, "n_offerings": 2_000, "n_mentors": 5_000, "n_mentees": 10_000, "n_cities": 1},
    "province": {"n_needs": 150_000, "n_offerings": 20_000, "n_cities": 10, "townships_per_city": 20},
}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_scale(name: str, seed: int) -> dict:
    import numpy as np

    from bench.matching_data import generate
    from matching.engine.explain import SuggestionIndex, explain_assignment
    from matching.engine.solver import Problem, assign_needs, pair_mentors

    t0 = time.perf_counter()
    inst = generate(seed=seed, **SCALES[name])
    gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    problem = Problem.build(inst.needs, inst.offerings, inst.townships)
    build = time.perf_counter() - t0
    flow = assign_needs(problem)
    t0 = time.perf_counter()
    explanations = explain_assignment(flow)
    explain = time.perf_counter() - t0
    greedy = assign_needs(problem, method="greedy")
    out = {
        "scale": name,
        "needs": len(inst.needs),
        "offerings": len(inst.offerings),
        "places": int(problem.offerings.vacancies.sum()),
        "edges": len(problem.ei),
        "generate_s": gen,
        "build_s": build,
        "flow_s": flow.seconds,
        "explain_s": explain,
        "flow_served": flow.served,
        "flow_priority": flow.served_priority,
        "flow_cost": flow.total_cost,
        "greedy_s": greedy.seconds,
        "greedy_served": greedy.served,
        "greedy_priority": greedy.served_priority,
        "greedy_cost": greedy.total_cost,
        "explanations": len(explanations),
    }
    if inst.mentors:
        m = pair_mentors(inst.mentees, inst.mentors, inst.townships)
        mg = pair_mentors(inst.mentees, inst.mentors, inst.townships, method="greedy")
        out |= {
            "mentees": len(inst.mentees),
            "mentors": len(inst.mentors),
            "mentor_edges": m.edges,
            "mentor_build_s": m.build_seconds,
            "mentor_flow_s": m.seconds,
            "mentor_served": m.served,
            "mentor_priority": m.served_priority,
            "mentor_cost": m.total_cost,
            "mentor_greedy_s": mg.seconds,
            "mentor_greedy_served": mg.served,
            "mentor_greedy_priority": mg.served_priority,
            "mentor_greedy_cost": mg.total_cost,
        }
    if name == "city":
        t0 = time.perf_counter()
        index = SuggestionIndex(inst.offerings, inst.townships)
        out["index_s"] = time.perf_counter() - t0
        rng = np.random.default_rng(seed)
        times = []
        for k in rng.choice(len(inst.needs), 300, replace=False):
            t = time.perf_counter()
            index.suggest(inst.needs[int(k)])
            times.append(time.perf_counter() - t)
        out["suggest_median_ms"] = float(np.median(times) * 1000)
        out["suggest_p95_ms"] = float(np.percentile(times, 95) * 1000)
        out["suggest_max_ms"] = float(np.max(times) * 1000)
    out["peak_rss_mib"] = peak_rss_mib()
    return out


def table(results: list[dict]) -> str:
    lines = [
        "| scale | needs | offerings (places) | eligible edges | build s | solve s | explain s | served (priority) | total cost | greedy s | greedy served (priority) | greedy cost | peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['scale']} | {r['needs']:,} | {r['offerings']:,} ({r['places']:,}) | {r['edges']:,} | {r['build_s']:.2f} | "
            f"{r['flow_s']:.2f} | {r['explain_s']:.2f} | {r['flow_served']:,} ({r['flow_priority']:,}) | {r['flow_cost']:,.1f} | "
            f"{r['greedy_s']:.2f} | {r['greedy_served']:,} ({r['greedy_priority']:,}) | {r['greedy_cost']:,.1f} | {r['peak_rss_mib']:,.0f} |"
        )
    for r in results:
        if "mentors" in r:
            lines.append("")
            lines.append(
                f"mentor pairing ({r['scale']}): {r['mentees']:,} supervisees x {r['mentors']:,} mentors, "
                f"{r['mentor_edges']:,} class edges; build {r['mentor_build_s']:.2f} s, solve {r['mentor_flow_s']:.2f} s; "
                f"flow served {r['mentor_served']:,} (priority {r['mentor_priority']:,}, cost {r['mentor_cost']:,.1f}); "
                f"greedy served {r['mentor_greedy_served']:,} (priority {r['mentor_greedy_priority']:,}, cost {r['mentor_greedy_cost']:,.1f})"
            )
        if "suggest_median_ms" in r:
            lines.append(
                f"one-need suggestions ({r['scale']}, 300 needs): median {r['suggest_median_ms']:.2f} ms, "
                f"p95 {r['suggest_p95_ms']:.2f} ms, max {r['suggest_max_ms']:.2f} ms (index built in {r['index_s'] * 1000:.1f} ms)"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="city,province")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_scale(args.one, args.seed)))
        return
    results = []
    for name in args.scales.split(","):
        proc = subprocess.run(
            [sys.executable, __file__, "--one", name, "--seed", str(args.seed)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(table(results))


if __name__ == "__main__":
    main()
