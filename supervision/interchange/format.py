"""The case package format, version 1: which records travel, which fields, and the JSON Schema (draft
2020-12) that every package must satisfy.

The field list of each section is written here once; the schema's types come from the model fields
(a date is an ISO date, a choice an enum, a staff account a name as text), so the schema, the export and
the import cannot disagree. ``schema/case-v1.json`` is this schema written out (``manage.py
interchange_schema``; ``--check`` fails when the file is stale).

Rows are numbered within their section from 1 (``ref``); a reference to another row of the package
(a request's prohibition order, an obligation's source) is that row's ``ref``, never a database id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.fields import PositiveIntegerRelDbTypeMixin
from django.utils import translation

from coordination.models import Supervisee
from supervision.models import CorrectionPlan, Obligation, SanctionGround, Sentence
from supervision.movement.models import (
    LocationDataAccess,
    MonitoringPeriod,
    MovementRequest,
    ProhibitionBreach,
    ProhibitionOrder,
)
from supervision.reporting.models import CheckIn, LostContactEpisode, ReportingOverride, SearchStep, Visit

FORMAT = "community-correction-case"
VERSION = 1
SCHEMA_ID = "https://schemas.example.invalid/community-correction/case-v1.json"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "case-v1.json"

# A ``source`` field: the row of the package an obligation or a sanction ground comes from.
SOURCE = "source"


@dataclass(frozen=True)
class Section:
    """One kind of record in the package: the model, the exported fields, references to other sections
    (field → section key) and nested rows (a child section and its foreign key to the parent)."""

    key: str
    model: type[models.Model]
    fields: tuple[str, ...]
    refs: dict[str, str] = field(default_factory=dict)
    children: tuple[Section, ...] = ()
    parent_fk: str = "supervisee"
    description: str = ""


SEARCH_STEPS = Section("search_steps", SearchStep, ("kind", "taken_at", "result", "recorded_by"), parent_fk="episode")
BREACHES = Section(
    "breaches", ProhibitionBreach, ("occurred_on", "facts", "recorded_by", "created_at"), parent_fk="order"
)
ACCESSES = Section(
    "accesses",
    LocationDataAccess,
    ("accessed_by", "accessed_at", "system", "purpose", "recorded_by", "created_at"),
    parent_fk="period",
)

# In import order: a section refers only to sections before it.
SECTIONS: tuple[Section, ...] = (
    Section(
        "sentences",
        Sentence,
        (
            "organ_kind",
            "organ_name",
            "case_number",
            "judgment_date",
            "effective_date",
            "sentence_type",
            "term_months",
            "start",
            "end",
            "deprived_political_rights",
            "deprivation_months",
            # The sealing test on closing (CPL Art. 286) needs both in the receiving county too.
            "offence_date",
            "principal_term_months",
            "notice_received_on",
            "notice_late",
            "derived",
            "created_by",
            "created_at",
        ),
        description="The sentence record (the deciding organ, case number, dates, type, term, additional penalties).",
    ),
    Section(
        "correction_plans",
        CorrectionPlan,
        (
            "version",
            "supervision_level",
            "risk_level",
            "classification_reasons",
            "reporting_mode",
            "reporting_interval_days",
            "education_goals",
            "help_goals",
            "next_review_on",
            "change_note",
            "created_by",
            "created_at",
        ),
        description="Every version of the correction plan (矫正方案), the newest in force.",
    ),
    Section(
        "reporting_plan",
        ReportingOverride,
        ("reporting_mode", "interval_days", "health_reports", "reason", "created_by", "created_at"),
        description="The officers' decisions about how the person reports; the newest is in force.",
    ),
    Section(
        "prohibition_orders",
        ProhibitionOrder,
        ("kind", "text", "start", "end", "recorded_by", "created_at"),
        children=(BREACHES,),
        description="Prohibition orders (禁止令) and their recorded breaches.",
    ),
    Section(
        "movement_requests",
        MovementRequest,
        (
            "kind",
            "state",
            "route",
            "route_reason",
            "start",
            "end",
            "destination",
            "reason",
            "people",
            "place",
            "order",
            "short_notice",
            "applied_by",
            "applied_at",
            "receiving_county",
            "consulted_on",
            "reply_on",
            "reply_agrees",
            "handed_over_on",
            "referred_on",
            "upper_reference",
            "decided_by",
            "decided_at",
            "decision_note",
            "notice_to",
            "notice_on",
            "returned_on",
        ),
        refs={"order": "prohibition_orders"},
        description="Movement and contact requests with their decisions (外出, 执行地变更, 会客, entry).",
    ),
    Section(
        "monitoring_periods",
        MonitoringPeriod,
        (
            "ground",
            "facts",
            "extends",
            "assessment",
            "start",
            "months",
            "end",
            "device_id",
            "told_on",
            "approved_by",
            "approved_at",
            "ended_on",
            "end_reason",
            "ended_by",
        ),
        refs={"extends": "monitoring_periods"},
        children=(ACCESSES,),
        description="Electronic location-monitoring approvals and the recorded accesses to location data.",
    ),
    Section(
        "lost_contact_episodes",
        LostContactEpisode,
        (
            "trigger",
            "lost_since",
            "last_contact_at",
            "opened_at",
            "opened_by",
            "note",
            "police_notified_on",
            "procuratorate_notified_on",
            "found_at",
            "outcome",
            "outcome_note",
            "closed_at",
            "closed_by",
        ),
        children=(SEARCH_STEPS,),
        description="Lost-contact episodes (脱管) with each search step.",
    ),
    Section(
        "visits",
        Visit,
        (
            "kind",
            "state",
            "scheduled_on",
            "done_on",
            "people_seen",
            "findings",
            "discreet",
            "recorded_by",
            "created_at",
        ),
        description="Visits (走访), planned and done.",
    ),
    Section(
        "obligations",
        Obligation,
        (
            "kind",
            "rule_code",
            "due_at",
            "remind_from",
            "done_at",
            "done_by",
            "escalation_level",
            "escalated_at",
            SOURCE,
            "created_at",
        ),
        description="What was owed by when under a rule-book clock, and when it was done.",
    ),
    Section(
        "check_ins",
        CheckIn,
        (
            "method",
            "state",
            "occurred_at",
            "due_on",
            "late",
            "report",
            "changes_flagged",
            "acknowledged_by",
            "acknowledged_at",
            "recorded_by",
            "confirmed_by",
            "confirmed_at",
            "obligation",
            "created_at",
        ),
        refs={"obligation": "obligations"},
        description="Check-ins and periodic reports (报到/报告).",
    ),
    Section(
        "sanction_grounds",
        SanctionGround,
        ("code", "occurred_on", "facts", SOURCE, "recorded_by", "created_at"),
        description="Recorded facts that may ground a sanction.",
    ),
)
BY_KEY = {section.key: section for section in SECTIONS}
BY_MODEL = {section.model: section for section in SECTIONS}
# Nested rows by model: (the parent section, the child section).
CHILD_BY_MODEL = {child.model: (section, child) for section in SECTIONS for child in section.children}

# The person: the record the receiving county registers. The resident ID number is decrypted for the
# package (the receiving county needs it): the package is itself sensitive and travels as such.
PERSON_FIELDS = (
    "name",
    "given_name",
    "sex",
    "date_of_birth",
    "resident_id",
    "phone",
    "household_type",
    "township",
    "address",
    "sentence_type",
    "offence_category",
    "correction_start",
    "correction_end",
    "risk_level",
    "supervision_level",
    "status",
    "is_minor",
    "preferred_language",
    "case_number",
)
ARCHIVE_FIELDS = ("kind", "number", "date", "file_name")


def is_person(model_field: models.Field) -> bool:
    """A staff account: exported as the person's name, as text."""
    return isinstance(model_field, models.ForeignKey) and model_field.related_model is _user_model()


