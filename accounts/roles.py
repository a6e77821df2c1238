"""Role primitives: which roles a user holds and where, and the Django groups each role brings.

Roles come only from active ``services.Membership`` rows (a user may hold several);
a superuser counts as a bureau administrator. This is the one place in ``accounts`` that
reads another app: the membership table is the source of roles (ADR 0005 explains why
``accounts`` may import ``services.models`` and nothing else).

A head holds every power of the role below it (``IMPLIED_ROLES``): an office head (司法所负责人)
counts as an officer of their office and a bureau head (局负责人) as a bureau administrator, so every
policy written for the lower role covers the head too; the approvals only a head may give ask for the
head's own role. Queries on the membership table that stand for a role use ``holders_of``.

Roles are the source of truth for groups; groups are derived and re-synced whenever a
membership changes (Wagtail admin permissions hang off groups), so nobody edits group
membership by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.models import Membership

if TYPE_CHECKING:
    from accounts.models import User

Role = Membership.Role

_CACHE_ATTR = "_role_memberships"

# Wagtail creates the "Editors" and "Moderators" groups in its own migrations.
# services migration 0004 creates the "Directory ..." groups with the directory's admin permissions.
ROLE_GROUPS: dict[str, tuple[str, ...]] = {
    Role.BUREAU_ADMIN: ("Moderators", "Directory managers"),
    Role.CONTENT_EDITOR: ("Editors",),
    Role.PROVIDER_STAFF: ("Directory providers",),
}


# A head's role brings the role below it everywhere it is held.
IMPLIED_ROLES: dict[str, tuple[str, ...]] = {
    Role.OFFICE_HEAD: (Role.OFFICE_OFFICER,),
    Role.BUREAU_HEAD: (Role.BUREAU_ADMIN,),
}


def effective(role: str) -> set[str]:
    """A role code together with the roles it implies."""
    return {role, *IMPLIED_ROLES.get(role, ())}


def holders_of(*wanted: str) -> set[str]:
    """The role codes that count as one of ``wanted`` (for queries on the membership table)."""
    return {code for code in Role.values if effective(code) & set(wanted)}


def managed_group_names() -> set[str]:
    return {name for names in ROLE_GROUPS.values() for name in names}


def memberships(user: User | Any) -> list[Membership]:
    """The user's active memberships, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[Membership] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).select_related(
                "organisation", "organisation__township"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: User | Any) -> None:
    """Drop the cached memberships after they change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user: User | Any) -> set[str]:
    """The set of role codes the user holds anywhere."""
    found = {code for m in memberships(user) for code in effective(m.role)}
    if getattr(user, "is_superuser", False) and user.is_active:
        found.add(Role.BUREAU_ADMIN)
    return found


def has_role(user: User | Any, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def is_bureau_admin(user: User | Any) -> bool:
    return has_role(user, Role.BUREAU_ADMIN)


def is_staff_member(user: User | Any) -> bool:
    """Works for an organisation in any role (as opposed to the public or a volunteer only)."""
    return bool(roles(user))


def organisation_ids(user: User | Any, *role_filter: str) -> set[int]:
    """Ids of the organisations where the user holds one of the given roles (any role if none given)."""
    wanted = set(role_filter)
    return {m.organisation_id for m in memberships(user) if not wanted or effective(m.role) & wanted}


# The roles an office head may give (and take away) in their own office; the bureau gives any role.
OFFICE_HEAD_GRANTS: tuple[str, ...] = (Role.OFFICE_OFFICER, Role.SOCIAL_WORKER, Role.VOLUNTEER_COORDINATOR)


def grantable_roles(user: User | Any, organisation: Any) -> list[str]:
    """The role codes the user may grant or revoke in an organisation (its kind allowing them)."""
    fits = [code for code in Role.values if organisation.kind in Membership.ALLOWED_KINDS.get(code, ())]
    if is_bureau_admin(user):
        return fits
    if organisation.pk in organisation_ids(user, Role.OFFICE_HEAD):
        return [code for code in fits if code in OFFICE_HEAD_GRANTS]
    return []
