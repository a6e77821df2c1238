"""Scheduled mails: shift reminders, training expiry, the pending-hours digest."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.links import absolute_url
from accounts.localtime import format_local
from services.models import Organisation
from volunteers.actions._base import Status, _coordinators, _notify_on_commit, _tell_volunteer, _when
from volunteers.models import (
    Booking,
    HourLog,
    Shift,
    TrainingRecord,
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
            _tell_volunteer(
                volunteer=booking.volunteer,
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
            _tell_volunteer(
                volunteer=record.volunteer,
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
        recipients = _coordinators(organisation.pk)
        if not recipients:
            continue
        with transaction.atomic():
            _notify_on_commit(
                to=recipients,
                subject=_("Hours waiting for your review"),
                body=_("%(team)s: %(n)s hour entries are waiting for review: %(link)s")
                % {"team": organisation.display_name, "n": counts[organisation.pk], "link": link},
                link=reverse("volunteers:manage_hours"),
            )
        sent += 1
    return sent
