"""Who sees and does what with movement requests, prohibition orders and monitoring approvals.

Case staff who see the supervisee see their requests, orders and monitoring periods; officers of the
person's judicial office (and the bureau) record them; the supervisee's own sign-in applies, withdraws and
reports back for their own record only; the decider of a request is the role its route names: the head of
the person's judicial office, or the bureau head (who also records the level above's decision).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import scoping
from accounts.roles import Role, has_role, is_bureau_admin, organisation_ids
from coordination.models import Supervisee
from supervision.movement.models import (
    LocationDataAccess,
    MonitoringPeriod,
    MovementAttachment,
    MovementRequest,
    ProhibitionBreach,
    ProhibitionOrder,
)
from supervision.policies import is_case_staff, is_office_officer_of, own_record

# Sides of the request state machine (``actions.MACHINE``); "system" is the daily task.
APPLICANT = "applicant"  # the person (own sign-in) or an officer of their office on their behalf
OFFICE = "office"  # an officer of the person's office or the bureau: records steps of the procedure
DECIDER = "decider"  # the role the route names


def _seen(user: Any, model: Any, path: str) -> QuerySet[Any]:
    if not is_case_staff(user):
        return model.objects.none()
    if is_bureau_admin(user):
        return model.objects.all()
    return model.objects.filter(**{path + "__in": scoping.scope(user, Supervisee).values("pk")})


def may_decide(user: Any, request: MovementRequest) -> bool:
    """The routed role only: the head of the person's judicial office for an office route, the bureau head
    for a bureau route or to record the level above's decision."""
    if request.route == MovementRequest.Route.OFFICE:
        return request.supervisee.judicial_office_id in organisation_ids(user, Role.OFFICE_HEAD)
    return has_role(user, Role.BUREAU_HEAD)


class MovementRequestPolicy(scoping.BasePolicy):
    model = MovementRequest

    def rows_view(self, user: Any) -> QuerySet[MovementRequest]:
        """Case staff who see the supervisee (the supervisee policy decides); never providers or volunteers.
        The person's own view goes through ``selectors.self_view``."""
        return _seen(user, MovementRequest, "supervisee")

    def allow_apply(self, user: Any, obj: Any = None) -> bool:
        """Apply (``obj`` is the supervisee): the person themself, or an officer of their office or the bureau."""
        if not isinstance(obj, Supervisee):
            return False
        return own_record(user) == obj or is_office_officer_of(user, obj)

    def allow_record(self, user: Any, obj: Any = None) -> bool:
        """Record a step of the procedure (consultation, reply, notice, hand-over) on a request: officers of
        the person's office and the bureau."""
        return isinstance(obj, MovementRequest) and is_office_officer_of(user, obj.supervisee)

    def allow_decide(self, user: Any, obj: Any = None) -> bool:
        """Approve, refuse or refer upward: the routed role (the action refuses the applicant)."""
        return isinstance(obj, MovementRequest) and may_decide(user, obj)

    def rows_decide(self, user: Any) -> QuerySet[MovementRequest]:
        """The open requests the user's role decides."""
        rows = MovementRequest.objects.filter(
            state__in=[MovementRequest.State.SUBMITTED, MovementRequest.State.REFERRED]
        ).exclude(applied_by=user.pk)
        wanted = Q(
            route=MovementRequest.Route.OFFICE,
            supervisee__judicial_office_id__in=organisation_ids(user, Role.OFFICE_HEAD),
        )
        if has_role(user, Role.BUREAU_HEAD):
            wanted |= Q(route__in=[MovementRequest.Route.BUREAU, MovementRequest.Route.UPPER])
        return rows.filter(wanted)

    def side(self, user: Any, request: MovementRequest) -> set[str]:
        """Every side the user takes on this request (a head who is also an officer holds both)."""
        sides = set()
        if own_record(user) == request.supervisee or is_office_officer_of(user, request.supervisee):
            sides.add(APPLICANT)
        if is_office_officer_of(user, request.supervisee):
            sides.add(OFFICE)
        if may_decide(user, request):
            sides.add(DECIDER)
        return sides


class MovementAttachmentPolicy(scoping.BasePolicy):
    model = MovementAttachment

    def rows_view(self, user: Any) -> QuerySet[MovementAttachment]:
        """Seen with the request: case staff who see the person, and the person's own sign-in."""
        rows = _seen(user, MovementAttachment, "request__supervisee")
        me = own_record(user)
        if me is not None:
            rows = rows | MovementAttachment.objects.filter(request__supervisee=me)
        return rows


class ProhibitionOrderPolicy(scoping.BasePolicy):
    model = ProhibitionOrder

    def rows_view(self, user: Any) -> QuerySet[ProhibitionOrder]:
        """Case staff who see the supervisee."""
        return _seen(user, ProhibitionOrder, "supervisee")

    def allow_record(self, user: Any, obj: Any = None) -> bool:
        """Record an order or a breach (``obj`` is the supervisee): officers of the office and the bureau."""
        return is_office_officer_of(user, obj)


class ProhibitionBreachPolicy(scoping.BasePolicy):
    model = ProhibitionBreach

    def rows_view(self, user: Any) -> QuerySet[ProhibitionBreach]:
        return _seen(user, ProhibitionBreach, "order__supervisee")


class MonitoringPeriodPolicy(scoping.BasePolicy):
    model = MonitoringPeriod

    def rows_view(self, user: Any) -> QuerySet[MonitoringPeriod]:
        """Case staff who see the supervisee."""
        return _seen(user, MonitoringPeriod, "supervisee")

    def allow_approve(self, user: Any, obj: Any = None) -> bool:
        """Approve a period or an extension (``obj`` is the supervisee): the bureau head only (CCL Art. 29)."""
        return isinstance(obj, Supervisee) and has_role(user, Role.BUREAU_HEAD)

    def allow_record(self, user: Any, obj: Any = None) -> bool:
        """End early, record the notice to the person, the device or an access to location data (``obj`` is
        the supervisee): officers of the office and the bureau."""
        return is_office_officer_of(user, obj)


class LocationDataAccessPolicy(scoping.BasePolicy):
    model = LocationDataAccess

    def rows_view(self, user: Any) -> QuerySet[LocationDataAccess]:
        return _seen(user, LocationDataAccess, "period__supervisee")


def register() -> None:
    scoping.register(MovementRequest, MovementRequestPolicy())
    scoping.register(MovementAttachment, MovementAttachmentPolicy())
    scoping.register(ProhibitionOrder, ProhibitionOrderPolicy())
    scoping.register(ProhibitionBreach, ProhibitionBreachPolicy())
    scoping.register(MonitoringPeriod, MonitoringPeriodPolicy())
    scoping.register(LocationDataAccess, LocationDataAccessPolicy())
