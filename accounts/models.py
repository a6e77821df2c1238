import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class User(AbstractUser):
    """A person who signs in: staff of an organisation, a volunteer, or an administrator.

    Chinese names do not split into first and last name, so the full name is one field.
    What a user may do comes from their memberships (services.Membership), not from here.
    """

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.first_name or self.username

    def __str__(self) -> str:
        return self.get_full_name()


class HealthReport(models.Model):
    """A daily summary of the system's state, kept for the bureau's operations log."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    summary = models.JSONField(_("summary"), default=dict)
    ok = models.BooleanField(_("healthy"), default=True)

    class Meta:
        verbose_name = _("health report")
        verbose_name_plural = _("health reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {'OK' if self.ok else 'ERROR'}"


class ApiToken(AbstractAuthToken):
    """A named key with which a program (a mobile app, a partner system) uses the API as its user.

    Only the SHA-512 digest is stored (django-rest-knox); the key itself is shown once, when it
    is made. A token acts exactly as its user: same roles, same scoped querysets.
    """

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("token name"), max_length=80)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"

    @property
    def label(self) -> str:
        """How the access log names the token: its name and public id."""
        return f"token {self.name} [{self.uuid}]"


class SecurityEvent(models.Model):
    """A sign-in security decision taken by a person: an unlock, a token revoked, a second factor enrolled."""

    class Kind(models.TextChoices):
        UNLOCKED = "unlocked", _("account unlocked")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        TWO_FACTOR_ENROLLED = "2fa_enrolled", _("two-factor sign-in set up")
        RECOVERY_CODES = "recovery_codes", _("recovery codes replaced")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_username = models.CharField(_("by (user name)"), max_length=150)
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("concerning"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} {self.kind} {self.subject}"


class IdempotencyKey(models.Model):
    """A create a user may retry (double-click, API retry): the key they sent and what the first try made.

    Kept a day (``accounts.idempotency.TTL``); see ``accounts.idempotency.once``.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    endpoint = models.CharField(_("endpoint"), max_length=100)
    key = models.CharField(_("key"), max_length=100)
    # A pointer to the first result: the model label and primary key of the object created.
    result_model = models.CharField(_("result type"), max_length=100, blank=True)
    result_pk = models.CharField(_("result"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "endpoint", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.endpoint}:{self.key}"


class AccountChange(models.Model):
    """A change to who someone is on the platform: invited, a role granted or revoked, deactivated.

    Written only by the people actions in accounts/actions.py, always with the actor and the reason,
    and shown on the user's page. Rows are never edited or deleted.
    """

    class Kind(models.TextChoices):
        INVITED = "invited", _("invited")
        ROLE_GRANTED = "role_granted", _("role granted")
        ROLE_REVOKED = "role_revoked", _("role revoked")
        DEACTIVATED = "deactivated", _("account deactivated")
        REACTIVATED = "reactivated", _("account reactivated")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="account_changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_username = models.CharField(_("by (user name)"), max_length=150)
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "services.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=32, blank=True)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="account_change_has_reason")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} {self.kind} {self.user_id}"

    @property
    def role_label(self) -> str:
        # Looked up through the registry: accounts' models import no other app's models.
        from django.apps import apps

        role = apps.get_model("services", "Membership").Role
        return str(role(self.role).label) if self.role in role.values else self.role
