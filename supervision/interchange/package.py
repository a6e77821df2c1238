"""Build a case package from the database, check one against the schema and the references, and write
one into the database. The actions (``actions.py``) ask the policy and own the transaction; this module
only translates between rows and the package."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from coordination import identity
from coordination.models import Supervisee
from services.models import Organisation
from supervision.interchange import format as fmt
from supervision.interchange.models import ImportedCase
from supervision.models import Announcement, LegalDocument
from supervision.movement.models import MovementAttachment, MovementRequest
from supervision.reporting.models import HealthReport

# The placeholder account that stands for the sending county's staff on imported rows (their names stay in
# the stored package): it has no role and cannot sign in.
IMPORT_USERNAME = "interchange-import"

# --- export -------------------------------------------------------------------------------------------


def _name(user: Any) -> str | None:
    return None if user is None else user.get_full_name()


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Refs:
    """Row number in its section (from 1) by model and primary key; for a nested row, its parent's number
    and its own number under that parent."""

    def __init__(self) -> None:
        self.by_model: dict[type[models.Model], dict[int, int]] = {}
        self.nested: dict[type[models.Model], dict[int, tuple[int, int]]] = {}

    def add(self, model: type[models.Model], rows: list[models.Model]) -> None:
        self.by_model[model] = {row.pk: index for index, row in enumerate(rows, start=1)}

    def add_nested(self, model: type[models.Model], parent_ref: int, rows: list[models.Model]) -> None:
        table = self.nested.setdefault(model, {})
        for index, row in enumerate(rows, start=1):
            table[row.pk] = (parent_ref, index)

    def ref(self, model: type[models.Model], pk: int | None) -> int | None:
        return None if pk is None else self.by_model.get(model, {}).get(pk)


def _rows(section: fmt.Section, **where: Any) -> list[models.Model]:
    people = [
        name for name in section.fields if name != fmt.SOURCE and fmt.is_person(section.model._meta.get_field(name))
    ]
    return list(section.model.objects.filter(**where).select_related(*people).order_by("pk"))


def _row(section: fmt.Section, row: models.Model, index: int, refs: _Refs) -> dict[str, Any]:
    out: dict[str, Any] = {"ref": index}
    for name in section.fields:
        if name == fmt.SOURCE:
            out[name] = _source_out(row, refs)
            continue
        model_field = section.model._meta.get_field(name)
        if fmt.is_person(model_field):
            out[name] = _name(getattr(row, name))
        elif isinstance(model_field, models.ForeignKey):
            out[name] = refs.ref(model_field.related_model, getattr(row, model_field.attname))
        else:
            out[name] = _value(getattr(row, name))
    for child in section.children:
        children = _rows(child, **{child.parent_fk: row})
        out[child.key] = [_row(child, item, n, refs) for n, item in enumerate(children, start=1)]
    return out


def _source_out(row: Any, refs: _Refs) -> dict[str, Any] | None:
    if row.source_type_id is None or row.source_id is None:
        return None
    model = ContentType.objects.get_for_id(row.source_type_id).model_class()
    if model in fmt.CHILD_BY_MODEL:
        parent, child = fmt.CHILD_BY_MODEL[model]
        found = refs.nested.get(model, {}).get(row.source_id)
        if found is None:
            return None
        return {"section": parent.key, "ref": found[0], "item": {"key": child.key, "ref": found[1]}}
    section = fmt.BY_MODEL.get(model)
    ref = refs.ref(model, row.source_id)
    if section is None or ref is None:
        return None
    return {"section": section.key, "ref": ref}


def archive_index(supervisee: Supervisee) -> list[dict[str, Any]]:
    """The documents of the case file, listed (not included): those carried in from a former deployment,
    then the legal documents received, the uploaded proofs, health documents and announcement scans."""
    entries: list[dict[str, Any]] = []
    imported = ImportedCase.objects.filter(supervisee=supervisee).first()
    if imported is not None:
        entries.extend(imported.package.get("archive_index", []))
    for doc in LegalDocument.objects.filter(sentence__supervisee=supervisee).select_related("sentence").order_by("pk"):
        entries.append(
            {
                "kind": f"legal_document.{doc.kind}",
                "number": doc.sentence.case_number,
                "date": _value(doc.received_at),
                "file_name": "",
            }
        )
    for item in MovementAttachment.objects.filter(request__supervisee=supervisee).order_by("pk"):
        entries.append(
            {
                "kind": "request_attachment",
                "number": "",
                "date": _value(timezone.localdate(item.uploaded_at)),
                "file_name": item.original_name,
            }
        )
    for report in HealthReport.objects.filter(supervisee=supervisee).order_by("pk"):
        entries.append(
            {
                "kind": f"health_report.{report.kind}",
                "number": "",
                "date": _value(timezone.localdate(report.submitted_at)),
                "file_name": os.path.basename(report.document.name),
            }
        )
    for announcement in Announcement.objects.filter(supervisee=supervisee).exclude(signed_scan="").order_by("pk"):
        entries.append(
            {
                "kind": f"announcement.{announcement.kind}",
                "number": "",
                "date": _value(announcement.held_on),
                "file_name": os.path.basename(announcement.signed_scan.name),
            }
        )
    return entries


def build(supervisee: Supervisee, *, exported_by: Any) -> dict[str, Any]:
    """The package of one case, as a JSON-ready dict."""
    person: dict[str, Any] = {}
    for name in fmt.PERSON_FIELDS:
        if name == "resident_id":
            person[name] = identity.decrypt(supervisee.resident_id_encrypted)
        elif name == "township":
            person[name] = supervisee.township.name
        else:
            person[name] = _value(getattr(supervisee, name))
    package: dict[str, Any] = {
        "format": fmt.FORMAT,
        "version": fmt.VERSION,
        "source_deployment": fmt.deployment_id(),
        "source_case_id": str(supervisee.uuid),
        "exported_at": timezone.now().isoformat(),
        "exported_by": _name(exported_by) or "",
        "person": person,
    }
    refs = _Refs()
    rows = {}
    for section in fmt.SECTIONS:
        rows[section.key] = _rows(section, supervisee=supervisee)
        refs.add(section.model, rows[section.key])
        for parent_ref, parent in enumerate(rows[section.key], start=1):
            for child in section.children:
                refs.add_nested(child.model, parent_ref, _rows(child, **{child.parent_fk: parent}))
    for section in fmt.SECTIONS:
        package[section.key] = [_row(section, row, n, refs) for n, row in enumerate(rows[section.key], start=1)]
    package["archive_index"] = archive_index(supervisee)
    return package


# --- checks ---------------------------------------------------------------------------------------------


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=["uuid"])

    @checker.checks("date", raises=ValueError)
    def _date(value: object) -> bool:
        return not isinstance(value, str) or bool(dt.date.fromisoformat(value)) and len(value) == 10

    @checker.checks("date-time", raises=ValueError)
    def _datetime(value: object) -> bool:
        return not isinstance(value, str) or (len(value) > 10 and bool(dt.datetime.fromisoformat(value)))

    return checker


def _validator() -> Draft202012Validator:
    return Draft202012Validator(fmt.schema(), format_checker=_format_checker())


def path_of(parts: Iterable[Any]) -> str:
    """A JSON Pointer (RFC 6901) to a place in the package: ``/movement_requests/0/start``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _message(error: Any) -> list[tuple[str, str]]:
    """The schema error in the user's language, with the path of what it is about."""
    where = list(error.absolute_path)
    kind = error.validator
    if kind == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return [(path_of([*where, name]), _("This field is missing.")) for name in missing]
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return [(path_of([*where, name]), _("This field is not part of the format.")) for name in extra]
    messages = {
        "type": _("Wrong type of value."),
        "enum": _("Not one of the allowed values."),
        "const": _("Not the expected value (%(value)s).") % {"value": error.validator_value},
        "format": _("Not a valid %(format)s.") % {"format": error.validator_value},
        "maxLength": _("Too long: at most %(limit)s characters.") % {"limit": error.validator_value},
        "minLength": _("This field may not be empty."),
        "minimum": _("Must be at least %(limit)s.") % {"limit": error.validator_value},
        "pattern": _("Not in the expected form."),
    }
    return [(path_of(where), messages.get(kind, _("Not a valid value.")))]


