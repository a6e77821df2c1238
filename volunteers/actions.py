"""Every write about volunteers. Views, the API, Celery tasks and the demo all call these.

Rules kept here: the vetting transition table (``TRANSITIONS``), the training gate,
capacity and waitlist under a row lock on the shift, no overlapping shifts for one
volunteer, idempotent hour entries, reminders sent once. Mails are queued with
``transaction.on_commit`` so nothing is sent for a write that rolled back.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import secrets
import uuid
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from accounts.links import absolute_url
from accounts.localtime import format_local
from accounts.models import User
from config.errors import ActionError
from notifications.actions import Address, notify
from notifications.models import Notification
from services.models import Membership, Organisation, Township
from volunteers import selectors
from volunteers.models import (
    Booking,
    Certificate,
    HourLog,
    Opportunity,
    Shift,
    StatusChange,
    TrainingCourse,
    TrainingRecord,
    Volunteer,
)

Status = Volunteer.Status
CONSENT_VERSION = "2026-1"

# The vetting state machine: the ONLY place that says which step may follow which.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.APPLIED: frozenset({Status.INTERVIEWED, Status.WITHDRAWN}),
    Status.INTERVIEWED: frozenset({Status.BACKGROUND_CHECKED, Status.WITHDRAWN}),
    Status.BACKGROUND_CHECKED: frozenset({Status.TRAINED, Status.WITHDRAWN}),
    Status.TRAINED: frozenset({Status.ACTIVE, Status.WITHDRAWN}),
    Status.ACTIVE: frozenset({Status.SUSPENDED, Status.WITHDRAWN}),
    Status.SUSPENDED: frozenset({Status.ACTIVE, Status.WITHDRAWN}),
    # A withdrawn volunteer who comes back starts again at the beginning.
    Status.WITHDRAWN: frozenset({Status.APPLIED}),
}
# Steps that need every course marked "required before activation" to be valid.
NEEDS_CORE_TRAINING = frozenset({Status.TRAINED, Status.ACTIVE})
# Leaving active service cancels the volunteer's future bookings.
ENDS_SERVICE = frozenset({Status.SUSPENDED, Status.WITHDRAWN})


class VolunteerActionError(ActionError):
    """A rule refused the write; the message says why, in the user's language."""


def allowed_transitions(status: str) -> list[str]:
    """The statuses a volunteer in ``status`` may be moved to, in the order of the vetting path."""
    order = list(Status.values)
    return sorted(TRANSITIONS.get(status, frozenset()), key=order.index)


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
    """Mail through the outbox: rows written with the change, sent by a worker after the commit (never in the request)."""
    recipients = [Address(email=address) for address in to if address]
    if not recipients or _mail_suppressed.get():
        return
    notify(recipients=recipients, kind=Notification.Kind.VOLUNTEER, subject=subject, body=body)


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


# --- application and vetting ------------------------------------------------------------------


def notify_duplicate_application(*, phone: str, email: str) -> int:
    """Tell the volunteers on file with this phone or e-mail that someone applied again with it.

    The public form answers as for a new application (it must not reveal who is registered);
    this mail is how the real person learns of it. Returns how many were told.
    """
    existing = Volunteer.objects.filter(Q(phone=phone) | Q(email__iexact=email.strip()))
    count = 0
    for volunteer in existing:
        _mail_on_commit(
            to=[volunteer.email],
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
    email: str,
    organisation: Organisation,
    township: Township | None = None,
    skills: str = "",
    languages: str = "",
    availability: str = "",
    motivation: str = "",
    user: User | None = None,
) -> Volunteer:
    """Record an application with consent; create a password-less login unless the applicant is signed in."""
    email = email.strip().lower()
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
    _mail_on_commit(
        to=[email],
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
    return volunteer


@transaction.atomic
def transition(*, volunteer: Volunteer, to_status: str, by: User | None, note: str = "") -> Volunteer:
    """Move a volunteer one vetting step, as the table allows, recording the note."""
    volunteer = Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)
    from_status = volunteer.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        message = _("A volunteer who is %(current)s cannot be moved to %(target)s.") % {
            "current": Status(from_status).label,
            "target": Status(to_status).label if to_status in Status.values else to_status,
        }
        raise VolunteerActionError({"to_status": message}, code="transition")
    if to_status in NEEDS_CORE_TRAINING:
        missing = selectors.missing_core_training(volunteer, timezone.localdate())
        if missing:
            courses = "、".join(c.display_name for c in missing)
            raise VolunteerActionError({"to_status": _("Training still needed: %(courses)s.") % {"courses": courses}})
    now = timezone.now()
    volunteer.status = to_status
    volunteer.status_changed_at = now
    volunteer.save(update_fields=["status", "status_changed_at", "updated_at"])
    StatusChange.objects.create(
        volunteer=volunteer, from_status=from_status, to_status=to_status, note=note, changed_by=by
    )
    user = volunteer.user
    if to_status == Status.ACTIVE and not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    if to_status in ENDS_SERVICE:
        for booking in Booking.objects.filter(
            volunteer=volunteer, status__in=Booking.LIVE, shift__starts_at__gt=now
        ).select_related("shift"):
            cancel_booking(booking=booking, by=by, reason=str(Status(to_status).label), notify=False)
    body = _("Your volunteer status is now: %(status)s.") % {"status": Status(to_status).label}
    if note:
        body += "\n\n" + note
    if to_status == Status.ACTIVE:
        body += _password_invitation(user)
    _mail_on_commit(to=[volunteer.email], subject=_("Your volunteer status has changed"), body=body)
    return volunteer


