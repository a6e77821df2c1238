"""What operations staff need to see: Celery tasks that failed, kept until someone retries them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedTask(models.Model):
    """One failed run of a Celery task (written by the worker's failure signal), retryable by the bureau."""

    task_name = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    failed_at = models.DateTimeField(_("failed"), auto_now_add=True)
    retried_at = models.DateTimeField(_("retried"), null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retried by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-failed_at", "-pk"]
        indexes = [models.Index(fields=["retried_at", "failed_at"], name="failedtask_open")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"
