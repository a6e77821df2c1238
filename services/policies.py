"""Who sees and edits the directory: organisations, offerings, locations, capacity history."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import scoping
from accounts.roles import Role, grantable_roles, has_role, is_bureau_admin, organisation_ids
from services.models import CapacityChange, Location, Membership, Organisation, ServiceOffering


class OrganisationPolicy(scoping.BasePolicy):
    model = Organisation

    def rows_view(self, user: Any) -> QuerySet[Organisation]:
        """Anyone (signed in or not) sees active organisations in the public directory."""
        return Organisation.objects.filter(is_active=True)

    def rows_manage(self, user: Any) -> QuerySet[Organisation]:
        """The bureau manages every organisation's directory entry; provider staff manage their own."""
        if is_bureau_admin(user):
            return Organisation.objects.all()
        return Organisation.objects.filter(pk__in=organisation_ids(user, Role.PROVIDER_STAFF))

    def rows_people(self, user: Any) -> QuerySet[Organisation]:
        """Organisations whose people (roles) the user manages: the bureau every active organisation; an
        office head their own office."""
        if is_bureau_admin(user):
            return Organisation.objects.filter(is_active=True)
        return Organisation.objects.filter(is_active=True, pk__in=organisation_ids(user, Role.OFFICE_HEAD))

    def allow_use_directory_admin(self, user: Any, obj: Any = None) -> bool:
        """The directory's admin pages and API writes: the bureau and provider staff."""
        return has_role(user, Role.BUREAU_ADMIN, Role.PROVIDER_STAFF)


class ServiceOfferingPolicy(scoping.BasePolicy):
    model = ServiceOffering

    def rows_view(self, user: Any) -> QuerySet[ServiceOffering]:
        """Anyone sees active offerings of active organisations."""
        return ServiceOffering.objects.filter(is_active=True, organisation__is_active=True)

    def rows_manage(self, user: Any) -> QuerySet[ServiceOffering]:
        """The bureau edits every offering; provider staff edit (and publish the capacity of) their
        organisations' offerings."""
        if is_bureau_admin(user):
            return ServiceOffering.objects.all()
        return ServiceOffering.objects.filter(organisation_id__in=organisation_ids(user, Role.PROVIDER_STAFF))


class LocationPolicy(scoping.BasePolicy):
    model = Location

    def rows_manage(self, user: Any) -> QuerySet[Location]:
        """The bureau edits every location (shared ones included); provider staff edit their organisations' own."""
        if is_bureau_admin(user):
            return Location.objects.all()
        return Location.objects.filter(organisation_id__in=organisation_ids(user, Role.PROVIDER_STAFF))

    def rows_attach(self, user: Any) -> QuerySet[Location]:
        """Locations a user may attach to an offering they manage: their organisations' own plus shared ones
        (no organisation); the bureau any."""
        if is_bureau_admin(user):
            return Location.objects.all()
        return Location.objects.filter(
            Q(organisation_id__in=organisation_ids(user, Role.PROVIDER_STAFF)) | Q(organisation__isnull=True)
        )


class CapacityChangePolicy(scoping.BasePolicy):
    model = CapacityChange

    def rows_view(self, user: Any) -> QuerySet[CapacityChange]:
        """The capacity history of the offerings the user manages."""
        return CapacityChange.objects.filter(offering__in=scoping.scope(user, ServiceOffering, "manage"))


class MembershipPolicy(scoping.BasePolicy):
    model = Membership

    def rows_view(self, user: Any) -> QuerySet[Membership]:
        """A user sees their own memberships (their account page); the bureau sees all; an office head
        sees every membership in their own office (who holds which role there)."""
        if is_bureau_admin(user):
            return Membership.objects.all()
        if not getattr(user, "is_authenticated", False):
            return Membership.objects.none()
        offices = organisation_ids(user, Role.OFFICE_HEAD)
        return Membership.objects.filter(Q(user_id=user.pk) | Q(organisation_id__in=offices))

    def allow_grant(self, user: Any, obj: Membership | None) -> bool:
        """Grant (or revoke) a role: never one's own; the bureau any role its organisation's kind allows; an
        office head an officer's, social worker's or volunteer coordinator's role in their own office."""
        if obj is None or obj.user_id == getattr(user, "pk", None):
            return False
        return obj.role in grantable_roles(user, obj.organisation)

    def allow_revoke(self, user: Any, obj: Membership | None) -> bool:
        """Revoke a role: whoever may grant it."""
        return self.allow_grant(user, obj)


def register() -> None:
    scoping.register(Organisation, OrganisationPolicy())
    scoping.register(ServiceOffering, ServiceOfferingPolicy())
    scoping.register(Location, LocationPolicy())
    scoping.register(CapacityChange, CapacityChangePolicy())
    scoping.register(Membership, MembershipPolicy())
