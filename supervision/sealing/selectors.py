"""Reads of the sealed-record openings (the bureau's monthly report)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import scoping
from coordination.models import AccessLog, SealedRecordOpening


def openings_in_month(user: Any, month: dt.date) -> QuerySet[SealedRecordOpening]:
    """The openings of sealed records in the month (local time) the user may see, newest first, each with the
    number of reads the opener made of the record while it was open."""
    start = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(month + relativedelta(months=1), dt.time.min))
    reads = (
        AccessLog.objects.filter(
            user_id=OuterRef("opened_by_id"),
            supervisee_id=OuterRef("supervisee_id"),
            created_at__gte=OuterRef("opened_at"),
            created_at__lte=OuterRef("expires_at"),
        )
        .exclude(object_type="sealed_opening")
        .order_by()
        .values("supervisee_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        scoping.scope(user, SealedRecordOpening)
        .filter(opened_at__gte=start, opened_at__lt=end)
        .select_related("supervisee__judicial_office", "opened_by")
        .annotate(reads=Coalesce(Subquery(reads, output_field=IntegerField()), Value(0)))
        .order_by("-opened_at", "-pk")
    )
