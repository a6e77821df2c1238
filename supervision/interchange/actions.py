"""Send a case to another deployment and receive one (a change of the place of execution, 执行地变更)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import scoping
from coordination import identity
from coordination.access import logged
from coordination.actions import probe_resident_id
from coordination.models import Supervisee
from services.models import Organisation
from supervision.interchange import package
from supervision.interchange.models import ImportedCase
from supervision.interchange.package import PackageRefused

PURPOSE = "interchange"


def export_case(*, supervisee: Supervisee, actor: Any) -> dict[str, Any]:
    """The case package of one person, for the receiving county; the read is logged (purpose "interchange")."""
    if not scoping.policy_for(ImportedCase).can(actor, "export", supervisee):
        raise PermissionDenied("not allowed to export this case")
    row = logged(
        Supervisee.objects.select_related("township").filter(pk=supervisee.pk),
        user=actor,
        object_type="supervisee",
        supervisee_id=lambda r: r.pk,
        object_id=lambda r: str(r.uuid),
        purpose=PURPOSE,
    ).get()
    return package.build(row, exported_by=actor)


def check_package(data: Any) -> list[dict[str, str]]:
    """The package's errors in the user's language, each with its JSON path (empty: the package is valid)."""
    errors = package.schema_errors(data)
    if errors:
        return errors
    return package.text_errors(data) or package.reference_errors(data)


def _already(data: dict[str, Any]) -> PackageRefused:
    return PackageRefused(
        [
            {
                "path": "/source_case_id",
                "message": _("This case was already imported from %(deployment)s.")
                % {"deployment": data["source_deployment"]},
            }
        ]
    )


def import_case(*, data: Any, actor: Any, judicial_office: Organisation) -> Supervisee:
    """Create the case of a package in a judicial office: all of it in one transaction or nothing.

    Raises ``PackageRefused`` (errors keyed by path) for a package that is invalid, already imported, or
    that this deployment cannot hold."""
    if not scoping.policy_for(ImportedCase).can(actor, "import", judicial_office):
        raise PermissionDenied("not allowed to import into this office")
    if judicial_office.kind != Organisation.Kind.JUDICIAL_OFFICE:
        raise PackageRefused([{"path": "", "message": _("Choose a judicial office.")}])
    errors = check_package(data)
    if errors:
        raise PackageRefused(errors)
    if ImportedCase.objects.filter(
        source_deployment=data["source_deployment"], source_case_id=data["source_case_id"]
    ).exists():
        raise _already(data)
    # The ID-number check of intake, as its own committed step: logged, throttled, and for a sealed record a
    # refusal that names nothing while the bureau is told (the write below checks again, for a race).
    try:
        probe_resident_id(
            actor=actor, digest=identity.lookup_hash(identity.normalise_resident_id(data["person"]["resident_id"]))
        )
    except ValidationError as refused:
        messages = refused.message_dict.get("resident_id", refused.messages)
        raise PackageRefused([{"path": "/person/resident_id", "message": str(m)} for m in messages]) from None
    try:
        with transaction.atomic():
            supervisee = package.write(data, actor=actor, judicial_office=judicial_office)
            ImportedCase.objects.create(
                source_deployment=data["source_deployment"],
                source_case_id=data["source_case_id"],
                source_case_number=data["person"]["case_number"][:24],
                supervisee=supervisee,
                package=data,
                imported_by=actor,
            )
    except (IntegrityError, DataError):
        # Two imports of one package at once: the unique constraint decides; or a rule of this database.
        if ImportedCase.objects.filter(
            source_deployment=data["source_deployment"], source_case_id=data["source_case_id"]
        ).exists():
            raise _already(data) from None
        raise PackageRefused(
            [{"path": "", "message": _("The package breaks a rule of this platform's records.")}]
        ) from None
    return supervisee
