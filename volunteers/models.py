"""Volunteers: profiles and vetting, training, opportunities and shifts, bookings, hours, certificates.

Invariants the database keeps (actions keep the rest, under row locks):
- a shift never holds more booked places than its capacity (``booked_count`` check constraint,
  changed only by the booking actions while the shift row is locked);
- one live booking per volunteer and shift; one hour entry per client token; one counted
  (not rejected) hour entry per volunteer and shift, so nothing is counted twice.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_person_name
from services.models import Sex

MAX_MENTEES = 10


def default_language_codes() -> list[str]:
    """Mandarin, the directory's code ``zh``."""
    return ["zh"]


def new_token() -> str:
    """An unguessable URL-safe token (calendar feeds, check-in codes)."""
    return secrets.token_urlsafe(24)


class Volunteer(models.Model):
    """A person who volunteers (or applied to) with a volunteer team.

    The profile belongs to a login (``user``). An applicant's login is created
    inactive with no usable password; it is switched on when the volunteer is
    vetted to *active*, and an e-mail invites them to set a password.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("volunteer status", "applied")
        INTERVIEWED = "interviewed", pgettext_lazy("volunteer status", "interviewed")
        BACKGROUND_CHECKED = "background_checked", pgettext_lazy("volunteer status", "background checked")
        TRAINED = "trained", pgettext_lazy("volunteer status", "trained")
        ACTIVE = "active", pgettext_lazy("volunteer status", "active")
        SUSPENDED = "suspended", pgettext_lazy("volunteer status", "suspended")
        WITHDRAWN = "withdrawn", pgettext_lazy("volunteer status", "withdrawn")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="volunteer"
    )
    organisation = models.ForeignKey(
        "services.Organisation",
        verbose_name=_("volunteer team"),
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.APPLIED)
    status_changed_at = models.DateTimeField(_("status changed"), auto_now_add=True)
    full_name = models.CharField(_("full name"), max_length=100, validators=[validate_person_name])
    # E.164 (+86...), unique: a second application with the same phone is a duplicate.
    phone = models.CharField(_("mobile phone"), max_length=20, unique=True)
    # Optional: a phone number alone is enough to apply (the confirmation then comes by SMS).
    # Unique when given (the constraint below).
    email = models.EmailField(_("e-mail"), blank=True)
    township = models.ForeignKey(
        "services.Township",
        verbose_name=_("township"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteers",
    )
    skills = models.TextField(_("skills"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    availability = models.TextField(_("availability"), blank=True)
    # Mentoring (matching engine): sex for the Art. 25 team rule, places, minors clearance,
    # languages spoken as the directory's codes (the free-text ``languages`` above stays as given).
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    max_mentees = models.PositiveSmallIntegerField(
        _("maximum mentees"), default=0, help_text=_("0 = not a mentor; at most 10.")
    )
    cleared_for_minors = models.BooleanField(_("cleared to mentor minors"), default=False)
    language_codes = models.JSONField(_("languages spoken"), default=default_language_codes, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    consent_at = models.DateTimeField(_("consent given"))
    consent_version = models.CharField(_("consent text version"), max_length=20)
    feed_token = models.CharField(_("calendar token"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status"], name="volunteer_org_status")]
        constraints = [
            models.CheckConstraint(condition=Q(max_mentees__lte=MAX_MENTEES), name="volunteer_max_mentees_at_most_10"),
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="volunteer_unique_email_if_given"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def given_name(self) -> str:
        """Chinese names put the family name first; the given name is the rest."""
        return self.full_name[1:] if len(self.full_name) > 1 else self.full_name


class StatusChange(models.Model):
    """One vetting step, with the coordinator's note: the volunteer's history."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=24, choices=Volunteer.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=Volunteer.Status.choices)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.from_status} → {self.to_status}"


class TrainingCourse(models.Model):
    """A course volunteers take (legal basics, confidentiality, working with supervisees)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Leave empty if it never expires.")
    )
    required_for_activation = models.BooleanField(_("required before activation"), default=False)

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class TrainingRecord(models.Model):
    """A volunteer completed a course on a date; valid until ``expires_on`` (empty: forever)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="training_records")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    expiry_warned_at = models.DateTimeField(_("expiry warning sent"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "course", "completed_on"], name="training_record_unique"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("completed_on")),
                name="training_record_expires_after_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} · {self.completed_on}"

    def is_valid_on(self, day: date) -> bool:
        return self.completed_on <= day and (self.expires_on is None or self.expires_on >= day)


