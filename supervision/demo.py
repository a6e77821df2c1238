"""Demo supervision: obligations for every demo supervisee's current state, made through the action, and a
correction plan for most people under correction (some with a second version and a pending review).

The coordination demo leaves, on purpose, people under correction past their end date and people in
intake for months; their release and report obligations are overdue, so the officer's 今日待办 and the
bureau's per-office view and clean-up list show them. Idempotent (one open obligation per kind; plans
only for people who have none).
"""

from __future__ import annotations

from accounts.demo_support import DemoContext
from accounts.models import User
from accounts.roles import Role
from coordination.models import CorrectionTeamMember, Supervisee
from services.models import Membership
from supervision import actions, classification

EDUCATION = ["每月参加集中教育学习", "参加法治教育和心理健康讲座", "每月完成社区公益活动"]
HELP = ["协助办理职业技能培训", "联系就业推荐", "协调临时救助与住房", "心理咨询"]
MODES = ["in_person", "phone", "in_person"]


def _officer_of(supervisee: Supervisee) -> User | None:
    row = (
        Membership.objects.filter(
            organisation_id=supervisee.judicial_office_id, role=Role.OFFICE_OFFICER, is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return row.user if row else None


def load(ctx: DemoContext) -> None:
    created = 0
    for supervisee in Supervisee.objects.order_by("pk"):
        created += actions.sync_obligations(supervisee=supervisee)
    ctx.say(f"Supervision: {created} obligations created.")
    plans = reviews = 0
    active = Supervisee.objects.filter(status=Supervisee.Status.UNDER_CORRECTION).order_by("pk")
    for k, supervisee in enumerate(active):
        if k % 5 == 4 or actions.current_plan(supervisee) is not None:
            continue  # some people still have no plan: the officer writes it
        officer = _officer_of(supervisee) or User.objects.filter(username="bureau").first()
        if officer is None:
            continue
        suggestion = classification.suggest(supervisee)
        team = list(CorrectionTeamMember.objects.filter(supervisee=supervisee, is_active=True))
        actions.write_plan(
            supervisee=supervisee,
            actor=officer,
            supervision_level=supervisee.supervision_level,
            risk_level=supervisee.risk_level,
            classification_reasons="入矫评估：" + "；".join(suggestion.reasons),
            reporting_mode=MODES[k % len(MODES)],
            reporting_interval_days=ctx.rng.choice([7, 14, 30]),
            education_goals=ctx.rng.choice(EDUCATION),
            help_goals=ctx.rng.choice(HELP),
            team=team,
        )
        plans += 1
        if k % 3 == 0:
            actions.write_plan(
                supervisee=supervisee,
                actor=officer,
                supervision_level=supervisee.supervision_level,
                risk_level=supervisee.risk_level,
                classification_reasons="季度复核：表现稳定",
                reporting_mode=MODES[k % len(MODES)],
                reporting_interval_days=14,
                education_goals=ctx.rng.choice(EDUCATION),
                help_goals=ctx.rng.choice(HELP),
                team=team,
                change_note="季度复核，调整教育目标",
            )
        if suggestion.level != supervisee.supervision_level and k % 2 == 0:
            actions.propose_review(
                supervisee=supervisee,
                actor=officer,
                to_level=suggestion.level,
                reasons="依据平台建议及近期表现：" + "；".join(suggestion.reasons),
            )
            reviews += 1
    ctx.say(
        f"Supervision: {plans} correction plans written, {reviews} classification reviews awaiting the office head."
    )
