"""The directory: townships, organisations, staff memberships, service categories and offerings."""

from __future__ import annotations

import uuid

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_safe_url


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


class Language(models.TextChoices):
    """Languages a service is offered in: BCP 47 codes, with private-use tags for dialects."""

    MANDARIN = "zh", _("Mandarin Chinese")
    HENAN_DIALECT = "zh-x-henan", _("Henan dialect")
    CANTONESE = "yue", _("Cantonese")
    ENGLISH = "en", _("English")
    SIGN_LANGUAGE = "csl", _("Chinese Sign Language")


SENTENCE_TYPES = SentenceType
RISK_LEVELS = RiskLevel
HOUSEHOLD_TYPES = HouseholdType


class ChoiceListField(models.JSONField):
    """A list of codes from fixed choices, stored as JSON (portable across SQLite and PostgreSQL).

    Forms show it as check boxes; an empty list means "no restriction".
    """

    def __init__(self, *args, choice_set: type[models.TextChoices] | None = None, **kwargs):
        self.choice_set = choice_set
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.choice_set is not None:
            kwargs["choice_set"] = self.choice_set
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = set(self.choice_set.values) if self.choice_set else None
        if not isinstance(value, list) or (allowed is not None and not set(value) <= allowed):
            raise ValidationError(_("Choose from the listed values."), code="invalid_choice")

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.choice_set.choices if self.choice_set else [],
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


