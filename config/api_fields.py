"""Serializer fields shared by every app's API."""

from __future__ import annotations

from rest_framework import serializers

# The largest primary key any supported database stores (a signed 64-bit integer). An id beyond it
# cannot name a record; refusing it here gives the caller a 400 instead of a database overflow.
MAX_RECORD_ID = 2**63 - 1


class RecordIdField(serializers.IntegerField):
    """The integer id of a stored record: 1 up to the database's largest key."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_RECORD_ID)
        super().__init__(**kwargs)


def query_int(value: str, *, low: int = 1, high: int = MAX_RECORD_ID) -> int | None:
    """A whole number given in a query string, or None when it is not one or lies outside ``low``..``high``
    (the caller then ignores the filter). Only ASCII digits count: ``str.isdigit`` also accepts "²", which
    ``int`` refuses, and an id past the database's largest key would overflow the query."""
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if low <= number <= high else None
