"""Hard rules: which (need, offering) pairs may be proposed at all.

Each rule is named; it looks at arrays of edges (need index ``i``, offering
index ``j``) and says which pass. A pair fails with the reason code of the
FIRST rule it breaks, in the order of ``RULES``. Optional rules can be switched
off in the policy (``policy.OPTIONAL_RULES``); the others always apply.
``check_pair`` runs the same code on one pair of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from matching.engine.arrays import KEY_SHIFT, NeedArrays, OfferingArrays
from matching.engine.policy import DEFAULT_POLICY, Policy
from matching.engine.rows import NeedRow, OfferingRow

RuleCheck = Callable[[NeedArrays, OfferingArrays, np.ndarray, np.ndarray], np.ndarray]


def _bit(mask_values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """True where the mask is empty (no restriction) or holds the code's bit."""
    ok_code = codes >= 0
    bit = np.where(ok_code, np.left_shift(np.int64(1), np.where(ok_code, codes, 0)), 0)
    return (mask_values == 0) | ((mask_values & bit) != 0)


def _category(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return n.cat[i] == o.cat[j]


def _vacancies(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return o.vacancies[j] > 0


def _service_area(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    keys = j * KEY_SHIFT + n.township[i]
    inside = np.isin(keys, o.area_membership) & (n.township[i] >= 0)
    return o.citywide[j] | inside


def _declined(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    if not len(n.declined):
        return np.ones(len(i), bool)
    return ~np.isin(i * KEY_SHIFT + j, n.declined)


def _minors(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return ~n.minor[i] | o.accepts_minors[j]


def _household_type(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _bit(o.household_mask[j], n.household[i])


def _sex(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _bit(o.sex_mask[j], n.sex[i])


def _age(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    age, low, high = n.age[i], o.min_age[j], o.max_age[j]
    limited = (low >= 0) | (high >= 0)
    within = (age >= 0) & ((low < 0) | (age >= low)) & ((high < 0) | (age <= high))
    return ~limited | within


def _sentence_type(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _bit(o.sentence_mask[j], n.sentence[i])


def _risk_level(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _bit(o.risk_mask[j], n.risk[i])


def _income(n: NeedArrays, o: OfferingArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    limit, income = o.income_limit[j], n.income[i]
    return (limit < 0) | (income < 0) | (income <= limit)


@dataclass(frozen=True)
class Rule:
    name: str
    check: RuleCheck
    doc: str


RULES: tuple[Rule, ...] = (
    Rule("category", _category, "The offering is of the need's category."),
    Rule("vacancies", _vacancies, "The offering has at least one free place now."),
    Rule("service_area", _service_area, "The offering serves the whole city or the supervisee's township."),
    Rule(
        "declined", _declined, "The supervisee did not decline, and was not declined by, this offering for this need."
    ),
    Rule("minors", _minors, "A minor goes only to offerings that accept minors."),
    Rule("household_type", _household_type, "The offering accepts the supervisee's household type (rural/urban)."),
    Rule("sex", _sex, "The offering accepts the supervisee's sex."),
    Rule("age", _age, "The supervisee's age is within the offering's minimum and maximum (unknown age fails a limit)."),
    Rule("sentence_type", _sentence_type, "The offering accepts the supervisee's sentence type."),
    Rule("risk_level", _risk_level, "The offering accepts the supervisee's risk level."),
    Rule(
        "income",
        _income,
        "A recorded monthly income is within the offering's limit (not recorded: the provider checks).",
    ),
)
RULE_NAMES = tuple(r.name for r in RULES)


def active_rules(policy: Policy) -> tuple[Rule, ...]:
    return tuple(r for r in RULES if policy.rule_on(r.name))


def eligible(
    needs: NeedArrays,
    offerings: OfferingArrays,
    i: np.ndarray,
    j: np.ndarray,
    policy: Policy = DEFAULT_POLICY,
    *,
    enforced: frozenset[str] = frozenset(),
) -> np.ndarray:
    """Boolean array: which edges pass every active rule.

    ``enforced``: rules the edges already meet by construction (``arrays.candidate_edges`` joins on
    the category and, with the service-area rule on, on the service area), not checked again.
    """
    ok = np.ones(len(i), bool)
    for rule in active_rules(policy):
        if rule.name in enforced:
            continue
        idx = np.flatnonzero(ok)
        if not len(idx):
            break
        ok[idx] = rule.check(needs, offerings, i[idx], j[idx])
    return ok


def first_failures(
    needs: NeedArrays, offerings: OfferingArrays, i: np.ndarray, j: np.ndarray, policy: Policy = DEFAULT_POLICY
) -> list[str | None]:
    """For each edge, the name of the first rule it breaks (None if eligible)."""
    out: list[str | None] = [None] * len(i)
    pending = np.arange(len(i))
    for rule in active_rules(policy):
        if not len(pending):
            break
        passed = rule.check(needs, offerings, i[pending], j[pending])
        for k in pending[~passed]:
            out[int(k)] = rule.name
        pending = pending[passed]
    return out


def check_pair(need: NeedRow, offering: OfferingRow, policy: Policy = DEFAULT_POLICY, townships=None) -> str | None:
    """The reason code (rule name) that excludes this pair, or None if it is eligible."""
    o = OfferingArrays.build([offering], townships or {})
    n = NeedArrays.build([need], o)
    zero = np.zeros(1, np.int64)
    return first_failures(n, o, zero, zero, policy)[0]
