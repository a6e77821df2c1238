"""Explanations for mentor pairing: the reasons for each chosen pair and the runner-up mentor."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.engine.arrays import haversine_km
from matching.engine.cost import COST_SCALE
from matching.engine.explain import Reason
from matching.engine.policy import DEFAULT_POLICY, Policy
from matching.engine.solver import MentorAssignment, _points


@dataclass
class MentorExplanation:
    mentee_id: int
    mentor_id: int
    cost: float
    reasons: list[Reason]
    runner_up_mentor_id: int | None
    runner_up_cost: float | None
    runner_up_full: bool


def explain_mentors(
    assignment: MentorAssignment, townships: dict | None = None, policy: Policy = DEFAULT_POLICY
) -> list[MentorExplanation]:
    """Reasons and runner-up (the next-cheapest eligible mentor with places before the run) for every pair.

    Vectorised over the mentors for each chosen supervisee: O(served × mentors) array work.
    """
    mentees, mentors = assignment.mentees, assignment.mentors
    if not assignment.chosen:
        return []
    w = policy.weights
    townships = townships or {}
    b_lat, b_lon = _points(mentors, townships)
    a_lat, a_lon = _points(mentees, townships)
    places = np.fromiter((max(m.places_left, 0) for m in mentors), np.int64, len(mentors))
    left = places.copy()
    for _i, j, _c, _km in assignment.chosen:
        left[j] -= 1
    b_female = np.fromiter((m.sex == "female" for m in mentors), bool, len(mentors))
    b_minors = np.fromiter((m.mentors_minors for m in mentors), bool, len(mentors))
    speaks = {
        lang: np.fromiter((lang in m.languages for m in mentors), bool, len(mentors))
        for lang in {lang for m in mentors for lang in m.languages}
    }
    nobody = np.zeros(len(mentors), bool)
    out = []
    for i, j, c, km in assignment.chosen:
        mentee, mentor = mentees[i], mentors[j]
        reasons: list[Reason] = []
        if mentee.days_waiting >= 14:
            reasons.append(Reason("waiting", {"days": int(mentee.days_waiting)}))
        if mentee.sex == "female" and not mentee.team_has_woman:
            reasons.append(Reason("female_mentor"))
        if mentee.township_id is not None and mentee.township_id == mentor.township_id:
            reasons.append(Reason("same_township"))
        elif not np.isnan(km):
            reasons.append(Reason("distance", {"km": round(float(km), 1)}))
        if mentee.languages & mentor.languages:
            reasons.append(Reason("shared_language"))
        if mentee.is_minor:
            reasons.append(Reason("cleared_for_minors"))
        reasons.append(Reason("places_left", {"count": int(left[j])}))
        # Runner-up: every other mentor with places before the run that the rules allow.
        ok = places > 0
        ok[j] = False
        if mentee.sex == "female" and not mentee.team_has_woman:
            ok &= b_female
        if mentee.is_minor:
            ok &= b_minors
        if policy.rule_on("mentor_language"):
            shared = nobody.copy()
            for lang in mentee.languages:
                shared |= speaks.get(lang, nobody)
            ok &= shared
        dist = haversine_km(np.full(len(mentors), a_lat[i]), np.full(len(mentors), a_lon[i]), b_lat, b_lon)
        if policy.rule_on("mentor_distance"):
            ok &= np.isnan(dist) | (dist <= w.mentor_max_km)
        runner = (None, None, False)
        if ok.any():
            cost = np.where(np.isnan(dist), w.unknown_distance_km, np.minimum(dist, w.distance_cap_km))
            cost = np.rint(cost * w.distance_per_km * COST_SCALE).astype(np.int64)
            cost = np.where(ok, cost, np.iinfo(np.int64).max)
            r = int(np.argmin(cost))
            runner = (mentors[r].id, int(cost[r]) / COST_SCALE, bool(left[r] <= 0))
        out.append(MentorExplanation(mentee.id, mentor.id, c / COST_SCALE, reasons, *runner))
    return out