def _user_model() -> type[models.Model]:
    from django.contrib.auth import get_user_model

    return get_user_model()


def _nullable(schema: dict[str, Any], null: bool) -> dict[str, Any]:
    if not null:
        return schema
    kind = schema.get("type")
    if kind is None:
        return {"anyOf": [schema, {"type": "null"}]}
    out = dict(schema)
    out["type"] = [kind, "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def field_schema(model_field: models.Field) -> dict[str, Any]:
    """The JSON Schema of one model field as the package carries it."""
    title = str(model_field.verbose_name)
    if is_person(model_field):
        return _nullable({"type": "string", "maxLength": 150, "description": f"{title} (a name, as text)"}, True)
    if isinstance(model_field, models.ForeignKey):
        return _nullable({"type": "integer", "minimum": 1, "description": f"{title} (a ref in the package)"}, True)
    if isinstance(model_field, models.BooleanField):
        return _nullable({"type": "boolean"}, model_field.null)
    if isinstance(model_field, models.DateTimeField):
        return _nullable({"type": "string", "format": "date-time"}, model_field.null)
    if isinstance(model_field, models.DateField):
        return _nullable({"type": "string", "format": "date"}, model_field.null)
    if isinstance(model_field, models.JSONField):
        return {"type": "object"}
    if isinstance(model_field, models.IntegerField):
        schema: dict[str, Any] = {"type": "integer"}
        if model_field.choices:
            schema["enum"] = [value for value, _label in model_field.choices]
        elif isinstance(model_field, PositiveIntegerRelDbTypeMixin):
            schema["minimum"] = 0
        return _nullable(schema, model_field.null)
    schema = {"type": "string"}
    if model_field.choices:
        schema["enum"] = [value for value, _label in model_field.choices] + ([""] if model_field.blank else [])
    else:
        if model_field.max_length:
            schema["maxLength"] = model_field.max_length
        if not model_field.blank:
            schema["minLength"] = 1
    return _nullable(schema, model_field.null)


def _source_schema() -> dict[str, Any]:
    return {
        "description": "The package row this record comes from, if any.",
        "anyOf": [
            {"type": "null"},
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["section", "ref"],
                "properties": {
                    "section": {"enum": [section.key for section in SECTIONS]},
                    "ref": {"type": "integer", "minimum": 1},
                    "item": {
                        "description": "A nested row of that row (a breach of a prohibition order).",
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["key", "ref"],
                        "properties": {
                            "key": {"enum": sorted({c.key for section in SECTIONS for c in section.children})},
                            "ref": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        ],
    }


def _row_schema(section: Section) -> dict[str, Any]:
    properties: dict[str, Any] = {"ref": {"type": "integer", "minimum": 1}}
    for name in section.fields:
        properties[name] = _source_schema() if name == SOURCE else field_schema(section.model._meta.get_field(name))
    for child in section.children:
        properties[child.key] = {"type": "array", "items": _row_schema(child)}
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }
    if section.description:
        schema["description"] = section.description
    return schema


def _person_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name in PERSON_FIELDS:
        if name == "resident_id":
            properties[name] = {"type": "string", "pattern": "^[0-9]{17}[0-9X]$", "description": "in clear"}
        elif name == "township":
            properties[name] = {"type": "string", "maxLength": 200, "description": "the township's name, as text"}
        else:
            properties[name] = field_schema(Supervisee._meta.get_field(name))
    properties["case_number"]["description"] = "the sending deployment's case number (矫正编号)"
    properties["case_number"].pop("minLength", None)
    return {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a version-1 case package."""
    properties: dict[str, Any] = {
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
        "source_deployment": {"type": "string", "minLength": 1, "maxLength": 100},
        "source_case_id": {"type": "string", "format": "uuid"},
        "exported_at": {"type": "string", "format": "date-time"},
        "exported_by": {"type": "string", "maxLength": 150},
        "person": _person_schema(),
    }
    for section in SECTIONS:
        properties[section.key] = {"type": "array", "items": _row_schema(section)}
    properties["archive_index"] = {
        "type": "array",
        "description": "The documents of the case file (issued or received): listed, not included.",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": list(ARCHIVE_FIELDS),
            "properties": {
                "kind": {"type": "string", "minLength": 1, "maxLength": 60},
                "number": {"type": "string", "maxLength": 200},
                "date": {"type": ["string", "null"], "format": "date"},
                "file_name": {"type": "string", "maxLength": 200},
            },
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Community-correction case package, version 1",
        "description": "One case exported for a change of the place of execution (执行地变更). Sensitive: "
        "it holds the person's resident ID number in clear.",
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


def schema_text() -> str:
    """The schema as the repository keeps it (stable key order, UTF-8, a final newline)."""
    with translation.override("en"):  # the field titles in the descriptions: one language, a stable file
        return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"


def deployment_id() -> str:
    return settings.DEPLOYMENT_ID
