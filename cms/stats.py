"""Live, city-wide figures for the public site: aggregates only, small numbers hidden.

The volunteers and coordination apps are built in parallel, so their models are
looked up by name (``apps.get_model``) and any figure whose model or fields are
missing is simply not shown. A figure below ``CMS_STATS_MIN_FIGURE`` (default 10)
is hidden too: a count of three referrals in a small city can point at a person.
The provider is swappable (``CMS_STATS_PROVIDER``, a dotted path) so tests can use a fake.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, FieldError
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


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _status_filter(model, *values: str) -> dict[str, object]:
    """Filter on a status-like field when the model has one whose choices include a value."""
    for name in ("status", "state"):
        if _has_field(model, name):
            choices = {str(c[0]) for c in (model._meta.get_field(name).choices or [])}
            wanted = [v for v in values if v in choices]
            if wanted:
                return {f"{name}__in": wanted}
    return {}


class DatabaseStatsProvider:
    """Reads the figures from the volunteers and coordination apps when they exist."""

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
        except (FieldError, DatabaseError, TypeError, ValueError):
            logger.warning("cms.stats: figure %s unavailable", compute.__name__, exc_info=True)
            return None

    def active_volunteers(self) -> int | None:
        model = _model("volunteers.Volunteer")
        if model is None:
            return None
        filters = _status_filter(model, "active", "approved", "vetted")
        if not filters and _has_field(model, "is_active"):
            filters = {"is_active": True}
        return model.objects.filter(**filters).count()

    def hours_this_year(self) -> int | None:
        model = _model("volunteers.HourLog")
        if model is None:
            return None
        amount = next((f for f in ("hours", "duration_hours", "minutes") if _has_field(model, f)), None)
        if amount is None:
            return None
        queryset = model.objects.filter(**_status_filter(model, "approved"))
        year = timezone.localdate().year
        date_field = next((f for f in ("date", "worked_on", "started_at", "created_at") if _has_field(model, f)), None)
        if date_field:
            queryset = queryset.filter(**{f"{date_field}__year": year})
        total = queryset.aggregate(total=Sum(amount))["total"] or 0
        if amount == "minutes":
            total = Decimal(total) / 60
        return int(total)

    def referrals_completed(self) -> int | None:
        model = _model("coordination.Referral")
        if model is None:
            return None
        filters = _status_filter(model, "completed", "closed")
        if not filters:
            return None
        return model.objects.filter(**filters).count()


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
