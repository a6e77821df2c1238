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
from matching.engine.solver import Assignment, Problem


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict = field(default_factory=dict, hash=False)


def edge_reasons(
    n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray, places_left: np.ndarray | None = None
) -> list[list[Reason]]:
    """For each edge, the reasons that speak for it, most telling first (features computed in one pass)."""
    cont = continuity(n, o, i, j).tolist()
    same = ((n.township[i] >= 0) & (n.township[i] == o.township[j])).tolist()
    km_values = distance_km(n, o, i, j)
    known = (~np.isnan(km_values)).tolist()
    km = km_values.tolist()
    citywide = o.citywide[j].tolist()
    lang = ((o.language_mask[j] != 0) & language_match(n, o, i, j)).tolist()
    house = ((o.household_mask[j] != 0) & (n.household[i] >= 0)).tolist()
    household = n.household[i].tolist()
    minors = (n.minor[i] & o.accepts_minors[j]).tolist()
    left = (o.vacancies[j] if places_left is None else places_left).tolist()
    out = []
    for k in range(len(i)):
        reasons = []
        if cont[k]:
            reasons.append(Reason("continuity"))
        if same[k]:
            reasons.append(Reason("same_township"))
        elif known[k]:
            reasons.append(Reason("distance", {"km": round(km[k], 1)}))
        elif citywide[k]:
            reasons.append(Reason("citywide"))
        if lang[k]:
            reasons.append(Reason("speaks_language"))
        if house[k]:
            reasons.append(Reason("accepts_household", {"household": HOUSEHOLD_TYPES[household[k]]}))
        if minors[k]:
            reasons.append(Reason("accepts_minors"))
        reasons.append(Reason("places_left", {"count": left[k]}))
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


def runner_up_edges(problem: Problem, chosen: np.ndarray) -> np.ndarray:
    """For each need, the edge of its cheapest candidate not chosen (the lowest edge index among equal
    costs), or -1. Vectorised: a minimum per need, then the first edge that reaches it."""
    unchosen = np.ones(len(problem.ei), bool)
    unchosen[chosen] = False
    edges = np.flatnonzero(unchosen)
    need, cost = problem.ei[edges], problem.cost[edges]
    best = np.full(len(problem.needs), np.iinfo(np.int64).max, np.int64)
    np.minimum.at(best, need, cost)
    cheapest = edges[cost == best[need]]
    # np.unique's return_index is the first occurrence, i.e. the lowest edge index (cheapest is ascending)
    runner_need, first = np.unique(problem.ei[cheapest], return_index=True)
    runner_edge = np.full(len(problem.needs), -1, np.int64)
    runner_edge[runner_need] = cheapest[first]
    return runner_edge


def explain_assignment(assignment: Assignment) -> list[Explanation]:
    """An explanation for every proposal of a solved batch (runner-up found in one vectorised pass)."""
    p = assignment.problem
    n, o = p.needs, p.offerings
    chosen = assignment.chosen
    ci, cj = p.ei[chosen], p.ej[chosen]
    runner = runner_up_edges(p, chosen)[ci]
    has_runner = runner >= 0
    runner_j = p.ej[np.where(has_runner, runner, 0)] if len(p.ej) else runner
    remaining = assignment.remaining_places()
    all_reasons = edge_reasons(n, o, ci, cj)
    columns = zip(
        n.id[ci].tolist(),
        o.id[cj].tolist(),
        p.cost[chosen].tolist(),
        (n.urgency[ci] >= 2).tolist(),
        n.days_waiting[ci].tolist(),
        has_runner.tolist(),
        o.id[runner_j].tolist(),
        p.cost[runner].tolist(),
        (remaining[runner_j] <= 0).tolist(),
        all_reasons,
        strict=True,
    )
    out = []
    for need_id, offering_id, c, urgent, days, has_r, r_id, r_cost, r_full, reasons in columns:
        if urgent:
            reasons.insert(0, Reason("urgent"))
        if days >= 14:
            reasons.insert(0, Reason("waiting", {"days": days}))
        if has_r:
            runner_up = (r_id, r_cost / COST_SCALE, (r_cost - c) / COST_SCALE, r_full)
        else:
            runner_up = (None, None, None, False)
        out.append(Explanation(need_id, offering_id, c / COST_SCALE, reasons, *runner_up))
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
