"""Sealed juvenile records at the one door: what every scoped selector leaves out.

A sealed case (``Supervisee.sealed_at`` set; Criminal Procedure Law Art. 286, CCL Art. 54) is left out of the
rows of every policy, for every verb and every user, bureau included (``hide_sealed``, registered with
``accounts.scoping.add_row_filter`` in ``CoordinationConfig.ready``). A row belongs to a case when its model
reaches ``Supervisee`` through its foreign keys (``supervisee``, ``need__supervisee``, ``plan__supervisee``,
...: found once per model). The only way back in is a live ``SealedRecordOpening``: the bureau administrator
who opened the record for a judicial organ's request sees that one record until the opening ends.

Code that reads without a user (figures, matching runs, reminders, escalations, exports by task) asks
``unsealed`` itself.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from coordination.models import SealedRecordOpening, Supervisee

# How many foreign keys away a row may be from its case (ReferralEvent → Referral → Need → Supervisee).
MAX_HOPS = 3


@cache
def supervisee_path(model: type[Model]) -> str | None:
    """The lookup from ``model`` to its supervisee ("" for Supervisee itself), or None for rows of no case."""
    if model._meta.concrete_model is Supervisee:
        return ""
    frontier: list[tuple[type[Model], str]] = [(model, "")]
    for _hop in range(MAX_HOPS):
        following: list[tuple[type[Model], str]] = []
        for current, prefix in frontier:
            for field in current._meta.concrete_fields:
                related = getattr(field, "related_model", None)
                if related is None or not field.is_relation:
                    continue
                path = f"{prefix}{field.name}"
                if related._meta.concrete_model is Supervisee:
                    return path
                following.append((related, f"{path}__"))
        frontier = following
    return None


def open_supervisee_ids(user: Any) -> QuerySet[SealedRecordOpening]:
    """The sealed records the user holds a live opening of (a subquery of supervisee ids)."""
    if not getattr(user, "is_authenticated", False):
        return SealedRecordOpening.objects.none().values("supervisee_id")
    now = timezone.now()
    return SealedRecordOpening.objects.filter(opened_by=user, opened_at__lte=now, expires_at__gt=now).values(
        "supervisee_id"
    )


def unsealed(rows: QuerySet[Any], user: Any = None, *, path: str | None = None) -> QuerySet[Any]:
    """``rows`` without those of sealed cases, except the records ``user`` holds a live opening of."""
    if path is None:
        path = supervisee_path(rows.model)
        if path is None:
            return rows
    prefix = f"{path}__" if path else ""
    condition = Q(**{f"{prefix}sealed_at__isnull": True})
    if getattr(user, "is_authenticated", False):
        condition |= Q(**{f"{path or 'pk'}__in": open_supervisee_ids(user)})
    return rows.filter(condition)


def hide_sealed(policy: Any, user: Any, rows: QuerySet[Any], verb: str) -> QuerySet[Any]:
    """The row filter of every policy: sealed cases out. A policy's ``shows_sealed`` keeps them: ``True`` for
    every verb (the access log and the openings themselves, which the bureau must be able to report on), or
    the verbs that keep them (the archive's ``retain``: the bureau keeps a sealed record's retention)."""
    shown = getattr(policy, "shows_sealed", False)
    if shown is True or (shown and verb in shown):
        return rows
    return unsealed(rows, user)


def is_sealed(supervisee: Supervisee) -> bool:
    """Whether the record is sealed."""
    return supervisee.sealed_at is not None


# What may still be done to a sealed record, by the bureau administrator holding an opening (reading it) or
# by the bureau keeping its retention: everything else (every write, export, issue, void, reissue, scan …) is
# refused on a sealed record for everyone (``refuse_sealed_writes``, registered with ``accounts.scoping``).
SEALED_READ_VERBS = frozenset({"view", "list", "edit", "see_resident_id", "report", "open", "dispose"})


def _sealed_at(obj: Model, path: str) -> Any:
    """The ``sealed_at`` of the row's case: from the relations already loaded, else one query."""
    current: Any = obj
    for part in path.split("__") if path else []:
        field = current._meta.get_field(part)
        if not field.is_cached(current):
            return type(obj)._default_manager.filter(pk=obj.pk).values_list(f"{path}__sealed_at", flat=True).first()
        current = getattr(current, part)
        if current is None:
            return None
    return current.sealed_at


def refuse_sealed_writes(policy: Any, user: Any, verb: str, obj: Model) -> bool:
    """The veto of every policy: no verb but reading is allowed on a row of a sealed case (CPL Art. 286; an
    opening lets its bureau administrator read, never change; the bureau still disposes of it when due)."""
    if verb in SEALED_READ_VERBS or obj.pk is None:
        return False
    path = supervisee_path(type(obj))
    if path is None:
        return False
    return _sealed_at(obj, path) is not None
