"""What supervision adds to a person's case page (coordination's supervisee page): the assessments over time as a
small chart, this month's education and activity hours against their targets, and the links to the pages."""

from __future__ import annotations

from django import template

from supervision.assessment import selectors as assessment_selectors
from supervision.education import selectors as education_selectors

register = template.Library()

# How many assessed months the case page's chart shows (a view choice; the full history is one click away).
CHART_MONTHS = 12


@register.inclusion_tag("supervision/_case_summary.html", takes_context=True)
def supervision_summary(context, supervisee) -> dict:
    """For case staff who may see the person's assessments (the assessment policy's scope; each read logged)."""
    user = context["request"].user
    rows = assessment_selectors.history(user, supervisee)[-CHART_MONTHS:]
    return {
        "supervisee": supervisee,
        "chart": assessment_selectors.chart(rows),
        "latest": rows[-1] if rows else None,
        "hours": education_selectors.month_summary(supervisee),
    }
