"""The sealed-record routes of the supervision permission matrix (test_permission_matrix.py merges them).

Only a bureau administrator finds, opens and reports on sealed records; everyone else is refused (403), the
anonymous sent to sign in. The opening itself: test_sealing.py."""

from __future__ import annotations

from django.utils import timezone

from coordination.models import Supervisee
from tests.coordination.factories import make_supervisee
from tests.supervision.movement_matrix import ROLES

PAGE_LOGIN = 302
API_ANON = 403


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


def sealed(w) -> Supervisee:
    """A sealed record of the world (made once)."""
    if getattr(w, "sealed", None) is None:
        w.sealed = make_supervisee(office=w.city.office, actor=w.users["bureau"], status=Supervisee.Status.RELEASED)
        Supervisee.objects.filter(pk=w.sealed.pk).update(sealed_at=timezone.now(), seal_ground="测试")
    return w.sealed


REQUEST = {"organ": "某市人民检察院", "reference": "某检未查〔2026〕3号", "purpose": "审查起诉需要", "confirmed": "yes"}
BUREAU_PAGE = expect(403, PAGE_LOGIN, bureau=200)
BUREAU_API = expect(403, API_ANON, bureau=200)

SEALING_MATRIX: dict[tuple[str, str], tuple] = {
    ("supervision:sealed-records", "get"): (lambda w: {}, None, BUREAU_PAGE),
    ("supervision:sealed-openings", "get"): (lambda w: {}, None, BUREAU_PAGE),
    ("supervision:sealed-open", "get"): (lambda w: {"uuid": sealed(w).uuid}, None, BUREAU_PAGE),
    ("supervision:sealed-open", "post"): (
        lambda w: {"uuid": sealed(w).uuid},
        lambda w: REQUEST,
        expect(403, PAGE_LOGIN, bureau=302),
    ),
    ("supervision-sealed-list", "get"): (lambda w: {}, None, BUREAU_API),
    ("supervision-sealed-open-record", "post"): (
        lambda w: {"uuid": sealed(w).uuid},
        lambda w: REQUEST,
        expect(403, API_ANON, bureau=201),
    ),
    ("supervision-sealed-opening-list", "get"): (lambda w: {}, None, BUREAU_API),
}
