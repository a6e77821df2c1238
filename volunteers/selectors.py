"""Reads about volunteers. Lists start from accounts.scoping.scope and cost a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from accounts.localtime import format_local
from accounts.models import User
from records.models import DocumentKind, IssuedDocument
from volunteers.models import (
    Booking,
    Certificate,
    HourLog,
    Opportunity,
    Shift,
    TrainingCourse,
    TrainingRecord,
    Volunteer,
)

if TYPE_CHECKING:
    pass


# --- application ---------------------------------------------------------------------------------


def duplicate_application(*, phone: str, email: str) -> bool:
    """Is there already a volunteer with this phone or e-mail (case-insensitive)?"""
    return Volunteer.objects.filter(same_person(phone=phone, email=email)).exists()


def same_person(*, phone: str, email: str) -> Q:
    """The volunteers with this phone, or this e-mail if one is given (an empty e-mail matches nobody)."""
    condition = Q(phone=phone)
    if email.strip():
        condition |= Q(email__iexact=email.strip())
    return condition


def username_for_phone(phone: str) -> str:
    """A login name for an applicant: the mobile number without +86, made unique if needed."""
    base = phone.removeprefix("+86")
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --- training ------------------------------------------------------------------------------------


def training_records_by_course(volunteer: Volunteer) -> dict[int, list[TrainingRecord]]:
    """The volunteer's training records grouped by course id (one query; pass it on to check many shifts)."""
    by_course: dict[int, list[TrainingRecord]] = {}

    for record in TrainingRecord.objects.filter(volunteer=volunteer).select_related("course"):
        by_course.setdefault(record.course_id, []).append(record)
    return by_course


def _course_problem(course: TrainingCourse, records: list[TrainingRecord], day: dt.date) -> str | None:
    if any(r.is_valid_on(day) for r in records):
        return None
    expired = [r.expires_on for r in records if r.expires_on and r.expires_on < day]
    if expired:
        return _("Your training “%(course)s” expired on %(date)s.") % {
            "course": course.display_name,
            "date": format_local(max(expired), "Y-m-d"),
        }
    return _("You need the training “%(course)s” first.") % {"course": course.display_name}


def training_problems(
    volunteer: Volunteer,
    opportunity: Opportunity,
    day: dt.date,
    records: dict[int, list[TrainingRecord]] | None = None,
) -> list[str]:
    """Why the volunteer may not take this opportunity on ``day``: one message per missing or expired course."""
    if records is None:
        records = training_records_by_course(volunteer)
    problems = []
    for course in opportunity.required_courses.all():
        problem = _course_problem(course, records.get(course.pk, []), day)
        if problem:
            problems.append(problem)
    return problems


def missing_core_training(volunteer: Volunteer, day: dt.date) -> list[TrainingCourse]:
    """Courses required before activation that the volunteer lacks (or let expire) on ``day``."""
    records = training_records_by_course(volunteer)
    return [
        course
        for course in TrainingCourse.objects.filter(required_for_activation=True)
        if not any(r.is_valid_on(day) for r in records.get(course.pk, []))
    ]


def training_overview(volunteer: Volunteer) -> QuerySet[TrainingRecord]:
    """The volunteer's training records, newest first."""
    return TrainingRecord.objects.filter(volunteer=volunteer).select_related("course").order_by("-completed_on")


# --- volunteer home -------------------------------------------------------------------------------


def upcoming_bookings(volunteer: Volunteer, limit: int | None = None) -> QuerySet[Booking]:
    """The volunteer's live bookings of shifts that have not ended."""
    qs = (
        Booking.objects.filter(
            volunteer=volunteer,
            status__in=Booking.LIVE,
            shift__ends_at__gte=timezone.now(),
            shift__status=Shift.Status.SCHEDULED,
        )
        .select_related("shift", "shift__opportunity")
        .order_by("shift__starts_at")
    )
    return qs[:limit] if limit else qs


def hours_in_year(volunteer: Volunteer, year: int | None = None) -> dict[str, Decimal]:
    """Approved and pending hours of the volunteer in a calendar year."""
    year = year or timezone.localdate().year
    rows = HourLog.objects.filter(volunteer=volunteer, date__year=year).aggregate(
        approved=Sum("hours", filter=Q(status=HourLog.Status.APPROVED)),
        pending=Sum("hours", filter=Q(status=HourLog.Status.PENDING)),
    )
    return {k: v or Decimal("0") for k, v in rows.items()}


