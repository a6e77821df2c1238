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

from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone

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
    values = [(supervisee_id(row), object_id(row)[:64]) for row in rows]
    if connection.vendor == "postgresql":
        _insert_unnest(user, object_type, values, purpose[:200], path[:500])
        return
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                user=user,
                username=user.get_username(),
                supervisee_id=supervisee_pk,
                action=AccessLog.Action.READ,
                object_type=object_type,
                object_id=object_key,
                purpose=purpose[:200],
                path=path[:500],
            )
            for supervisee_pk, object_key in values
        ]
    )


# AccessLog's table and columns (a test compares the rows with those bulk_create writes).
_INSERT_UNNEST = (
    "INSERT INTO coordination_accesslog (user_id, username, supervisee_id, action, object_type, object_id, purpose,"
    " path, created_at) SELECT %s, %s, s, %s, %s, o, %s, %s, %s FROM unnest(%s::bigint[], %s::text[]) AS t(s, o)"
)


def _insert_unnest(user: Any, object_type: str, values: list[tuple[int | None, str]], purpose: str, path: str) -> None:
    """The same rows in one INSERT … SELECT over two arrays: a page of 今日待办 logs 400 rows, and building and
    binding 400 model instances took a quarter of the page's time (bench/obligations.py). The columns
    that are the same on every row are bound once."""
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_UNNEST,
            [
                user.pk,
                user.get_username(),
                AccessLog.Action.READ,
                object_type,
                purpose,
                path,
                timezone.now(),
                [supervisee_pk for supervisee_pk, _key in values],
                [object_key for _pk, object_key in values],
            ],
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
