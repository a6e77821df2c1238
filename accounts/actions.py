"""Writes about users and their roles. Every membership change goes through here."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles, selectors
from accounts.models import HealthReport, User
from accounts.roles import ROLE_GROUPS, managed_group_names
from notifications.actions import Address, notify
from notifications.models import Notification
from services.models import Membership, Organisation

if TYPE_CHECKING:
    from accounts.models import ApiToken


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
    status = _("healthy") if ok else _("PROBLEM")
    notify(
        recipients=selectors.bureau_admins(),
        kind=Notification.Kind.HEALTH_REPORT,
        subject=_("Platform health: %(status)s") % {"status": status},
        body=json.dumps(report.summary, ensure_ascii=False, indent=2),
    )
    return report


# --- Sign-in security (docs/security.md) ---------------------------------------


def _record(*, actor: User, kind: str, subject: str) -> None:
    from accounts.models import SecurityEvent

    SecurityEvent.objects.create(actor=actor, actor_username=actor.get_username(), kind=kind, subject=subject[:200])


@transaction.atomic
def unlock_login(*, actor: User, attempt_id: int) -> str:
    """Lift a brute-force lockout (one user name from one address) and record who lifted it."""
    from axes.models import AccessAttempt

    from accounts.models import SecurityEvent

    if not roles.is_bureau_admin(actor):
        raise PermissionDenied
    attempt = AccessAttempt.objects.select_for_update().get(pk=attempt_id)
    subject = f"{attempt.username} @ {attempt.ip_address}"
    AccessAttempt.objects.filter(username=attempt.username, ip_address=attempt.ip_address).delete()
    _record(actor=actor, kind=SecurityEvent.Kind.UNLOCKED, subject=subject)
    return subject


@transaction.atomic
def create_api_token(*, actor: User, name: str, days: int) -> tuple[ApiToken, str]:
    """Make a named API token for the actor, valid for ``days``; the key is returned once and never stored."""
    from accounts.models import ApiToken, SecurityEvent

    token, key = ApiToken.objects.create(user=actor, expiry=dt.timedelta(days=days), name=name)
    _record(actor=actor, kind=SecurityEvent.Kind.TOKEN_CREATED, subject=token.label)
    return token, key


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> None:
    """Delete a token: its owner or a bureau administrator may; it stops working at once."""
    from accounts.models import SecurityEvent

    if token.user_id != actor.pk and not roles.is_bureau_admin(actor):
        raise PermissionDenied
    subject = f"{token.label} ({token.user.get_username()})"
    token.delete()
    _record(actor=actor, kind=SecurityEvent.Kind.TOKEN_REVOKED, subject=subject)


RECOVERY_CODE_COUNT = 10


def _new_recovery_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def confirm_totp_device(*, actor: User, device) -> list[str]:
    """Confirm the actor's authenticator app after a correct code; returns fresh recovery codes (shown once)."""
    from accounts.models import SecurityEvent

    if device.user_id != actor.pk:
        raise PermissionDenied
    type(device).objects.filter(user=actor).exclude(pk=device.pk).delete()  # one authenticator at a time
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _record(actor=actor, kind=SecurityEvent.Kind.TWO_FACTOR_ENROLLED, subject=actor.get_username())
    return _new_recovery_codes(actor)


@transaction.atomic
def replace_recovery_codes(*, actor: User) -> list[str]:
    """Throw away the actor's recovery codes and make new ones (shown once)."""
    from accounts.models import SecurityEvent

    _record(actor=actor, kind=SecurityEvent.Kind.RECOVERY_CODES, subject=actor.get_username())
    return _new_recovery_codes(actor)


# --- People and roles (docs/people.md) -------------------------------------------------
# Every change names its actor and a reason and leaves an AccountChange row; the rules of who may
# do what are the policies' (accounts/policies.py UserPolicy, services/policies.py MembershipPolicy).