def mentees_for(volunteer: Volunteer) -> list[dict[str, Any]]:
    """Supervisees the volunteer mentors: ONLY the given name and the meeting times.

    Assignments come from the correction teams through the coordination policy's "mentor" rows (which
    leaves out minors and closed cases); meeting times are the team's agreed schedule and
    the volunteer's booked mentoring-meeting shifts. Nobody but an active volunteer has mentees
    (leaving active service also ends the team rows).
    """
    if volunteer.status != Volunteer.Status.ACTIVE:
        return []
    meetings = [
        timezone.localtime(b.shift.starts_at)
        for b in upcoming_bookings(volunteer)
        if b.shift.opportunity.kind == Opportunity.Kind.MENTORING_MEETING and b.status == Booking.Status.BOOKED
    ]
    return [
        {"given_name": given_name, "schedule": schedule, "meetings": meetings}
        for given_name, schedule in scoping.scope(
            volunteer.user, "coordination.CorrectionTeamMember", "mentor"
        ).values_list("supervisee__given_name", "meeting_schedule")
    ]


def service_record(volunteer: Volunteer) -> dict[str, Any]:
    """Approved hours, activities by kind and training: what a certificate states."""
    approved = HourLog.objects.filter(volunteer=volunteer, status=HourLog.Status.APPROVED)
    span = approved.aggregate(total=Sum("hours"), first=Min("date"), last=Max("date"))
    activities: dict[str, Decimal] = {}
    for entry in approved.select_related("shift__opportunity"):
        name = entry.shift.opportunity.neutral_title if entry.shift_id else entry.activity
        activities[name] = activities.get(name, Decimal("0")) + entry.hours
    training = [
        {"course": r.course.name, "completed_on": r.completed_on.isoformat()}
        for r in TrainingRecord.objects.filter(volunteer=volunteer).select_related("course").order_by("completed_on")
    ]
    return {
        "total_hours": span["total"] or Decimal("0"),
        "first_date": span["first"].isoformat() if span["first"] else "",
        "last_date": span["last"].isoformat() if span["last"] else "",
        "activities": [{"name": k, "hours": str(v)} for k, v in sorted(activities.items())],
        "training": training,
    }


def _certificate_documents(volunteer: Volunteer) -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.filter(
        kind=DocumentKind.VOLUNTEER_CERTIFICATE,
        source_type=ContentType.objects.get_for_model(Volunteer),
        source_id=volunteer.pk,
    )


def own_certificate_document(volunteer: Volunteer, code: str) -> IssuedDocument | None:
    """The volunteer's own certificate issued through the document service, by its public id (else None)."""
    try:
        public_id = uuid.UUID(code)
    except ValueError:
        return None
    return _certificate_documents(volunteer).filter(uuid=public_id).first()


def certificates_of(volunteer: Volunteer) -> list[dict[str, Any]]:
    """The volunteer's certificates, newest first: those issued through the document service (number, void or
    valid) and those issued before it (their verification code). ``code`` is what the download link takes."""
    rows = [
        {"code": str(d.uuid), "label": d.number, "issued_at": d.issued_at, "void": d.voided_at is not None}
        for d in _certificate_documents(volunteer).order_by("-issued_at")[:10]
    ]
    rows += [
        {"code": c.code, "label": c.code, "issued_at": c.issued_at, "void": False}
        for c in Certificate.objects.filter(volunteer=volunteer).order_by("-issued_at")[:10]
    ]
    return sorted(rows, key=lambda row: row["issued_at"], reverse=True)


# --- shifts ----------------------------------------------------------------------------------------


def open_shifts(user: User) -> QuerySet[Shift]:
    """Upcoming scheduled shifts the signed-in volunteer may book, with their opportunity."""
    return (
        Shift.objects.filter(
            opportunity__in=scoping.scope(user, Opportunity, "book"),
            status=Shift.Status.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .select_related("opportunity")
        .prefetch_related("opportunity__required_courses")
        .order_by("starts_at", "pk")
    )


def my_bookings_by_shift(user: User, shift_ids: list[int]) -> dict[int, Booking]:
    """The user's live bookings of the given shifts, keyed by shift id (one query)."""
    return {
        b.shift_id: b
        for b in scoping.scope(user, Booking, "own").filter(shift_id__in=shift_ids, status__in=Booking.LIVE)
    }


def shift_roster(shift: Shift) -> QuerySet[Booking]:
    """Bookings of a shift for its coordinator: booked first, then the waitlist in order."""
    return Booking.objects.filter(shift=shift).select_related("volunteer").order_by("status", "created_at", "pk")


def coordinated_shift_list(user: User) -> QuerySet[Shift]:
    """Shifts the user coordinates, with waitlist counts."""
    return (
        scoping.scope(user, Shift, "coordinate")
        .select_related("opportunity", "opportunity__organisation")
        .annotate(waitlisted=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)))
        .order_by("-starts_at", "pk")
    )


def volunteer_list(user: User) -> QuerySet[Volunteer]:
    """Volunteers the user coordinates, ready for listing (organisation and township joined)."""
    return scoping.scope(user, Volunteer, "coordinate").select_related("organisation", "township")


def pending_hours(user: User) -> QuerySet[HourLog]:
    """Hour entries waiting for the user's review, oldest first."""
    return (
        scoping.scope(user, HourLog, "coordinate")
        .filter(status=HourLog.Status.PENDING)
        .select_related("volunteer", "shift", "shift__opportunity")
        .order_by("date", "pk")
    )


