"""The case-plan routes of the supervision permission matrix (test_permission_matrix.py merges them). The
world's ``social_worker`` (a social worker of the person's judicial office) keeps the plan: only they write;
the office's officer and the bureau read; everyone else finds nothing or is refused."""

from __future__ import annotations

from django.utils import timezone

from supervision.casework.models import CaseGoal, CasePlan, Intervention, ProgressReview
from tests.supervision.movement_matrix import ROLES

TODAY = timezone.localdate()
PAGE_LOGIN = 302
API_ANON = 403


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


def case_plan(w) -> CasePlan:
    """The world's plan, open again, and no other plan (a write in an earlier entry may have closed it)."""
    plan = getattr(w, "case_plan", None)
    CasePlan.objects.exclude(pk=plan.pk if plan else None).delete()
    if plan is None or not CasePlan.objects.filter(pk=plan.pk).exists():
        plan = w.case_plan = CasePlan.objects.create(
            supervisee=w.supervisee,
            social_worker=w.users["social_worker"],
            agency=w.city.office,
            opened_on=TODAY,
            needs_assessment="就业困难，家庭关系紧张",
        )
    CasePlan.objects.filter(pk=plan.pk).update(status="open", closed_on=None)
    return plan


def _no_open_plan(w) -> dict:
    CasePlan.objects.filter(status="open").update(status="closed", closed_on=TODAY)
    return {"uuid": w.supervisee.uuid}


def _goal(w) -> CaseGoal:
    return CaseGoal.objects.create(plan=case_plan(w), description="找到工作", target_date=TODAY)


def _intervention(w) -> Intervention:
    return Intervention.objects.create(
        plan=case_plan(w),
        kind="employment",
        held_on=TODAY,
        minutes=45,
        note="私密",
        recorded_by=w.users["social_worker"],
    )


def _review(w) -> ProgressReview:
    return ProgressReview.objects.create(
        plan=case_plan(w), reviewed_on=TODAY, changes="有进展", next_steps="继续", recorded_by=w.users["social_worker"]
    )


def _plan_body(w) -> dict:
    _no_open_plan(w)
    return {"supervisee": str(w.supervisee.uuid), "needs_assessment": "需要就业帮助"}


READ_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=404)
# Office staff and the bureau read; only the plan's organisation writes (the others: 403).
WRITE_PAGE = expect(403, PAGE_LOGIN, social_worker=302, other_officer=404)
LIST_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=200)
READ_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=404)
CREATE_API = expect(403, API_ANON, social_worker=201, other_officer=404)
ACT_API = expect(403, API_ANON, social_worker=200, other_officer=404)

CASEWORK_MATRIX: dict[tuple[str, str], tuple] = {
    ("supervision:case-plans", "get"): (lambda w: {}, None, expect(403, PAGE_LOGIN, social_worker=200)),
    ("supervision:case-plans-person", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, READ_PAGE),
    ("supervision:case-plans-person", "post"): (_no_open_plan, lambda w: {"needs_assessment": "需要帮助"}, WRITE_PAGE),
    ("supervision:case-plan", "get"): (lambda w: {"pk": case_plan(w).pk}, None, READ_PAGE),
    ("supervision:case-plan", "post"): (
        lambda w: {"pk": case_plan(w).pk},
        lambda w: {"do": "goal", "description": "稳定住所", "target_date": TODAY.isoformat()},
        WRITE_PAGE,
    ),
    ("supervision-case-plan-list", "get"): (lambda w: {}, None, LIST_API),
    ("supervision-case-plan-list", "post"): (lambda w: {}, _plan_body, CREATE_API),
    ("supervision-case-plan-detail", "get"): (lambda w: {"pk": case_plan(w).pk}, None, READ_API),
    ("supervision-case-plan-close", "post"): (
        lambda w: {"pk": case_plan(w).pk},
        lambda w: {"note": "服务结束"},
        ACT_API,
    ),
    ("supervision-case-goal-list", "get"): (lambda w: {}, None, LIST_API),
    ("supervision-case-goal-list", "post"): (
        lambda w: {},
        lambda w: {"plan": case_plan(w).pk, "description": "就业", "target_date": TODAY.isoformat()},
        CREATE_API,
    ),
    ("supervision-case-goal-detail", "get"): (lambda w: {"pk": _goal(w).pk}, None, READ_API),
    ("supervision-case-goal-status", "post"): (
        lambda w: {"pk": _goal(w).pk},
        lambda w: {"status": "achieved"},
        ACT_API,
    ),
    ("supervision-case-intervention-list", "get"): (lambda w: {}, None, LIST_API),
    ("supervision-case-intervention-list", "post"): (
        lambda w: {},
        lambda w: {"plan": case_plan(w).pk, "kind": "family", "held_on": TODAY.isoformat(), "minutes": 30},
        CREATE_API,
    ),
    ("supervision-case-intervention-detail", "get"): (lambda w: {"pk": _intervention(w).pk}, None, READ_API),
    ("supervision-case-review-list", "get"): (lambda w: {}, None, LIST_API),
    ("supervision-case-review-list", "post"): (
        lambda w: {},
        lambda w: {"plan": case_plan(w).pk, "reviewed_on": TODAY.isoformat(), "changes": "好转", "next_steps": "继续"},
        CREATE_API,
    ),
    ("supervision-case-review-detail", "get"): (lambda w: {"pk": _review(w).pk}, None, READ_API),
}
