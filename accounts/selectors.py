"""Reads about people and roles: the scoped people list, one person's roles and record, staffing gaps."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from accounts import roles, scoping
from accounts.models import AccountChange, User
from services.models import Membership, Organisation


def people_list(
    actor: Any, *, q: str = "", organisation: int | None = None, role: str = "", active: str = ""
) -> QuerySet[User]:
    """The people the actor manages, searchable by name, user name, e-mail or phone, filtered by organisation,
    role and active state, with their active roles loaded (a fixed number of queries)."""
    people = scoping.scope(actor, User, "manage")
    if q:
        people = people.filter(
            Q(full_name__icontains=q) | Q(username__icontains=q) | Q(email__icontains=q) | Q(phone__icontains=q)
        )
    held = Membership.objects.filter(is_active=True)
    if organisation:
        people = people.filter(pk__in=held.filter(organisation_id=organisation).values("user_id"))
    if role:
        people = people.filter(pk__in=held.filter(role=role).values("user_id"))
    if active in ("yes", "no"):
        people = people.filter(is_active=active == "yes")
    visible = scoping.scope(actor, Membership).filter(is_active=True).select_related("organisation")
    return people.prefetch_related(Prefetch("memberships", queryset=visible, to_attr="active_roles")).order_by(
        "full_name", "username"
    )


def person_memberships(actor: Any, person: User) -> QuerySet[Membership]:
    """The person's roles (active first) that the actor may see."""
    return (
        scoping.scope(actor, Membership)
        .filter(user=person)
        .select_related("organisation")
        .order_by("-is_active", "organisation__name", "role")
    )


def person_changes(actor: Any, person: User) -> QuerySet[AccountChange]:
    """The record of the person's account (invited, roles, deactivation), newest first."""
    return scoping.scope(actor, AccountChange).filter(user=person).select_related("organisation")


def people_organisations(actor: Any) -> QuerySet[Organisation]:
    """Organisations whose people the actor manages (for the filters and the grant form)."""
    return scoping.scope(actor, Organisation, "people").order_by("kind", "name")


def offices_without_officer() -> QuerySet[Organisation]:
    """Active judicial offices (司法所) with no active officer (or office head) who can sign in: the staffing
    rule of the bureau's home page."""
    staffed = Membership.objects.filter(
        is_active=True, user__is_active=True, role__in=roles.holders_of(Membership.Role.OFFICE_OFFICER)
    ).values("organisation_id")
    return (
        Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE, is_active=True)
        .exclude(pk__in=staffed)
        .order_by("name")
    )


def bureau_admins() -> list[User]:
    """Who the bureau is, as recipients of what goes to the bureau (escalations, health reports): active users
    with an active bureau-administrator role or a role that implies it (the bureau head; ``roles.IMPLIED_ROLES``)."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role__in=roles.holders_of(Membership.Role.BUREAU_ADMIN),
            memberships__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )
