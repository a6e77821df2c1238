"""Every eligibility rule, minors, the policy's validation and toggles."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matching.engine.eligibility import RULE_NAMES, check_pair
from matching.engine.policy import MANDATORY_RULES, OPTIONAL_RULES, Policy, PolicyError
from matching.engine.rows import NeedRow, OfferingRow

NEED = NeedRow(
    id=1,
    category_id=7,
    township_id=3,
    sex="female",
    age=30,
    is_minor=False,
    household_type="rural",
    sentence_type="probation",
    risk_level="medium",
    monthly_income=900,
)
OFFER = OfferingRow(id=10, organisation_id=5, category_id=7, vacancies=2, capacity=4)


def test_a_plain_pair_is_eligible():
    assert check_pair(NEED, OFFER) is None


@pytest.mark.parametrize(
    ("rule", "need_change", "offer_change"),
    [
        ("category", {}, {"category_id": 8}),
        ("vacancies", {}, {"vacancies": 0}),
        ("service_area", {}, {"service_township_ids": frozenset({4, 5})}),
        ("declined", {"declined_offering_ids": frozenset({10})}, {}),
        ("minors", {"age": 16, "is_minor": True}, {"accepts_minors": False}),
        ("household_type", {}, {"household_types": frozenset({"urban"})}),
        ("sex", {}, {"sexes": frozenset({"male"})}),
        ("age", {}, {"min_age": 35}),
        ("age", {}, {"max_age": 25}),
        ("age", {"age": None}, {"min_age": 18}),
        ("sentence_type", {}, {"sentence_types": frozenset({"parole", "surveillance"})}),
        ("risk_level", {}, {"risk_levels": frozenset({"low"})}),
        ("income", {}, {"income_limit": 800}),
    ],
)
def test_each_rule_excludes_with_its_own_reason(rule, need_change, offer_change):
    need, offer = replace(NEED, **need_change), replace(OFFER, **offer_change)
    assert check_pair(need, offer) == rule


@pytest.mark.parametrize(
    "offer_change",
    [
        {"service_township_ids": frozenset({3})},
        {"household_types": frozenset({"rural"})},
        {"sexes": frozenset({"female"})},
        {"min_age": 30, "max_age": 30},
        {"sentence_types": frozenset({"probation"})},
        {"risk_levels": frozenset({"medium", "high"})},
        {"income_limit": 900},
    ],
)
def test_restrictions_that_fit_let_the_pair_through(offer_change):
    assert check_pair(NEED, replace(OFFER, **offer_change)) is None


def test_an_unrecorded_income_is_left_to_the_provider():
    assert check_pair(replace(NEED, monthly_income=None), replace(OFFER, income_limit=1)) is None


def test_every_rule_is_tested_above():
    assert set(RULE_NAMES) == {"category", "vacancies", "service_area", "declined", "minors"} | {
        "household_type",
        "sex",
        "age",
        "sentence_type",
        "risk_level",
        "income",
    }


def test_minor_goes_only_where_minors_are_accepted_even_without_the_flag():
    minor = replace(NEED, age=17, is_minor=False)
    assert check_pair(minor, OFFER) == "minors"
    assert check_pair(minor, replace(OFFER, accepts_minors=True)) is None


def test_the_first_broken_rule_is_reported():
    assert check_pair(NEED, replace(OFFER, category_id=9, vacancies=0, sexes=frozenset({"male"}))) == "category"


def test_optional_rule_can_be_switched_off_by_policy():
    policy = Policy.from_dict({"disabled_rules": ["sex", "income"]})
    assert check_pair(NEED, replace(OFFER, sexes=frozenset({"male"}), income_limit=1), policy) is None


def test_policy_refuses_bad_values_with_field_errors():
    with pytest.raises(PolicyError) as err:
        Policy.from_dict(
            {
                "weights": {"distance_per_km": -1, "priority_base": 1.5, "nope": 1, "language_mismatch": "x"},
                "disabled_rules": ["minors"],
                "colour": 1,
            }
        )
    assert set(err.value.errors) == {
        "weights.distance_per_km",
        "weights.priority_base",
        "weights.nope",
        "weights.language_mismatch",
        "disabled_rules",
        "colour",
    }


def test_policy_round_trips_and_mandatory_rules_stay_on():
    policy = Policy.from_dict({"weights": {"distance_per_km": 2}, "disabled_rules": ["age"], "suggestions_limit": 8})
    assert Policy.from_dict(policy.to_dict()) == policy
    assert policy.weights.distance_per_km == 2.0
    for rule in MANDATORY_RULES:
        assert rule not in OPTIONAL_RULES
        with pytest.raises(PolicyError):
            Policy.from_dict({"disabled_rules": [rule]})
