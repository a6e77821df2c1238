"""Mentor pairing: the Art. 25 female-team rule, minors, language, distance, exactness."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching.engine.arrays import haversine_km
from matching.engine.cost import COST_SCALE, priority
from matching.engine.policy import DEFAULT_POLICY
from matching.engine.rows import MenteeRow, MentorRow
from matching.engine.solver import mentor_pair_eligible, pair_mentors

TOWNSHIPS = {1: (34.50, 113.30), 2: (34.52, 113.33), 3: (35.20, 113.90)}


def test_female_supervisee_without_a_woman_in_the_team_gets_a_female_mentor():
    mentee = MenteeRow(id=1, sex="female", team_has_woman=False, township_id=1)
    man_nearby = MentorRow(id=1, sex="male", places_left=1, township_id=1)
    woman_further = MentorRow(id=2, sex="female", places_left=1, township_id=2)
    assert pair_mentors([mentee], [man_nearby, woman_further], TOWNSHIPS).pairs()[0][:2] == (1, 2)
    assert pair_mentors([mentee], [man_nearby], TOWNSHIPS).served == 0


def test_female_supervisee_whose_team_has_a_woman_may_get_the_nearest_mentor():
    mentee = MenteeRow(id=1, sex="female", team_has_woman=True, township_id=1)
    mentors = [
        MentorRow(id=1, sex="male", places_left=1, township_id=1),
        MentorRow(id=2, sex="female", places_left=1, township_id=2),
    ]
    assert pair_mentors([mentee], mentors, TOWNSHIPS).pairs()[0][:2] == (1, 1)


def test_minors_language_distance_and_capacity():
    minor = MenteeRow(id=1, sex="male", team_has_woman=True, township_id=1, is_minor=True)
    assert (
        pair_mentors(
            [minor], [MentorRow(id=1, sex="male", places_left=1, township_id=1, mentors_minors=False)], TOWNSHIPS
        ).served
        == 0
    )
    hui = MenteeRow(id=2, sex="male", team_has_woman=True, township_id=1, languages=frozenset({"hui"}))
    assert pair_mentors([hui], [MentorRow(id=1, sex="male", places_left=1, township_id=1)], TOWNSHIPS).served == 0
    far = MentorRow(id=1, sex="male", places_left=1, township_id=3)  # about 90 km away
    plain = MenteeRow(id=3, sex="male", team_has_woman=True, township_id=1)
    assert pair_mentors([plain], [far], TOWNSHIPS).served == 0
    two = [MenteeRow(id=k, sex="male", team_has_woman=True, township_id=1) for k in (1, 2, 3)]
    assert pair_mentors(two, [MentorRow(id=1, sex="male", places_left=2, township_id=1)], TOWNSHIPS).served == 2


mentee_st = st.builds(
    MenteeRow,
    id=st.just(0),
    sex=st.sampled_from(["male", "female"]),
    team_has_woman=st.booleans(),
    languages=st.frozensets(st.sampled_from(["zh", "hui"]), min_size=1),
    township_id=st.sampled_from([1, 2, 3, None]),
    urgency=st.integers(0, 3),
    days_waiting=st.integers(0, 60),
    is_minor=st.booleans(),
)
mentor_st = st.builds(
    MentorRow,
    id=st.just(0),
    sex=st.sampled_from(["male", "female"]),
    places_left=st.integers(0, 2),
    languages=st.frozensets(st.sampled_from(["zh", "hui"]), min_size=1),
    township_id=st.sampled_from([1, 2, 3, None]),
    mentors_minors=st.booleans(),
)


def _renumber(rows):
    return [r.__class__(**{**{f: getattr(r, f) for f in r.__slots__}, "id": k + 1}) for k, r in enumerate(rows)]


def _point(r):
    return TOWNSHIPS.get(r.township_id, (np.nan, np.nan))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mentee_st, max_size=7), st.lists(mentor_st, max_size=4))
def test_mentor_pairing_is_feasible_and_optimal(mentees, mentors):
    mentees, mentors = _renumber(mentees), _renumber(mentors)
    result = pair_mentors(mentees, mentors, TOWNSHIPS)
    w = DEFAULT_POLICY.weights
    load = {}
    for i, j, _c, _km in result.chosen:
        a, b = mentees[i], mentors[j]
        km = float(haversine_km(*map(np.asarray, (*_point(a), *_point(b)))))
        assert mentor_pair_eligible(a, b, km) is None
        if a.sex == "female" and not a.team_has_woman:
            assert b.sex == "female"
        load[j] = load.get(j, 0) + 1
    assert all(load[j] <= mentors[j].places_left for j in load)
    assert len({i for i, *_ in result.chosen}) == result.served

    # independent exact optimum: Hungarian method, one column per mentor place + one "unpaired" per mentee
    weight = priority(
        np.array([m.urgency for m in mentees], dtype=np.int64),
        np.array([m.days_waiting for m in mentees], dtype=np.int64),
        DEFAULT_POLICY,
    )
    slots = [j for j, m in enumerate(mentors) for _ in range(m.places_left)]
    costs = {}
    for i, a in enumerate(mentees):
        for j, b in enumerate(mentors):
            km = float(haversine_km(*map(np.asarray, (*_point(a), *_point(b)))))
            if mentor_pair_eligible(a, b, km) is None:
                d = w.unknown_distance_km if np.isnan(km) else min(km, w.distance_cap_km)
                costs[i, j] = int(np.rint(d * w.distance_per_km * COST_SCALE))
    big = sum(costs.values()) + 1
    profit = np.full((len(mentees), len(slots) + len(mentees)), -(10.0**15))
    for i in range(len(mentees)):
        profit[i, len(slots) + i] = 0
        for s, j in enumerate(slots):
            if (i, j) in costs:
                profit[i, s] = big * int(weight[i]) - costs[i, j]
    r, c = linear_sum_assignment(profit, maximize=True) if len(mentees) else ([], [])
    served = [(i, slots[s]) for i, s in zip(r, c, strict=True) if s < len(slots)]
    assert result.served_priority == sum(int(weight[i]) for i, _ in served)
    assert round(result.total_cost * COST_SCALE) == sum(costs[p] for p in served)