class Opportunity(models.Model):
    """Something volunteers do for a team, e.g. a series of education sessions."""

    class Kind(models.TextChoices):
        EDUCATION_SESSION = "education_session", _("education session")
        LABOUR_SUPERVISION = "labour_supervision", _("public-interest labour supervision")
        MENTORING_MEETING = "mentoring_meeting", _("mentoring meeting")
        SKILLS_TUTORING = "skills_tutoring", _("skills tutoring")
        JOB_FAIR_HELP = "job_fair_help", _("job-fair help")
        OUTREACH_EVENT = "outreach_event", _("outreach event")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "services.Organisation",
        verbose_name=_("volunteer team"),
        on_delete=models.PROTECT,
        related_name="volunteer_opportunities",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required_courses = models.ManyToManyField(
        TrainingCourse, verbose_name=_("required training"), blank=True, related_name="opportunities"
    )
    is_public = models.BooleanField(
        _("public event"), default=False, help_text=_("Shown in the public calendar (outreach events).")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def neutral_title(self) -> str:
        """A title safe for calendars and reminders: a mentoring meeting is named by its kind only,
        so that no supervisee's name typed into a title ever leaves the platform."""
        if self.kind == self.Kind.MENTORING_MEETING:
            return str(self.get_kind_display())
        return self.title


class Shift(models.Model):
    """One dated occurrence of an opportunity with a number of places."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("shift status", "scheduled")
        CANCELLED = "cancelled", pgettext_lazy("shift status", "cancelled")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=255)
    capacity = models.PositiveIntegerField(_("places"))
    booked_count = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    # iCalendar SEQUENCE: raised on every reschedule or cancellation.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    checkin_code = models.CharField(_("check-in code"), max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"),
            models.CheckConstraint(condition=Q(booked_count__lte=F("capacity")), name="shift_not_overbooked"),
        ]
        indexes = [models.Index(fields=["starts_at", "status"], name="shift_start_status")]

    def __str__(self) -> str:
        return f"{self.opportunity.neutral_title} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.booked_count, 0)

    @property
    def availability(self):
        """The band volunteers see (none / few / available) instead of the exact count (services.availability)."""
        from services.availability import band

        return band(self.places_left)


class Booking(models.Model):
    """A volunteer's place on a shift, or their place in its waitlist."""

    class Status(models.TextChoices):
        BOOKED = "booked", pgettext_lazy("booking status", "booked")
        WAITLISTED = "waitlisted", pgettext_lazy("booking status", "on the waitlist")
        CANCELLED = "cancelled", pgettext_lazy("booking status", "cancelled")

    LIVE = (Status.BOOKED, Status.WAITLISTED)

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="bookings")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="bookings"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(status__in=["booked", "waitlisted"]),
                name="booking_one_live_per_shift",
            )
        ]
        indexes = [models.Index(fields=["shift", "status", "created_at"], name="booking_shift_queue")]

    def __str__(self) -> str:
        return f"{self.volunteer_id} · {self.shift_id} · {self.status}"


class HourLog(models.Model):
    """Hours a volunteer gave, at a shift or in a free activity, awaiting or after review."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("hours status", "pending")
        APPROVED = "approved", pgettext_lazy("hours status", "approved")
        REJECTED = "rejected", pgettext_lazy("hours status", "rejected")

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="hours"
    )
    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.PROTECT, null=True, blank=True, related_name="hour_logs"
    )
    activity = models.CharField(_("activity"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    # The client's idempotency key: submitting the same entry twice stores it once.
    client_token = models.UUIDField(_("client token"), default=uuid.uuid4)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("hour log")
        verbose_name_plural = _("hour logs")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "client_token"], name="hourlog_unique_client_token"),
            models.UniqueConstraint(
                fields=["volunteer", "shift"],
                condition=Q(shift__isnull=False) & ~Q(status="rejected"),
                name="hourlog_one_counted_per_shift",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="hourlog_hours_in_day"),
            models.CheckConstraint(
                condition=Q(shift__isnull=False) | ~Q(activity=""), name="hourlog_shift_or_activity"
            ),
        ]
        indexes = [models.Index(fields=["status", "date"], name="hourlog_status_date")]

    def __str__(self) -> str:
        return f"{self.volunteer_id} · {self.date} · {self.hours}"


class Certificate(models.Model):
    """An issued certificate of volunteer service record (Volunteer Service Regulations Art. 19).

    The figures are a snapshot taken when issued, so the PDF and the public
    verification page always agree with what was handed out.
    """

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="certificates")
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    total_hours = models.DecimalField(_("total hours"), max_digits=8, decimal_places=2)
    snapshot = models.JSONField(_("contents"), default=dict)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.code
