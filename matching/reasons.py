"""People-readable text for the engine's reason codes (English source, Chinese in the catalogue)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from matching.engine.explain import Reason

# Why a pair is excluded: one message per eligibility rule (matching.engine.eligibility.RULES)
# and per mentor rule (matching.engine.solver.mentor_pair_eligible).
RULE_MESSAGES = {
    "category": _("a different kind of service"),
    "vacancies": _("no places left"),
    "service_area": _("does not serve the supervisee's township"),
    "declined": _("declined before for this need"),
    "minors": _("does not accept minors"),
    "household_type": _("does not accept this household type"),
    "sex": _("does not accept this sex"),
    "age": _("outside the accepted ages"),
    "sentence_type": _("does not accept this sentence type"),
    "risk_level": _("does not accept this risk level"),
    "income": _("income above the limit"),
    "mentor_capacity": _("the mentor has no places left"),
    "female_team": _("a female supervisee whose correction team has no woman needs a female mentor"),
    "mentor_language": _("no shared language"),
    "mentor_distance": _("too far away"),
}

HOUSEHOLDS = {"rural": _("rural households"), "urban": _("urban households")}

_SIMPLE = {
    "continuity": _("already works with this supervisee"),
    "same_township": _("same township"),
    "citywide": _("serves the whole city"),
    "speaks_language": _("speaks the supervisee's language"),
    "accepts_minors": _("accepts minors"),
    "urgent": _("urgent need"),
    "female_mentor": _("female mentor (correction team rule)"),
    "shared_language": _("shared language"),
    "cleared_for_minors": _("cleared to mentor minors"),
}


def render(reason: Reason) -> str:
    """One reason as text in the active language."""
    p = reason.params
    if reason.code in _SIMPLE:
        return str(_SIMPLE[reason.code])
    if reason.code == "distance":
        return str(_("%(km)s km away")) % {"km": p["km"]}
    if reason.code == "places_left":
        return ngettext("%(count)d place left", "%(count)d places left", p["count"]) % {"count": p["count"]}
    if reason.code == "accepts_household":
        return str(_("accepts %(household)s")) % {"household": HOUSEHOLDS.get(p["household"], p["household"])}
    if reason.code == "waiting":
        return str(_("waiting %(days)d days")) % {"days": p["days"]}
    if reason.code in RULE_MESSAGES:
        return str(RULE_MESSAGES[reason.code])
    return reason.code


def render_rule(rule: str) -> str:
    """Why an offering (or mentor) was excluded, in the active language."""
    return str(RULE_MESSAGES.get(rule, rule))
