"""The access log at the one door: querysets of supervisee personal data that record what they return.

The scoped selectors (``coordination.selectors``) wrap what they return with :func:`logged`. When such a
queryset is evaluated (a list page, an API page, a detail ``get``, an export), it appends **one
access-log row per record returned** (``bulk_create``: one query), with the reader, the record type and
id, the supervisee, the purpose (``api`` or ``casework``, plus the API token's label) and the path. Only
rows actually fetched are logged: a paginated list logs its page, ``count()`` and ``exists()`` log
nothing because they return no personal data. No view has to remember to log (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet

from accounts.security import current_token
from config.observability import request_path_var
from coordination.models import AccessLog


class AccessLoggedQuerySet(QuerySet):
    """A queryset that writes access-log rows for the records it fetches (see the module docstring)."""

    _access: tuple[Any, str, Callable[[Model], int | None], Callable[[Model], str], str | None] | None = None

    def _clone(self):
        clone = super()._clone()
        clone._access = self._access
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._access is not None and self._result_cache and self._iterable_class_is_models():
            record_reads(self._access, self._result_cache)

    def _iterable_class_is_models(self) -> bool:
        from django.db.models.query import ModelIterable

        return issubclass(self._iterable_class, ModelIterable)


def logged(
    queryset: QuerySet[Any],
    *,
    user: Any,
    object_type: str,
    supervisee_id: Callable[[Model], int | None],
    object_id: Callable[[Model], str] = lambda row: str(row.pk),
    purpose: str | None = None,
) -> QuerySet[Any]:
    """The same queryset, logging every record it returns to ``user`` (nothing for the anonymous).

    ``purpose`` None: ``api`` under /api/, ``casework`` elsewhere."""
    if not getattr(user, "is_authenticated", False):
        return queryset
    clone = queryset._chain()
    if type(clone) is QuerySet:
        clone.__class__ = AccessLoggedQuerySet
    elif not isinstance(clone, AccessLoggedQuerySet):  # a custom queryset class: add the behaviour to it
        clone.__class__ = type(f"AccessLogged{type(clone).__name__}", (AccessLoggedQuerySet, type(clone)), {})
    clone._access = (user, object_type, supervisee_id, object_id, purpose)
    return clone


def record_reads(access: tuple, rows: list[Model]) -> None:
    """Append one read row per record (the audit trail; the only writer besides ``actions.log_access``)."""
    user, object_type, supervisee_id, object_id, purpose = access
    path = request_path_var.get()
    if purpose is None:
        purpose = "api" if "/api/" in path else "casework"
    token = current_token()
    if token is not None:
        purpose = f"{purpose} · {token.label}"
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                user=user,
                username=user.get_username(),
                supervisee_id=supervisee_id(row),
                action=AccessLog.Action.READ,
                object_type=object_type,
                object_id=object_id(row)[:64],
                purpose=purpose[:200],
                path=path[:500],
            )
            for row in rows
        ]
    )


def record_token_use(token: Any, *, method: str, path: str, status: int) -> AccessLog:
    """Append the one token-use row of a request a program made with an API token (docs/security.md).

    Written for every token request, whatever it read (also nothing personal, also a refusal), so
    the bureau sees each use of each token: who, which token (its public id), when, the method and
    address, and the outcome (the HTTP status)."""
    user = token.user
    return AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        action=AccessLog.Action.TOKEN_USE,
        object_type="api token",
        object_id=str(token.uuid),
        purpose=f"{method} → {status} · {token.label}"[:200],
        path=path[:500],
    )
