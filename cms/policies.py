"""Who sees outreach search entries and who edits content. Page permissions themselves are Wagtail's
(groups derived from roles in accounts.roles)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from accounts.roles import Role, has_role
from cms.models import SearchEntry


def can_edit_content(user: Any) -> bool:
    """May open the Wagtail admin to edit outreach pages: the bureau and content editors."""
    return has_role(user, Role.BUREAU_ADMIN, Role.CONTENT_EDITOR)


class SearchEntryPolicy(scoping.BasePolicy):
    model = SearchEntry

    def rows_view(self, user: Any) -> QuerySet[SearchEntry]:
        """Anyone searches the entries of live pages."""
        return SearchEntry.objects.filter(page__live=True)

    def allow_edit_content(self, user: Any, obj: Any = None) -> bool:
        """Open the Wagtail admin to edit outreach pages: the bureau and content editors."""
        return can_edit_content(user)


def register() -> None:
    scoping.register(SearchEntry, SearchEntryPolicy())
