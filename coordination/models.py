"""Cases and closed-loop referrals.

Final model fields (kept stable for the matching engine; later changes only add fields):

- ``Supervisee``: uuid, name, given_name, sex, date_of_birth, resident_id_encrypted (Fernet token),
  resident_id_hash (HMAC-SHA256, unique: look-up and duplicate detection), resident_id_masked,
  phone (E.164), household_type, township (FK services.Township), address, judicial_office
  (FK services.Organisation, kind judicial_office), sentence_type, offence_category,
  correction_start, correction_end, risk_level, supervision_level, status, is_minor (a minor when
  correction began: Art. 54 scoping), preferred_language, case_number (the platform's 矫正编号,
  generated on first save, never edited: ``<year>-<office id, 3 digits>-<sequence, 4 digits>``),
  created_by, created_at, updated_at.
- ``CorrectionTeamMember``: supervisee, role (officer, social_worker, volunteer, family_contact),
  user (nullable for family), name, sex, phone, meeting_schedule (what a volunteer sees), is_active,
  created_at.
- ``Need``: supervisee, category (FK services.ServiceCategory), urgency (1 low, 2 normal, 3 high),
  description, status (open, referred, met, closed), opened_at, closed_at, created_by.
- ``CaseNote``: supervisee, author, kind, body, created_at.
- ``Consent``: supervisee, organisation, method, note, recorded_by, granted_at, expires_at, withdrawn_at.
- ``Referral``: uuid, need, offering (FK services.ServiceOffering), state, holds_place, message,
  consent, consent_override, consent_override_reason, deadline, sent_at, responded_at,
  service_started_at, closed_at, outcome_grade, outcome_note, decline_reason, escalation_level,
  escalated_at, created_by, sent_by, created_at, updated_at.
- ``ReferralEvent``: referral, actor (null: the system), from_state, to_state, note, created_at.
- ``AccessLog``: user, username, supervisee, action (read, export, list_export), object_type,
  object_id, purpose, path, created_at. Append-only.
- Notifications live in the ``notifications`` app (the outbox of every app).

The choices ``SentenceType``, ``RiskLevel``, ``HouseholdType`` and ``Sex`` use the same names and
values as the directory's (services.models); the lead unifies them at merge.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.validators import validate_person_name
from services.models import (
    HouseholdType,
    Organisation,
    RiskLevel,
    SentenceType,
    ServiceCategory,
    ServiceOffering,
    Sex,
    Township,
)

# Shared with the directory's eligibility rules: one definition, in services.models.


class SupervisionLevel(models.TextChoices):
    STRICT = "strict", _("strict")
    ORDINARY = "ordinary", _("ordinary")
    LENIENT = "lenient", _("lenient")


class OffenceCategory(models.TextChoices):
    TRAFFIC = "traffic", _("dangerous driving and traffic offences")
    THEFT = "theft", _("theft")
    FRAUD = "fraud", _("fraud")
    ASSAULT = "assault", _("intentional injury")
    AFFRAY = "affray", _("affray and provoking trouble")
    DRUGS = "drugs", _("drug offences")
    GAMBLING = "gambling", _("gambling")
    CORRUPTION = "corruption", _("corruption and bribery")
    ENVIRONMENT = "environment", _("environmental and resource offences")
    OTHER = "other", _("other")


CASE_NUMBER_TRIES = 5


def case_number_prefix(office_id: int, year: int) -> str:
    """``2026-007-``: the registration year (Beijing time) and the judicial office's id."""
    return f"{year}-{office_id:03d}-"


