"""Every write of the phone page's sign-in: an officer gives a person their own sign-in (a user with no
role, a phone number, and a one-time set-password link by SMS), sends the link again, or takes it back.

Each change is recorded as an ``AccountChange`` (who, when, why) on the person's user."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actions import set_password_link
from accounts.models import AccountChange, User
from config.errors import ActionError
from coordination.identity import normalise_phone
from coordination.models import LIVE_STATUSES, Supervisee
from notifications.actions import Address, notify
from notifications.models import Notification
from supervision.portal.policies import may_manage_login

if TYPE_CHECKING:
    from accounts.models import User as UserType


def _may_manage(actor: UserType, supervisee: Supervisee) -> None:
    if not may_manage_login(actor, supervisee):
        raise ActionError(
            _("Only officers of the person's judicial office and the bureau may manage their sign-in."),
            code="forbidden",
        )


def _username(phone: str) -> str:
    """The person's user name: their mobile number's digits (a suffix if a staff account already holds it)."""
    base = re.sub(r"\D", "", phone)[-11:]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _record(*, actor: UserType, user: User, kind: str, reason: str) -> None:
    AccountChange.objects.create(user=user, actor=actor, actor_username=actor.get_username(), kind=kind, reason=reason)


def _send_link(user: User) -> None:
    """The set-password link by SMS, through the outbox (as staff invitations are), after the commit."""
    subject = _(
        "Community corrections: your own sign-in for the phone page. Your user name is %(username)s. Set your password:"
    ) % {"username": user.get_username()}
    link = set_password_link(user)
    transaction.on_commit(
        lambda: notify(
            recipients=[Address(phone=user.phone)], kind=Notification.Kind.ACCOUNT, subject=subject, link=link
        )
    )


@transaction.atomic
def grant_login(*, supervisee: Supervisee, actor: UserType, phone: str) -> User:
    """Give a live person their own sign-in (no role, no usable password until they set one from the SMS)."""
    _may_manage(actor, supervisee)
    try:
        phone = normalise_phone(phone)
    except ValidationError as exc:
        raise ActionError({"phone": exc.messages}) from None
    if not phone:
        raise ActionError({"phone": _("Enter the person's mobile number.")})
    locked = Supervisee.objects.select_for_update().get(pk=supervisee.pk)
    if locked.status not in LIVE_STATUSES:
        raise ActionError(_("The person is no longer under correction: no sign-in is given."), code="transition")
    if locked.account_id is not None:
        raise ActionError(
            _("The person already has a sign-in: send the link again, or revoke it first."), code="conflict"
        )
    user = User(username=_username(phone), full_name=locked.name, phone=phone, is_active=True)
    user.set_unusable_password()
    user.save()
    locked.account = user
    locked.save(update_fields=["account"])
    supervisee.account = user
    _record(actor=actor, user=user, kind=AccountChange.Kind.INVITED, reason=_("Own sign-in for the phone page"))
    _send_link(user)
    return user


@transaction.atomic
def resend_login_link(*, supervisee: Supervisee, actor: UserType) -> User:
    """Send the set-password link again (a lost SMS, a forgotten password)."""
    _may_manage(actor, supervisee)
    locked = Supervisee.objects.select_for_update(of=("self",)).select_related("account").get(pk=supervisee.pk)
    if locked.account is None or locked.status not in LIVE_STATUSES:
        raise ActionError(_("The person has no sign-in to send a link for."), code="transition")
    _send_link(locked.account)
    return locked.account


@transaction.atomic
def revoke_login(*, supervisee: Supervisee, actor: UserType, reason: str) -> User:
    """Take the sign-in back: the user is deactivated (kept for the record) and unlinked from the person."""
    _may_manage(actor, supervisee)
    if not (reason or "").strip():
        raise ActionError({"reason": _("Give a reason.")})
    locked = Supervisee.objects.select_for_update(of=("self",)).select_related("account").get(pk=supervisee.pk)
    user = locked.account
    if user is None:
        raise ActionError(_("The person has no sign-in."), code="transition")
    user.is_active = False
    user.save(update_fields=["is_active"])
    locked.account = None
    locked.save(update_fields=["account"])
    supervisee.account = None
    _record(actor=actor, user=user, kind=AccountChange.Kind.DEACTIVATED, reason=reason.strip())
    return user
