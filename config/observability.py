"""Request ids in logs and Celery tasks, task metrics, and the beat heartbeat.

A request id (the proxy's ``X-Request-ID`` if it is sane, else a new one) is kept in a
context variable for the request, added to every log record, returned in the response
header, and sent with every task queued during the request; the worker restores it while
the task runs, so one id follows a referral from the click to the e-mail.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# The path being served, for the access log written by the scoped selectors (coordination/access.py).
request_path_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_path", default="")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"
TASK_HEADER = "cc_request_id"


class RequestIdMiddleware:
    """Give each request an id, put it on log records and in the response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        rid = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(rid)
        path_token = request_path_var.set(request.path)
        request.request_id = rid
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
            request_path_var.reset(path_token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


# --- Celery: carry the id into tasks, time them, record failures ------------


def connect_celery_signals() -> None:
    """Wire request-id propagation, task metrics and failure records into Celery (from config/celery.py).

    Metrics are prometheus_client objects; with PROMETHEUS_MULTIPROC_DIR set for gunicorn and the
    worker alike (docs/deployment.md), the web's /metrics endpoint also shows the tasks' figures.
    """
    from celery import signals
    from prometheus_client import Counter, Histogram

    task_seconds = Histogram("cc_celery_task_seconds", "Celery task run time", ["task"])
    task_failures = Counter("cc_celery_task_failures_total", "Celery tasks that raised", ["task"])
    started: dict[str, float] = {}
    tokens: dict[str, contextvars.Token] = {}

    @signals.before_task_publish.connect(weak=False)
    def _add_request_id(headers=None, **_kwargs):
        if headers is not None and request_id_var.get() != "-":
            headers.setdefault(TASK_HEADER, request_id_var.get())

    @signals.task_prerun.connect(weak=False)
    def _task_started(task_id=None, task=None, **_kwargs):
        rid = getattr(task.request, TASK_HEADER, None) or (task.request.headers or {}).get(TASK_HEADER)
        tokens[task_id] = request_id_var.set(rid or f"task-{task_id}")
        started[task_id] = time.perf_counter()

    @signals.task_postrun.connect(weak=False)
    def _task_finished(task_id=None, task=None, **_kwargs):
        began = started.pop(task_id, None)
        if began is not None:
            task_seconds.labels(task.name).observe(time.perf_counter() - began)
        token = tokens.pop(task_id, None)
        if token is not None:
            request_id_var.reset(token)

    @signals.task_failure.connect(weak=False)
    def _task_failed(task_id=None, exception=None, sender=None, args=None, kwargs=None, **_kw):
        task_failures.labels(sender.name).inc()
        from operations import actions

        try:
            actions.record_task_failure(
                task_name=sender.name,
                task_id=task_id or "",
                args=list(args or []),
                kwargs=dict(kwargs or {}),
                error=repr(exception),
            )
        except Exception:  # recording must never hide the task's own failure
            logging.getLogger(__name__).exception("could not record the failed task %s", task_id)