def _record_change(*, actor: User, user: User, kind: str, reason: str, membership: Membership | None = None) -> None:
    from accounts.models import AccountChange

    AccountChange.objects.create(
        user=user,
        actor=actor,
        actor_username=actor.get_username(),
        kind=kind,
        organisation=membership.organisation if membership else None,
        role=membership.role if membership else "",
        reason=reason,
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def set_password_link(user: User) -> str:
    """The site-relative link with which a new user chooses their password (Django's reset token)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def _send_invitation(user: User, *, organisation: Organisation, role: str, by_sms: bool) -> None:
    """Through the outbox (sent by a worker after the commit, retried; never inside the request).

    The set-password link is the notification's ``link``: the e-mail channel puts it under the text and
    the SMS channel after the short subject (notifications/channels.py), as for every other message."""
    link = set_password_link(user)
    role_label = str(Membership.Role(role).label)
    facts = {"role": role_label, "org": organisation.name, "username": user.get_username()}
    if by_sms:
        recipient = Address(phone=user.phone)
        subject = _("Community corrections platform: you were invited as %(role)s of %(org)s. Set your password:")
        subject, body = subject % facts, ""
    else:
        recipient = Address(email=user.email)
        subject = _("You are invited to the community corrections platform")
        body = (
            _(
                "You were invited as %(role)s of %(org)s. Your user name is %(username)s.\n"
                "Choose your password here (the link works once and expires in a few days):"
            )
            % facts
        )
    notify(recipients=[recipient], kind=Notification.Kind.ACCOUNT, subject=subject, body=body, link=link)


@transaction.atomic
def invite_user(
    *,
    actor: User,
    full_name: str,
    email: str,
    phone: str,
    organisation: Organisation,
    role: str,
    reason: str,
) -> User:
    """Make an account for a new person with a first role; they set their password from an e-mail (or an SMS
    when only a phone is given). The user name is the e-mail, else the phone number."""
    from accounts import scoping
    from accounts.models import AccountChange

    _require(scoping.can(actor, "manage_people", User))
    _require(scoping.can(actor, "grant", Membership(organisation=organisation, role=role)))
    user = User(username=email or phone, full_name=full_name, email=email, phone=phone, is_active=True)
    user.set_unusable_password()
    user.save()
    _record_change(actor=actor, user=user, kind=AccountChange.Kind.INVITED, reason=reason)
    grant_role(actor=actor, user=user, organisation=organisation, role=role, reason=reason)
    transaction.on_commit(lambda: _send_invitation(user, organisation=organisation, role=role, by_sms=not email))
    return user


@transaction.atomic
def grant_role(*, actor: User, user: User, organisation: Organisation, role: str, reason: str) -> Membership:
    """Give someone a role in an organisation, as the actor, for a reason (recorded)."""
    from accounts import scoping
    from accounts.models import AccountChange

    _require(scoping.can(actor, "grant", Membership(user=user, organisation=organisation, role=role)))
    existing = Membership.objects.filter(user=user, organisation=organisation, role=role, is_active=True).first()
    if existing is not None:
        return existing
    membership = grant_membership(user=user, organisation=organisation, role=role)
    _record_change(actor=actor, user=user, kind=AccountChange.Kind.ROLE_GRANTED, reason=reason, membership=membership)
    return membership


@transaction.atomic
def revoke_role(*, actor: User, membership: Membership, reason: str) -> None:
    """End someone's role, as the actor, for a reason (recorded); the membership row is kept."""
    from accounts import scoping
    from accounts.models import AccountChange

    _require(scoping.can(actor, "revoke", membership))
    if not membership.is_active:
        return
    revoke_membership(membership=membership)
    _record_change(
        actor=actor, user=membership.user, kind=AccountChange.Kind.ROLE_REVOKED, reason=reason, membership=membership
    )


@transaction.atomic
def set_user_active(*, actor: User, user: User, active: bool, reason: str) -> None:
    """Deactivate (no sign-in, API tokens dropped) or reactivate an account, as the actor, for a reason."""
    from accounts import scoping
    from accounts.models import AccountChange, ApiToken

    _require(scoping.can(actor, "deactivate", user))
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        ApiToken.objects.filter(user=user).delete()
    roles.forget(user)
    kind = AccountChange.Kind.REACTIVATED if active else AccountChange.Kind.DEACTIVATED
    _record_change(actor=actor, user=user, kind=kind, reason=reason)
