"""The interchange routes of the supervision permission matrix (test_permission_matrix.py merges them).

The POSTs send a package that is not one: the people who may import get its errors (a page with the
errors, an API 400), nobody imports anything here (the imports themselves: test_interchange.py)."""

from __future__ import annotations

from tests.supervision.movement_matrix import ROLES

PAGE_LOGIN = 302
API_ANON = 403


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


# Export: officers of the person's office and the bureau; the other office does not see the person.
EXPORT_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404)
EXPORT_API = expect(403, API_ANON, bureau=200, officer=200, other_officer=404)
# Import: the bureau and office officers (into their own office only).
IMPORT_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=200)
IMPORT_LIST = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=200)
IMPORT_POST = expect(403, API_ANON, bureau=400, officer=400)

INTERCHANGE_MATRIX: dict[tuple[str, str], tuple] = {
    ("supervision:interchange-export", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, EXPORT_PAGE),
    ("supervision:interchange-import", "get"): (lambda w: {}, None, IMPORT_PAGE),
    ("supervision:interchange-import", "post"): (
        lambda w: {},
        lambda w: {"judicial_office": w.city.office.pk, "package_json": "{}"},
        IMPORT_PAGE,
    ),
    ("supervision-package", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, EXPORT_API),
    ("supervision-import-list", "get"): (lambda w: {}, None, IMPORT_LIST),
    ("supervision-import-list", "post"): (
        lambda w: {},
        lambda w: {"judicial_office": w.city.office.pk, "package": "{}"},
        IMPORT_POST,
    ),
}