# --- training -----------------------------------------------------------------------------------


@transaction.atomic
def record_training(
    *, volunteer: Volunteer, course: TrainingCourse, completed_on: dt.date, by: User | None
) -> TrainingRecord:
    """Record a completed course; it expires after the course's validity, if it has one."""
    expires_on = completed_on + relativedelta(months=course.validity_months) if course.validity_months else None
    record, _created = TrainingRecord.objects.update_or_create(
        volunteer=volunteer,
        course=course,
        completed_on=completed_on,
        defaults={"expires_on": expires_on, "recorded_by": by},
    )
    return record


# --- opportunities and shifts -------------------------------------------------------------------


@transaction.atomic
def create_opportunity(
    *,
    organisation: Organisation,
    kind: str,
    title: str,
    description: str = "",
    required_courses: Iterable[TrainingCourse] = (),
    is_public: bool = False,
) -> Opportunity:
    """Publish an opportunity of a team."""
    opportunity = Opportunity.objects.create(
        organisation=organisation, kind=kind, title=title, description=description, is_public=is_public
    )
    opportunity.required_courses.set(list(required_courses))
    return opportunity


@transaction.atomic
def create_shift(
    *, opportunity: Opportunity, starts_at: dt.datetime, ends_at: dt.datetime, place: str, capacity: int
) -> Shift:
    """Publish a shift of an opportunity."""
    if ends_at <= starts_at:
        raise VolunteerActionError({"ends_at": _("The end must be after the start.")})
    return Shift.objects.create(
        opportunity=opportunity, starts_at=starts_at, ends_at=ends_at, place=place, capacity=capacity
    )


def _lock_shift(shift: Shift | int) -> Shift:
    pk = shift if isinstance(shift, int) else shift.pk
    return Shift.objects.select_for_update().select_related("opportunity", "opportunity__organisation").get(pk=pk)


def _promote_waitlist(shift: Shift) -> list[Booking]:
    """Give freed places to the waitlist in order of arrival. The caller holds the shift lock."""
    promoted = []
    shift.refresh_from_db(fields=["booked_count", "capacity"])
    while shift.booked_count < shift.capacity:
        nxt = (
            Booking.objects.select_for_update()
            .filter(shift=shift, status=Booking.Status.WAITLISTED)
            .select_related("volunteer")
            .order_by("created_at", "pk")
            .first()
        )
        if nxt is None:
            break
        nxt.status = Booking.Status.BOOKED
        nxt.save(update_fields=["status", "updated_at"])
        Shift.objects.filter(pk=shift.pk).update(booked_count=F("booked_count") + 1)
        shift.booked_count += 1
        promoted.append(nxt)
        _mail_on_commit(
            to=[nxt.volunteer.email],
            subject=_("A place became free: you are booked"),
            body=_("You moved up from the waitlist and now have a place: %(title)s, %(when)s, %(place)s.")
            % {"title": shift.opportunity.neutral_title, "when": _when(shift), "place": shift.place},
        )
    return promoted


