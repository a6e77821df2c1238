"""Every read of movement requests, prohibition orders and monitoring periods; each starts from the scoped
querysets and logs the supervisee records it returns."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts import scoping
from coordination.access import logged
from coordination.models import Supervisee
from supervision.movement import actions
from supervision.movement.models import (
    LocationDataAccess,
    MonitoringPeriod,
    MovementAttachment,
    MovementRequest,
    ProhibitionOrder,
)

SORTS = {
    "applied": "applied_at",
    "-applied": "-applied_at",
    "start": "start",
    "-start": "-start",
    "name": "supervisee__name",
}


def requests(user: Any) -> QuerySet[MovementRequest]:
    """The requests the user may see, each read logged."""
    rows = scoping.scope(user, MovementRequest).select_related(
        "supervisee", "supervisee__judicial_office", "applied_by", "decided_by", "order"
    )
    return logged(rows, user=user, object_type="movement_request", supervisee_id=lambda row: row.supervisee_id)


def request_for(user: Any, pk: int) -> MovementRequest:
    """One request the user may see (logged); raises DoesNotExist out of scope."""
    return requests(user).get(pk=pk)


def awaiting_decision(
    user: Any, *, kind: str = "", route: str = "", q: str = "", sort: str = "applied"
) -> QuerySet[MovementRequest]:
    """The open requests the user's role decides (never their own application), filtered and sorted."""
    decidable = scoping.policy_for(MovementRequest).queryset(user, "decide")
    rows = requests(user).filter(pk__in=decidable.values("pk"))
    if kind:
        rows = rows.filter(kind=kind)
    if route:
        rows = rows.filter(route=route)
    if q:
        rows = rows.filter(supervisee__name__icontains=q.strip())
    return rows.order_by(SORTS.get(sort, "applied_at"), "pk")


def attachment_for(user: Any, pk: int) -> MovementAttachment:
    """One attachment the user may open (logged as a read of the request's person)."""
    rows = scoping.scope(user, MovementAttachment).select_related("request__supervisee")
    return logged(
        rows, user=user, object_type="movement_request", supervisee_id=lambda row: row.request.supervisee_id
    ).get(pk=pk)


def orders(user: Any) -> QuerySet[ProhibitionOrder]:
    rows = scoping.scope(user, ProhibitionOrder).select_related("supervisee").prefetch_related("breaches")
    return logged(rows, user=user, object_type="prohibition_order", supervisee_id=lambda row: row.supervisee_id)


def monitoring(user: Any) -> QuerySet[MonitoringPeriod]:
    rows = scoping.scope(user, MonitoringPeriod).select_related("supervisee", "approved_by", "extends")
    return logged(rows, user=user, object_type="monitoring_period", supervisee_id=lambda row: row.supervisee_id)


def location_accesses(user: Any, period: MonitoringPeriod) -> QuerySet[LocationDataAccess]:
    return scoping.scope(user, LocationDataAccess).filter(period=period).select_related("recorded_by")


def for_case(user: Any, supervisee: Supervisee) -> dict:
    """What the case page shows of movement: the person's requests, orders and monitoring periods."""
    return {
        "requests": list(requests(user).filter(supervisee=supervisee).prefetch_related("attachments")),
        "orders": list(orders(user).filter(supervisee=supervisee)),
        "monitoring": list(monitoring(user).filter(supervisee=supervisee)),
    }


def self_request(row: MovementRequest) -> dict:
    """One request as the person sees it (their phone page and API): no staff notes beyond the decision."""
    approved = row.state in (
        MovementRequest.State.APPROVED,
        MovementRequest.State.OVERDUE,
        MovementRequest.State.RETURNED,
        MovementRequest.State.HANDED_OVER,
    )
    return {
        "id": row.pk,
        "kind": row.kind,
        "kind_label": str(row.get_kind_display()),
        "state": row.state,
        "state_label": str(row.get_state_display()),
        "start": row.start,
        "end": row.end,
        "destination": row.destination,
        "reason": row.reason,
        "people": row.people,
        "place": row.place,
        "applied_at": row.applied_at,
        "decided_at": row.decided_at,
        "decision": "approved" if approved else ("refused" if row.state == MovementRequest.State.REFUSED else ""),
        "decision_note": row.decision_note,
        "returned_on": row.returned_on,
        "report_by": actions.report_by(row),
        "may_withdraw": row.state in actions.OPEN_STATES,
        "may_report_back": row.kind == MovementRequest.Kind.TRAVEL
        and row.state in (MovementRequest.State.APPROVED, MovementRequest.State.OVERDUE),
        "certificate_url": reverse("supervision:movement-certificate", args=[row.pk])
        if approved and row.kind == MovementRequest.Kind.TRAVEL
        else "",
    }


def self_view(supervisee: Supervisee) -> dict:
    """What the person may see of their own requests, prohibition orders and monitoring period: no staff
    notes beyond the decision, no device or location data, nothing about other people."""
    today = timezone.localdate()
    rows = MovementRequest.objects.filter(supervisee=supervisee).select_related("order").order_by("-applied_at", "-pk")
    out_requests = [self_request(row) for row in rows]
    order_rows = ProhibitionOrder.objects.filter(supervisee=supervisee, end__gte=today).order_by("start", "pk")
    periods = MonitoringPeriod.objects.filter(supervisee=supervisee, end__gte=today, ended_on__isnull=True)
    return {
        "requests": out_requests,
        "pending": [r for r in out_requests if r["state"] in actions.OPEN_STATES],
        "prohibition_orders": [
            {
                "kind": o.kind,
                "kind_label": str(o.get_kind_display()),
                "text": o.text,
                "start": o.start,
                "end": o.end,
            }
            for o in order_rows
        ],
        "monitoring": [{"start": p.start, "end": p.end} for p in periods.order_by("start", "pk")],
    }