def validate_rrule(value: str) -> None:
    """An RFC 5545 recurrence rule (``FREQ=WEEKLY;BYDAY=MO,WE``), optionally with a DTSTART line.

    One rule, at most daily, that occurs at least once within three years of its start:
    anything else is a mistake, and would make working out the next dates expensive.
    """
    if not value.strip():
        return
    try:
        rule = rrulestr(value.strip(), forceset=False)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise ValidationError(
            _("Not a valid RFC 5545 recurrence rule (for example FREQ=WEEKLY;BYDAY=MO,WE): %(error)s"),
            code="invalid_rrule",
            params={"error": exc},
        ) from exc
    if not isinstance(rule, rrule):
        raise ValidationError(_("Give a single recurrence rule."), code="invalid_rrule")
    if rule._freq not in (YEARLY, MONTHLY, WEEKLY, DAILY):
        raise ValidationError(_("A service recurs at most daily (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)."))
    parts = rrule_parts(value)
    unsupported = sorted(set(parts) - RRULE_PARTS)
    if unsupported:
        raise ValidationError(
            _("These parts of a recurrence rule are not supported here: %(parts)s"),
            code="invalid_rrule",
            params={"parts": ", ".join(unsupported)},
        )
    if "BYMONTHDAY" in parts:
        # dateutil searches until the year 9999 for a rule that never occurs (30 February): refuse it.
        months = [int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else range(1, 13)
        days = [abs(int(d)) for d in parts["BYMONTHDAY"].split(",")]
        longest = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
        if not any(day <= longest[month] for month in months for day in days):
            raise ValidationError(_("This rule never occurs."), code="invalid_rrule")


# The parts of an RRULE a service schedule may use (BYDAY covers "first Monday": 1MO).
RRULE_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", "BYMONTHDAY", "BYMONTH"}


def rrule_parts(value: str) -> dict[str, str]:
    """The RRULE line of a rule as a dict of upper-case keys (``{"FREQ": "WEEKLY", "BYDAY": "MO,WE"}``)."""
    parts: dict[str, str] = {}
    for line in value.strip().splitlines():
        line = line.strip()
        if line.upper().startswith("DTSTART"):
            continue
        if line.upper().startswith("RRULE:"):
            line = line[6:]
        for item in line.split(";"):
            if "=" in item:
                key, val = item.split("=", 1)
                parts[key.strip().upper()] = val.strip().upper()
    return parts


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
    website = models.URLField(_("website"), blank=True, validators=[validate_safe_url])
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
        # The approvers (issues 14 and 15): the office head (司法所负责人) approves short travel and
        # classification changes; the bureau head (局负责人) longer travel, relocation, contact, entry,
        # location monitoring and sanctions. Each also holds every power of the role below it
        # (accounts.roles.IMPLIED_ROLES).
        OFFICE_HEAD = "office_head", _("judicial-office head")
        BUREAU_HEAD = "bureau_head", _("justice-bureau head")

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
        Role.OFFICE_HEAD: (Organisation.Kind.JUDICIAL_OFFICE,),
        Role.BUREAU_HEAD: (Organisation.Kind.JUSTICE_BUREAU,),
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

    # --- Eligibility: structured rules the matcher evaluates (empty means "no restriction").
    household_type = models.CharField(
        _("household type"),
        max_length=10,
        choices=HouseholdType.choices,
        blank=True,
        default="",
        help_text=_("Leave empty if both rural and urban households are accepted."),
    )
    whole_city = models.BooleanField(
        _("serves the whole city"),
        default=True,
        help_text=_("Untick and choose townships to limit the service area."),
    )
    service_townships = models.ManyToManyField(
        Township, verbose_name=_("townships served"), blank=True, related_name="served_by_offerings"
    )
    sex = models.CharField(
        _("sex"), max_length=10, choices=Sex.choices, blank=True, default="", help_text=_("Leave empty for everyone.")
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    sentence_types = ChoiceListField(
        _("sentence types accepted"),
        choice_set=SentenceType,
        help_text=_("Leave all unticked to accept every sentence type."),
    )
    risk_levels = ChoiceListField(
        _("risk levels accepted"), choice_set=RiskLevel, help_text=_("Leave all unticked to accept every risk level.")
    )
    accepts_minors = models.BooleanField(_("accepts minors"), default=False)
    income_limit = models.DecimalField(
        _("income limit (yuan per month)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only people whose household income per person is at most this amount are eligible."),
    )
    languages = ChoiceListField(_("languages"), choice_set=Language)
    eligibility_description = models.TextField(_("who is eligible"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)

    # --- Schedule (RFC 5545, as HSDS does)
    schedule_rrule = models.TextField(
        _("recurrence rule"),
        blank=True,
        validators=[validate_rrule],
        help_text=_("RFC 5545 RRULE, for example FREQ=WEEKLY;BYDAY=MO,WE,FR"),
    )
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_description = models.CharField(_("opening hours (description)"), max_length=255, blank=True)

    # --- Where, what it costs, whom to ask
    locations = models.ManyToManyField(
        "Location",
        verbose_name=_("locations"),
        through="ServiceAtLocation",
        blank=True,
        related_name="offerings",
    )
    is_free = models.BooleanField(_("free of charge"), default=True)
    cost_description = models.CharField(_("cost"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

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
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=F("max_age")),
                name="offering_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(income_limit__isnull=True) | Q(income_limit__gte=0),
                name="offering_income_limit_non_negative",
            ),
        ]
        indexes = [models.Index(fields=["category", "is_active"], name="offering_category_active")]

    def __str__(self) -> str:
        return self.name

    @property
    def vacancies(self) -> int:
        return max(self.capacity - self.places_taken, 0)

    @property
    def availability(self):
        """The public band (none / few / available) instead of the exact count (services.availability)."""
        from services.availability import band

        return band(self.vacancies)

    def clean(self) -> None:
        errors = {}
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = _("The maximum age must not be below the minimum age.")
        if (self.opens_at is None) != (self.closes_at is None):
            errors["closes_at"] = _("Give both the opening and the closing time, or neither.")
        elif self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            errors["closes_at"] = _("The closing time must be after the opening time.")
        if errors:
            raise ValidationError(errors)

    @property
    def language_names(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.languages]

    def accepts(
        self,
        *,
        household_type: str = "",
        township_id: int | None = None,
        sex: str = "",
        age: int | None = None,
        sentence_type: str = "",
        risk_level: str = "",
        monthly_income=None,
    ) -> bool:
        """Whether a person with these attributes meets the structured eligibility (unknown = not excluded).

        ``township_id`` needs ``service_townships`` prefetched to avoid a query per offering.
        """
        if self.household_type and household_type and household_type != self.household_type:
            return False
        served = {t.pk for t in self.service_townships.all()} if not self.whole_city else set()
        if not self.whole_city and township_id is not None and township_id not in served:
            return False
        if self.sex and sex and sex != self.sex:
            return False
        if age is not None:
            if self.min_age is not None and age < self.min_age:
                return False
            if self.max_age is not None and age > self.max_age:
                return False
            if age < 18 and not self.accepts_minors:
                return False
        if self.sentence_types and sentence_type and sentence_type not in self.sentence_types:
            return False
        if self.risk_levels and risk_level and risk_level not in self.risk_levels:
            return False
        return self.income_limit is None or monthly_income is None or monthly_income <= self.income_limit


class Location(models.Model):
    """A place where services are delivered (HSDS location, physical)."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="locations",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=255)
    township = models.ForeignKey(
        Township, verbose_name=_("township"), on_delete=models.PROTECT, related_name="locations"
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    transportation = models.CharField(_("how to get there"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["township__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="location_unique_name_per_org"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90) & Q(latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180) & Q(longitude__lte=180),
                name="location_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.address}）"


class ServiceAtLocation(models.Model):
    """An offering delivered at a location (HSDS service_at_location), with its own stable id."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    offering = models.ForeignKey(
        ServiceOffering, verbose_name=_("service offering"), on_delete=models.CASCADE, related_name="at_locations"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="service_links"
    )

    class Meta:
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(fields=["offering", "location"], name="service_at_location_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.offering} @ {self.location.name}"


class CapacityChange(models.Model):
    """Who published which capacity for an offering, and when (written only by ``publish_capacity``)."""

    offering = models.ForeignKey(
        ServiceOffering, verbose_name=_("service offering"), on_delete=models.CASCADE, related_name="capacity_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    old_capacity = models.PositiveIntegerField(_("old capacity"))
    new_capacity = models.PositiveIntegerField(_("new capacity"))
    places_taken = models.PositiveIntegerField(_("places taken at the time"), default=0)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("capacity change")
        verbose_name_plural = _("capacity changes")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["offering", "-changed_at"], name="capacity_change_offering")]

    def __str__(self) -> str:
        return f"{self.offering}: {self.old_capacity} → {self.new_capacity}"
