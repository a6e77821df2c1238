"""The phone-page routes of the supervision permission matrix (test_permission_matrix.py merges them): the
officer's sign-in section of a case, and the person's own pages under /me/ (only their own sign-in)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from supervision.movement.models import MovementRequest
from tests.supervision.movement_matrix import ROLES

TODAY = timezone.localdate()
PAGE_LOGIN = 302


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


def _approved_travel(w) -> MovementRequest:
    return MovementRequest.objects.create(
        supervisee=w.supervisee,
        kind="travel",
        state="approved",
        route="office",
        route_reason="测试",
        start=TODAY - dt.timedelta(days=2),
        end=TODAY + dt.timedelta(days=2),
        destination="郑州市",
        reason="探亲",
        applied_by=w.users["officer"],
        decided_by=w.users["bureau"],
        decided_at=timezone.now(),
    )


OFFICE_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404)
OFFICE_POST = expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=404)
# Everyone but the person's own sign-in gets the plain "nothing to show" page (404).
OWN_PAGE = expect(404, PAGE_LOGIN, supervisee=200)
OWN_POST_BAD = expect(404, PAGE_LOGIN, supervisee=400)

PORTAL_MATRIX: dict[tuple[str, str], tuple] = {
    ("supervision:portal-login", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OFFICE_PAGE),
    ("supervision:portal-login", "post"): (
        lambda w: {"uuid": w.supervisee.uuid},
        lambda w: {"do": "resend"},
        OFFICE_POST,
    ),
    ("portal:overview", "get"): (lambda w: {}, None, OWN_PAGE),
    ("portal:check_in", "get"): (lambda w: {}, None, OWN_PAGE),
    ("portal:check_in", "post"): (lambda w: {}, lambda w: {"code": "000000"}, OWN_POST_BAD),
    ("portal:travel", "get"): (lambda w: {}, None, OWN_PAGE),
    ("portal:travel", "post"): (lambda w: {}, lambda w: {"destination": "郑州市"}, OWN_POST_BAD),
    ("portal:report_back", "get"): (lambda w: {"pk": _approved_travel(w).pk}, None, OWN_PAGE),
    ("portal:report_back", "post"): (
        lambda w: {"pk": _approved_travel(w).pk},
        lambda w: {"returned_on": "2999-01-01"},
        OWN_POST_BAD,
    ),
}
