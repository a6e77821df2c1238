"""The directory: townships, organisations, staff memberships, service categories and offerings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class SentenceType(models.TextChoices):
    """Kinds of community-corrections sentence (社区矫正对象的四类)."""

    SURVEILLANCE = "surveillance", _("public surveillance")
    PROBATION = "probation", _("suspended sentence")
    PAROLE = "parole", _("parole")
    TEMPORARY_EXECUTION = "temporary_execution", _("temporary execution outside prison")


class RiskLevel(models.TextChoices):
    LOW = "low", _("low risk")
    MEDIUM = "medium", _("medium risk")
    HIGH = "high", _("high risk")


class HouseholdType(models.TextChoices):
    """Household registration (户籍) type."""

    RURAL = "rural", _("rural household")
    URBAN = "urban", _("urban household")


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


SENTENCE_TYPES = SentenceType
RISK_LEVELS = RiskLevel
HOUSEHOLD_TYPES = HouseholdType


class BilingualNameMixin(models.Model):
    """A Chinese name (the default) and an English one, shown by the active language."""

    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Township(BilingualNameMixin):
    """A township (乡镇) or subdistrict (街道) of the city."""

    class Kind(models.TextChoices):
        TOWN = "town", _("town")
        TOWNSHIP = "township", _("rural township")
        SUBDISTRICT = "subdistrict", _("subdistrict")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TOWN)
    # A representative point, used by the matcher for distances between townships.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["name"], name="township_unique_name")]


class Organisation(BilingualNameMixin):
    """Any organisation that takes part: the bureau, judicial offices, providers, teams."""

    class Kind(models.TextChoices):
        JUSTICE_BUREAU = "justice_bureau", _("justice bureau")
        JUDICIAL_OFFICE = "judicial_office", _("judicial office")
        TRAINING_PROVIDER = "training_provider", _("training provider")
        EMPLOYER = "employer", _("employer")
        COUNSELLING_CENTRE = "counselling_centre", _("counselling centre")
        WELFARE_OFFICE = "welfare_office", _("welfare office")
        VILLAGE_COMMITTEE = "village_committee", _("village committee")
        SOCIAL_WORK_AGENCY = "social_work_agency", _("social-work agency")
        VOLUNTEER_TEAM = "volunteer_team", _("volunteer team")

    PROVIDER_KINDS = (
        Kind.TRAINING_PROVIDER,
        Kind.EMPLOYER,
        Kind.COUNSELLING_CENTRE,
        Kind.WELFARE_OFFICE,
        Kind.VILLAGE_COMMITTEE,
        Kind.SOCIAL_WORK_AGENCY,
        Kind.VOLUNTEER_TEAM,
        Kind.JUDICIAL_OFFICE,
    )

    # Stable public identifier (HSDS ids, API); survives edits and renames.
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    township = models.ForeignKey(
        Township,
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Leave empty for an organisation that serves the whole city."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="organisation_unique_name")]
        indexes = [models.Index(fields=["kind", "is_active"], name="organisation_kind_active")]

    def clean(self) -> None:
        if self.kind == self.Kind.JUDICIAL_OFFICE and not self.township_id:
            raise ValidationError({"township": _("A judicial office belongs to a township.")})


class Membership(models.Model):
    """A user's role in an organisation. All permissions derive from these rows."""

    class Role(models.TextChoices):
        BUREAU_ADMIN = "bureau_admin", _("bureau administrator")
        OFFICE_OFFICER = "office_officer", _("judicial-office officer")
        SOCIAL_WORKER = "social_worker", _("social worker")
        PROVIDER_STAFF = "provider_staff", _("provider staff")
        VOLUNTEER_COORDINATOR = "volunteer_coordinator", _("volunteer coordinator")
        CONTENT_EDITOR = "content_editor", _("content editor")

    # Which organisation kinds each role can be held in.
    ALLOWED_KINDS: dict[str, tuple[str, ...]] = {
        Role.BUREAU_ADMIN: (Organisation.Kind.JUSTICE_BUREAU,),
        Role.OFFICE_OFFICER: (Organisation.Kind.JUDICIAL_OFFICE,),
        Role.SOCIAL_WORKER: (Organisation.Kind.JUDICIAL_OFFICE, Organisation.Kind.SOCIAL_WORK_AGENCY),
        Role.PROVIDER_STAFF: tuple(Organisation.PROVIDER_KINDS),
        Role.VOLUNTEER_COORDINATOR: (
            Organisation.Kind.VOLUNTEER_TEAM,
            Organisation.Kind.SOCIAL_WORK_AGENCY,
            Organisation.Kind.JUDICIAL_OFFICE,
            Organisation.Kind.JUSTICE_BUREAU,
        ),
        Role.CONTENT_EDITOR: (Organisation.Kind.JUSTICE_BUREAU,),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="membership_user_active")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    def clean(self) -> None:
        allowed = self.ALLOWED_KINDS.get(self.role, ())
        if self.organisation_id and self.organisation.kind not in allowed:
            raise ValidationError({"role": _("This role cannot be held in this kind of organisation.")})


class ServiceCategory(BilingualNameMixin):
    """A kind of help (低保, vocational training, counselling...): the managed taxonomy."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    # HSDS taxonomy_term id: stable across edits.
    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "code"]


class ServiceOffering(models.Model):
    """One service an organisation offers, with a number of places.

    ``places_taken`` counts accepted referrals still holding a place; it only
    changes through the referral actions, by conditional update, and the
    database refuses any value outside 0..capacity.
    """

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="offerings"
    )
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="offerings"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity (places)"), default=0)
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("service offering")
        verbose_name_plural = _("service offerings")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="offering_unique_name_per_org"),
            models.CheckConstraint(condition=Q(capacity__gte=0), name="offering_capacity_non_negative"),
            models.CheckConstraint(
                condition=Q(places_taken__gte=0) & Q(places_taken__lte=F("capacity")),
                name="offering_places_within_capacity",
            ),
        ]
        indexes = [models.Index(fields=["category", "is_active"], name="offering_category_active")]

    def __str__(self) -> str:
        return self.name

    @property
    def vacancies(self) -> int:
        return max(self.capacity - self.places_taken, 0)
