"""Who sees user accounts. Lists of other users (team candidates, coordinators' volunteers) come from
the owning apps' policies; this one only covers the account itself."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from accounts.models import User


class UserPolicy(scoping.BasePolicy):
    model = User

    def rows_view(self, user: Any) -> QuerySet[User]:
        """A signed-in user sees their own account."""
        if not getattr(user, "is_authenticated", False):
            return User.objects.none()
        return User.objects.filter(pk=user.pk)


def register() -> None:
    scoping.register(User, UserPolicy())