def overlapping_hours(volunteer: Volunteer, shift: Shift) -> QuerySet[HourLog]:
    """The volunteer's counted (pending or approved) shift entries whose shift overlaps this one's time."""
    return (
        HourLog.objects.filter(
            volunteer=volunteer,
            shift__isnull=False,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .exclude(status=HourLog.Status.REJECTED)
        .exclude(shift=shift)
        .select_related("shift__opportunity")
    )


def loggable_shifts(volunteer: Volunteer) -> QuerySet[Shift]:
    """Past shifts the volunteer was booked on and has not logged yet (a rejected entry may be logged again)."""
    logged = HourLog.objects.filter(volunteer=volunteer, shift__isnull=False).exclude(status=HourLog.Status.REJECTED)
    return (
        Shift.objects.filter(
            bookings__volunteer=volunteer, bookings__status=Booking.Status.BOOKED, starts_at__lte=timezone.now()
        )
        .exclude(pk__in=logged.values("shift_id"))
        .select_related("opportunity")
        .order_by("-starts_at")
    )


def same_time_entries(entries: list[HourLog]) -> dict[int, list[HourLog]]:
    """For each listed shift entry, the volunteer's other counted entries at an overlapping time (one query)."""
    shifted = [e for e in entries if e.shift_id]
    if not shifted:
        return {}
    others = list(
        HourLog.objects.filter(volunteer_id__in={e.volunteer_id for e in shifted}, shift__isnull=False)
        .exclude(status=HourLog.Status.REJECTED)
        .select_related("shift__opportunity")
    )
    clashes: dict[int, list[HourLog]] = {}
    for entry in shifted:
        found = [
            o
            for o in others
            if o.pk != entry.pk
            and o.volunteer_id == entry.volunteer_id
            and o.shift_id != entry.shift_id
            and o.shift.starts_at < entry.shift.ends_at
            and o.shift.ends_at > entry.shift.starts_at
        ]
        if found:
            clashes[entry.pk] = found
    return clashes


def own_hours(user: User) -> QuerySet[HourLog]:
    return scoping.scope(user, HourLog, "own").select_related("shift", "shift__opportunity")


def volunteer_detail(user: User, pk: int) -> Volunteer | None:
    """One volunteer the user coordinates, with their history, training and bookings."""
    return (
        volunteer_list(user)
        .prefetch_related(
            "status_changes__changed_by",
            Prefetch("training_records", queryset=TrainingRecord.objects.select_related("course")),
        )
        .filter(pk=pk)
        .first()
    )


# --- totals ----------------------------------------------------------------------------------------


def hour_totals(entries: QuerySet[HourLog]) -> dict[str, list[dict[str, Any]]]:
    """Approved hours per volunteer, per month and per organisation (three grouped queries)."""
    approved = entries.filter(status=HourLog.Status.APPROVED).order_by()
    return {
        "by_volunteer": list(
            approved.values("volunteer_id", "volunteer__full_name").annotate(hours=Sum("hours")).order_by("-hours")
        ),
        "by_month": list(
            approved.annotate(month=TruncMonth("date")).values("month").annotate(hours=Sum("hours")).order_by("month")
        ),
        "by_organisation": list(
            approved.values("volunteer__organisation_id", "volunteer__organisation__name")
            .annotate(hours=Sum("hours"))
            .order_by("volunteer__organisation__name")
        ),
    }


# --- feeds -------------------------------------------------------------------------------------------


FEED_PAST_DAYS = 90


def feed_bookings(volunteer: Volunteer) -> QuerySet[Booking]:
    """Bookings for the private feed: recent and future, cancelled ones included (so calendars drop them)."""
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    return (
        Booking.objects.filter(volunteer=volunteer, shift__ends_at__gte=since)
        .select_related("shift", "shift__opportunity")
        .order_by("shift__starts_at", "shift_id", "-created_at")
    )


def public_feed_shifts() -> QuerySet[Shift]:
    """Public events for the public feed."""
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    return (
        scoping.scope(None, Shift, "public")
        .filter(ends_at__gte=since)
        .select_related("opportunity")
        .order_by("starts_at", "pk")
    )


def feed_version(bookings_or_shifts: QuerySet, *, shift_prefix: str = "") -> tuple[str, dt.datetime | None]:
    """A cheap fingerprint of a feed's rows (count, latest change) and its Last-Modified time: one query."""
    fields = {"n": Count("pk"), "shift_changed": Max(f"{shift_prefix}updated_at")}
    if shift_prefix:
        fields["booking_changed"] = Max("updated_at")
    row = bookings_or_shifts.order_by().aggregate(**fields)
    stamps = [v for k, v in row.items() if k != "n" and v is not None]
    last = max(stamps) if stamps else None
    return f"{row['n']}|{'|'.join(v.isoformat() for v in stamps)}", last
