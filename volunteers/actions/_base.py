"""Shared pieces of the volunteer actions: the error, mail on commit, and the actor checks."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.links import absolute_url
from accounts.localtime import format_local
from accounts.models import User
from config.errors import ActionError
from services.models import Membership
from volunteers.models import (
    Shift,
    Volunteer,
)

Status = Volunteer.Status


class VolunteerActionError(ActionError):
    """A rule refused the write; the message says why, in the user's language."""


# --- mail -----------------------------------------------------------------------------------


_mail_suppressed: contextvars.ContextVar[bool] = contextvars.ContextVar("volunteer_mail_suppressed", default=False)


@contextlib.contextmanager
def mail_suppressed() -> Iterator[None]:
    """Write without mailing anybody (the demo loader: its people are synthetic)."""
    token = _mail_suppressed.set(True)
    try:
        yield
    finally:
        _mail_suppressed.reset(token)


def _mail_on_commit(*, to: Iterable[str], subject: str, body: str) -> None:
    """Send a plain-text mail once the surrounding transaction commits."""
    recipients = [address for address in to if address]
    if not recipients or _mail_suppressed.get():
        return
    transaction.on_commit(lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients))


def _coordinator_emails(organisation_id: int) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role=Membership.Role.VOLUNTEER_COORDINATOR,
            memberships__is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def _when(shift: Shift) -> str:
    return f"{format_local(shift.starts_at, 'Y-m-d H:i')}–{format_local(shift.ends_at, 'H:i')}"


def _password_invitation(user: User) -> str:
    """For a login without a password: the user name and a link to choose one."""
    if user.has_usable_password():
        return ""
    link = absolute_url(
        reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    return "\n\n" + _(
        "To follow your application and, once you are active, book shifts, choose a password here and sign in "
        "with the user name %(username)s: %(link)s"
    ) % {"username": user.username, "link": link}
