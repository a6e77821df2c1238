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