def schema_errors(data: Any) -> list[dict[str, str]]:
    """Every schema error, in the user's language, keyed by its JSON path."""
    errors = []
    for error in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        for path, message in _message(error):
            errors.append({"path": path, "message": message})
    return errors


def text_errors(data: Any, where: tuple[Any, ...] = ()) -> list[dict[str, str]]:
    """A NUL character fits JSON but no database text column: refused where it is."""
    if isinstance(data, str):
        return [{"path": path_of(where), "message": _("Not a valid value.")}] if "\x00" in data else []
    if isinstance(data, dict):
        return [error for key, value in data.items() for error in text_errors(value, (*where, key))]
    if isinstance(data, list):
        return [error for index, value in enumerate(data) for error in text_errors(value, (*where, index))]
    return []


def _source_exists(data: dict[str, Any], source: dict[str, Any]) -> bool:
    rows = data[source["section"]]
    if source["ref"] > len(rows):
        return False
    item = source.get("item")
    if item is None:
        return True
    return item["key"] in rows[source["ref"] - 1] and item["ref"] <= len(rows[source["ref"] - 1][item["key"]])


def reference_errors(data: dict[str, Any]) -> list[dict[str, str]]:
    """Rows numbered 1, 2, 3... in each section and every reference pointing at a row of the package."""
    errors: list[dict[str, str]] = []
    sizes = {section.key: len(data[section.key]) for section in fmt.SECTIONS}

    def check(section: fmt.Section, rows: list[dict[str, Any]], where: list[Any]) -> None:
        for index, row in enumerate(rows):
            here = [*where, index]
            if row["ref"] != index + 1:
                errors.append(
                    {"path": path_of([*here, "ref"]), "message": _("Rows must be numbered 1, 2, 3… in order.")}
                )
            for name, target in section.refs.items():
                value = row[name]
                bound = index + 1 if target == section.key else sizes[target] + 1
                if value is not None and not 1 <= value < bound:
                    errors.append({"path": path_of([*here, name]), "message": _("Refers to no row of the package.")})
            source = row.get(fmt.SOURCE)
            if source is not None and not _source_exists(data, source):
                errors.append({"path": path_of([*here, fmt.SOURCE]), "message": _("Refers to no row of the package.")})
            for child in section.children:
                check(child, row[child.key], [*here, child.key])

    for section in fmt.SECTIONS:
        check(section, data[section.key], [section.key])
    return errors


