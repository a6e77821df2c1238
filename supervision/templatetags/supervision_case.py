"""What supervision adds to a person's case page (coordination's supervisee page): the assessments over time as a
small chart, this month's education and activity hours against their targets, and the links to the pages."""

from __future__ import annotations

from django import template

from supervision.assessment import selectors as assessment_selectors
from supervision.education import selectors as education_selectors
from supervision.policies import is_case_staff

register = template.Library()

# How many assessed months the case page's chart shows (a view choice; the full history is one click away).
CHART_MONTHS = 12


@register.inclusion_tag("supervision/_case_summary.html", takes_context=True)
def supervision_summary(context, supervisee) -> dict:
    """For case staff (the supervision pages' rule, ``is_case_staff``), on a case page the scoped selector
    already gave them and logged; the assessments come through the assessment scope, each read logged. Anyone
    else who may open the case page (a provider, a volunteer) sees nothing of it."""
    user = context["request"].user
    if not is_case_staff(user):
        return {"shown": False}
    rows = assessment_selectors.history(user, supervisee)[-CHART_MONTHS:]
    return {
        "shown": True,
        "supervisee": supervisee,
        "chart": assessment_selectors.chart(rows),
        "latest": rows[-1] if rows else None,
        "hours": education_selectors.month_summary(supervisee),
    }
