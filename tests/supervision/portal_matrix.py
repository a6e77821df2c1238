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

# The person's own API: the same door (404 for everyone else signed in; 403 before sign-in, as all the API).
OWN_API = expect(404, 403, supervisee=200)
OWN_API_BAD = expect(404, 403, supervisee=400)


def _submitted_travel(w) -> MovementRequest:
    row = _approved_travel(w)
    MovementRequest.objects.filter(pk=row.pk).update(state="submitted", decided_by=None, decided_at=None)
    return row


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
    ("portal:remote_report", "get"): (lambda w: {}, None, OWN_PAGE),
    ("portal:remote_report", "post"): (lambda w: {}, lambda w: {"method": "fax"}, OWN_POST_BAD),
    ("portal:contact", "get"): (lambda w: {}, None, OWN_PAGE),
    ("portal:contact", "post"): (lambda w: {}, lambda w: {"people": "王某"}, OWN_POST_BAD),
    ("portal:withdraw", "get"): (lambda w: {"pk": _submitted_travel(w).pk}, None, OWN_PAGE),
    ("portal:withdraw", "post"): (lambda w: {"pk": _submitted_travel(w).pk}, lambda w: {}, OWN_POST_BAD),
    ("me-list", "get"): (lambda w: {}, None, OWN_API),
    ("me-check-in", "post"): (lambda w: {}, lambda w: {"code": "000000"}, OWN_API_BAD),
    ("me-requests", "post"): (lambda w: {}, lambda w: {"kind": "travel", "destination": "郑州市"}, OWN_API_BAD),
    ("me-withdraw", "post"): (lambda w: {"pk": _submitted_travel(w).pk}, lambda w: {}, OWN_API),
    ("me-report-back", "post"): (
        lambda w: {"pk": _approved_travel(w).pk},
        lambda w: {"returned_on": "2999-01-01"},
        OWN_API_BAD,
    ),
}