@transaction.atomic
def book_shift(*, volunteer: Volunteer, shift: Shift, now: dt.datetime | None = None) -> Booking:
    """Book a place, or a waitlist place when the shift is full.

    Locks the volunteer (against overlapping bookings made at once) and then the shift
    (against overbooking); the check constraint on ``booked_count`` is the last guard.
    """
    now = now or timezone.now()
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    shift = _lock_shift(shift)
    if volunteer.status != Status.ACTIVE:
        raise VolunteerActionError(
            _("Only active volunteers can book shifts; your status is %(status)s.")
            % {"status": Status(volunteer.status).label}
        )
    if shift.opportunity.organisation_id != volunteer.organisation_id or not shift.opportunity.is_active:
        raise VolunteerActionError(_("This shift is not open to you."))
    if shift.status == Shift.Status.CANCELLED:
        raise VolunteerActionError(_("This shift has been cancelled."))
    if shift.starts_at <= now:
        raise VolunteerActionError(_("This shift has already started."))
    problems = selectors.training_problems(volunteer, shift.opportunity, timezone.localdate(shift.starts_at))
    if problems:
        raise VolunteerActionError(problems)
    if Booking.objects.filter(volunteer=volunteer, shift=shift, status__in=Booking.LIVE).exists():
        raise VolunteerActionError(_("You have already booked this shift."))
    clash = (
        Booking.objects.filter(
            volunteer=volunteer,
            status__in=Booking.LIVE,
            shift__status=Shift.Status.SCHEDULED,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .select_related("shift__opportunity")
        .first()
    )
    if clash:
        raise VolunteerActionError(
            _("This shift overlaps another one you booked: %(title)s, %(when)s.")
            % {"title": clash.shift.opportunity.neutral_title, "when": _when(clash.shift)}
        )
    if shift.booked_count < shift.capacity:
        status = Booking.Status.BOOKED
        # Conditional update: even without the lock, the count can never pass capacity.
        if not Shift.objects.filter(pk=shift.pk, booked_count__lt=F("capacity")).update(
            booked_count=F("booked_count") + 1
        ):
            status = Booking.Status.WAITLISTED
    else:
        status = Booking.Status.WAITLISTED
    booking = Booking.objects.create(shift=shift, volunteer=volunteer, status=status)
    if status == Booking.Status.BOOKED:
        subject = _("Shift booked")
        body = _("You are booked: %(title)s, %(when)s, %(place)s.")
    else:
        subject = _("You are on the waitlist")
        body = _(
            "The shift is full; you are on its waitlist and will get the next free place: %(title)s, %(when)s, %(place)s."
        )
    _mail_on_commit(
        to=[volunteer.email],
        subject=subject,
        body=body % {"title": shift.opportunity.neutral_title, "when": _when(shift), "place": shift.place},
    )
    return booking


@transaction.atomic
def cancel_booking(*, booking: Booking, by: User | None, reason: str = "", notify: bool = True) -> Booking:
    """Cancel a booking (by the volunteer or a coordinator); a freed place goes to the waitlist."""
    shift = _lock_shift(booking.shift_id)
    booking = Booking.objects.select_for_update().select_related("volunteer").get(pk=booking.pk)
    if booking.status == Booking.Status.CANCELLED:
        return booking
    had_place = booking.status == Booking.Status.BOOKED
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.cancelled_by = by
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "updated_at"])
    if had_place:
        Shift.objects.filter(pk=shift.pk).update(booked_count=F("booked_count") - 1)
        _promote_waitlist(shift)
    if notify:
        facts = {"title": shift.opportunity.neutral_title, "when": _when(shift), "place": shift.place}
        by_volunteer = by is not None and by.pk == booking.volunteer.user_id
        if by_volunteer:
            _mail_on_commit(
                to=_coordinator_emails(shift.opportunity.organisation_id),
                subject=_("A volunteer cancelled a booking"),
                body=_("%(name)s cancelled their place: %(title)s, %(when)s, %(place)s.")
                % {**facts, "name": booking.volunteer.full_name},
            )
        body = _("Your booking was cancelled: %(title)s, %(when)s, %(place)s.") % facts
        if reason:
            body += "\n\n" + reason
        _mail_on_commit(to=[booking.volunteer.email], subject=_("Booking cancelled"), body=body)
    return booking


def _live_bookings(shift: Shift) -> QuerySet[Booking]:
    return Booking.objects.filter(shift=shift, status__in=Booking.LIVE).select_related("volunteer")


