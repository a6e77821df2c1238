"""Demo data for matching: the default policy and one city-wide run with its proposals (idempotent)."""

from __future__ import annotations

from matching import actions
from matching.models import MatchingPolicy, MatchRun, default_policy_data


def load(ctx) -> None:
    if not MatchingPolicy.objects.exists():
        MatchingPolicy.objects.create(name="默认匹配策略", data=default_policy_data())
    if not MatchRun.objects.exists():
        run = actions.execute_run(run_id=actions.start_run(actor=None, office=None, queue=False).pk)
        ctx.say(f"matching: {run.proposals_count} proposals for {run.needs_count} open needs")
