"""Who may send a case to another deployment and who may receive one.

Export: the officers of the person's judicial office and the bureau (the people who run the change of the
place of execution). Import: the bureau, or an officer of the receiving judicial office. The record of
imports is read by the bureau and the officers of the receiving office."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from accounts.roles import Role, has_role, is_bureau_admin, organisation_ids
from coordination.models import Supervisee
from services.models import Organisation
from supervision.interchange.models import ImportedCase
from supervision.policies import is_office_officer_of


class ImportedCasePolicy(scoping.BasePolicy):
    model = ImportedCase

    def rows_view(self, user: Any) -> QuerySet[ImportedCase]:
        """The bureau sees every import; an officer, the imports into their own judicial office."""
        if is_bureau_admin(user):
            return ImportedCase.objects.all()
        if not has_role(user, Role.OFFICE_OFFICER):
            return ImportedCase.objects.none()
        return ImportedCase.objects.filter(
            supervisee__judicial_office_id__in=organisation_ids(user, Role.OFFICE_OFFICER)
        )

    def allow_export(self, user: Any, obj: Any = None) -> bool:
        """Export a case package (``obj`` is the supervisee): officers of the person's office and the bureau."""
        return isinstance(obj, Supervisee) and is_office_officer_of(user, obj)

    def allow_import(self, user: Any, obj: Any = None) -> bool:
        """Import a case package into a judicial office (``obj``; None: into any office the user may choose):
        the bureau, or an officer of that office."""
        if is_bureau_admin(user):
            return obj is None or isinstance(obj, Organisation)
        if not has_role(user, Role.OFFICE_OFFICER):
            return False
        if obj is None:
            return True
        return isinstance(obj, Organisation) and obj.pk in organisation_ids(user, Role.OFFICE_OFFICER)


def register() -> None:
    scoping.register(ImportedCase, ImportedCasePolicy())
