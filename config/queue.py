"""Queue a Celery task after a commit without ever blocking or failing the request."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Send ``task`` to the broker; on any broker failure log it and return False.

    The write it follows is already committed, so the user must not see an error for
    it. What is not queued is picked up by a periodic sweep (pending notifications,
    queued match runs; docs/configuration.md). Broker timeouts are kept short in
    settings (CELERY_BROKER_*), so a broker that is down costs the request a second
    or two, not twenty. In eager mode (no broker) the task runs here and its errors
    propagate, so tests still see them.
    """
    if task.app.conf.task_always_eager:
        task.delay(*args)
        return True
    try:
        task.apply_async(args=args, ignore_result=True)
    except Exception:
        logger.exception("could not queue %s%r; the periodic sweep will pick it up", task.name, args)
        return False
    return True