@transaction.atomic
def reschedule_shift(
    *,
    shift: Shift,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    capacity: int,
    by: User | None,
) -> Shift:
    """Change a shift's time, place or places; calendars see a raised SEQUENCE, volunteers a mail."""
    shift = _lock_shift(shift)
    if shift.status == Shift.Status.CANCELLED:
        raise VolunteerActionError(_("This shift has been cancelled."))
    if ends_at <= starts_at:
        raise VolunteerActionError({"ends_at": _("The end must be after the start.")})
    if capacity < shift.booked_count:
        raise VolunteerActionError(
            {
                "capacity": _("%(n)s volunteers are booked; cancel bookings before lowering the places.")
                % {"n": shift.booked_count}
            }
        )
    if (starts_at, ends_at) != (shift.starts_at, shift.ends_at):
        # Moving the shift must not double-book anyone already on it (the booking rule, kept on reschedule).
        clashes = (
            Booking.objects.filter(
                volunteer__in=Booking.objects.filter(shift=shift, status__in=Booking.LIVE).values("volunteer"),
                status__in=Booking.LIVE,
                shift__status=Shift.Status.SCHEDULED,
                shift__starts_at__lt=ends_at,
                shift__ends_at__gt=starts_at,
            )
            .exclude(shift=shift)
            .values_list("volunteer__full_name", flat=True)
        )
        names = sorted(set(clashes))
        if names:
            raise VolunteerActionError(
                {
                    "starts_at": _(
                        "At the new time these volunteers have another shift: %(names)s. "
                        "Agree a change with them first, or choose another time."
                    )
                    % {"names": "、".join(names)}
                }
            )
    moved = (starts_at, ends_at, place) != (shift.starts_at, shift.ends_at, shift.place)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        capacity=capacity,
        sequence=F("sequence") + (1 if moved else 0),
        updated_at=timezone.now(),
    )
    shift.refresh_from_db()
    _promote_waitlist(shift)
    if moved:
        for booking in _live_bookings(shift):
            _mail_on_commit(
                to=[booking.volunteer.email],
                subject=_("A shift you booked has changed"),
                body=_("New time and place: %(title)s, %(when)s, %(place)s.")
                % {"title": shift.opportunity.neutral_title, "when": _when(shift), "place": shift.place},
            )
    return shift


@transaction.atomic
def cancel_shift(*, shift: Shift, by: User | None, reason: str = "") -> Shift:
    """Cancel a whole shift: every booking ends, volunteers are told, calendars show it cancelled."""
    shift = _lock_shift(shift)
    if shift.status == Shift.Status.CANCELLED:
        return shift
    bookings = list(_live_bookings(shift))
    now = timezone.now()
    Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(
        status=Booking.Status.CANCELLED, cancelled_at=now, cancelled_by=by, updated_at=now
    )
    Shift.objects.filter(pk=shift.pk).update(
        status=Shift.Status.CANCELLED, booked_count=0, sequence=F("sequence") + 1, updated_at=now
    )
    shift.refresh_from_db()
    for booking in bookings:
        body = _("This shift was cancelled: %(title)s, %(when)s, %(place)s.") % {
            "title": shift.opportunity.neutral_title,
            "when": _when(shift),
            "place": shift.place,
        }
        if reason:
            body += "\n\n" + reason
        _mail_on_commit(to=[booking.volunteer.email], subject=_("Shift cancelled"), body=body)
    return shift


# --- hours --------------------------------------------------------------------------------------


@transaction.atomic
def log_hours(
    *,
    volunteer: Volunteer,
    date: dt.date,
    hours: Decimal,
    shift: Shift | None = None,
    activity: str = "",
    client_token: uuid.UUID | None = None,
) -> tuple[HourLog, bool]:
    """Log hours; the same client token twice stores one entry. Returns (entry, created)."""
    token = client_token or uuid.uuid4()
    existing = HourLog.objects.filter(volunteer=volunteer, client_token=token).first()
    if existing is not None:
        return existing, False
    errors: dict[str, str] = {}
    if not (Decimal("0") < hours <= Decimal("24")):
        errors["hours"] = _("Hours must be more than 0 and at most 24.")
    if date > timezone.localdate():
        errors["date"] = _("You cannot log hours for a future date.")
    if shift is None and not activity.strip():
        errors["activity"] = _("Choose a shift or describe the activity.")
    if shift is not None:
        if not Booking.objects.filter(volunteer=volunteer, shift=shift, status=Booking.Status.BOOKED).exists():
            errors["shift"] = _("You can only log hours for a shift you were booked on.")
        elif shift.starts_at > timezone.now():
            errors["shift"] = _("This shift has not started yet.")
        elif HourLog.objects.filter(volunteer=volunteer, shift=shift).exclude(status=HourLog.Status.REJECTED).exists():
            errors["shift"] = _("You have already logged hours for this shift.")
    if errors:
        raise VolunteerActionError(errors)
    try:
        with transaction.atomic():
            entry = HourLog.objects.create(
                volunteer=volunteer,
                shift=shift,
                activity=activity.strip(),
                date=date,
                hours=hours,
                client_token=token,
            )
    except IntegrityError:
        # The same token arrived twice at once: the other request stored it.
        entry = HourLog.objects.filter(volunteer=volunteer, client_token=token).first()
        if entry is None:
            raise VolunteerActionError(_("You have already logged hours for this shift.")) from None
        return entry, False
    return entry, True


