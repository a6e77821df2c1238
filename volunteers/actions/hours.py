"""Hour entries, their review, and check-in and check-out at the venue."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import scoping
from accounts.models import User
from volunteers import selectors
from volunteers.actions._base import VolunteerActionError, _when, refuse_unless_active, refuse_unless_self
from volunteers.models import (
    Booking,
    HourLog,
    Shift,
    Volunteer,
)

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
    actor: User | None,
) -> tuple[HourLog, bool]:
    """Log hours (an active volunteer, for themselves); the same client token twice stores one entry.
    Returns (entry, created)."""
    refuse_unless_self(actor, volunteer)
    volunteer = Volunteer.objects.get(pk=volunteer.pk)
    refuse_unless_active(volunteer, _("Only active volunteers can log hours; your status is %(status)s."))
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
        elif clash := selectors.overlapping_hours(volunteer, shift).first():
            # One person cannot serve two shifts at once: the hours would count twice.
            errors["shift"] = _("You already logged hours for %(title)s at the same time (%(when)s).") % {
                "title": clash.shift.opportunity.neutral_title,
                "when": _when(clash.shift),
            }
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
def review_hours(*, entries: QuerySet[HourLog], actor: User | None, approve: bool, note: str = "") -> int:
    """Approve or reject pending entries (one or many); refused if any was already decided, is the
    reviewer's own or of a team they do not coordinate; returns how many."""
    status = HourLog.Status.APPROVED if approve else HourLog.Status.REJECTED
    ids = sorted(entries.values_list("pk", flat=True))
    by = actor
    if actor is not None:
        if HourLog.objects.filter(pk__in=ids, volunteer__user_id=actor.pk).exists():
            raise VolunteerActionError(_("Nobody may decide on their own volunteer record."), code="forbidden")
        allowed = set(scoping.scope(actor, HourLog, "review").filter(pk__in=ids).values_list("pk", flat=True))
        if allowed != set(ids):
            raise VolunteerActionError(_("You do not coordinate this volunteer's team."), code="forbidden")
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
    *, volunteer: Volunteer, shift: Shift, code: str, actor: User | None, now: dt.datetime | None = None
) -> tuple[Booking, HourLog | None]:
    """Scan of the venue's QR code: the first scan checks in, the second checks out and logs the hours."""
    now = now or timezone.now()
    refuse_unless_self(actor, volunteer)
    refuse_unless_active(volunteer, _("Only active volunteers can log hours; your status is %(status)s."))
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
        actor=actor,
    )
    return booking, entry
