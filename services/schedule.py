"""Recurrence rules (RFC 5545 RRULE) in plain words, and split into the parts HSDS publishes."""

from __future__ import annotations

import datetime as dt

from dateutil.rrule import rrulestr
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def rule_parts(rule: str) -> dict[str, str]:
    """The RRULE line of ``rule`` as a dict of upper-case keys (``{"FREQ": "WEEKLY", "BYDAY": "MO,WE"}``)."""
    parts: dict[str, str] = {}
    for line in rule.strip().splitlines():
        line = line.strip()
        if line.upper().startswith("DTSTART"):
            continue
        if line.upper().startswith("RRULE:"):
            line = line[6:]
        for item in line.split(";"):
            if "=" in item:
                key, value = item.split("=", 1)
                parts[key.strip().upper()] = value.strip().upper()
    return parts


def _day_names(byday: str) -> str:
    ordinals = {
        1: _("first"),
        2: _("second"),
        3: _("third"),
        4: _("fourth"),
        5: _("fifth"),
        -1: _("last"),
    }
    names = []
    for code in byday.split(","):
        code = code.strip()
        prefix, day = code[:-2], code[-2:]
        if day not in DAY_CODES:
            continue
        name = str(WEEKDAYS[DAY_CODES.index(day)])
        if prefix:
            try:
                ordinal = ordinals.get(int(prefix), prefix)
            except ValueError:
                ordinal = prefix
            name = _("the %(ordinal)s %(day)s") % {"ordinal": ordinal, "day": name}
        names.append(name)
    return _(", ").join(names)


def _every(unit_one: str, unit_many: str, interval: int) -> str:
    return unit_one if interval == 1 else unit_many % {"n": interval}


def describe_rule(rule: str) -> str:
    """A recurrence rule in words of the active language, e.g. 每周一、周三 / Every week on Monday, Wednesday."""
    if not rule.strip():
        return ""
    parts = rule_parts(rule)
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1") or 1)
    days = _day_names(parts.get("BYDAY", ""))
    if freq == "DAILY":
        text = _every(_("Every day"), _("Every %(n)d days"), interval)
    elif freq == "WEEKLY":
        text = _every(_("Every week"), _("Every %(n)d weeks"), interval)
        if days:
            text = _("%(every)s on %(days)s") % {"every": text, "days": days}
    elif freq == "MONTHLY":
        text = _every(_("Every month"), _("Every %(n)d months"), interval)
        if parts.get("BYMONTHDAY"):
            text = _("%(every)s on day %(days)s") % {"every": text, "days": parts["BYMONTHDAY"]}
        elif days:
            text = _("%(every)s on %(days)s") % {"every": text, "days": days}
    elif freq == "YEARLY":
        text = _every(_("Every year"), _("Every %(n)d years"), interval)
    else:
        text = _("On a recurring schedule")
    if parts.get("COUNT"):
        text = _("%(text)s, %(count)s times in all") % {"text": text, "count": parts["COUNT"]}
    if parts.get("UNTIL"):
        until = parts["UNTIL"][:8]
        try:
            day = dt.date(int(until[:4]), int(until[4:6]), int(until[6:8]))
            text = _("%(text)s, until %(date)s") % {"text": text, "date": formats.date_format(day, "DATE_FORMAT")}
        except ValueError:
            pass
    return text


def describe_hours(opens_at: dt.time | None, closes_at: dt.time | None) -> str:
    if opens_at and closes_at:
        return f"{opens_at:%H:%M}–{closes_at:%H:%M}"
    return ""


def next_dates(rule: str, *, count: int = 3, after: dt.datetime | None = None) -> list[dt.date]:
    """The next few dates on which the rule recurs (local time), for the offering page."""
    if not rule.strip():
        return []
    now = timezone.localtime(after) if after else timezone.localtime()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    try:
        recurrence = rrulestr(rule.strip(), dtstart=start, ignoretz=True)
        return [occurrence.date() for occurrence in recurrence.xafter(start, count=count, inc=True)]
    except (ValueError, TypeError):
        return []
