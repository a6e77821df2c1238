"""Readiness, metrics, and the bureau's page of failed tasks and undelivered notifications."""

from __future__ import annotations

import hmac
import os

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from notifications.models import Notification
from operations import actions, health, selectors
from operations.models import FailedTask


def _trusted(request: HttpRequest) -> bool:
    """The metrics token (``Authorization: Bearer …``) or a signed-in bureau administrator."""
    token = getattr(settings, "METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and hmac.compare_digest(token, given):
        return True
    return request.user.is_authenticated and roles.is_bureau_admin(request.user)


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when every check passes, else 503 naming the failed checks (details for operators)."""
    results = health.run_checks()
    ok = all(r["ok"] for r in results.values())
    if not _trusted(request):
        results = {name: {"ok": r["ok"]} for name, r in results.items()}
    body = {"status": "ok" if ok else "error", "failed": [n for n, r in results.items() if not r["ok"]]}
    body["checks"] = results
    return JsonResponse(body, status=200 if ok else 503)


class _BacklogCollector:
    """Outbox and task backlog as gauges, read from the database at scrape time."""

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        gauge = GaugeMetricFamily(
            "cc_backlog", "Undelivered notifications, stuck runs and failed tasks", labels=["kind"]
        )
        for kind, value in selectors.backlog_counts().items():
            gauge.add_metric([kind], value)
        yield gauge


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics (django-prometheus request latency by view, Celery tasks, backlog); token or bureau only."""
    if not _trusted(request):
        return HttpResponse(status=403 if request.user.is_authenticated else 401)
    import prometheus_client
    from prometheus_client import multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # gunicorn workers and Celery workers each write their figures to this folder.
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = prometheus_client.REGISTRY
    backlog = prometheus_client.CollectorRegistry()
    backlog.register(_BacklogCollector())
    body = prometheus_client.generate_latest(registry) + prometheus_client.generate_latest(backlog)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)


def _require_bureau(request: HttpRequest) -> None:
    if not roles.is_bureau_admin(request.user):
        raise PermissionDenied


@require_GET
@login_required
def operations_page(request: HttpRequest) -> HttpResponse:
    """Failed tasks and undelivered notifications, each with a retry button (bureau only)."""
    _require_bureau(request)
    context = {
        "failed_tasks": selectors.open_failed_tasks()[:200],
        "notifications": selectors.undelivered_notifications()[:200],
        "runs": selectors.stuck_runs()[:50],
        "counts": selectors.backlog_counts(),
    }
    return render(request, "operations/operations.html", context)


@require_POST
@login_required
def retry_task(request: HttpRequest, pk: int) -> HttpResponse:
    _require_bureau(request)
    failed = get_object_or_404(FailedTask, pk=pk)
    if actions.retry_failed_task(failed_task=failed, actor=request.user):
        messages.success(request, _("The task was queued again."))
    else:
        messages.info(request, _("This task was already retried."))
    return redirect("operations:index")


@require_POST
@login_required
def retry_notification(request: HttpRequest, pk: int) -> HttpResponse:
    _require_bureau(request)
    notification = get_object_or_404(Notification, pk=pk)
    if actions.retry_notification(notification=notification, actor=request.user):
        messages.success(request, _("The notification will be delivered again."))
    else:
        messages.info(request, _("This notification was already delivered."))
    return redirect("operations:index")


@require_POST
@login_required
def retry_failed_notifications(request: HttpRequest) -> HttpResponse:
    """After an outage is over: every failed notification queued again at once."""
    _require_bureau(request)
    count = actions.retry_failed_notifications(actor=request.user)
    messages.success(request, _("%(count)d notifications will be delivered again.") % {"count": count})
    return redirect("operations:index")
