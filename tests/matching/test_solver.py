"""Batch assignment: properties on random instances against an independent exact method."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from bench.matching_data import generate
from matching.engine.cost import COST_SCALE, priority
from matching.engine.explain import SuggestionIndex, explain_assignment
from matching.engine.policy import DEFAULT_POLICY
from matching.engine.rows import HOUSEHOLD_TYPES, RISK_LEVELS, SENTENCE_TYPES, SEXES, NeedRow, OfferingRow
from matching.engine.solver import Problem, _solve_flow, assign_needs, min_cost_assign

TOWNSHIPS = {1: (34.50, 113.30), 2: (34.55, 113.40), 3: (34.70, 113.50)}
subset = st.frozensets


def needs_strategy(n_offerings: int):
    return st.builds(
        NeedRow,
        id=st.just(0),
        category_id=st.integers(1, 2),
        township_id=st.sampled_from([1, 2, 3, None]),
        sex=st.sampled_from(SEXES),
        age=st.one_of(st.none(), st.integers(14, 70)),
        is_minor=st.booleans(),
        household_type=st.sampled_from(HOUSEHOLD_TYPES),
        sentence_type=st.sampled_from(SENTENCE_TYPES),
        risk_level=st.sampled_from(RISK_LEVELS),
        languages=subset(st.sampled_from(["zh", "hui", "en"]), min_size=1, max_size=2),
        urgency=st.integers(0, 3),
        days_waiting=st.integers(0, 100),
        monthly_income=st.one_of(st.none(), st.integers(0, 3000)),
        declined_offering_ids=subset(st.integers(1, max(n_offerings, 1)), max_size=1),
        orgs_already_working_with=subset(st.integers(1, 3), max_size=1),
    )


offerings_strategy = st.builds(
    OfferingRow,
    id=st.just(0),
    organisation_id=st.integers(1, 3),
    category_id=st.integers(1, 2),
    vacancies=st.integers(0, 3),
    capacity=st.integers(0, 5),
    service_township_ids=st.one_of(st.none(), subset(st.integers(1, 3), min_size=1)),
    household_types=subset(st.sampled_from(HOUSEHOLD_TYPES)),
    sexes=subset(st.sampled_from(SEXES)),
    min_age=st.one_of(st.none(), st.integers(16, 40)),
    max_age=st.one_of(st.none(), st.integers(30, 65)),
    accepts_minors=st.booleans(),
    sentence_types=subset(st.sampled_from(SENTENCE_TYPES)),
    risk_levels=subset(st.sampled_from(RISK_LEVELS)),
    income_limit=st.one_of(st.none(), st.integers(500, 2500)),
    languages=subset(st.sampled_from(["zh", "hui"])),
    township_id=st.sampled_from([1, 2, 3, None]),
)


@st.composite
def instances(draw):
    offerings = draw(st.lists(offerings_strategy, max_size=5))
    offerings = [o.__class__(**{**_fields(o), "id": k + 1}) for k, o in enumerate(offerings)]
    needs = draw(st.lists(needs_strategy(len(offerings)), max_size=8))
    needs = [n.__class__(**{**_fields(n), "id": k + 1}) for k, n in enumerate(needs)]
    return needs, offerings


def _fields(row):
    return {name: getattr(row, name) for name in row.__slots__}


def independent_eligible(n: NeedRow, o: OfferingRow) -> bool:
    """The rules of docs/matching.md, written again without the engine's arrays."""
    minor = n.is_minor or (n.age is not None and n.age < 18)
    limited_age = o.min_age is not None or o.max_age is not None
    return (
        n.category_id == o.category_id
        and o.vacancies > 0
        and (o.service_township_ids is None or n.township_id in o.service_township_ids)
        and o.id not in n.declined_offering_ids
        and (not minor or o.accepts_minors)
        and (not o.household_types or n.household_type in o.household_types)
        and (not o.sexes or n.sex in o.sexes)
        and (
            not limited_age
            or (
                n.age is not None
                and (o.min_age is None or n.age >= o.min_age)
                and (o.max_age is None or n.age <= o.max_age)
            )
        )
        and (not o.sentence_types or n.sentence_type in o.sentence_types)
        and (not o.risk_levels or n.risk_level in o.risk_levels)
        and (o.income_limit is None or n.monthly_income is None or n.monthly_income <= o.income_limit)
    )


