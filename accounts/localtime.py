"""Dates and times as users see them: always the site's local time (Asia/Shanghai).

Aware datetimes are stored in UTC; ``value.date()`` or ``date_format(value)`` on one gives the
UTC date, a day early between 00:00 and 08:00 Beijing time. Everything that turns a moment
into text outside a template (where the ``date`` filter already converts) goes through here.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format


def _local(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value, timezone.get_default_timezone())
    return value


def local_date(value: dt.datetime | dt.date) -> dt.date:
    """The calendar date of ``value`` in the site's time zone."""
    value = _local(value)
    return value.date() if isinstance(value, dt.datetime) else value


def format_local(value: dt.datetime | dt.date, fmt: str = "Y-m-d") -> str:
    """``value`` formatted (Django date format string) in the site's time zone."""
    return date_format(_local(value), fmt)
