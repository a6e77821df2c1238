"""Named, weighted cost terms that rank eligible pairs, and the priority of a need.

The cost of a pair is the sum of its terms in cost points, floored at 0, and
stored as an integer number of tenths of a point (``COST_SCALE``) so that the
min-cost flow is exact. Weights come from the policy (``policy.Weights``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from matching.engine.arrays import KEY_SHIFT, NeedArrays, OfferingArrays, haversine_km
from matching.engine.policy import Policy, Weights

COST_SCALE = 10


def distance_km(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Kilometres between the supervisee and the offering (NaN when either place is unknown)."""
    return haversine_km(n.lat[i], n.lon[i], o.lat[j], o.lon[j])


def _distance(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray, w: Weights) -> np.ndarray:
    km = distance_km(n, o, i, j)
    km = np.where(np.isnan(km), w.unknown_distance_km, np.minimum(km, w.distance_cap_km))
    return km * w.distance_per_km


def language_match(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """True where the offering lists no language or shares one with the supervisee."""
    return (o.language_mask[j] == 0) | ((o.language_mask[j] & n.language_mask[i]) != 0)


def _language(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray, w: Weights) -> np.ndarray:
    return np.where(language_match(n, o, i, j), 0.0, w.language_mismatch)


def continuity(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """True where the offering's organisation already works with the supervisee."""
    if not len(n.continuity):
        return np.zeros(len(i), bool)
    return np.isin(i * KEY_SHIFT + o.org[j], n.continuity)


def _continuity(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray, w: Weights) -> np.ndarray:
    return np.where(continuity(n, o, i, j), -w.continuity_bonus, 0.0)


def load_share(o: OfferingArrays, j: np.ndarray) -> np.ndarray:
    """Share of the offering's places already taken before the run (0..1)."""
    cap = o.capacity[j]
    return np.where(cap > 0, (cap - o.vacancies[j]) / np.maximum(cap, 1), 0.0)


def _provider_load(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray, w: Weights) -> np.ndarray:
    return load_share(o, j) * w.provider_load


@dataclass(frozen=True)
class Term:
    name: str
    compute: Callable[[NeedArrays, OfferingArrays, np.ndarray, np.ndarray, Weights], np.ndarray]
    doc: str


TERMS: tuple[Term, ...] = (
    Term("distance", _distance, "distance_per_km x kilometres (capped; unknown places count unknown_distance_km)"),
    Term("language", _language, "language_mismatch when the offering lists languages and none is the supervisee's"),
    Term("continuity", _continuity, "minus continuity_bonus when the organisation already works with the supervisee"),
    Term("provider_load", _provider_load, "provider_load x share of the offering's places already taken"),
)


def term_costs(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray, policy: Policy) -> dict[str, np.ndarray]:
    """Each term's cost points for each edge."""
    return {t.name: t.compute(n, o, i, j, policy.weights) for t in TERMS}


def pair_costs(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray, policy: Policy) -> np.ndarray:
    """Integer cost (tenths of a point, >= 0) of each edge."""
    total = np.zeros(len(i))
    for t in TERMS:
        total += t.compute(n, o, i, j, policy.weights)
    return np.rint(np.maximum(total, 0.0) * COST_SCALE).astype(np.int64)


def priority(urgency: np.ndarray, days_waiting: np.ndarray, policy: Policy) -> np.ndarray:
    """Integer priority (>= 1) of needs: the weight of serving each one."""
    w = policy.weights
    weeks = np.minimum(days_waiting // 7, w.priority_weeks_cap)
    return w.priority_base + urgency * w.priority_per_urgency + weeks * w.priority_per_week_waiting
