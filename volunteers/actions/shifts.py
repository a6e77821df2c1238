"""Opportunities, shifts and bookings: capacity and waitlist under a row lock on the shift."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from services.models import Organisation
from volunteers import policies, selectors
from volunteers.actions._base import (
    VolunteerActionError,
    _coordinators,
    _notify_on_commit,
    _tell_volunteer,
    _when,
    refuse_unless_active,
    refuse_unless_coordinates,
    refuse_unless_self,
)
from volunteers.models import (
    Booking,
    Opportunity,
    Shift,
    TrainingCourse,
    Volunteer,
)

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
    actor: User | None,
) -> Opportunity:
    """Publish an opportunity of a team (its coordinators and the bureau)."""
    refuse_unless_coordinates(actor, organisation)
    opportunity = Opportunity.objects.create(
        organisation=organisation, kind=kind, title=title, description=description, is_public=is_public
    )
    opportunity.required_courses.set(list(required_courses))
    return opportunity


@transaction.atomic
def create_shift(
    *,
    opportunity: Opportunity,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    capacity: int,
    actor: User | None,
) -> Shift:
    """Publish a shift of an opportunity (its team's coordinators and the bureau)."""
    refuse_unless_coordinates(actor, opportunity.organisation_id)
    _check_times(starts_at, ends_at, new=actor is not None)
    return Shift.objects.create(
        opportunity=opportunity, starts_at=starts_at, ends_at=ends_at, place=place, capacity=capacity
    )


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime, *, new: bool) -> None:
    """A shift ends after it starts; a shift a person publishes or moves starts in the future."""
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    if new and starts_at < timezone.now():
        errors["starts_at"] = _("The start must be in the future.")
    if errors:
        raise VolunteerActionError(errors)


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
        _tell_volunteer(
            volunteer=nxt.volunteer,
            subject=_("A place became free: you are booked"),
            body=_("You moved up from the waitlist and now have a place: %(title)s, %(when)s, %(place)s.")
            % {"title": shift.opportunity.neutral_title, "when": _when(shift), "place": shift.place},
        )
    return promoted


@transaction.atomic
def book_shift(*, volunteer: Volunteer, shift: Shift, actor: User | None, now: dt.datetime | None = None) -> Booking:
    """Book a place, or a waitlist place when the shift is full.

    Locks the volunteer (against overlapping bookings made at once) and then the shift
    (against overbooking); the check constraint on ``booked_count`` is the last guard.
    """
    now = now or timezone.now()
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    refuse_unless_self(actor, volunteer)
    shift = _lock_shift(shift)
    refuse_unless_active(volunteer, _("Only active volunteers can book shifts; your status is %(status)s."))
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
    _tell_volunteer(
        volunteer=volunteer,
        subject=subject,
        body=body % {"title": shift.opportunity.neutral_title, "when": _when(shift), "place": shift.place},
    )
    return booking


@transaction.atomic
def cancel_booking(*, booking: Booking, actor: User | None, reason: str = "", notify: bool = True) -> Booking:
    """Cancel a booking (by the volunteer or a coordinator of the shift's team); a freed place goes to the waitlist."""
    shift = _lock_shift(booking.shift_id)
    booking = Booking.objects.select_for_update().select_related("volunteer").get(pk=booking.pk)
    by = actor
    if actor is not None and not policies.is_own_record(actor, booking.volunteer):
        refuse_unless_coordinates(actor, shift.opportunity.organisation_id)
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
            _notify_on_commit(
                to=_coordinators(shift.opportunity.organisation_id),
                subject=_("A volunteer cancelled a booking"),
                body=_("%(name)s cancelled their place: %(title)s, %(when)s, %(place)s.")
                % {**facts, "name": booking.volunteer.full_name},
            )
        body = _("Your booking was cancelled: %(title)s, %(when)s, %(place)s.") % facts
        if reason:
            body += "\n\n" + reason
        _tell_volunteer(volunteer=booking.volunteer, subject=_("Booking cancelled"), body=body)
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
    actor: User | None,
) -> Shift:
    """Change a shift's time, place or places; calendars see a raised SEQUENCE, volunteers a mail."""
    shift = _lock_shift(shift)
    refuse_unless_coordinates(actor, shift.opportunity.organisation_id)
    if shift.status == Shift.Status.CANCELLED:
        raise VolunteerActionError(_("This shift has been cancelled."))
    _check_times(starts_at, ends_at, new=actor is not None and starts_at != shift.starts_at)
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
            _tell_volunteer(
                volunteer=booking.volunteer,
                subject=_("A shift you booked has changed"),
                body=_("New time and place: %(title)s, %(when)s, %(place)s.")
                % {"title": shift.opportunity.neutral_title, "when": _when(shift), "place": shift.place},
            )
    return shift


@transaction.atomic
def cancel_shift(*, shift: Shift, actor: User | None, reason: str = "") -> Shift:
    """Cancel a whole shift: every booking ends, volunteers are told, calendars show it cancelled."""
    shift = _lock_shift(shift)
    refuse_unless_coordinates(actor, shift.opportunity.organisation_id)
    by = actor
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
        _tell_volunteer(volunteer=booking.volunteer, subject=_("Shift cancelled"), body=body)
    return shift
