"""The education routes of the supervision permission matrix (test_permission_matrix.py merges them).

Each builder makes a fresh session of the person's office. Officers of the office and the bureau run sessions;
social workers of the office see them; another office sees none (404); everyone else is refused."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from supervision.education.models import Session
from tests.supervision.movement_matrix import API_ANON, PAGE_LOGIN, expect

TODAY = timezone.localdate()


def _session(w) -> Session:
    start = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9)))
    return Session.objects.create(
        office=w.city.office,
        kind="legal",
        topic="法治教育",
        place="司法所",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        created_by=w.users["officer"],
    )


def _body(w) -> dict:
    return {
        "office": w.city.office.pk,
        "kind": "legal",
        "topic": "法治教育",
        "place": "司法所",
        "starts_at": f"{TODAY:%Y-%m-%d}T09:00",
        "ends_at": f"{TODAY:%Y-%m-%d}T11:00",
    }


STAFF_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=200)
RUNNER_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=200)
# Another office's officer may schedule for their own office only: the office field refuses this one.
SCHEDULE_POST = expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=200)
SEEN_PAGE = expect(404, PAGE_LOGIN, bureau=200, officer=200, social_worker=200)
RECORD_POST = expect(404, PAGE_LOGIN, bureau=302, officer=302, social_worker=403)
EDIT_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404)
EDIT_POST = expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=404)
STAFF_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=200)
NEW_API = expect(403, API_ANON, bureau=201, officer=201)
SEEN_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=404)
RECORD_API = expect(403, API_ANON, bureau=200, officer=200, other_officer=404)

EDUCATION_MATRIX: dict[tuple[str, str], tuple] = {
    ("supervision:education-sessions", "get"): (lambda w: {}, None, STAFF_PAGE),
    ("supervision:education-schedule", "get"): (lambda w: {}, None, RUNNER_PAGE),
    ("supervision:education-schedule", "post"): (lambda w: {}, _body, SCHEDULE_POST),
    ("supervision:education-session", "get"): (lambda w: {"pk": _session(w).pk}, None, SEEN_PAGE),
    ("supervision:education-session", "post"): (
        lambda w: {"pk": _session(w).pk},
        lambda w: {f"status_{w.supervisee.pk}": "present"},
        RECORD_POST,
    ),
    ("supervision:education-edit", "get"): (lambda w: {"pk": _session(w).pk}, None, EDIT_PAGE),
    ("supervision:education-edit", "post"): (lambda w: {"pk": _session(w).pk}, _body, EDIT_POST),
    ("supervision:education-cancel", "post"): (lambda w: {"pk": _session(w).pk}, lambda w: {}, EDIT_POST),
    ("supervision-education-list", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-education-list", "post"): (
        lambda w: {},
        lambda w: {**_body(w), "starts_at": f"{TODAY}T09:00:00+08:00", "ends_at": f"{TODAY}T11:00:00+08:00"},
        NEW_API,
    ),
    ("supervision-education-detail", "get"): (lambda w: {"pk": _session(w).pk}, None, SEEN_API),
    ("supervision-education-attendance", "post"): (
        lambda w: {"pk": _session(w).pk},
        lambda w: {"rows[0]supervisee": str(w.supervisee.uuid), "rows[0]status": "present"},
        RECORD_API,
    ),
    ("supervision-education-hours", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, SEEN_API),
}
