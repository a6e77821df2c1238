"""Movement and contact requests, prohibition orders and location-monitoring approvals (issue 15, items 4-6).

- ``MovementRequest``: one request of a supervisee to travel out of the city or county (外出), hold a
  frequent-travel permit for work, change the place of execution (执行地变更), meet a specified person
  (会客) or enter a place a prohibition order restricts; its route (who decides) is computed from the rule
  book when it is made, and its state moves only along ``supervision.movement.actions.MACHINE``.
- ``MovementAttachment``: a proof uploaded with a request (image or PDF, checked by content).
- ``ProhibitionOrder`` and ``ProhibitionBreach``: a court's prohibition order (禁止令) and its violations.
- ``MonitoringPeriod``: one approved period of electronic location monitoring (CCL Art. 29), at most the
  rule book's months, which a database constraint enforces; ``LocationDataAccess``: a record of any access
  to location data held elsewhere (the platform stores no location tracks).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.attachments import private_storage
from coordination.models import TEXT_MAX_LENGTH, Supervisee

# The statutory longest monitoring period (CCL Art. 29; rule ``monitoring_max_months``). The check
# constraint below holds it in the database; a test keeps the rule row and this bound in agreement.
MONITORING_MAX_MONTHS = 3


def attachment_path(instance: MovementAttachment, filename: str) -> str:
    """A non-guessable name: the original name is kept on the row, never in the path."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"supervision/movement/{uuid.uuid4().hex}.{suffix[:5]}"


