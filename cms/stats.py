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
from django.db import DatabaseError
from django.db.models import Sum
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
    """Reads the figures from the volunteers and coordination apps."""

    def figures(self) -> dict[str, int | None]:
        return {
            ACTIVE_VOLUNTEERS: self._safe(self.active_volunteers),
            HOURS_THIS_YEAR: self._safe(self.hours_this_year),
            REFERRALS_COMPLETED: self._safe(self.referrals_completed),
        }

    @staticmethod
    def _safe(compute) -> int | None:
        try:
            return compute()
        except DatabaseError:
            logger.warning("cms.stats: figure %s unavailable", compute.__name__, exc_info=True)
            return None

    def active_volunteers(self) -> int:
        from volunteers.models import Volunteer

        return Volunteer.objects.filter(status=Volunteer.Status.ACTIVE).count()

    def hours_this_year(self) -> int:
        from volunteers.models import HourLog

        total = HourLog.objects.filter(status=HourLog.Status.APPROVED, date__year=timezone.localdate().year).aggregate(
            total=Sum("hours")
        )["total"]
        return int(total or 0)

    def referrals_completed(self) -> int:
        from coordination.models import Referral

        return Referral.objects.filter(state=Referral.State.COMPLETED).count()


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