@transaction.atomic
@transaction.atomic
def review_hours(*, entries: QuerySet[HourLog], by: User, approve: bool, note: str = "") -> int:
    """Approve or reject pending entries (one or many); refused if any was already decided; returns how many."""
    status = HourLog.Status.APPROVED if approve else HourLog.Status.REJECTED
    ids = sorted(entries.values_list("pk", flat=True))
    # Lock the rows (in id order, so two reviewers cannot deadlock) and decide on what is
    # committed now: a concurrent approve and reject, or two approves, cannot both pass.
    # (Filter on the status after the lock: a WHERE on it would skip rows another reviewer holds.)
    locked = HourLog.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", "status")
    decided = [pk for pk, current in locked if current != HourLog.Status.PENDING]
    if decided:
        raise VolunteerActionError(
            ngettext(
                "%(n)s entry was already approved or rejected by someone else; reload the list and review again.",
                "%(n)s entries were already approved or rejected by someone else; reload the list and review again.",
                len(decided),
            )
            % {"n": len(decided)},
            code="already_decided",
        )
    # The status condition sits on the UPDATE itself as well, so it holds without the lock.
    return HourLog.objects.filter(pk__in=ids, status=HourLog.Status.PENDING).update(
        status=status, reviewed_by=by, reviewed_at=timezone.now(), review_note=note
    )


def _quarter_hours(delta: dt.timedelta) -> Decimal:
    hours = Decimal(delta.total_seconds()) / Decimal(3600)
    quarters = (hours * 4).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return max(quarters / 4, Decimal("0.25"))


@transaction.atomic
def check_in_or_out(
    *, volunteer: Volunteer, shift: Shift, code: str, now: dt.datetime | None = None
) -> tuple[Booking, HourLog | None]:
    """Scan of the venue's QR code: the first scan checks in, the second checks out and logs the hours."""
    now = now or timezone.now()
    if not constant_time_compare(code, shift.checkin_code):
        raise VolunteerActionError(_("This check-in code is not valid."))
    booking = (
        Booking.objects.select_for_update()
        .filter(volunteer=volunteer, shift=shift, status=Booking.Status.BOOKED)
        .first()
    )
    if booking is None:
        raise VolunteerActionError(_("You are not booked on this shift."))
    if not (shift.starts_at - dt.timedelta(hours=1) <= now <= shift.ends_at + dt.timedelta(hours=3)):
        raise VolunteerActionError(_("Check-in is open from an hour before the shift until three hours after it."))
    if booking.checked_in_at is None:
        booking.checked_in_at = now
        booking.save(update_fields=["checked_in_at", "updated_at"])
        return booking, None
    if booking.checked_out_at is None:
        booking.checked_out_at = now
        booking.save(update_fields=["checked_out_at", "updated_at"])
    start = max(booking.checked_in_at, shift.starts_at)
    end = min(booking.checked_out_at, shift.ends_at)
    entry, _created = log_hours(
        volunteer=volunteer,
        shift=shift,
        date=timezone.localdate(shift.starts_at),
        hours=_quarter_hours(max(end - start, dt.timedelta(0))),
        client_token=uuid.uuid5(uuid.NAMESPACE_URL, f"volunteers:checkout:{booking.pk}"),
    )
    return booking, entry


# --- feeds and certificates ---------------------------------------------------------------------


@transaction.atomic
def rotate_feed_token(*, volunteer: Volunteer) -> Volunteer:
    """Revoke the private calendar address and issue a new one."""
    volunteer.feed_token = secrets.token_urlsafe(24)
    volunteer.save(update_fields=["feed_token", "updated_at"])
    return volunteer


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