def next_case_number(office_id: int, year: int) -> str:
    """The next free platform case number of an office in a year: ``2026-007-0042``.

    The sequence restarts every year per office and has at least four digits, so its last four
    are what lists show to tell people of the same name apart.
    """
    prefix = case_number_prefix(office_id, year)
    last = (
        Supervisee.objects.filter(case_number__startswith=prefix)
        .order_by(Length("case_number").desc(), "-case_number")
        .values_list("case_number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


class Supervisee(models.Model):
    """A person serving a community sentence (社区矫正对象). The whole record is sensitive (PIPL Art. 28)."""

    class Status(models.TextChoices):
        INTAKE = "intake", _("intake")
        REGISTERED = "registered", _("registered")
        UNDER_CORRECTION = "under_correction", _("under correction")
        SUSPENDED = "suspended", _("suspended while detained")
        RELEASED = "released", _("released")
        TERMINATED = "terminated", _("terminated")

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("full name"), max_length=100, validators=[validate_person_name])
    given_name = models.CharField(
        _("given name"),
        max_length=50,
        validators=[validate_person_name],
        help_text=_("What volunteers see instead of the full name."),
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    # The resident ID number never lies in the database in clear: a Fernet token, an HMAC
    # for look-ups and duplicate detection, and a masked form for lists.
    resident_id_encrypted = models.TextField(_("resident ID number (encrypted)"), editable=False)
    resident_id_hash = models.CharField(_("resident ID number (keyed hash)"), max_length=64, editable=False)
    resident_id_masked = models.CharField(_("resident ID number (masked)"), max_length=18, editable=False)
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    household_type = models.CharField(_("household type"), max_length=10, choices=HouseholdType.choices)
    township = models.ForeignKey(
        Township, verbose_name=_("township"), on_delete=models.PROTECT, related_name="supervisees"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    judicial_office = models.ForeignKey(
        Organisation,
        verbose_name=_("judicial office"),
        on_delete=models.PROTECT,
        related_name="supervisees",
        limit_choices_to={"kind": Organisation.Kind.JUDICIAL_OFFICE},
    )
    sentence_type = models.CharField(_("sentence type"), max_length=32, choices=SentenceType.choices)
    offence_category = models.CharField(_("offence category"), max_length=32, choices=OffenceCategory.choices)
    correction_start = models.DateField(_("correction starts"))
    correction_end = models.DateField(_("correction ends"))
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    supervision_level = models.CharField(
        _("supervision level"), max_length=10, choices=SupervisionLevel.choices, default=SupervisionLevel.ORDINARY
    )
    # Changed only by the supervision app's status actions (register, announce, suspend, release, terminate).
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INTAKE, editable=False)
    is_minor = models.BooleanField(
        _("minor"), default=False, editable=False, help_text=_("Under 18 when correction began (Art. 54).")
    )
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="zh-hans")
    case_number = models.CharField(
        _("case number"),
        max_length=24,
        unique=True,
        editable=False,
        help_text=_("The platform's own number for this case, given at registration; never changed by hand."),
    )
    # The supervisee's own sign-in (issue 15: their phone page), given by an officer; never a staff account.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("own sign-in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="supervisee_self",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Sealing of a juvenile record (Criminal Procedure Law Art. 286; CCL Art. 54), set only by
    # ``supervision.sealing.actions.seal`` when the case closes. A sealed record is left out of every scoped
    # selector (``coordination.sealing``) except for a user holding a live opening (``SealedRecordOpening``).
    sealed_at = models.DateTimeField(_("sealed"), null=True, blank=True, editable=False, db_index=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sealed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("Empty: sealed by the system when the case closed."),
    )
    seal_ground = models.CharField(_("ground for sealing"), max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("supervisee")
        verbose_name_plural = _("supervisees")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["resident_id_hash"], name="supervisee_unique_resident_id"),
            models.CheckConstraint(
                condition=Q(correction_end__gte=F("correction_start")), name="supervisee_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["judicial_office", "status"], name="supervisee_office_status"),
            models.Index(fields=["township", "risk_level"], name="supervisee_township_risk"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """The first save gives the case number; registrations of one office take turns (and retry if need be)."""
        if self.case_number or self.pk:
            super().save(*args, **kwargs)
            return
        year = timezone.localdate().year
        for attempt in range(CASE_NUMBER_TRIES):
            try:
                with transaction.atomic():
                    # Registrations in one office queue on the office's row until the transaction ends,
                    # so each sees the number the one before took (PostgreSQL; the retry is the fallback).
                    Organisation.objects.select_for_update().filter(pk=self.judicial_office_id).first()
                    self.case_number = next_case_number(self.judicial_office_id, year)
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                taken = Supervisee.objects.filter(case_number=self.case_number).exists()
                self.case_number = ""
                if not taken or attempt == CASE_NUMBER_TRIES - 1:
                    raise


# The statuses of a person still serving the sentence (in intake, registered, under correction or
# suspended while detained): they have live needs, referrals and obligations.
LIVE_STATUSES = (
    Supervisee.Status.INTAKE,
    Supervisee.Status.REGISTERED,
    Supervisee.Status.UNDER_CORRECTION,
    Supervisee.Status.SUSPENDED,
)


class CorrectionTeamMember(models.Model):
    """A member of a supervisee's correction team (矫正小组, Art. 25)."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("judicial-office officer")
        SOCIAL_WORKER = "social_worker", _("social worker")
        VOLUNTEER = "volunteer", _("volunteer")
        FAMILY_CONTACT = "family_contact", _("family contact")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="team"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction_teams",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    meeting_schedule = models.CharField(
        _("meeting times"), max_length=200, blank=True, help_text=_("For example: Wednesdays 15:00 at the office.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("correction team member")
        verbose_name_plural = _("correction team members")
        ordering = ["role", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervisee", "user", "role"],
                condition=Q(user__isnull=False),
                name="team_member_unique_user_role",
            ),
        ]
        indexes = [models.Index(fields=["user", "role", "is_active"], name="team_member_user_role")]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_role_display()}"


# The longest text a person types into one box, pages and API alike (forms and serializers use these).
TEXT_MAX_LENGTH = 2000  # a need's description, a message to a provider, a transition note or reason
NOTE_MAX_LENGTH = 5000  # a case note


class Need(models.Model):
    """Something a supervisee needs help with, in a directory category."""

    class Urgency(models.IntegerChoices):
        LOW = 1, _("low")
        NORMAL = 2, _("normal")
        HIGH = 3, _("high")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        REFERRED = "referred", _("referred")
        MET = "met", _("met")
        CLOSED = "closed", _("closed")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="needs"
    )
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="needs"
    )
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-urgency", "opened_at", "pk"]
        indexes = [
            models.Index(fields=["supervisee", "status"], name="need_supervisee_status"),
            models.Index(fields=["status", "category"], name="need_status_category"),
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.get_status_display()})"


class CaseNote(models.Model):
    """A dated note in a supervisee's file (visit, call, meeting)."""

    class Kind(models.TextChoices):
        NOTE = "note", _("note")
        VISIT = "visit", _("home visit")
        CALL = "call", _("phone call")
        MEETING = "meeting", _("meeting")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class Consent(models.Model):
    """The supervisee's separate consent to share their record with one organisation (PIPL Arts. 23, 29)."""

    class Method(models.TextChoices):
        WRITTEN = "written", _("signed form")
        ORAL = "oral", _("oral, witnessed")
        ELECTRONIC = "electronic", _("electronic signature")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="consents"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("how it was given"), max_length=12, choices=Method.choices, default=Method.WRITTEN)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("given"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-granted_at", "-pk"]
        indexes = [models.Index(fields=["supervisee", "organisation"], name="consent_supervisee_org")]

    def __str__(self) -> str:
        return f"{self.supervisee} → {self.organisation}"


class Referral(models.Model):
    """One need sent to one service offering, tracked until it closes with an outcome.

    The state changes only through ``coordination.actions.transition`` (one table of
    allowed transitions). ``holds_place`` says whether the referral holds one of the
    offering's places; the accept action takes it by conditional update.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        IN_SERVICE = "in_service", _("in service")
        COMPLETED = "completed", _("completed")
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("expired")

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", _("achieved")
        PARTLY = "partly", _("partly achieved")
        NOT_ACHIEVED = "not_achieved", _("not achieved")

    OPEN_STATES = (State.DRAFT, State.SENT, State.ACCEPTED, State.IN_SERVICE)

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="referrals")
    offering = models.ForeignKey(
        ServiceOffering, verbose_name=_("service"), on_delete=models.PROTECT, related_name="referrals"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    holds_place = models.BooleanField(_("holds a place"), default=False, editable=False)
    message = models.TextField(_("message to the provider"), blank=True)
    consent = models.ForeignKey(
        Consent, verbose_name=_("consent"), on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    consent_override = models.BooleanField(_("sent without consent (officer override)"), default=False)
    consent_override_reason = models.CharField(_("reason for the override"), max_length=255, blank=True)
    deadline = models.DateTimeField(_("answer due"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    service_started_at = models.DateTimeField(_("service started"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome_grade = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation"), default=0, help_text=_("0 none, 1 the officer, 2 the bureau.")
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="completed") | ~Q(outcome_grade=""), name="referral_completed_has_outcome"
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""), name="referral_declined_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(holds_place=False) | Q(state__in=["accepted", "in_service"]),
                name="referral_place_only_when_accepted",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="referral_state_deadline"),
            models.Index(fields=["offering", "state"], name="referral_offering_state"),
            # Lists are newest first: lets the database read the first page from the index.
            models.Index(fields=["-created_at", "-id"], name="referral_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.need} → {self.offering}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class ReferralEvent(models.Model):
    """One transition of a referral: who, when, from, to, note, and who may read it (``audience``)."""

    class Audience(models.TextChoices):
        CASE_STAFF = "case", _("case staff only")
        BOTH_SIDES = "both", _("case staff and the provider")

    referral = models.ForeignKey(Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system did it (deadline, escalation)."),
    )
    from_state = models.CharField(_("from"), max_length=12, choices=Referral.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=Referral.State.choices)
    note = models.TextField(_("note"), blank=True)
    # Case staff's notes are for case staff unless written for the provider (coordination.actions.transition).
    audience = models.CharField(
        _("audience"), max_length=8, choices=Audience.choices, default=Audience.CASE_STAFF, db_index=True
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state or '∅'} → {self.to_state}"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an access-log row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the access log is append-only")

    def delete(self):
        raise AppendOnlyError("the access log is append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("the access log is append-only")


# What the access log shows for the codes the pages and the API record (other purposes are free text).
ACCESS_PURPOSES = {
    "casework": pgettext_lazy("access log purpose", "casework"),
    "edit": pgettext_lazy("access log purpose", "editing the record"),
    "team": pgettext_lazy("access log purpose", "correction team"),
    "api": pgettext_lazy("access log purpose", "API"),
    "match suggestions": pgettext_lazy("access log purpose", "match suggestions"),
    "audit review": pgettext_lazy("access log purpose", "reviewing the access log"),
    # Outcomes of an ID-number duplicate check at intake or edit (finding 10 of issue 11).
    "id check: no match": pgettext_lazy("access log purpose", "ID check: no match"),
    "id check: visible": pgettext_lazy("access log purpose", "ID check: registered in a record the user sees"),
    "id check: elsewhere": pgettext_lazy("access log purpose", "ID check: registered in another office"),
    "id check: sealed": pgettext_lazy("access log purpose", "ID check: matched a sealed record"),
    # A bureau administrator opened a sealed juvenile record for a judicial organ (CPL Art. 286).
    "sealed opening": pgettext_lazy("access log purpose", "opening a sealed record"),
}
PROBE_ELSEWHERE = "id check: elsewhere"
PROBE_SEALED = "id check: sealed"
ACCESS_OBJECT_TYPES = {
    "supervisee": pgettext_lazy("access log record", "supervisee"),
    "referral": pgettext_lazy("access log record", "referral"),
    "caseload": pgettext_lazy("access log record", "caseload"),
    "need": pgettext_lazy("access log record", "need"),
    "case note": pgettext_lazy("access log record", "case note"),
    "team member": pgettext_lazy("access log record", "team member"),
    "match proposal": pgettext_lazy("access log record", "match proposal"),
    "mentor proposal": pgettext_lazy("access log record", "mentor proposal"),
    "resident id": pgettext_lazy("access log record", "resident ID number (keyed hash)"),
    "api token": pgettext_lazy("access log record", "API token"),
    "access log": pgettext_lazy("access log record", "access log page"),
    "sealed_opening": pgettext_lazy("access log record", "opening of a sealed record"),
    # Written by the supervision app's selectors.
    "obligation": pgettext_lazy("access log record", "obligation (deadline)"),
    "correction_plan": pgettext_lazy("access log record", "correction plan"),
    "classification_review": pgettext_lazy("access log record", "classification review"),
    # A private attachment downloaded (a signed scan, a proof, a health report): accounts/attachments.py.
    "attachment": pgettext_lazy("access log record", "attachment (uploaded file)"),
    # Reporting, visits and lost contact (issue 15, items 1-3).
    "check_in": pgettext_lazy("access log record", "check-in"),
    "visit": pgettext_lazy("access log record", "visit"),
    "health_report": pgettext_lazy("access log record", "health report"),
    "lost_contact": pgettext_lazy("access log record", "lost-contact episode"),
    "reporting_plan": pgettext_lazy("access log record", "reporting plan decision"),
    "movement_request": pgettext_lazy("access log record", "movement or contact request"),
    "prohibition_order": pgettext_lazy("access log record", "prohibition order"),
    "monitoring_period": pgettext_lazy("access log record", "location-monitoring approval"),
    # Rewards and sanctions, counselling (issue 16, items 2 and 4).
    "sanction_proposal": pgettext_lazy("access log record", "reward or sanction proposal"),
    "sanction_ground": pgettext_lazy("access log record", "sanction ground (recorded fact)"),
    "counselling_session": pgettext_lazy("access log record", "counselling session (summary)"),
    "counselling_note": pgettext_lazy("access log record", "counselling note"),
    "psych_assessment": pgettext_lazy("access log record", "psychological assessment"),
    # Social-work case plans (issue 16, item 5).
    "case_plan": pgettext_lazy("access log record", "social-work case plan"),
    "case_goal": pgettext_lazy("access log record", "case plan goal"),
    "case_intervention": pgettext_lazy("access log record", "case plan intervention"),
    "case_review": pgettext_lazy("access log record", "case plan progress review"),
    "case_plan_event": pgettext_lazy("access log record", "case plan change (history)"),
    # Monthly assessment (issue 16, item 1).
    "assessment": pgettext_lazy("access log record", "monthly assessment"),
    # The document register (records).
    "issued_document": pgettext_lazy("access log record", "issued document"),
    # The case archive (its table of contents, retention report) and the bureau's figures drawn from records.
    "case_archive": pgettext_lazy("access log record", "case archive"),
    "bureau report": pgettext_lazy("access log record", "bureau report"),
}


class AccessLog(models.Model):
    """Who read or exported which case record, when and why (PIPL Arts. 55-56). Append-only.

    No code path updates or deletes a row: the queryset and the instance refuse it, and on
    PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE in the database itself.
    """

    class Action(models.TextChoices):
        READ = "read", _("read")
        EXPORT = "export", _("export")
        PROBE = "probe", _("ID-number check")
        TOKEN_USE = "token_use", _("API token use")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    username = models.CharField(_("username"), max_length=150)
    supervisee = models.ForeignKey(
        Supervisee,
        verbose_name=_("supervisee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_logs",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=40)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the access log is append-only")

    def get_purpose_display(self) -> str:
        # An API read carries the token's label after the purpose: "api · 对接系统".
        key, sep, rest = self.purpose.partition(" · ")
        return str(ACCESS_PURPOSES.get(key, key)) + sep + rest

    def get_object_type_display(self) -> str:
        return str(ACCESS_OBJECT_TYPES.get(self.object_type, self.object_type))


class SealedRecordOpening(models.Model):
    """A bureau administrator's opening of a sealed record for a judicial organ's case-handling request
    (Criminal Procedure Law Art. 286: sealed records are given only to judicial organs for handling a case or
    to units querying under state rules). Grants the opener read access to that one record until
    ``expires_at``; every read in that time is in the access log. Append-only."""

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.PROTECT, related_name="sealed_openings"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opener (bureau administrator)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organ = models.CharField(_("requesting judicial organ"), max_length=200)
    reference = models.CharField(_("reference number of the request"), max_length=100)
    purpose = models.TextField(_("legal purpose"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("access ends"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("opening of a sealed record")
        verbose_name_plural = _("openings of sealed records")
        ordering = ["-opened_at", "-pk"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("opened_at")), name="sealed_opening_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.opened_at:%Y-%m-%d %H:%M} {self.organ} {self.reference}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("openings of sealed records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("openings of sealed records are append-only")
