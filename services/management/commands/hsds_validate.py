"""Check the published HSDS 3.0 documents (or a saved dump) against the schemas in services/hsds_schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory

from services import hsds_schema, hsds_views

# (view, spec path of its 200 response) for every list endpoint and the root.
LISTS = [
    (hsds_views.root, "/"),
    (hsds_views.services, "/services"),
    (hsds_views.organizations, "/organizations"),
    (hsds_views.service_at_locations, "/service_at_locations"),
    (hsds_views.taxonomies, "/taxonomies"),
    (hsds_views.taxonomy_terms, "/taxonomy_terms"),
]
# Each kind of record in the dump and the schema one record must meet.
DUMP_KINDS = {
    "services": "compiled/service_with_definitions.json",
    "organizations": "organization.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}


def _dump_checks(dump: dict) -> Iterator[tuple[str, object, object]]:
    if not isinstance(dump, dict):
        yield "dump", hsds_schema.schema_validator("service.json"), dump
        return
    for kind, schema in DUMP_KINDS.items():
        validator = hsds_schema.schema_validator(schema)
        for index, item in enumerate(dump.get(kind) or []):
            label = f"{kind}[{index}]"
            if isinstance(item, dict) and item.get("id"):
                label += f" {item['id']}"
            yield label, validator, item


def _published_checks() -> Iterator[tuple[str, object, object]]:
    factory = RequestFactory()
    for view, spec_path in LISTS:
        for query in ("", "?full=true") if spec_path == "/services" else ("",):
            document = json.loads(view(factory.get("/hsds" + spec_path + query)).content)
            yield f"/hsds{spec_path}{query}", hsds_schema.response_validator(spec_path), document
    yield from _dump_checks(json.loads(hsds_views.dump(factory.get("/hsds/dump.json")).content))


class Command(BaseCommand):
    help = "Validate the published HSDS 3.0 data (/hsds/) against the HSDS 3.0 schemas; exits non-zero on failure."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--file", type=Path, help="validate a saved dump (the JSON from /hsds/dump.json) instead of the database"
        )

    def handle(self, *args, file: Path | None = None, **options) -> None:
        if file is not None:
            try:
                checks = list(_dump_checks(json.loads(file.read_text(encoding="utf-8"))))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {file}: {exc}") from exc
        else:
            checks = list(_published_checks())
        failed = 0
        for label, validator, document in checks:
            problems = hsds_schema.errors(validator, document)
            if problems:
                failed += 1
                self.stderr.write(f"{label}:")
                for problem in problems[:10]:
                    self.stderr.write(f"  {problem}")
        summary = f"HSDS 3.0: {len(checks)} documents checked, {failed} invalid."
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