@transaction.atomic
def issue_certificate(*, volunteer: Volunteer) -> Certificate:
    """Issue an Art. 19 certificate: a snapshot of approved hours, activities and training."""
    summary = selectors.service_record(volunteer)
    if summary["total_hours"] <= 0:
        raise VolunteerActionError(_("There are no approved hours to certify yet."))
    with override("zh-hans"):
        organisation_name = volunteer.organisation.display_name
    return Certificate.objects.create(
        volunteer=volunteer,
        code=new_certificate_code(),
        total_hours=summary["total_hours"].quantize(Decimal("0.01")),
        snapshot={
            "full_name": volunteer.full_name,
            "organisation": organisation_name,
            "first_date": summary["first_date"],
            "last_date": summary["last_date"],
            "total_hours": str(summary["total_hours"].quantize(Decimal("0.01"))),
            "activities": summary["activities"],
            "training": summary["training"],
        },
    )


# --- reminders ----------------------------------------------------------------------------------


def send_due_shift_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind booked volunteers of shifts starting within a day; each booking exactly once.

    The conditional update on ``reminder_sent_at`` is the claim: if two schedulers run,
    only the one whose update changed the row sends the mail.
    """
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=Booking.Status.BOOKED,
        reminder_sent_at__isnull=True,
        shift__status=Shift.Status.SCHEDULED,
        shift__starts_at__gt=now,
        shift__starts_at__lte=now + dt.timedelta(days=1),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            if not Booking.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                continue
            booking = Booking.objects.select_related("shift__opportunity", "volunteer").get(pk=pk)
            shift = booking.shift
            _mail_on_commit(
                to=[booking.volunteer.email],
                subject=_("Reminder: your shift tomorrow"),
                body=_("A reminder of your shift: %(title)s, %(when)s, %(place)s.")
                % {"title": shift.opportunity.neutral_title, "when": _when(shift), "place": shift.place},
            )
            sent += 1
    return sent


def send_training_expiry_warnings(*, today: dt.date | None = None, days_ahead: int = 30) -> int:
    """Warn volunteers once when a course expires within ``days_ahead`` days and was not renewed."""
    today = today or timezone.localdate()
    renewed = TrainingRecord.objects.filter(
        volunteer=OuterRef("volunteer"), course=OuterRef("course"), completed_on__gt=OuterRef("completed_on")
    )
    due = (
        TrainingRecord.objects.filter(
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=days_ahead),
            expiry_warned_at__isnull=True,
            volunteer__status__in=[Status.ACTIVE, Status.TRAINED, Status.SUSPENDED],
        )
        .exclude(Exists(renewed))
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            if not TrainingRecord.objects.filter(pk=pk, expiry_warned_at__isnull=True).update(
                expiry_warned_at=timezone.now()
            ):
                continue
            record = TrainingRecord.objects.select_related("course", "volunteer").get(pk=pk)
            _mail_on_commit(
                to=[record.volunteer.email],
                subject=_("Your training expires soon"),
                body=_("Your training “%(course)s” expires on %(date)s. Please renew it to keep booking shifts.")
                % {"course": record.course.display_name, "date": format_local(record.expires_on, "Y-m-d")},
            )
            sent += 1
    return sent


def send_pending_hours_digest() -> int:
    """Weekly: tell each team's coordinators how many hour entries wait for their review."""
    pending = (
        HourLog.objects.filter(status=HourLog.Status.PENDING)
        .values("volunteer__organisation_id")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    counts = {
        row["volunteer__organisation_id"]: HourLog.objects.filter(
            status=HourLog.Status.PENDING, volunteer__organisation_id=row["volunteer__organisation_id"]
        ).count()
        for row in pending
    }
    sent = 0
    link = absolute_url(reverse("volunteers:manage_hours"))
    for organisation in Organisation.objects.filter(pk__in=counts):
        recipients = _coordinator_emails(organisation.pk)
        if not recipients:
            continue
        with transaction.atomic():
            _mail_on_commit(
                to=recipients,
                subject=_("Hours waiting for your review"),
                body=_("%(team)s: %(n)s hour entries are waiting for review: %(link)s")
                % {"team": organisation.display_name, "n": counts[organisation.pk], "link": link},
            )
        sent += 1
    return sent


@transaction.atomic
def set_mentoring(
    *, volunteer: Volunteer, sex: str, max_mentees: int, cleared_for_minors: bool, language_codes: list[str]
) -> Volunteer:
    """Record whether and how a volunteer mentors (sex, places, minors clearance, languages)."""
    Volunteer.objects.filter(pk=volunteer.pk).update(
        sex=sex,
        max_mentees=max_mentees,
        cleared_for_minors=cleared_for_minors,
        language_codes=list(language_codes),
        updated_at=timezone.now(),
    )
    volunteer.refresh_from_db()
    return volunteer