def exact_by_assignment(problem: Problem) -> tuple[int, int]:
    """(served priority, total cost) of the lexicographic optimum by the Hungarian method
    on a matrix with one column per free place plus one "unserved" column per need."""
    n, o = problem.needs, problem.offerings
    slots = [j for j in range(len(o)) if True for _ in range(int(o.vacancies[j]))]
    cost = {(int(i), int(j)): int(c) for i, j, c in zip(problem.ei, problem.ej, problem.cost, strict=True)}
    big = sum(cost.values()) + 1  # independent of the solver's M: any cost sum is below it
    rows, cols = len(n), len(slots) + len(n)
    forbidden = -(10**15)
    profit = np.full((rows, cols), forbidden, dtype=float)
    for i in range(rows):
        profit[i, len(slots) + i] = 0
        for s, j in enumerate(slots):
            if (i, j) in cost:
                profit[i, s] = big * int(problem.weight[i]) - cost[(i, j)]
    r, c = linear_sum_assignment(profit, maximize=True)
    served = [(i, slots[s]) for i, s in zip(r, c, strict=True) if s < len(slots)]
    return sum(int(problem.weight[i]) for i, _ in served), sum(cost[(i, j)] for i, j in served)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_optimal_feasible_and_eligible_on_random_instances(instance):
    needs, offerings = instance
    problem = Problem.build(needs, offerings, TOWNSHIPS)
    # the candidate edges are exactly the pairs the independent rules allow
    expected = {
        (i, j)
        for (i, n), (j, o) in itertools.product(enumerate(needs), enumerate(offerings))
        if independent_eligible(n, o)
    }
    assert set(zip(problem.ei.tolist(), problem.ej.tolist(), strict=True)) == expected

    result = assign_needs(problem)
    taken = np.bincount(result.offering_index, minlength=len(offerings))
    assert all(taken[j] <= offerings[j].vacancies for j in range(len(offerings))), "an offering over capacity"
    assert len(set(result.need_index.tolist())) == result.served, "a need served twice"
    for i, j in zip(result.need_index.tolist(), result.offering_index.tolist(), strict=True):
        assert independent_eligible(needs[i], offerings[j])

    best_priority, best_cost = exact_by_assignment(problem)
    assert result.served_priority == best_priority
    assert round(result.total_cost * COST_SCALE) == best_cost

    # one flow per connected component (no packing) reaches the same optimum
    split = np.flatnonzero(
        min_cost_assign(
            len(needs),
            len(offerings),
            problem.ei,
            problem.ej,
            problem.cost,
            problem.offerings.vacancies,
            problem.weight,
            group_nodes=1,
        )
    )
    assert (int(problem.weight[problem.ei[split]].sum()), int(problem.cost[split].sum())) == (best_priority, best_cost)

    greedy = assign_needs(problem, method="greedy")
    assert (greedy.served_priority, -greedy.total_cost) <= (result.served_priority, -result.total_cost)


def _objective(problem: Problem, flows: np.ndarray) -> tuple[int, int, int]:
    chosen = np.flatnonzero(flows)
    return len(chosen), int(problem.weight[problem.ei[chosen]].sum()), int(problem.cost[chosen].sum())


def test_seeded_province_shape_keeps_its_optimum_however_the_graph_is_split():
    """A seeded province-shaped instance (3 cities, 12 categories: 36 components) has the optimum the engine
    reached before the solver was split per component (recorded), and every split gives it."""
    inst = generate(n_needs=3000, n_offerings=400, n_cities=3, townships_per_city=6, seed=7)
    problem = Problem.build(inst.needs, inst.offerings, inst.townships)
    assert len(problem.ei) == 11044
    result = assign_needs(problem)
    # served, priority served, cost in tenths of a point: the figures of the engine before this change
    assert (result.served, result.served_priority, round(result.total_cost * COST_SCALE)) == (1493, 30734, 250971)
    taken = np.bincount(result.offering_index, minlength=len(problem.offerings))
    assert (taken <= problem.offerings.vacancies).all() and len(set(result.need_index.tolist())) == result.served
    args = (len(problem.needs), len(problem.offerings), problem.ei, problem.ej, problem.cost)
    whole = _solve_flow(
        *args,
        problem.offerings.vacancies,
        problem.weight,
        np.ones(len(problem.needs), np.int64),
    )
    assert _objective(problem, whole) == (1493, 30734, 250971)
    for group_nodes in (1, 50, 1_000, 10**9):
        flows = min_cost_assign(*args, problem.offerings.vacancies, problem.weight, group_nodes=group_nodes)
        assert _objective(problem, flows) == (1493, 30734, 250971), group_nodes


def _need(i, **kw):
    base = {
        "id": i,
        "category_id": 1,
        "township_id": 1,
        "sex": "male",
        "age": 30,
        "is_minor": False,
        "household_type": "urban",
        "sentence_type": "probation",
        "risk_level": "low",
    }
    return NeedRow(**{**base, **kw})


