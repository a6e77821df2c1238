"""What the database benches print for each step: wall time, this process's CPU time and the queries it sent.

Imported after ``django.setup()`` by the bench scripts (``from bench.measure import timed``)."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from typing import Any

from django.db import connection


def cpu() -> float:
    """This process's CPU time so far, in seconds (PostgreSQL's own time is not in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class QueryCounter:
    """Counts every query the process sends (no cap, unlike Django's debug log)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(label: str, func: Callable[[], Any]) -> Any:
    """Run ``func`` once and print its result, wall time, CPU time and query count on one line."""
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        wall, used = time.perf_counter(), cpu()
        result = func()
        wall, used = time.perf_counter() - wall, cpu() - used
    print(f"{label:<44} result {result!s:>7}  wall {wall:7.2f} s  cpu {used:6.2f} s  queries {counter.count}")
    return result
