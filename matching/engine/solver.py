"""Exact batch assignment as a min-cost flow (OR-Tools ``SimpleMinCostFlow``).

Network: every left node (a need, or a supervisee waiting for a mentor) has a
supply of 1. It can send it along a candidate edge (capacity 1, cost c_ij) to a
right node (an offering, or a mentor), which drains into the sink with capacity
= its free places; or straight into the sink along its "unserved" arc whose
cost is the need's reward R_i = M * p_i (p_i its integer priority).

Minimising sum(c x) + sum(R_i * unserved_i) = sum(R_i) - sum over served of (R_i - c_ij),
so the flow maximises sum over served of (M p_i - c_ij). With
M = min(#needs, #places) * max(c) + 1 this is lexicographic: first the largest
total priority of needs served, then the least total cost among those. Proof:
if A serves more priority than B, P(A) >= P(B) + 1 (integers), and
M P(A) - C(A) >= M P(B) + M - C(A) > M P(B) - C(B) because M > C(A) >= C(A) - C(B).
All arc costs are non-negative integers, so the optimum is exact (the network
matrix is totally unimodular; OR-Tools works in int64 and we check the range).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.engine.arrays import NeedArrays, OfferingArrays, Townships, _join, candidate_edges, haversine_km
from matching.engine.cost import COST_SCALE, pair_costs, priority
from matching.engine.eligibility import eligible
from matching.engine.policy import DEFAULT_POLICY, Policy
from matching.engine.rows import MenteeRow, MentorRow, NeedRow, OfferingRow

# Rules the candidate edges meet by construction (``candidate_edges``), by whether they were built by area.
CANDIDATES_ENFORCE = {True: frozenset({"category", "service_area"}), False: frozenset({"category"})}

# OR-Tools' cost scaling multiplies costs by the number of nodes; stay well inside int64.
_INT64_SAFE = 1 << 61


class SolverError(RuntimeError):
    pass


def big_m(n_left: int, total_places: int, max_cost: int) -> int:
    """The reward multiplier that makes priority strictly dominate cost (see module docstring)."""
    return min(n_left, total_places) * max(max_cost, 0) + 1


def min_cost_assign(
    n_left: int,
    n_right: int,
    ei: np.ndarray,
    ej: np.ndarray,
    cost: np.ndarray,
    places: np.ndarray,
    weight: np.ndarray,
    supply: np.ndarray | None = None,
    *,
    group_nodes: int = 1_000,
) -> np.ndarray:
    """Units of flow on each edge at the exact lexicographic optimum (see module docstring).

    ``ei``/``ej``/``cost``: candidate edges (left index, right index, integer cost >= 0);
    ``places``: capacity of each right node; ``weight``: integer priority (>= 1) of each left node;
    ``supply``: how many identical units each left node stands for (default 1 each).

    Connected components of the candidate graph share nothing, so the optimum of
    the whole is the optimum of each part (both the priority served and the cost
    add up). Small components are packed into groups of about ``group_nodes`` nodes
    (one solver call each); a component larger than that is a flow of its own. Many
    small flows are much faster than a few big ones: the cost-scaling solver's work
    grows faster than linearly with the nodes and the cost range (province bench,
    docs/scaling.md: 120 components solved one by one take a third of the CPU time of
    9 packed groups of 20,000 nodes). Among equally good optima the one returned may
    depend on the grouping; the objective (priority served, then cost) does not.
    """
    flows = np.zeros(len(ei), np.int64)
    if not len(ei):
        return flows
    supply = np.ones(n_left, np.int64) if supply is None else supply.astype(np.int64)
    graph = coo_matrix((np.ones(len(ei), np.int8), (ei, ej + n_left)), shape=(n_left + n_right,) * 2)
    n_comp, label = connected_components(graph, directed=False)
    if n_comp == 1:
        return _solve_flow(n_left, n_right, ei, ej, cost, places, weight, supply)
    # pack components (in label order) into groups of about group_nodes nodes, numbered 0..n_groups-1
    comp_size = np.bincount(label, minlength=n_comp)
    _, group_of_comp = np.unique(np.cumsum(comp_size) // max(group_nodes, 1), return_inverse=True)
    edge_group = group_of_comp[label[ei]]
    order = np.argsort(edge_group, kind="stable")
    bounds = np.searchsorted(edge_group[order], np.arange(int(group_of_comp.max()) + 2))
    for g in range(len(bounds) - 1):
        edges = order[bounds[g] : bounds[g + 1]]
        if not len(edges):
            continue
        lefts, li = np.unique(ei[edges], return_inverse=True)
        rights, rj = np.unique(ej[edges], return_inverse=True)
        flows[edges] = _solve_flow(
            len(lefts), len(rights), li, rj, cost[edges], places[rights], weight[lefts], supply[lefts]
        )
    return flows


def _solve_flow(
    n_left: int,
    n_right: int,
    ei: np.ndarray,
    ej: np.ndarray,
    cost: np.ndarray,
    places: np.ndarray,
    weight: np.ndarray,
    supply: np.ndarray,
) -> np.ndarray:
    max_cost = int(cost.max())
    m = big_m(int(supply.sum()), int(places.sum()), max_cost)
    reward = weight.astype(np.int64) * m
    nodes = n_left + n_right + 1
    if int(reward.max()) >= _INT64_SAFE // max(nodes, 1):
        raise SolverError("cost range too large for an exact int64 flow; lower the priority weights")
    sink = n_left + n_right
    flow = min_cost_flow.SimpleMinCostFlow()
    edge_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        ei.astype(np.int32), (ej + n_left).astype(np.int32), supply[ei], cost.astype(np.int64)
    )
    right = np.arange(n_right, dtype=np.int32)
    flow.add_arcs_with_capacity_and_unit_cost(
        right + n_left, np.full(n_right, sink, np.int32), places.astype(np.int64), np.zeros(n_right, np.int64)
    )
    left = np.arange(n_left, dtype=np.int32)
    flow.add_arcs_with_capacity_and_unit_cost(left, np.full(n_left, sink, np.int32), supply, reward)
    supplies = np.zeros(nodes, np.int64)
    supplies[:n_left] = supply
    supplies[sink] = -int(supply.sum())
    flow.set_nodes_supplies(np.arange(nodes, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow did not reach the optimum (status {status})")
    return np.asarray(flow.flows(edge_arcs), np.int64)


def greedy_assign(
    n_left: int, ei: np.ndarray, ej: np.ndarray, cost: np.ndarray, places: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """Baseline for the bench only: highest priority first, each takes its cheapest free place."""
    order = np.lexsort((cost, -weight[ei]))
    left_free = np.ones(n_left, bool)
    remaining = places.astype(np.int64).copy()
    chosen = []
    for k in order.tolist():
        i, j = ei[k], ej[k]
        if left_free[i] and remaining[j] > 0:
            left_free[i] = False
            remaining[j] -= 1
            chosen.append(k)
    return np.asarray(chosen, np.int64)


@dataclass
class Problem:
    """Needs and offerings with their eligible candidate edges, costs and priorities."""

    needs: NeedArrays
    offerings: OfferingArrays
    ei: np.ndarray
    ej: np.ndarray
    cost: np.ndarray
    weight: np.ndarray
    policy: Policy
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        needs: Sequence[NeedRow],
        offerings: Sequence[OfferingRow] | OfferingArrays,
        townships: Townships | None = None,
        policy: Policy = DEFAULT_POLICY,
    ) -> Problem:
        t0 = time.perf_counter()
        o = offerings if isinstance(offerings, OfferingArrays) else OfferingArrays.build(offerings, townships or {})
        n = NeedArrays.build(needs, o)
        t1 = time.perf_counter()
        by_area = policy.rule_on("service_area")
        ei, ej = candidate_edges(n, o, by_area=by_area)
        ok = eligible(n, o, ei, ej, policy, enforced=CANDIDATES_ENFORCE[by_area])
        ei, ej = ei[ok], ej[ok]
        t2 = time.perf_counter()
        cost = pair_costs(n, o, ei, ej, policy)
        weight = priority(n.urgency, n.days_waiting, policy)
        t3 = time.perf_counter()
        timings = {"arrays": t1 - t0, "candidates": t2 - t1, "costs": t3 - t2}
        return cls(n, o, ei, ej, cost, weight, policy, timings)


@dataclass
class Assignment:
    """The chosen edges of a solved problem, with its headline figures."""

    problem: Problem
    chosen: np.ndarray  # indices into problem.ei/ej/cost
    seconds: float

    @property
    def need_index(self) -> np.ndarray:
        return self.problem.ei[self.chosen]

    @property
    def offering_index(self) -> np.ndarray:
        return self.problem.ej[self.chosen]

    @property
    def served(self) -> int:
        return len(self.chosen)

    @property
    def served_priority(self) -> int:
        return int(self.problem.weight[self.need_index].sum())

    @property
    def total_cost(self) -> float:
        return float(self.problem.cost[self.chosen].sum()) / COST_SCALE

    def pairs(self) -> list[tuple[int, int, float]]:
        """(need id, offering id, cost points) of every proposal."""
        p = self.problem
        return [
            (int(p.needs.id[i]), int(p.offerings.id[j]), float(c) / COST_SCALE)
            for i, j, c in zip(self.need_index, self.offering_index, p.cost[self.chosen], strict=True)
        ]

    def remaining_places(self) -> np.ndarray:
        left = self.problem.offerings.vacancies.copy()
        np.subtract.at(left, self.offering_index, 1)
        return left


def assign_needs(problem: Problem, *, method: str = "flow") -> Assignment:
    """Solve the batch exactly (``flow``) or with the greedy baseline (``greedy``, bench only)."""
    p = problem
    t0 = time.perf_counter()
    if method == "flow":
        flows = min_cost_assign(len(p.needs), len(p.offerings), p.ei, p.ej, p.cost, p.offerings.vacancies, p.weight)
        chosen = np.flatnonzero(flows > 0)
    elif method == "greedy":
        chosen = greedy_assign(len(p.needs), p.ei, p.ej, p.cost, p.offerings.vacancies, p.weight)
    else:
        raise ValueError(method)
    return Assignment(p, chosen, time.perf_counter() - t0)


def solve(
    needs: Sequence[NeedRow],
    offerings: Sequence[OfferingRow],
    townships: Townships | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> Assignment:
    """Build the problem and solve it exactly."""
    return assign_needs(Problem.build(needs, offerings, townships, policy))


# --- mentor pairing ----------------------------------------------------------------------------


def mentor_pair_eligible(
    mentee: MenteeRow, mentor: MentorRow, km: float, policy: Policy = DEFAULT_POLICY
) -> str | None:
    """The rule a (supervisee, mentor) pair breaks, or None. Same rules as ``pair_mentors`` (scalar form)."""
    if mentor.places_left <= 0:
        return "mentor_capacity"
    if mentee.sex == "female" and not mentee.team_has_woman and mentor.sex != "female":
        return "female_team"
    if mentee.is_minor and not mentor.mentors_minors:
        return "minors"
    if policy.rule_on("mentor_language") and not (mentee.languages & mentor.languages):
        return "mentor_language"
    if policy.rule_on("mentor_distance") and not np.isnan(km) and km > policy.weights.mentor_max_km:
        return "mentor_distance"
    return None


@dataclass
class MentorAssignment:
    """Chosen (supervisee, mentor) pairs: ``pairs`` holds (mentee index, mentor index, cost, km)."""

    mentees: Sequence[MenteeRow]
    mentors: Sequence[MentorRow]
    chosen: list[tuple[int, int, int, float]]
    weight: np.ndarray
    edges: int
    seconds: float
    build_seconds: float

    def pairs(self) -> list[tuple[int, int, float]]:
        return [(self.mentees[i].id, self.mentors[j].id, c / COST_SCALE) for i, j, c, _km in self.chosen]

    @property
    def served(self) -> int:
        return len(self.chosen)

    @property
    def total_cost(self) -> float:
        return sum(c for _i, _j, c, _km in self.chosen) / COST_SCALE

    @property
    def served_priority(self) -> int:
        return int(sum(self.weight[i] for i, _j, _c, _km in self.chosen))


def _points(rows, townships: Townships) -> tuple[np.ndarray, np.ndarray]:
    lat = np.full(len(rows), np.nan)
    lon = np.full(len(rows), np.nan)
    for k, r in enumerate(rows):
        if r.latitude is not None and r.longitude is not None:
            lat[k], lon[k] = r.latitude, r.longitude
        elif r.township_id is not None and r.township_id in townships:
            t_lat, t_lon = townships[r.township_id]
            if t_lat is not None and t_lon is not None:
                lat[k], lon[k] = t_lat, t_lon
    return lat, lon


def _classes(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Group identical rows: (index of one member of each class, class of each row)."""
    table = np.column_stack([np.nan_to_num(c.astype(float), nan=1e9) for c in columns])
    _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def pair_mentors(
    mentees: Sequence[MenteeRow],
    mentors: Sequence[MentorRow],
    townships: Townships | None = None,
    policy: Policy = DEFAULT_POLICY,
    *,
    method: str = "flow",
) -> MentorAssignment:
    """Pair supervisees with volunteer mentors, exactly, as a min-cost flow.

    Rules: a mentor has places left (max mentees minus current); a female
    supervisee whose correction team has no woman gets a female mentor (Art. 25);
    minors only with mentors cleared for minors; a shared language; at most
    ``mentor_max_km`` apart. Cost: distance; priority by urgency and waiting as for needs.

    Exactness at scale: people located at the same point with the same rule
    attributes (and, for supervisees, the same priority) are interchangeable, so
    the flow runs between such classes (a supervisee class supplies its size, a
    mentor class drains its total places) and the class flows are then split
    among the members. Candidates come from a grid of cells ``mentor_max_km``
    wide, so every pair within the distance limit is considered (no cap).
    """
    townships = townships or {}
    w = policy.weights
    t0 = time.perf_counter()
    a_lat, a_lon = _points(mentees, townships)
    b_lat, b_lon = _points(mentors, townships)
    vocab = {lang: k for k, lang in enumerate(sorted({lang for r in mentors for lang in r.languages}))}

    def lang_mask(langs: frozenset[str]) -> int:
        return sum(1 << min(vocab[lang], 62) for lang in set(langs) if lang in vocab)

    a_lang = np.fromiter((lang_mask(r.languages) for r in mentees), np.int64, len(mentees))
    b_lang = np.fromiter((lang_mask(r.languages) for r in mentors), np.int64, len(mentors))
    a_fem = np.fromiter((r.sex == "female" and not r.team_has_woman for r in mentees), bool, len(mentees))
    a_minor = np.fromiter((r.is_minor for r in mentees), bool, len(mentees))
    b_female = np.fromiter((r.sex == "female" for r in mentors), bool, len(mentors))
    b_minors = np.fromiter((r.mentors_minors for r in mentors), bool, len(mentors))
    places = np.fromiter((max(r.places_left, 0) for r in mentors), np.int64, len(mentors))
    urgency = np.fromiter((min(max(r.urgency, 0), 3) for r in mentees), np.int64, len(mentees))
    days = np.fromiter((max(r.days_waiting, 0) for r in mentees), np.int64, len(mentees))
    weight = priority(urgency, days, policy)
    if not len(mentees) or not len(mentors):
        return MentorAssignment(mentees, mentors, [], weight, 0, 0.0, time.perf_counter() - t0)
    a_first, a_class = _classes([a_lat, a_lon, a_fem, a_minor, a_lang, weight])
    open_mentors = np.flatnonzero(places > 0)
    b_first, b_class_open = _classes(
        [b_lat[open_mentors], b_lon[open_mentors], b_female[open_mentors], b_minors[open_mentors], b_lang[open_mentors]]
    )
    b_first = open_mentors[b_first]
    a_size = np.bincount(a_class, minlength=len(a_first))
    b_places = np.bincount(b_class_open, weights=places[open_mentors], minlength=len(b_first)).astype(np.int64)
    ca_lat, ca_lon, cb_lat, cb_lon = a_lat[a_first], a_lon[a_first], b_lat[b_first], b_lon[b_first]
    if policy.rule_on("mentor_distance"):
        ei, ej = _grid_candidates(ca_lat, ca_lon, cb_lat, cb_lon, w.mentor_max_km)
    else:
        ei = np.repeat(np.arange(len(a_first)), len(b_first))
        ej = np.tile(np.arange(len(b_first)), len(a_first))
    km = haversine_km(ca_lat[ei], ca_lon[ei], cb_lat[ej], cb_lon[ej])
    ai, bj = a_first[ei], b_first[ej]
    ok = ~a_fem[ai] | b_female[bj]
    ok &= ~a_minor[ai] | b_minors[bj]
    if policy.rule_on("mentor_language"):
        ok &= (a_lang[ai] & b_lang[bj]) != 0
    if policy.rule_on("mentor_distance"):
        ok &= np.isnan(km) | (km <= w.mentor_max_km)
    ei, ej, km = ei[ok], ej[ok], km[ok]
    dist = np.where(np.isnan(km), w.unknown_distance_km, np.minimum(km, w.distance_cap_km)) * w.distance_per_km
    cost = np.rint(dist * COST_SCALE).astype(np.int64)
    class_weight = weight[a_first]
    t1 = time.perf_counter()
    if method == "flow":
        flows = min_cost_assign(len(a_first), len(b_first), ei, ej, cost, b_places, class_weight, a_size)
    else:
        flows = _greedy_classes(len(a_first), ei, ej, cost, b_places, class_weight, a_size)
    seconds = time.perf_counter() - t1
    # Split class flows among members (any split is optimal: members of a class are interchangeable).
    a_members = [list(m) for m in np.split(np.argsort(a_class, kind="stable"), np.cumsum(a_size)[:-1])]
    b_sorted = open_mentors[np.argsort(b_class_open, kind="stable")]
    b_members = [list(m) for m in np.split(b_sorted, np.cumsum(np.bincount(b_class_open, minlength=len(b_first)))[:-1])]
    left = places.copy()
    chosen: list[tuple[int, int, int, float]] = []
    for k in np.flatnonzero(flows > 0).tolist():
        members, pool = a_members[ei[k]], b_members[ej[k]]
        for _ in range(int(flows[k])):
            mentor = next(m for m in pool if left[m] > 0)
            left[mentor] -= 1
            chosen.append((int(members.pop()), int(mentor), int(cost[k]), float(km[k])))
    return MentorAssignment(mentees, mentors, chosen, weight, len(ei), seconds, t1 - t0)


