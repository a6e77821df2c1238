"""The platform's suggested supervision level, from recorded facts, always with its reasons.

A suggestion only: the officer proposes the level (agreeing or not) and the office head decides
(PIPL Art. 24: an automated assessment is explained and a person makes the decision). The
thresholds are rule-book rows (``classify_*``); the suggestion is worked out as:

- high risk, or at least ``classify_overdue_strict`` obligations overdue by more than
  ``classify_overdue_days``: strict;
- otherwise low risk, nothing overdue and under correction at least ``classify_lenient_after``
  (months), and not a violent or drug offence: lenient;
- otherwise ordinary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.models import OffenceCategory, Supervisee, SupervisionLevel
from services.models import RiskLevel
from supervision import rulebook
from supervision.models import Obligation

# Clocks the deciding organ is late on, not the person: not a fact about the person's conduct.
ORGAN_OWES = (
    Obligation.Kind.DECISION_NOTICE,
    Obligation.Kind.DOCUMENTS,
    Obligation.Kind.COURT_DECISION,
    Obligation.Kind.DETENTION_DECISION,
)
# Offence categories the suggestion never treats as lenient (violence and drugs).
NOT_LENIENT = (OffenceCategory.ASSAULT, OffenceCategory.AFFRAY, OffenceCategory.DRUGS)


@dataclass
class Suggestion:
    level: str
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(SupervisionLevel(self.level).label)


def suggest(supervisee: Supervisee, *, risk_level: str | None = None, now: dt.datetime | None = None) -> Suggestion:
    """The level the recorded facts point to and every fact that counted (in the user's language)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    risk = risk_level or supervisee.risk_level
    values = rulebook.values(
        [rulebook.CLASSIFY_OVERDUE_DAYS, rulebook.CLASSIFY_OVERDUE_STRICT, rulebook.CLASSIFY_LENIENT_AFTER]
    )
    overdue_days = values[rulebook.CLASSIFY_OVERDUE_DAYS]
    # What the deciding organ owes (its notice, the documents) never counts against the person.
    overdue = (
        Obligation.objects.filter(
            supervisee=supervisee, done_at__isnull=True, due_at__lt=now - dt.timedelta(days=overdue_days)
        )
        .exclude(kind__in=ORGAN_OWES)
        .count()
    )
    reasons: list[str] = []
    risk_label = RiskLevel(risk).label
    if supervisee.is_minor:
        reasons.append(_("A minor: the plan must fit their age and needs; the level is not raised for that alone."))
    if risk == RiskLevel.HIGH:
        reasons.append(_("Recorded risk: %(risk)s.") % {"risk": risk_label})
    if overdue >= values[rulebook.CLASSIFY_OVERDUE_STRICT]:
        reasons.append(
            _("%(count)s obligations overdue by more than %(days)s days (the rule book's threshold is %(limit)s).")
            % {"count": overdue, "days": overdue_days, "limit": values[rulebook.CLASSIFY_OVERDUE_STRICT]}
        )
    if risk == RiskLevel.HIGH or overdue >= values[rulebook.CLASSIFY_OVERDUE_STRICT]:
        return Suggestion(SupervisionLevel.STRICT, reasons)
    months = values[rulebook.CLASSIFY_LENIENT_AFTER]
    served_enough = rulebook.add(months, "months", supervisee.correction_start) <= today
    if risk == RiskLevel.LOW and overdue == 0 and served_enough and supervisee.offence_category not in NOT_LENIENT:
        reasons += [
            _("Recorded risk: %(risk)s.") % {"risk": risk_label},
            _("Nothing overdue by more than %(days)s days.") % {"days": overdue_days},
            _("Under correction for at least %(months)s months.") % {"months": months},
        ]
        return Suggestion(SupervisionLevel.LENIENT, reasons)
    reasons.append(_("Recorded risk: %(risk)s.") % {"risk": risk_label})
    if overdue:
        reasons.append(
            _("%(count)s obligations overdue by more than %(days)s days.") % {"count": overdue, "days": overdue_days}
        )
    if supervisee.offence_category in NOT_LENIENT:
        reasons.append(
            _("Offence category %(category)s: not suggested for lenient supervision.")
            % {"category": OffenceCategory(supervisee.offence_category).label}
        )
    elif not served_enough:
        reasons.append(_("Under correction for less than %(months)s months.") % {"months": months})
    return Suggestion(SupervisionLevel.ORDINARY, reasons)
