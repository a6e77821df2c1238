"""Reads of the outbox: what is due for delivery, and a user's inbox (through the scoping registry)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import scoping
from notifications.models import Notification, Preference

if TYPE_CHECKING:
    from accounts.models import User


def pending_notification_ids(*, limit: int = 1000) -> list[int]:
    """Outbox rows pending and due (quiet hours over, backoff elapsed), oldest first, at most ``limit``."""
    now = timezone.now()
    return list(
        Notification.objects.filter(status=Notification.Status.PENDING)
        .filter(Q(due_at__isnull=True) | Q(due_at__lte=now))
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def inbox(user: User) -> QuerySet[Notification]:
    """The user's in-app messages, newest first."""
    return scoping.scope(user, Notification).order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    """How many in-app messages the user has not read (the header badge)."""
    return scoping.scope(user, Notification).filter(read_at__isnull=True).count()


def preference(user: User) -> Preference | None:
    """The user's saved choices, or None for the defaults (everything on, no quiet hours)."""
    return Preference.objects.filter(user=user).first()
