"""Live, city-wide figures for the public site: aggregates only, small numbers hidden.

The figures come from the volunteers and coordination apps; a figure that cannot be
computed (database error) is not shown. A figure below ``CMS_STATS_MIN_FIGURE`` (default 10)
is hidden too: a count of three referrals in a small city can point at a person.
The provider is swappable (``CMS_STATS_PROVIDER``, a dotted path) so tests can use a fake.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

ACTIVE_VOLUNTEERS = "active_volunteers"
HOURS_THIS_YEAR = "hours_this_year"
REFERRALS_COMPLETED = "referrals_completed"

FIGURE_CHOICES = [
    (ACTIVE_VOLUNTEERS, _("Active volunteers")),
    (HOURS_THIS_YEAR, _("Volunteer hours this year")),
    (REFERRALS_COMPLETED, _("Referrals completed")),
]
LABELS = dict(FIGURE_CHOICES)
CACHE_KEY = "cms:stats:v1"
CACHE_SECONDS = 600


class StatsProvider(Protocol):
    def figures(self) -> dict[str, int | None]:
        """Every known figure by key; None where the figure cannot be computed."""


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int


class DatabaseStatsProvider:
    """Reads the figures from the volunteers and coordination apps, all three in one query."""

    def figures(self) -> dict[str, int | None]:
        try:
            active, hours, completed = self._fetch()
        except DatabaseError:
            logger.warning("cms.stats: figures unavailable", exc_info=True)
            return dict.fromkeys((ACTIVE_VOLUNTEERS, HOURS_THIS_YEAR, REFERRALS_COMPLETED))
        return {
            ACTIVE_VOLUNTEERS: int(active or 0),
            HOURS_THIS_YEAR: int(hours or 0),
            REFERRALS_COMPLETED: int(completed or 0),
        }

    @staticmethod
    def _fetch() -> tuple:
        from coordination.models import Referral
        from volunteers.models import HourLog, Volunteer

        scalars = [
            Volunteer.objects.filter(status=Volunteer.Status.ACTIVE)
            .order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values("n"),
            HourLog.objects.filter(status=HourLog.Status.APPROVED, date__year=timezone.localdate().year)
            .order_by()
            .values("status")
            .annotate(total=Sum("hours"))
            .values("total"),
            # Sealed juvenile cases (CPL Art. 286) are counted in no figure.
            Referral.objects.filter(state=Referral.State.COMPLETED, need__supervisee__sealed_at__isnull=True)
            .order_by()
            .values("state")
            .annotate(n=Count("pk"))
            .values("n"),
        ]
        # One round trip for three unrelated tables: each queryset becomes a scalar subquery
        # (with its parameters passed separately, never interpolated).
        parts, params = [], []
        for queryset in scalars:
            sql, query_params = queryset.query.sql_with_params()
            parts.append(f"({sql})")
            params.extend(query_params)
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            return cursor.fetchone()


def provider() -> StatsProvider:
    path = getattr(settings, "CMS_STATS_PROVIDER", "cms.stats.DatabaseStatsProvider")
    return import_string(path)()


def threshold() -> int:
    return int(getattr(settings, "CMS_STATS_MIN_FIGURE", 10))


def all_figures(request=None) -> dict[str, int | None]:
    """The provider's figures, computed at most once per ten minutes (and per publish)."""
    from cms import cache as page_cache

    window = int(time.time() // CACHE_SECONDS)
    return page_cache.memoise(f"{CACHE_KEY}:{window}", lambda: provider().figures(), request)


def visible_figures(keys: list[str], request=None) -> list[Figure]:
    """The requested figures that exist and reach the threshold, in the order asked."""
    values = all_figures(request)
    minimum = threshold()
    shown = []
    for key in keys:
        value = values.get(key)
        if value is not None and value >= minimum and key in LABELS:
            shown.append(Figure(key=key, label=str(LABELS[key]), value=value))
    return shown
