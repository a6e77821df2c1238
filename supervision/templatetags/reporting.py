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
    episodes = selectors.open_episodes(user)
    pending = selectors.pending_check_ins(user)
    flagged = selectors.flagged_changes(user)
    if office is not None:
        episodes = [e for e in episodes if e.supervisee.judicial_office_id == office.pk]
        pending = [c for c in pending if c.supervisee.judicial_office_id == office.pk]
        flagged = [c for c in flagged if c.supervisee.judicial_office_id == office.pk]
    return {"episodes": episodes, "pending": pending, "flagged": flagged}
