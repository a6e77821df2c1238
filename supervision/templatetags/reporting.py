"""The lost-contact and reported-change alerts at the top of 今日待办 (and of the bureau's view)."""

from __future__ import annotations

from django import template

from supervision.reporting import selectors

register = template.Library()


@register.inclusion_tag("supervision/reporting/_alerts.html", takes_context=True)
def reporting_alerts(context, office=None) -> dict:
    """Open lost-contact episodes, check-ins waiting for confirmation and reported changes not yet noted,
    for the people the user sees (of one office when the bureau chose one)."""
    user = context["request"].user
    pending, flagged = selectors.check_ins_to_look_at(user, office=office)
    return {"episodes": selectors.open_episodes(user, office=office), "pending": pending, "flagged": flagged}