def _greedy_classes(
    n_left: int,
    ei: np.ndarray,
    ej: np.ndarray,
    cost: np.ndarray,
    places: np.ndarray,
    weight: np.ndarray,
    supply: np.ndarray,
) -> np.ndarray:
    """Greedy baseline over classes (bench only): highest priority first, cheapest first."""
    order = np.lexsort((cost, -weight[ei]))
    left_supply = supply.astype(np.int64).copy()
    remaining = places.astype(np.int64).copy()
    flows = np.zeros(len(ei), np.int64)
    for k in order.tolist():
        i, j = ei[k], ej[k]
        f = min(left_supply[i], remaining[j])
        if f > 0:
            flows[k] = f
            left_supply[i] -= f
            remaining[j] -= f
    return flows


def _grid_candidates(
    a_lat: np.ndarray, a_lon: np.ndarray, b_lat: np.ndarray, b_lon: np.ndarray, radius_km: float
) -> tuple[np.ndarray, np.ndarray]:
    """All pairs that may lie within ``radius_km``: same or neighbouring grid cell; unknown places pair with all."""
    cell_deg = radius_km / 111.0  # a degree of latitude is ~111 km; longitude degrees are shorter, so safe
    a_known = ~np.isnan(a_lat)
    b_known = ~np.isnan(b_lat)
    a_cell = np.where(a_known, np.floor(np.nan_to_num(a_lat) / cell_deg), 0).astype(np.int64)
    a_cellx = np.where(a_known, np.floor(np.nan_to_num(a_lon) / cell_deg), 0).astype(np.int64)
    b_cell = np.where(b_known, np.floor(np.nan_to_num(b_lat) / cell_deg), 0).astype(np.int64)
    b_cellx = np.where(b_known, np.floor(np.nan_to_num(b_lon) / cell_deg), 0).astype(np.int64)
    shift = np.int64(1 << 24)
    b_idx = np.flatnonzero(b_known)
    b_keys = (b_cell[b_idx] + (1 << 23)) * shift + (b_cellx[b_idx] + (1 << 23))
    order = np.argsort(b_keys, kind="stable")
    b_keys, b_idx = b_keys[order], b_idx[order]
    parts_i, parts_j = [], []
    a_idx = np.flatnonzero(a_known)
    # Longitude cells: at latitude phi a degree of longitude is 111 cos(phi) km, so more cells may be needed.
    max_lat = float(np.nanmax(np.abs(a_lat))) if a_known.any() else 0.0
    span = int(np.ceil(1 / max(np.cos(np.radians(min(max_lat + cell_deg, 89.0))), 1e-6)))
    for dy in (-1, 0, 1):
        for dx in range(-span, span + 1):
            keys = (a_cell[a_idx] + dy + (1 << 23)) * shift + (a_cellx[a_idx] + dx + (1 << 23))
            ii, jj = _join(keys, b_keys, b_idx)
            parts_i.append(a_idx[ii])
            parts_j.append(jj)
    unknown_b = np.flatnonzero(~b_known)
    if len(unknown_b):
        parts_i.append(np.repeat(a_idx, len(unknown_b)))
        parts_j.append(np.tile(unknown_b, len(a_idx)))
    unknown_a = np.flatnonzero(~a_known)
    if len(unknown_a):
        parts_i.append(np.repeat(unknown_a, len(b_lat)))
        parts_j.append(np.tile(np.arange(len(b_lat)), len(unknown_a)))
    return np.concatenate(parts_i).astype(np.int64), np.concatenate(parts_j).astype(np.int64)
