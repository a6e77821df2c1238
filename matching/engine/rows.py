"""Plain rows the engine works on, loaded from the database by ``matching.selectors``.

Empty sets on an offering mean "no restriction"; ``service_township_ids=None``
means the offering serves the whole city (the whole scope of the run).
"""

from __future__ import annotations

from dataclasses import dataclass

SEXES = ("male", "female")
HOUSEHOLD_TYPES = ("rural", "urban")
SENTENCE_TYPES = ("surveillance", "probation", "parole", "temporary_execution")
RISK_LEVELS = ("low", "medium", "high")
# Urgency of a need: 0 low, 1 normal, 2 high, 3 urgent.
URGENCY_LEVELS = (0, 1, 2, 3)


@dataclass(frozen=True, slots=True)
class NeedRow:
    """One open need of one supervisee, with the supervisee fields the rules read."""

    id: int
    category_id: int
    township_id: int | None
    sex: str
    age: int | None
    is_minor: bool
    household_type: str
    sentence_type: str
    risk_level: str
    languages: frozenset[str] = frozenset({"zh"})
    urgency: int = 1
    days_waiting: int = 0
    monthly_income: int | None = None
    declined_offering_ids: frozenset[int] = frozenset()
    orgs_already_working_with: frozenset[int] = frozenset()
    latitude: float | None = None
    longitude: float | None = None
    supervisee_id: int | None = None
    office_id: int | None = None


@dataclass(frozen=True, slots=True)
class OfferingRow:
    """One service offering with its structured eligibility and live vacancies."""

    id: int
    organisation_id: int
    category_id: int
    vacancies: int
    capacity: int = 0
    service_township_ids: frozenset[int] | None = None
    household_types: frozenset[str] = frozenset()
    sexes: frozenset[str] = frozenset()
    min_age: int | None = None
    max_age: int | None = None
    accepts_minors: bool = False
    sentence_types: frozenset[str] = frozenset()
    risk_levels: frozenset[str] = frozenset()
    income_limit: int | None = None
    languages: frozenset[str] = frozenset()
    township_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class MenteeRow:
    """A supervisee waiting for a volunteer mentor."""

    id: int
    sex: str
    team_has_woman: bool
    languages: frozenset[str] = frozenset({"zh"})
    township_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    urgency: int = 1
    days_waiting: int = 0
    is_minor: bool = False


@dataclass(frozen=True, slots=True)
class MentorRow:
    """A vetted volunteer who mentors, with the places left (max mentees minus current)."""

    id: int
    sex: str
    places_left: int
    languages: frozenset[str] = frozenset({"zh"})
    township_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    mentors_minors: bool = True
