"""Why a pair was chosen, what came second, and one-need suggestions.

Reasons are codes with parameters (``Reason``); ``matching.reasons`` renders
them in Chinese and English. The engine never formats text for people.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from matching.engine.arrays import NeedArrays, OfferingArrays, Townships, candidate_edges
from matching.engine.cost import COST_SCALE, continuity, distance_km, language_match, pair_costs, term_costs
from matching.engine.eligibility import eligible, first_failures
from matching.engine.policy import DEFAULT_POLICY, Policy
from matching.engine.rows import HOUSEHOLD_TYPES, NeedRow, OfferingRow
from matching.engine.solver import Assignment


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict = field(default_factory=dict, hash=False)


def edge_reasons(
    n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray, places_left: np.ndarray | None = None
) -> list[list[Reason]]:
    """For each edge, the reasons that speak for it, most telling first (features computed in one pass)."""
    cont = continuity(n, o, i, j)
    same = (n.township[i] >= 0) & (n.township[i] == o.township[j])
    km = distance_km(n, o, i, j)
    lang = (o.language_mask[j] != 0) & language_match(n, o, i, j)
    house = (o.household_mask[j] != 0) & (n.household[i] >= 0)
    minors = n.minor[i] & o.accepts_minors[j]
    left = o.vacancies[j] if places_left is None else places_left
    out = []
    for k in range(len(i)):
        reasons = []
        if cont[k]:
            reasons.append(Reason("continuity"))
        if same[k]:
            reasons.append(Reason("same_township"))
        elif not np.isnan(km[k]):
            reasons.append(Reason("distance", {"km": round(float(km[k]), 1)}))
        elif o.citywide[j[k]]:
            reasons.append(Reason("citywide"))
        if lang[k]:
            reasons.append(Reason("speaks_language"))
        if house[k]:
            reasons.append(Reason("accepts_household", {"household": HOUSEHOLD_TYPES[int(n.household[i[k]])]}))
        if minors[k]:
            reasons.append(Reason("accepts_minors"))
        reasons.append(Reason("places_left", {"count": int(left[k])}))
        out.append(reasons)
    return out


def pair_reasons(n: NeedArrays, o: OfferingArrays, i: int, j: int) -> list[Reason]:
    """The reasons that speak for pairing need ``i`` with offering ``j``."""
    return edge_reasons(n, o, np.asarray([i]), np.asarray([j]))[0]


@dataclass
class Explanation:
    need_id: int
    offering_id: int
    cost: float
    reasons: list[Reason]
    runner_up_offering_id: int | None
    runner_up_cost: float | None
    # runner-up cost minus chosen cost; negative when a cheaper place went to a need of higher priority
    cost_difference: float | None
    runner_up_full: bool


def explain_assignment(assignment: Assignment) -> list[Explanation]:
    """An explanation for every proposal of a solved batch (runner-up found in one vectorised pass)."""
    p = assignment.problem
    n, o = p.needs, p.offerings
    chosen_mask = np.zeros(len(p.ei), bool)
    chosen_mask[assignment.chosen] = True
    order = np.lexsort((p.cost, p.ei))
    order = order[~chosen_mask[order]]
    runner_need, first = np.unique(p.ei[order], return_index=True)
    runner_edge = np.full(len(n), -1, np.int64)
    runner_edge[runner_need] = order[first]
    remaining = assignment.remaining_places()
    chosen = assignment.chosen
    all_reasons = edge_reasons(n, o, p.ei[chosen], p.ej[chosen])
    out = []
    for k, reasons in zip(chosen.tolist(), all_reasons, strict=True):
        i, j, c = int(p.ei[k]), int(p.ej[k]), int(p.cost[k])
        if n.urgency[i] >= 2:
            reasons.insert(0, Reason("urgent"))
        if n.days_waiting[i] >= 14:
            reasons.insert(0, Reason("waiting", {"days": int(n.days_waiting[i])}))
        r = int(runner_edge[i])
        if r >= 0:
            rj = int(p.ej[r])
            runner = (
                int(o.id[rj]),
                int(p.cost[r]) / COST_SCALE,
                (int(p.cost[r]) - c) / COST_SCALE,
                bool(remaining[rj] <= 0),
            )
        else:
            runner = (None, None, None, False)
        out.append(Explanation(int(n.id[i]), int(o.id[j]), c / COST_SCALE, reasons, *runner))
    return out


@dataclass
class Suggestion:
    offering_id: int
    cost: float
    score: int
    reasons: list[Reason]
    terms: dict[str, float]


@dataclass
class Suggestions:
    need_id: int
    eligible: list[Suggestion]
    eligible_count: int
    # (offering id, the rule that excluded it) for the same-category offerings that are not eligible
    excluded: list[tuple[int, str]]
    seconds: float


def score(cost_points: float) -> int:
    """A 0-100 figure for people: 100 is a perfect pair, every cost point takes one off."""
    return max(0, round(100 - cost_points))


class SuggestionIndex:
    """Offerings prepared once (by category), then ranked for one need at a time in a few milliseconds."""

    def __init__(
        self,
        offerings: Sequence[OfferingRow] | OfferingArrays,
        townships: Townships | None = None,
        policy: Policy = DEFAULT_POLICY,
    ):
        self.offerings = (
            offerings if isinstance(offerings, OfferingArrays) else OfferingArrays.build(offerings, townships or {})
        )
        self.policy = policy

    def suggest(self, need: NeedRow, limit: int | None = None) -> Suggestions:
        t0 = time.perf_counter()
        o, policy = self.offerings, self.policy
        limit = limit or policy.suggestions_limit
        n = NeedArrays.build([need], o)
        ei, ej = candidate_edges(n, o, by_area=False)
        ok = eligible(n, o, ei, ej, policy)
        good_i, good_j = ei[ok], ej[ok]
        costs = pair_costs(n, o, good_i, good_j, policy)
        top = np.lexsort((o.id[good_j], costs))[:limit]
        terms = term_costs(n, o, good_i[top], good_j[top], policy)
        top_reasons = edge_reasons(n, o, good_i[top], good_j[top])
        ranked = []
        for rank, k in enumerate(top.tolist()):
            j = int(good_j[k])
            c = int(costs[k]) / COST_SCALE
            ranked.append(
                Suggestion(
                    offering_id=int(o.id[j]),
                    cost=c,
                    score=score(c),
                    reasons=top_reasons[rank],
                    terms={name: round(float(v[rank]), 1) for name, v in terms.items()},
                )
            )
        bad_i, bad_j = ei[~ok], ej[~ok]
        failures = first_failures(n, o, bad_i, bad_j, policy)
        excluded = [(int(o.id[j]), str(rule)) for j, rule in zip(bad_j.tolist(), failures, strict=True)]
        return Suggestions(need.id, ranked, int(ok.sum()), excluded, time.perf_counter() - t0)
