"""Writes about users and their roles. Every membership change goes through here."""

from __future__ import annotations

import json

from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import DatabaseError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import HealthReport, User
from accounts.roles import ROLE_GROUPS, managed_group_names
from services.models import Membership, Organisation


@transaction.atomic
def grant_membership(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give a user a role in an organisation (idempotent) and sync their groups."""
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean(exclude=["user", "organisation"], validate_unique=False)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    sync_role_groups(user=user)
    return membership


@transaction.atomic
def revoke_membership(*, membership: Membership) -> None:
    """End a role; the row is kept (deactivated) for the record."""
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
    sync_role_groups(user=membership.user)


def sync_role_groups(*, user: User) -> None:
    """Make the user's managed Django groups match their active roles."""
    roles.forget(user)
    wanted = {name for role in roles.roles(user) for name in ROLE_GROUPS.get(role, ())}
    managed = managed_group_names()
    current = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    for name in wanted - current:
        group, _ = Group.objects.get_or_create(name=name)
        user.groups.add(group)
    stale = current - wanted
    if stale:
        user.groups.remove(*Group.objects.filter(name__in=stale))
    roles.forget(user)


def record_health_summary() -> HealthReport:
    """Check the database and cache, count what the platform holds, store and e-mail the summary."""
    from django.core.cache import cache

    checks: dict[str, bool] = {}
    try:
        User.objects.exists()
        checks["database"] = True
    except DatabaseError:
        checks["database"] = False
    probe_key = "health:probe"
    try:
        cache.set(probe_key, "1", 30)
        checks["cache"] = cache.get(probe_key) == "1"
    except Exception:
        checks["cache"] = False
    counts = {
        "users_active": User.objects.filter(is_active=True).count(),
        "organisations_active": Organisation.objects.filter(is_active=True).count(),
        "memberships_by_role": dict(
            Membership.objects.filter(is_active=True).values_list("role").annotate(n=Count("id")).order_by("role")
        ),
    }
    ok = all(checks.values())
    report = HealthReport.objects.create(
        summary={"checks": checks, "counts": counts, "at": timezone.now().isoformat()}, ok=ok
    )
    recipients = list(
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.BUREAU_ADMIN,
            memberships__is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if recipients:
        status = _("healthy") if ok else _("PROBLEM")
        send_mail(
            subject=_("Platform health: %(status)s") % {"status": status},
            message=json.dumps(report.summary, ensure_ascii=False, indent=2),
            from_email=None,
            recipient_list=recipients,
        )
    return report
