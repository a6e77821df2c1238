"""The one output shape of a supervisee's record, for the API and the pages.

``SuperviseeRecordOutput(supervisee, fields=policy.fields(user, obj))`` keeps only the fields the
policy lets the reader see (coordination/policies.py, listed in docs/visibility.md): the API
returns its ``data``; the pages render ``display_rows`` of the same serializer, in the same
order, with the model's labels and choice names in the reader's language. A field the policy does
not allow is absent from both, because both ask this serializer.

Neither views nor the API define their own field list; this module imports neither.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coordination import identity
from coordination.models import (
    HouseholdType,
    OffenceCategory,
    RiskLevel,
    SentenceType,
    Sex,
    Supervisee,
    SupervisionLevel,
)


def age_on(born: dt.date, today: dt.date | None = None) -> int:
    """Full years on ``today`` (the local date by default)."""
    today = today or timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def language_name(code: str) -> str:
    """A language code as its name in the reader's language ("zh-hans" → 简体中文), never the raw code."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


class SuperviseeRecordOutput(serializers.Serializer):
    """A supervisee's fields. Which ones are present depends on who asks (the policy's ``fields``)."""

    uuid = serializers.UUIDField(required=False)
    case_number = serializers.CharField(
        required=False, help_text="The platform's case number (矫正编号), given at registration; read-only."
    )
    name = serializers.CharField(required=False)
    given_name = serializers.CharField(required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    date_of_birth = serializers.DateField(required=False)
    age = serializers.SerializerMethodField()
    resident_id = serializers.SerializerMethodField(help_text="Officers of the office and the bureau only.")
    resident_id_masked = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    household_type = serializers.ChoiceField(choices=HouseholdType.choices, required=False)
    township = serializers.CharField(source="township.name", required=False)
    address = serializers.CharField(required=False)
    judicial_office = serializers.CharField(source="judicial_office.name", required=False)
    sentence_type = serializers.ChoiceField(choices=SentenceType.choices, required=False)
    offence_category = serializers.ChoiceField(choices=OffenceCategory.choices, required=False)
    correction_start = serializers.DateField(required=False)
    correction_end = serializers.DateField(required=False)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    supervision_level = serializers.ChoiceField(choices=SupervisionLevel.choices, required=False)
    status = serializers.ChoiceField(choices=Supervisee.Status.choices, required=False)
    is_minor = serializers.BooleanField(required=False)
    preferred_language = serializers.CharField(required=False)

    def __init__(self, *args: Any, fields: frozenset[str] | None = None, **kwargs: Any) -> None:
        """``fields``: the names the reader may see (None only for the schema: every field)."""
        super().__init__(*args, **kwargs)
        if fields is not None:
            for name in [name for name in self.fields if name not in fields]:
                self.fields.pop(name)

    @extend_schema_field(serializers.IntegerField(required=False))
    def get_age(self, supervisee: Supervisee) -> int:
        return age_on(supervisee.date_of_birth)

    @extend_schema_field(serializers.CharField(required=False))
    def get_resident_id(self, supervisee: Supervisee) -> str:
        return identity.decrypt(supervisee.resident_id_encrypted)


# Shown on the pages elsewhere (the page title, the minor badge), not as a row of the record.
_NOT_A_ROW = frozenset({"uuid", "is_minor"})


def display_rows(supervisee: Supervisee, fields: frozenset[str]) -> list[tuple[str, object]]:
    """(label, value) rows of the record for a page: the serializer's fields for this reader, in its order,
    with the model's labels and choices shown in the reader's language (dates stay dates, for the template)."""
    record = SuperviseeRecordOutput(supervisee, fields=fields)
    rows: list[tuple[str, object]] = []
    for name, field in record.fields.items():
        if name in _NOT_A_ROW:
            continue
        if name == "age":
            rows.append((_("Age"), age_on(supervisee.date_of_birth)))
        elif name == "resident_id":
            rows.append((_("Resident ID number"), field.to_representation(supervisee)))
        elif name == "resident_id_masked":
            if "resident_id" not in record.fields:
                rows.append((_("Resident ID number"), supervisee.resident_id_masked))
        elif name == "preferred_language":
            rows.append((Supervisee._meta.get_field(name).verbose_name, language_name(supervisee.preferred_language)))
        else:
            model_field = Supervisee._meta.get_field(name)
            value = getattr(supervisee, f"get_{name}_display")() if model_field.choices else getattr(supervisee, name)
            rows.append((model_field.verbose_name, value))
    return rows
