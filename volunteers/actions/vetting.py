"""Applications and the vetting state machine."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.links import absolute_url
from accounts.localtime import format_local
from accounts.models import User
from accounts.statemachine import StateMachine, Transition
from coordination import actions as coordination_actions
from services.models import Organisation, Township
from volunteers import policies, selectors
from volunteers.actions._base import (
    Status,
    VolunteerActionError,
    _coordinators,
    _notify_on_commit,
    _password_invitation,
    _sms_on_commit,
    _tell_volunteer,
    password_link,
    recipient_for,
)
from volunteers.actions.shifts import cancel_booking
from volunteers.models import (
    Booking,
    StatusChange,
    Volunteer,
)

CONSENT_VERSION = "2026-1"

# The vetting state machine: the ONLY place that says which step may follow which, and who may
# take it. A coordinator of the volunteer's team takes every step; the volunteer themselves may
# only withdraw (nobody else decides on their own record: policies.vetting_side).
_BOTH = (policies.COORDINATOR, policies.VOLUNTEER)
MACHINE = StateMachine.build(
    "volunteer vetting",
    Status.values,
    [
        Transition(Status.APPLIED, Status.INTERVIEWED, "interview", policies.COORDINATOR),
        Transition(Status.APPLIED, Status.WITHDRAWN, "withdraw", _BOTH),
        Transition(Status.INTERVIEWED, Status.BACKGROUND_CHECKED, "clear_background", policies.COORDINATOR),
        Transition(Status.INTERVIEWED, Status.WITHDRAWN, "withdraw", _BOTH),
        Transition(Status.BACKGROUND_CHECKED, Status.TRAINED, "complete_training", policies.COORDINATOR),
        Transition(Status.BACKGROUND_CHECKED, Status.WITHDRAWN, "withdraw", _BOTH),
        Transition(Status.TRAINED, Status.ACTIVE, "activate", policies.COORDINATOR),
        Transition(Status.TRAINED, Status.WITHDRAWN, "withdraw", _BOTH),
        Transition(Status.ACTIVE, Status.SUSPENDED, "suspend", policies.COORDINATOR),
        Transition(Status.ACTIVE, Status.WITHDRAWN, "withdraw", _BOTH),
        Transition(Status.SUSPENDED, Status.ACTIVE, "reactivate", policies.COORDINATOR),
        Transition(Status.SUSPENDED, Status.WITHDRAWN, "withdraw", _BOTH),
        # A withdrawn volunteer who comes back starts again at the beginning.
        Transition(Status.WITHDRAWN, Status.APPLIED, "reapply", policies.COORDINATOR),
    ],
)
# The table as status → reachable statuses (read by older callers and the vetting tests).
TRANSITIONS: dict[str, frozenset[str]] = {s: frozenset(MACHINE.targets(s)) for s in Status.values}
# Steps that need every course marked "required before activation" to be valid.
NEEDS_CORE_TRAINING = frozenset({Status.TRAINED, Status.ACTIVE})
# Leaving active service ends future bookings, mentees (team rows), hour logging and the private feed.
ENDS_SERVICE = frozenset({Status.SUSPENDED, Status.WITHDRAWN})


def allowed_transitions(status: str, side: str | None = policies.COORDINATOR) -> list[str]:
    """The statuses a volunteer in ``status`` may be moved to by ``side``, in the order of the vetting path."""
    return [t for t in MACHINE.targets(status) if side is None or side in MACHINE.get(status, t).sides]


# --- application and vetting ------------------------------------------------------------------


def notify_duplicate_application(*, phone: str, email: str) -> int:
    """Tell the volunteers on file with this phone or e-mail that someone applied again with it.

    The public form answers as for a new application (it must not reveal who is registered);
    this mail is how the real person learns of it. Returns how many were told.
    """
    existing = Volunteer.objects.filter(selectors.same_person(phone=phone, email=email))
    count = 0
    for volunteer in existing:
        if not volunteer.email:
            _sms_on_commit(phone=volunteer.phone, subject=_("Someone applied again with your phone number."))
            count += 1
            continue
        _tell_volunteer(
            volunteer=volunteer,
            subject=_("Someone applied again with your details"),
            body=_(
                "Hello %(name)s,\n\nA volunteer application was just made with your phone number or e-mail "
                "address, but you already have an application or volunteer account with us, so nothing new was "
                "recorded. If this was you, sign in or reply to your volunteer team. If it was not you, you can "
                "ignore this message."
            )
            % {"name": volunteer.full_name},
        )
        count += 1
    return count


@transaction.atomic
def submit_application(
    *,
    full_name: str,
    phone: str,
    organisation: Organisation,
    email: str = "",
    township: Township | None = None,
    skills: str = "",
    languages: str = "",
    availability: str = "",
    motivation: str = "",
    user: User | None = None,
) -> Volunteer:
    """Record an application with consent; create a password-less login unless the applicant is signed in."""
    email = (email or "").strip().lower()
    if selectors.duplicate_application(phone=phone, email=email):
        raise VolunteerActionError(_("An application with this phone number or e-mail address already exists."))
    if user is None:
        # A login without a password: the link in the confirmation mail sets one, which also
        # proves the address is the applicant's. Until then nobody can sign in with it.
        user = User(username=selectors.username_for_phone(phone), email=email, full_name=full_name, phone=phone)
        user.set_unusable_password()
        user.save()
    elif hasattr(user, "volunteer"):
        raise VolunteerActionError(_("You have already applied."))
    now = timezone.now()
    volunteer = Volunteer.objects.create(
        user=user,
        organisation=organisation,
        full_name=full_name,
        phone=phone,
        email=email,
        township=township,
        skills=skills,
        languages=languages,
        availability=availability,
        motivation=motivation,
        consent_at=now,
        consent_version=CONSENT_VERSION,
    )
    StatusChange.objects.create(volunteer=volunteer, from_status="", to_status=Status.APPLIED)
    if not email:
        # A phone number alone: the confirmation, and the link to choose a password, by SMS.
        _sms_on_commit(
            phone=phone,
            subject=_(
                "%(team)s received your volunteer application. Choose a password to follow it (user name %(username)s):"
            )
            % {"team": organisation.display_name, "username": user.username}
            if not user.has_usable_password()
            else _("%(team)s received your volunteer application.") % {"team": organisation.display_name},
            link="" if user.has_usable_password() else password_link(user),
        )
    _notify_on_commit(
        to=[recipient_for(volunteer)],
        subject=_("We received your volunteer application"),
        body=_(
            "Dear %(name)s,\n\nthank you for applying to volunteer with %(team)s. A coordinator will contact you "
            "to arrange an interview.\n\n"
            "You gave your consent to the processing of your data on %(date)s (version %(version)s)."
        )
        % {
            "name": full_name,
            "team": organisation.display_name,
            "date": format_local(now, "Y-m-d"),
            "version": CONSENT_VERSION,
        }
        + _password_invitation(user),
    )
    # The receiving team's coordinators learn of the applicant at once (they may not be the recruiter).
    _notify_on_commit(
        to=_coordinators(organisation.pk),
        subject=_("New volunteer application"),
        body=_("%(name)s applied to volunteer with %(team)s. Review the application: %(url)s")
        % {
            "name": full_name,
            "team": organisation.display_name,
            "url": absolute_url(reverse("volunteers:manage_volunteer", args=[volunteer.pk])),
        },
        link=reverse("volunteers:manage_volunteer", args=[volunteer.pk]),
    )
    return volunteer


@transaction.atomic
def transition(*, volunteer: Volunteer, to_status: str, actor: User | None, note: str = "") -> Volunteer:
    """Move a volunteer one vetting step, as the machine allows for the actor's side, recording the note."""
    volunteer = Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)
    from_status = volunteer.status
    side = None if actor is None else policies.vetting_side(actor, volunteer)
    _row, refusal = MACHINE.refusal(from_status, to_status, side=side)
    if refusal is not None and refusal.code == "transition":
        message = _("A volunteer who is %(current)s cannot be moved to %(target)s.") % {
            "current": Status(from_status).label,
            "target": Status(to_status).label if to_status in Status.values else to_status,
        }
        raise VolunteerActionError({"to_status": message}, code="transition")
    if refusal is not None and actor is not None:
        if side == policies.VOLUNTEER:
            raise VolunteerActionError(_("Nobody may decide on their own volunteer record."), code="forbidden")
        raise VolunteerActionError(_("You do not coordinate this volunteer's team."), code="forbidden")
    if to_status in NEEDS_CORE_TRAINING:
        missing = selectors.missing_core_training(volunteer, timezone.localdate())
        if missing:
            courses = "、".join(c.display_name for c in missing)
            raise VolunteerActionError({"to_status": _("Training still needed: %(courses)s.") % {"courses": courses}})
    now = timezone.now()
    volunteer.status = to_status
    volunteer.status_changed_at = now
    update = ["status", "status_changed_at", "updated_at"]
    if to_status in ENDS_SERVICE:
        # The private calendar address stops working at once; back to active, home shows a new one.
        volunteer.feed_token = secrets.token_urlsafe(24)
        update.append("feed_token")
    volunteer.save(update_fields=update)
    StatusChange.objects.create(
        volunteer=volunteer, from_status=from_status, to_status=to_status, note=note, changed_by=actor
    )
    user = volunteer.user
    if to_status == Status.ACTIVE and not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    if to_status in ENDS_SERVICE:
        label = str(Status(to_status).label)
        for booking in Booking.objects.filter(
            volunteer=volunteer, status__in=Booking.LIVE, shift__starts_at__gt=now
        ).select_related("shift"):
            cancel_booking(booking=booking, actor=None, reason=label, notify=False)
        coordination_actions.end_volunteer_memberships(
            user=user,
            actor=actor,
            reason=_("Volunteer status changed to %(status)s.") % {"status": label},
        )
    body = _("Your volunteer status is now: %(status)s.") % {"status": Status(to_status).label}
    if note:
        body += "\n\n" + note
    if to_status == Status.ACTIVE:
        body += _password_invitation(user)
    _tell_volunteer(volunteer=volunteer, subject=_("Your volunteer status has changed"), body=body)
    return volunteer
