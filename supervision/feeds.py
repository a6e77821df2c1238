"""An officer's private iCalendar feed of obligations.

Summaries are neutral (the kind of obligation and a short case reference, never a name), because
calendar apps sync to phones and cloud services. UIDs derive from the obligation's id, so they stay stable.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from supervision.models import Obligation

PRODID = "-//Community Corrections Coordination Platform//Supervision//ZH"


def obligation_uid(obligation: Obligation) -> str:
    return f"obligation-{obligation.pk}@supervision.cc"


def build(obligations: Iterable[Obligation]) -> bytes:
    """One VCALENDAR with an all-day event on each obligation's due day."""
    from django.utils import timezone

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("My supervision deadlines"))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for obligation in obligations:
        event = Event()
        event.add("uid", obligation_uid(obligation))
        event.add("dtstamp", obligation.created_at)
        event.add("dtstart", timezone.localdate(obligation.due_at))
        # Neutral: the kind and the case's short reference (an office's own: the request number), no name.
        if obligation.supervisee_id is not None:
            summary = _("%(kind)s · case %(ref)s") % {
                "kind": obligation.get_kind_display(),
                "ref": str(obligation.supervisee.uuid)[:8],
            }
        else:
            summary = _("%(kind)s · request no. %(number)s") % {
                "kind": obligation.get_kind_display(),
                "number": obligation.source_id,
            }
        event.add("summary", summary)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
