"""The bureau-editable policy: weights of the cost terms and which rules are on.

Stored as JSON on ``matching.models.MatchingPolicy`` and validated here, so the
engine, the admin form and the API share one definition. Every key is
documented in docs/matching.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

# Rules the bureau may switch off. The rest (category, vacancies, declined,
# minors) protect people or capacity and are always on.
OPTIONAL_RULES = (
    "service_area",
    "household_type",
    "sex",
    "age",
    "sentence_type",
    "risk_level",
    "income",
    "mentor_language",
    "mentor_distance",
)
MANDATORY_RULES = ("category", "vacancies", "declined", "minors", "female_team", "mentor_capacity")


class PolicyError(ValueError):
    """Invalid policy data; ``errors`` maps each bad key to a message (English, for logs and forms)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the named cost terms, in cost points (lower cost = better pair)."""

    # cost points per kilometre between the supervisee and the offering
    distance_per_km: float = 1.0
    # distance assumed when either side has no location
    unknown_distance_km: float = 15.0
    # distances beyond this count as this (a far place is far, not infinitely so)
    distance_cap_km: float = 60.0
    # when the offering lists languages and none is the supervisee's
    language_mismatch: float = 20.0
    # subtracted when the organisation already works with the supervisee
    continuity_bonus: float = 15.0
    # times the offering's occupied share (places taken / capacity) before the run
    provider_load: float = 10.0
    # priority of a need, an integer: base + urgency x per_urgency + min(weeks waiting, cap) x per_week
    priority_base: int = 4
    priority_per_urgency: int = 4
    priority_per_week_waiting: int = 1
    priority_weeks_cap: int = 26
    # mentor pairing: the furthest a mentor is proposed
    mentor_max_km: float = 30.0


NUMERIC_LIMITS: dict[str, tuple[float, float]] = {
    "distance_per_km": (0, 100),
    "unknown_distance_km": (0, 500),
    "distance_cap_km": (1, 1000),
    "language_mismatch": (0, 500),
    "continuity_bonus": (0, 500),
    "provider_load": (0, 500),
    "priority_base": (1, 100),
    "priority_per_urgency": (0, 100),
    "priority_per_week_waiting": (0, 100),
    "priority_weeks_cap": (0, 520),
    "mentor_max_km": (1, 1000),
}
INTEGER_WEIGHTS = {"priority_base", "priority_per_urgency", "priority_per_week_waiting", "priority_weeks_cap"}


@dataclass(frozen=True, slots=True)
class Policy:
    """Weights, switched-off optional rules, and how many suggestions to show."""

    weights: Weights = field(default_factory=Weights)
    disabled_rules: frozenset[str] = frozenset()
    suggestions_limit: int = 5

    def rule_on(self, name: str) -> bool:
        return name not in self.disabled_rules

    def with_weights(self, **changes: Any) -> Policy:
        return replace(self, weights=replace(self.weights, **changes))

    def to_dict(self) -> dict[str, Any]:
        return {
            "weights": asdict(self.weights),
            "disabled_rules": sorted(self.disabled_rules),
            "suggestions_limit": self.suggestions_limit,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Policy:
        """Validate stored JSON; missing keys take the documented defaults."""
        data = dict(data or {})
        errors: dict[str, str] = {}
        unknown = set(data) - {"weights", "disabled_rules", "suggestions_limit"}
        for key in sorted(unknown):
            errors[key] = "unknown key"
        raw_weights = data.get("weights") or {}
        values: dict[str, Any] = {}
        if not isinstance(raw_weights, dict):
            errors["weights"] = "must be an object"
            raw_weights = {}
        known = {f.name for f in fields(Weights)}
        for key, value in raw_weights.items():
            path = f"weights.{key}"
            if key not in known:
                errors[path] = "unknown weight"
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                errors[path] = "must be a number"
                continue
            if key in INTEGER_WEIGHTS and int(value) != value:
                errors[path] = "must be a whole number"
                continue
            low, high = NUMERIC_LIMITS[key]
            if not low <= value <= high:
                errors[path] = f"must be between {low:g} and {high:g}"
                continue
            values[key] = int(value) if key in INTEGER_WEIGHTS else float(value)
        disabled = data.get("disabled_rules") or []
        if not isinstance(disabled, list | tuple | set | frozenset) or not all(isinstance(r, str) for r in disabled):
            errors["disabled_rules"] = "must be a list of rule names"
            disabled = []
        for rule in disabled:
            if rule in MANDATORY_RULES:
                errors["disabled_rules"] = f"rule {rule!r} cannot be switched off"
            elif rule not in OPTIONAL_RULES:
                errors["disabled_rules"] = f"unknown rule {rule!r}"
        limit = data.get("suggestions_limit", 5)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 50:
            errors["suggestions_limit"] = "must be a whole number between 1 and 50"
        if errors:
            raise PolicyError(errors)
        return cls(weights=Weights(**values), disabled_rules=frozenset(disabled), suggestions_limit=limit)


DEFAULT_POLICY = Policy()
