"""Demo supervision: obligations for every demo supervisee's current state, made through the action.

The coordination demo leaves, on purpose, people under correction past their end date and people in
intake for months; their release and report obligations are overdue, so the officer's 今日待办 and the
bureau's per-office view and clean-up list show them. Idempotent (one open obligation per kind).
"""

from __future__ import annotations

from accounts.demo_support import DemoContext
from coordination.models import Supervisee
from supervision import actions


def load(ctx: DemoContext) -> None:
    created = 0
    for supervisee in Supervisee.objects.order_by("pk"):
        created += actions.sync_obligations(supervisee=supervisee)
    ctx.say(f"Supervision: {created} obligations created.")
