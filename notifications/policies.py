"""Who sees which outbox rows: each user their own in-app inbox; the outbox as a whole only through operations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from notifications.models import Notification, Preference


class NotificationPolicy(scoping.BasePolicy):
    model = Notification

    def rows_view(self, user: Any) -> QuerySet[Notification]:
        """The user's own in-app inbox."""
        if not getattr(user, "is_authenticated", False):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=user, channel=Notification.Channel.INBOX)


class PreferencePolicy(scoping.BasePolicy):
    model = Preference

    def rows_view(self, user: Any) -> QuerySet[Preference]:
        """The user's own preferences."""
        if not getattr(user, "is_authenticated", False):
            return Preference.objects.none()
        return Preference.objects.filter(user=user)


def register() -> None:
    scoping.register(Notification, NotificationPolicy())
    scoping.register(Preference, PreferencePolicy())