def test_scarce_place_goes_to_the_higher_priority_need_and_runner_up_is_explained():
    near = OfferingRow(id=1, organisation_id=1, category_id=1, vacancies=1, capacity=1, township_id=1)
    far = OfferingRow(id=2, organisation_id=2, category_id=1, vacancies=1, capacity=1, township_id=3)
    urgent = _need(1, urgency=3, days_waiting=30)
    calm = _need(2, urgency=0)
    result = assign_needs(Problem.build([calm, urgent], [near, far], TOWNSHIPS))
    assert sorted((a, b) for a, b, _ in result.pairs()) == [(1, 1), (2, 2)]
    by_need = {e.need_id: e for e in explain_assignment(result)}
    codes = [r.code for r in by_need[1].reasons]
    assert codes[:3] == ["waiting", "urgent", "same_township"]
    assert by_need[1].runner_up_offering_id == 2 and by_need[1].cost_difference > 0
    # the calm need got the far place; its cheaper runner-up went to the urgent need and is full now
    assert by_need[2].runner_up_offering_id == 1
    assert by_need[2].cost_difference < 0 and by_need[2].runner_up_full


def test_priority_beats_cost_but_serving_more_needs_comes_first():
    # one offering with 2 places, three equal needs: two are served, whichever is cheaper
    offer = OfferingRow(id=1, organisation_id=1, category_id=1, vacancies=2, township_id=1)
    needs = [_need(1, township_id=3), _need(2, township_id=1), _need(3, township_id=2)]
    result = assign_needs(Problem.build(needs, [offer], TOWNSHIPS))
    assert sorted(a for a, _, _ in result.pairs()) == [2, 3]


def test_priority_grows_with_urgency_and_waiting():
    p = priority(np.array([0, 3, 0]), np.array([0, 0, 70]), DEFAULT_POLICY)
    assert p[0] < p[1] and p[0] < p[2] and p.min() >= 1


def test_suggestions_rank_with_reasons_and_list_excluded_offerings():
    same = OfferingRow(id=1, organisation_id=1, category_id=1, vacancies=3, capacity=3, township_id=1)
    continuing = OfferingRow(id=2, organisation_id=9, category_id=1, vacancies=1, capacity=4, township_id=2)
    full = OfferingRow(id=3, organisation_id=3, category_id=1, vacancies=0, township_id=1)
    rural_only = OfferingRow(id=4, organisation_id=4, category_id=1, vacancies=2, household_types=frozenset({"rural"}))
    other_category = OfferingRow(id=5, organisation_id=5, category_id=2, vacancies=5)
    index = SuggestionIndex([same, continuing, full, rural_only, other_category], TOWNSHIPS)
    result = index.suggest(_need(1, orgs_already_working_with=frozenset({9})))
    assert [s.offering_id for s in result.eligible] == [1, 2]
    first, second = result.eligible
    assert [r.code for r in first.reasons] == ["same_township", "places_left"]
    assert first.reasons[-1].params == {"count": 3}
    assert second.reasons[0].code == "continuity" and second.terms["continuity"] < 0
    assert sorted(result.excluded) == [(3, "vacancies"), (4, "household_type")]


def test_runner_up_is_the_cheapest_candidate_not_chosen_on_a_seeded_instance():
    """The vectorised runner-up search agrees with a plain loop over the edges (first edge among equal costs)."""
    inst = generate(n_needs=1500, n_offerings=200, n_cities=2, townships_per_city=5, seed=11)
    problem = Problem.build(inst.needs, inst.offerings, inst.townships)
    result = assign_needs(problem)
    chosen = set(result.chosen.tolist())
    best: dict[int, tuple[int, int]] = {}
    for k, (i, c) in enumerate(zip(problem.ei.tolist(), problem.cost.tolist(), strict=True)):
        if k not in chosen and (i not in best or c < best[i][0]):
            best[i] = (c, k)
    left = result.remaining_places()
    explanations = explain_assignment(result)
    assert len(explanations) == result.served > 0
    with_runner_up = 0
    for e, i in zip(explanations, result.need_index.tolist(), strict=True):
        if i in best:
            c, k = best[i]
            j = int(problem.ej[k])
            assert e.runner_up_offering_id == int(problem.offerings.id[j])
            assert e.runner_up_cost == c / COST_SCALE
            assert e.runner_up_full == bool(left[j] <= 0)
            with_runner_up += 1
        else:
            assert e.runner_up_offering_id is None and not e.runner_up_full
    assert with_runner_up > 100
