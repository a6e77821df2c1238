"""Validators for the HSDS 3.0 schemas kept in this folder (see README.md for source and licence)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent
BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def _resource(path: Path) -> Resource:
    return Resource.from_contents(json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012)


@cache
def registry() -> Registry:
    """Every schema file under the URIs openapi.json uses.

    The spec's openapi.json points at compiled/service.json and compiled/organization.json,
    which ship as the top-level files (with relative refs), so those are registered under
    compiled/ as well.
    """
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        resource = _resource(path)
        resources += [(BASE + path.name, resource), (BASE + "compiled/" + path.name, resource)]
    for path in sorted((SCHEMA_DIR / "compiled").glob("*.json")):
        resources.append((BASE + "compiled/" + path.name, _resource(path)))
    return Registry().with_resources(resources)


def response_validator(path: str) -> Draft202012Validator:
    """The 200 response schema openapi.json gives for ``path`` (e.g. ``/services/{id}``)."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    schema = {"$ref": f"{BASE}openapi.json#/paths/{pointer}/get/responses/200/content/application~1json/schema"}
    return Draft202012Validator(schema, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_validator(name: str) -> Draft202012Validator:
    """The validator for one schema file, e.g. ``organization.json``."""
    return Draft202012Validator(
        {"$ref": BASE + name}, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(validator: Draft202012Validator, document) -> list[str]:
    """Readable validation errors, ordered by where they are in the document."""
    found = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in found]