class MovementRequest(models.Model):
    """A supervisee's request to leave, move, meet someone or enter a restricted place, and its decision."""

    class Kind(models.TextChoices):
        TRAVEL = "travel", _("travel out of the city or county (外出)")
        FREQUENT_TRAVEL = "frequent_travel", _("frequent-travel permit for work")
        RELOCATION = "relocation", _("change of the place of execution (执行地变更)")
        CONTACT = "contact", _("contact with a specified person (会客)")
        ENTRY = "entry", _("entry into a place a prohibition order restricts")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting a decision")
        REFERRED = "referred", _("referred to the level above")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")
        OVERDUE = "overdue", _("not back in time")
        RETURNED = "returned", _("reported back (销假)")
        HANDED_OVER = "handed_over", _("case handed over")

    class Route(models.TextChoices):
        OFFICE = "office", _("head of the judicial office (司法所负责人)")
        BUREAU = "bureau", _("head of the county bureau (县级社区矫正机构负责人)")
        UPPER = "upper", _("the level above the county bureau (上一级社区矫正机构)")

    class Recipient(models.TextChoices):
        COURT = "court", _("people's court")
        PROCURATORATE = "procuratorate", _("people's procuratorate")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="movement_requests"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    route = models.CharField(_("decided by"), max_length=10, choices=Route.choices)
    route_reason = models.CharField(_("why this level decides"), max_length=300)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), max_length=TEXT_MAX_LENGTH)
    people = models.CharField(_("people to meet"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    order = models.ForeignKey(
        "supervision.ProhibitionOrder",
        verbose_name=_("prohibition order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entry_requests",
    )
    short_notice = models.BooleanField(_("applied later than the rule book asks"), default=False)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)
    # Relocation: the consultation with the receiving county (Measures Arts. 30-31).
    receiving_county = models.CharField(_("receiving county"), max_length=200, blank=True)
    consulted_on = models.DateField(_("consultation sent"), null=True, blank=True)
    reply_on = models.DateField(_("reply received"), null=True, blank=True)
    reply_agrees = models.BooleanField(_("the receiving county agrees"), null=True, blank=True)
    handed_over_on = models.DateField(_("documents and archive handed over"), null=True, blank=True)
    # Referred upward: the bureau records the level above's decision.
    referred_on = models.DateField(_("referred upward"), null=True, blank=True)
    upper_reference = models.CharField(_("the level above's decision (number)"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    # Contact and entry: the notice to the court or procuratorate.
    notice_to = models.CharField(_("notice sent to"), max_length=20, choices=Recipient.choices, blank=True)
    notice_on = models.DateField(_("notice sent on"), null=True, blank=True)
    returned_on = models.DateField(_("reported back on"), null=True, blank=True)

    class Meta:
        verbose_name = _("movement request")
        verbose_name_plural = _("movement requests")
        ordering = ["-applied_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="movement_request_end_after_start"),
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "referred", "withdrawn"]) | Q(decided_by__isnull=False),
                name="movement_request_decider",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("applied_by")),
                name="movement_request_not_own",
            ),
        ]
        indexes = [models.Index(fields=["state", "route"], name="movement_request_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.start:%Y-%m-%d}"

    @property
    def days(self) -> int:
        """Calendar days away, both ends counted."""
        return (self.end - self.start).days + 1


class MovementAttachment(models.Model):
    """A proof uploaded with a request (a hospital letter, an invitation): JPEG, PNG or PDF."""

    request = models.ForeignKey(
        MovementRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("request attachment")
        verbose_name_plural = _("request attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ProhibitionOrder(models.Model):
    """A prohibition order (禁止令) the court imposed: what it forbids, in its own words, and its period."""

    class Kind(models.TextChoices):
        PLACES = "places", _("entering specified places or areas")
        PEOPLE = "people", _("contact with specified people")
        ACTIVITIES = "activities", _("engaging in specified activities")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="prohibition_orders"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("what the order forbids"), max_length=TEXT_MAX_LENGTH)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("prohibition order")
        verbose_name_plural = _("prohibition orders")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="prohibition_order_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


class ProhibitionBreach(models.Model):
    """A recorded violation of a prohibition order; it records the ``PROHIBITION_BREACH`` ground."""

    order = models.ForeignKey(
        ProhibitionOrder, verbose_name=_("prohibition order"), on_delete=models.CASCADE, related_name="breaches"
    )
    occurred_on = models.DateField(_("date"))
    facts = models.TextField(_("facts"), max_length=TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("prohibition order breach")
        verbose_name_plural = _("prohibition order breaches")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.order_id} · {self.occurred_on:%Y-%m-%d}"


class MonitoringPeriod(models.Model):
    """One approved period of electronic location monitoring (CCL Art. 29; Measures Art. 37): the ground, the
    months (never more than the legal maximum: a database constraint), the device, and an early end."""

    class Ground(models.TextChoices):
        PROHIBITION_BREACH = "prohibition_breach", _("violated a prohibition order")
        LEFT_WITHOUT_APPROVAL = "left_without_approval", _("left the city or county without approval or reason")
        WARNED_FOR_NOT_REPORTING = "warned_not_reporting", _("refused to report as required and was warned")
        PUBLIC_ORDER_PENALTY = "public_order_penalty", _("received a public-order penalty for breaking the rules")
        REVOCATION_PROPOSED = "revocation_proposed", _("revocation or imprisonment is about to be proposed")

    supervisee = models.ForeignKey(
        Supervisee, verbose_name=_("supervisee"), on_delete=models.CASCADE, related_name="monitoring_periods"
    )
    ground = models.CharField(_("statutory ground"), max_length=30, choices=Ground.choices)
    facts = models.TextField(_("facts"), max_length=TEXT_MAX_LENGTH)
    extends = models.OneToOneField(
        "self",
        verbose_name=_("extends"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extension",
    )
    assessment = models.TextField(_("fresh assessment (for an extension)"), max_length=TEXT_MAX_LENGTH, blank=True)
    start = models.DateField(_("from"))
    months = models.PositiveSmallIntegerField(_("months"))
    end = models.DateField(_("until"))
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    told_on = models.DateField(_("told the period and consequences on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), auto_now_add=True)
    ended_on = models.DateField(_("ended early on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended early"), max_length=300, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("location-monitoring period")
        verbose_name_plural = _("location-monitoring periods")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(months__gte=1) & Q(months__lte=MONITORING_MAX_MONTHS), name="monitoring_at_most_3_months"
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="monitoring_end_after_start"),
            models.CheckConstraint(
                condition=Q(extends__isnull=True) | ~Q(assessment=""), name="monitoring_extension_assessed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisee_id} · {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


class LocationDataAccess(models.Model):
    """Somebody looked at the person's location data in another system: who, when, why. Append-only."""

    period = models.ForeignKey(
        MonitoringPeriod, verbose_name=_("monitoring period"), on_delete=models.CASCADE, related_name="accesses"
    )
    accessed_by = models.CharField(_("who looked"), max_length=100)
    accessed_at = models.DateTimeField(_("when"))
    system = models.CharField(_("which system"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("location-data access")
        verbose_name_plural = _("location-data accesses")
        ordering = ["-accessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.accessed_by} · {self.accessed_at:%Y-%m-%d %H:%M}"


__all__ = [
    "MONITORING_MAX_MONTHS",
    "LocationDataAccess",
    "MonitoringPeriod",
    "MovementAttachment",
    "MovementRequest",
    "ProhibitionBreach",
    "ProhibitionOrder",
]
