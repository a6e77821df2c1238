"""How a supervisee is named wherever a person is listed or mentioned (pages and notifications).

One helper, so that two people of the same name can always be told apart the same way: the name
(or only the given name, for whoever may not see the full one), then age, township and the last four
characters of the platform case number — each only if the reader may see that field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

# What a reader who may see the whole case record is shown.
ALL = frozenset({"name", "given_name", "age", "township", "case_number"})


def _age(born: Any) -> int:
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def name_of(supervisee: Any, fields: Iterable[str] | None = None) -> str:
    """The full name if the reader may see it, else the given name."""
    allowed = ALL if fields is None else frozenset(fields)
    if "name" in allowed:
        return supervisee.name
    if "given_name" in allowed:
        return supervisee.given_name
    return ""


def disambiguator(supervisee: Any, fields: Iterable[str] | None = None) -> list[str]:
    """["34岁", "青屏街道", "矫正编号…0042"]: only fields the reader may see and the row already loaded."""
    allowed = ALL if fields is None else frozenset(fields)
    parts: list[str] = []
    born = getattr(supervisee, "date_of_birth", None)
    if born and "age" in allowed:
        parts.append(_("%(age)s years old") % {"age": _age(born)})
    township = getattr(supervisee, "township", None) if "township" in allowed else None
    if township is not None:
        parts.append(township.display_name)
    if "case_number" in allowed and getattr(supervisee, "case_number", ""):
        parts.append(case_tail(supervisee))
    return parts


def case_tail(supervisee: Any) -> str:
    """ "矫正编号…0042": the last four characters of the platform case number."""
    return _("case no. …%(tail)s") % {"tail": supervisee.case_number[-4:]}


def label(supervisee: Any, fields: Iterable[str] | None = None) -> str:
    """ "张楠（34岁 · 青屏街道 · 矫正编号…0042）": the name and its disambiguator, as plain text."""
    name = name_of(supervisee, fields)
    parts = disambiguator(supervisee, fields)
    if not parts:
        return name
    return _("%(name)s (%(details)s)") % {"name": name, "details": " · ".join(parts)}


def short_label(supervisee: Any, fields: Iterable[str] | None = None) -> str:
    """ "张楠（矫正编号…0042）": the name and the case-number tail, for notifications (no age, no place)."""
    allowed = ALL if fields is None else frozenset(fields)
    name = name_of(supervisee, allowed)
    if "case_number" not in allowed or not supervisee.case_number:
        return name
    return _("%(name)s (%(details)s)") % {"name": name, "details": case_tail(supervisee)}
