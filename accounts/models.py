from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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
