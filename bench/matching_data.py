"""Synthetic matching instances (seeded, no real people) for the bench and the tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.engine.rows import (
    HOUSEHOLD_TYPES,
    RISK_LEVELS,
    SENTENCE_TYPES,
    SEXES,
    MenteeRow,
    MentorRow,
    NeedRow,
    OfferingRow,
)

CENTRE = (34.52, 113.38)  # a synthetic city centre
LANGUAGES = ("zh", "zh-yue", "hui", "en")


@dataclass
class Instance:
    townships: dict[int, tuple[float, float]]
    needs: list[NeedRow]
    offerings: list[OfferingRow]
    mentees: list[MenteeRow]
    mentors: list[MentorRow]


def generate(
    *,
    n_needs: int,
    n_offerings: int,
    n_mentors: int = 0,
    n_mentees: int = 0,
    n_cities: int = 1,
    townships_per_city: int = 30,
    n_categories: int = 12,
    seed: int = 1,
) -> Instance:
    """A city (``n_cities=1``: city-wide offerings have no area limit) or a province of cities."""
    rng = np.random.default_rng(seed)
    n_town = n_cities * townships_per_city
    city_of = np.repeat(np.arange(n_cities), townships_per_city)
    city_centres = [(CENTRE[0] + rng.uniform(-2, 2), CENTRE[1] + rng.uniform(-2, 2)) for _ in range(n_cities)]
    townships = {}
    for t in range(n_town):
        c = city_centres[city_of[t]]
        townships[t + 1] = (round(c[0] + rng.uniform(-0.3, 0.3), 6), round(c[1] + rng.uniform(-0.3, 0.3), 6))
    city_towns = [np.flatnonzero(city_of == c) + 1 for c in range(n_cities)]

    offerings = []
    off_town = rng.integers(1, n_town + 1, n_offerings)
    for k in range(n_offerings):
        town = int(off_town[k])
        towns = city_towns[city_of[town - 1]]
        r = rng.random()
        if r < 0.3:
            area = None if n_cities == 1 else frozenset(int(x) for x in towns)
        elif r < 0.8:
            area = frozenset({town, *(int(x) for x in rng.choice(towns, rng.integers(0, 3)))})
        else:
            area = frozenset(int(x) for x in rng.choice(towns, rng.integers(3, 7)))
        vac = int(rng.integers(0, 9))
        offerings.append(
            OfferingRow(
                id=k + 1,
                organisation_id=k // 4 + 1,
                category_id=int(rng.integers(1, n_categories + 1)),
                vacancies=vac,
                capacity=vac + int(rng.integers(0, 5)),
                service_township_ids=area,
                household_types=frozenset({HOUSEHOLD_TYPES[int(rng.integers(2))]})
                if rng.random() < 0.2
                else frozenset(),
                sexes=frozenset({SEXES[int(rng.integers(2))]}) if rng.random() < 0.1 else frozenset(),
                min_age=18 if rng.random() < 0.3 else None,
                max_age=int(rng.integers(45, 66)) if rng.random() < 0.3 else None,
                accepts_minors=bool(rng.random() < 0.15),
                sentence_types=frozenset(rng.choice(SENTENCE_TYPES, 2, replace=False).tolist())
                if rng.random() < 0.1
                else frozenset(),
                risk_levels=frozenset({"low", "medium"}) if rng.random() < 0.2 else frozenset(),
                income_limit=int(rng.integers(800, 3000)) if rng.random() < 0.1 else None,
                languages=frozenset({"zh", LANGUAGES[int(rng.integers(1, 4))]}) if rng.random() < 0.1 else frozenset(),
                township_id=town,
            )
        )

    needs = []
    need_town = rng.integers(1, n_town + 1, n_needs)
    ages = rng.integers(14, 70, n_needs)
    for i in range(n_needs):
        age = int(ages[i])
        needs.append(
            NeedRow(
                id=i + 1,
                category_id=int(rng.integers(1, n_categories + 1)),
                township_id=int(need_town[i]),
                sex="female" if rng.random() < 0.15 else "male",
                age=age,
                is_minor=age < 18,
                household_type=HOUSEHOLD_TYPES[int(rng.random() < 0.45)],
                sentence_type=SENTENCE_TYPES[int(rng.choice(4, p=[0.05, 0.8, 0.1, 0.05]))],
                risk_level=RISK_LEVELS[int(rng.choice(3, p=[0.6, 0.3, 0.1]))],
                languages=frozenset({"zh"}) if rng.random() < 0.95 else frozenset({LANGUAGES[int(rng.integers(1, 4))]}),
                urgency=int(rng.choice(4, p=[0.2, 0.5, 0.2, 0.1])),
                days_waiting=int(rng.integers(0, 120)),
                monthly_income=int(rng.integers(0, 4000)),
                declined_offering_ids=frozenset({int(rng.integers(1, n_offerings + 1))})
                if rng.random() < 0.05
                else frozenset(),
                orgs_already_working_with=frozenset({int(rng.integers(1, n_offerings // 4 + 2))})
                if rng.random() < 0.1
                else frozenset(),
            )
        )

    mentors = [
        MentorRow(
            id=k + 1,
            sex="female" if rng.random() < 0.5 else "male",
            places_left=int(rng.integers(0, 4)),
            languages=frozenset({"zh"})
            if rng.random() < 0.9
            else frozenset({"zh", LANGUAGES[int(rng.integers(1, 4))]}),
            township_id=int(rng.integers(1, n_town + 1)),
            mentors_minors=bool(rng.random() < 0.3),
        )
        for k in range(n_mentors)
    ]
    mentees = []
    for i in range(n_mentees):
        female = rng.random() < 0.15
        mentees.append(
            MenteeRow(
                id=i + 1,
                sex="female" if female else "male",
                team_has_woman=bool(rng.random() < 0.5),
                languages=frozenset({"zh"}) if rng.random() < 0.95 else frozenset({LANGUAGES[int(rng.integers(1, 4))]}),
                township_id=int(rng.integers(1, n_town + 1)),
                urgency=int(rng.integers(0, 4)),
                days_waiting=int(rng.integers(0, 90)),
                is_minor=bool(rng.random() < 0.03),
            )
        )
    return Instance(townships, needs, offerings, mentees, mentors)
