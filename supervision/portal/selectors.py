"""What the person sees on their own phone page; every read is logged with the purpose "self".

Built only from the self views of reporting and movement (which leave out staff notes, risk, discreet
visits, devices and location data) and the service name and state of referrals sent for the person."""

from __future__ import annotations

from typing import Any

from coordination.access import logged
from coordination.models import LIVE_STATUSES, Referral, Supervisee
from notifications.selectors import inbox
from supervision.assessment import selectors as assessment_selectors
from supervision.education import selectors as education_selectors
from supervision.movement import selectors as movement_selectors
from supervision.movement.models import MovementRequest
from supervision.reporting import selectors as reporting_selectors

SELF = "self"  # the purpose recorded for the person's own reads
NOTICES = 5  # the latest notices on the phone page (a view choice)


def me(user: Any) -> Supervisee | None:
    """The live supervisee whose own sign-in this is (the read logged), or None for everyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    rows = Supervisee.objects.filter(account=user, status__in=LIVE_STATUSES).select_related("judicial_office")
    return logged(
        rows,
        user=user,
        object_type="supervisee",
        supervisee_id=lambda row: row.pk,
        object_id=lambda row: str(row.uuid),
        purpose=SELF,
    ).first()


def referrals(supervisee: Supervisee) -> list[dict]:
    """Referrals sent for the person: the service and where it stands, nothing about the provider's notes."""
    rows = (
        Referral.objects.filter(need__supervisee=supervisee)
        .exclude(state=Referral.State.DRAFT)
        .select_related("offering")
        .order_by("-created_at", "-pk")
    )
    rows = logged(
        rows, user=supervisee.account, object_type="referral", supervisee_id=lambda row: supervisee.pk, purpose=SELF
    )
    return [
        {
            "id": row.pk,
            "service": row.offering.name,
            "state": row.state,
            "state_label": str(row.get_state_display()),
            "outcome_label": str(row.get_outcome_grade_display()) if row.outcome_grade else "",
        }
        for row in rows
    ]


def overview(user: Any) -> dict | None:
    """Everything the person's own page shows, or None when the sign-in is not a live person's."""
    supervisee = me(user)
    if supervisee is None:
        return None
    return {
        "supervisee": supervisee,
        "reporting": reporting_selectors.self_view(supervisee),
        "movement": movement_selectors.self_view(supervisee),
        "referrals": referrals(supervisee),
        "notices": list(inbox(user)[:NOTICES]),
        # This month's education and public-interest activity hours against the targets (issue 16, item 3).
        "education": education_selectors.month_summary(supervisee),
        # Their reviewed monthly assessments: total and grade only (issue 16, item 1).
        "assessments": assessment_selectors.own(supervisee, purpose=SELF),
    }


def own_request(user: Any, pk: int) -> MovementRequest:
    """One of the person's own movement requests (logged); DoesNotExist for anyone else's."""
    supervisee = me(user)
    rows = MovementRequest.objects.filter(supervisee=supervisee) if supervisee else MovementRequest.objects.none()
    return logged(
        rows, user=user, object_type="movement_request", supervisee_id=lambda row: row.supervisee_id, purpose=SELF
    ).get(pk=pk)
