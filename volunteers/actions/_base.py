"""Shared pieces of the volunteer actions: the error, messages on commit, and the actor checks."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.links import absolute_url
from accounts.localtime import format_local
from accounts.models import User
from config.errors import ActionError
from notifications.actions import Address, notify
from notifications.models import Notification
from services.models import Membership, Organisation
from volunteers import policies
from volunteers.models import (
    Shift,
    Volunteer,
)

Status = Volunteer.Status


class VolunteerActionError(ActionError):
    """A rule refused the write; the message says why, in the user's language."""


# --- who may: asked inside every action -------------------------------------------------------
#
# ``actor`` is the signed-in user; ``None`` is the system (the demo loader, scheduled tasks,
# management commands), which the pages and the API never pass.


def refuse_unless_decider(actor: User | None, volunteer: Volunteer) -> None:
    """Only a coordinator of the volunteer's team decides on their record, and never on their own."""
    if actor is None:
        return
    if policies.is_own_record(actor, volunteer):
        raise VolunteerActionError(_("Nobody may decide on their own volunteer record."), code="forbidden")
    if not policies.VolunteerPolicy().allow_coordinate(actor, volunteer):
        raise VolunteerActionError(_("You do not coordinate this volunteer's team."), code="forbidden")


def refuse_unless_self(actor: User | None, volunteer: Volunteer) -> None:
    """Only the volunteer themselves does this (book, log hours, check in, their calendar address)."""
    if actor is not None and not policies.is_own_record(actor, volunteer):
        raise VolunteerActionError(_("Only the volunteer themselves may do this."), code="forbidden")


def refuse_unless_active(volunteer: Volunteer, message: str) -> None:
    """Only an active volunteer books shifts, logs hours and checks in."""
    if volunteer.status != Status.ACTIVE:
        raise VolunteerActionError(message % {"status": Status(volunteer.status).label}, code="forbidden")


def refuse_unless_coordinates(actor: User | None, organisation: Organisation | int) -> None:
    """Only a coordinator of the team (or the bureau) publishes and changes its opportunities and shifts."""
    if actor is None:
        return
    pk = organisation if isinstance(organisation, int) else organisation.pk
    if not policies.coordinated_organisations(actor).filter(pk=pk).exists():
        raise VolunteerActionError(_("You do not coordinate this volunteer team."), code="forbidden")


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


def recipient_for(volunteer: Volunteer) -> User | Address:
    """Who a message to a volunteer goes to: their account when it is active (inbox plus the channels they
    chose), else the bare e-mail address of their record (a login that is switched off cannot read an inbox)."""
    user = volunteer.user
    return user if user.is_active else Address(email=volunteer.email)


def _notify_on_commit(*, to: Iterable[User | Address], subject: str, body: str, link: str = "") -> None:
    """Tell people through the outbox (``notifications.notify``): rows written with the change, delivered by a
    worker after the commit (never in the request). Users get an inbox row and their channels; only people
    without an account get a bare address."""
    recipients = list(to)
    if not recipients or _mail_suppressed.get():
        return
    notify(recipients=recipients, kind=Notification.Kind.VOLUNTEER, subject=subject, body=body, link=link)


def _coordinators(organisation_id: int) -> list[User]:
    """The active coordinators of a volunteer team (as recipients: inbox, and e-mail if they have one)."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role=Membership.Role.VOLUNTEER_COORDINATOR,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def _sms_on_commit(*, phone: str, subject: str, link: str = "") -> None:
    """An SMS to a phone number (an applicant who gave no e-mail): the text and a link."""
    if not phone or _mail_suppressed.get():
        return
    notify(recipients=[Address(phone=phone)], kind=Notification.Kind.VOLUNTEER, subject=subject, link=link)


SMS_TEXT_LIMIT = 150  # characters of text before the link (the outbox keeps 200 for the subject)


def _tell_volunteer(*, volunteer: Volunteer, subject: str, body: str, link: str = "") -> None:
    """Tell a volunteer: to the person (``recipient_for``: inbox and their channels). Someone who gave only
    a phone number also gets an SMS: a short message whole (a reminder's time and place), a long one as
    its subject and a link home."""
    _notify_on_commit(to=[recipient_for(volunteer)], subject=subject, body=body, link=link)
    if not volunteer.email:
        text = f"{subject}: {body}" if len(subject) + len(body) <= SMS_TEXT_LIMIT else subject
        _sms_on_commit(phone=volunteer.phone, subject=text, link=link or reverse("volunteers:home"))


def _when(shift: Shift) -> str:
    return f"{format_local(shift.starts_at, 'Y-m-d H:i')}–{format_local(shift.ends_at, 'H:i')}"


def password_link(user: User) -> str:
    """The site path where the user chooses a password (the reset-confirm link)."""
    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def _password_invitation(user: User) -> str:
    """For a login without a password: the user name and a link to choose one."""
    if user.has_usable_password():
        return ""
    link = absolute_url(password_link(user))
    return "\n\n" + _(
        "To follow your application and, once you are active, book shifts, choose a password here and sign in "
        "with the user name %(username)s: %(link)s"
    ) % {"username": user.username, "link": link}