# --- import ---------------------------------------------------------------------------------------------


class PackageRefused(Exception):
    """The package cannot be written: its errors, keyed by path."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def import_user() -> Any:
    """The placeholder account for the sending county's staff on imported rows (created once)."""
    user, created = get_user_model().objects.get_or_create(
        username=IMPORT_USERNAME, defaults={"full_name": "外地移交记录", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _parse(model_field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        parsed = dt.datetime.fromisoformat(value)
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    if isinstance(model_field, models.DateField):
        return dt.date.fromisoformat(value)
    return value


def _refused(error: ValidationError, where: list[Any]) -> PackageRefused:
    if hasattr(error, "error_dict"):
        return PackageRefused(
            [
                {"path": path_of([*where, name] if name != "__all__" else where), "message": " ".join(messages)}
                for name, messages in error.message_dict.items()
            ]
        )
    return PackageRefused([{"path": path_of(where), "message": " ".join(error.messages)}])


class _Writer:
    def __init__(self, data: dict[str, Any], *, actor: Any, supervisee: Supervisee) -> None:
        self.data = data
        self.actor = actor
        self.supervisee = supervisee
        self.staff = import_user()
        self.made: dict[str, list[models.Model]] = {}
        # Nested rows written, by (section, parent ref, child key).
        self.nested: dict[tuple[str, int, str], list[models.Model]] = {}

    def write(self) -> None:
        for section in fmt.SECTIONS:
            self.made[section.key] = []
            for index, row in enumerate(self.data[section.key]):
                made = self.row(section, row, [section.key, index], {"supervisee": self.supervisee})
                self.made[section.key].append(made)

    def source(self, value: dict[str, Any]) -> models.Model | None:
        """The row written for a ``source`` (only rows of earlier sections exist yet)."""
        made = self.made.get(value["section"], [])
        if value["ref"] > len(made):
            return None
        item = value.get("item")
        if item is None:
            return made[value["ref"] - 1]
        nested = self.nested.get((value["section"], value["ref"], item["key"]), [])
        return nested[item["ref"] - 1] if item["ref"] <= len(nested) else None

    def row(self, section: fmt.Section, row: dict[str, Any], where: list[Any], parent: dict[str, Any]) -> models.Model:
        model = section.model
        values: dict[str, Any] = dict(parent)
        stamped: dict[str, Any] = {}
        for name in section.fields:
            value = row[name]
            if name == fmt.SOURCE:
                if value is None:
                    continue
                target = self.source(value)
                if target is None:
                    raise PackageRefused(
                        [{"path": path_of([*where, name]), "message": _("Refers to no row of the package.")}]
                    )
                values["source_type"] = ContentType.objects.get_for_model(type(target))
                values["source_id"] = target.pk
                continue
            model_field = model._meta.get_field(name)
            if fmt.is_person(model_field):
                if value is None:
                    values[name] = None
                elif model is MovementRequest and name == "decided_by":
                    values[name] = self.actor  # the decider is never the applicant (a database constraint)
                else:
                    values[name] = self.staff
            elif isinstance(model_field, models.ForeignKey):
                target_key = section.refs[name]
                values[name] = None if value is None else self.made[target_key][value - 1]
            else:
                parsed = _parse(model_field, value)
                if getattr(model_field, "auto_now_add", False):
                    stamped[name] = parsed
                else:
                    values[name] = parsed
        instance = model(**values)
        try:
            instance.full_clean(exclude=list(stamped))
        except ValidationError as error:
            raise _refused(error, where) from None
        instance.save()
        if stamped:
            model.objects.filter(pk=instance.pk).update(**stamped)
        for child in section.children:
            written = self.nested.setdefault((section.key, row["ref"], child.key), [])
            for index, item in enumerate(row[child.key]):
                written.append(self.row(child, item, [*where, child.key, index], {child.parent_fk: instance}))
        return instance


def write(data: dict[str, Any], *, actor: Any, judicial_office: Organisation) -> Supervisee:
    """Create the supervisee and every row of the package (the caller holds the transaction)."""
    person = data["person"]
    number = identity.normalise_resident_id(person["resident_id"])
    digest = identity.lookup_hash(number)
    if Supervisee.objects.filter(resident_id_hash=digest).exists():
        raise PackageRefused(
            [
                {
                    "path": "/person/resident_id",
                    # Reached only in a race with an intake (``import_case`` checks first): names nothing.
                    "message": _("A supervisee with this resident ID number is already registered."),
                }
            ]
        )
    # The person now lives in the receiving office's area: its township, not the sending county's.
    township = judicial_office.township
    if township is None:
        raise PackageRefused([{"path": "/person/township", "message": _("The receiving office has no township.")}])
    fields = {
        name: _parse(Supervisee._meta.get_field(name), person[name])
        for name in fmt.PERSON_FIELDS
        if name not in ("resident_id", "township", "case_number")
    }
    supervisee = Supervisee(
        resident_id_encrypted=identity.encrypt(number),
        resident_id_hash=digest,
        resident_id_masked=identity.mask_resident_id(number),
        township=township,
        judicial_office=judicial_office,
        created_by=actor,
        **fields,
    )
    try:
        supervisee.full_clean(
            exclude=["resident_id_encrypted", "resident_id_hash", "resident_id_masked", "case_number"]
        )
    except ValidationError as error:
        raise _refused(error, ["person"]) from None
    supervisee.save()
    _Writer(data, actor=actor, supervisee=supervisee).write()
    return supervisee
