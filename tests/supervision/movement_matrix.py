"""The movement routes of the supervision permission matrix (test_permission_matrix.py merges them).

Each builder makes fresh rows, so a write in one role's loop never changes what the next entry sees. The
matrix's roles hold no head role: every decision is refused here (the heads' paths: test_movement_*.py)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from supervision.movement import actions
from supervision.movement.models import MonitoringPeriod, MovementRequest

TODAY = timezone.localdate()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PAGE_LOGIN = 302
API_ANON = 403
ROLES = [
    "anonymous",
    "bureau",
    "officer",
    "social_worker",
    "provider",
    "other_officer",
    "volunteer",
    "editor",
    "supervisee",  # the person's own sign-in (issue 15 item 7)
    "counsellor",  # staff of a counselling centre the person is referred to (issue 16 item 4)
]


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


def _request(w, kind="travel", state="submitted", **extra) -> MovementRequest:
    fields = {
        "supervisee": w.supervisee,
        "kind": kind,
        "state": state,
        "route": "office" if kind == "travel" else "bureau",
        "route_reason": "测试",
        "start": TODAY,
        "end": TODAY + dt.timedelta(days=2),
        "destination": "郑州市",
        "reason": "探亲",
        "people": "李四" if kind == "contact" else "",
        "receiving_county": "开封市龙亭区司法局" if kind == "relocation" else "",
        "applied_by": w.users["officer"],
    }
    if state != "submitted":
        fields.update(decided_by=w.users["bureau"], decided_at=timezone.now())
    fields.update(extra)
    return MovementRequest.objects.create(**fields)


def _attachment(w):
    made = actions.apply(
        supervisee=w.supervisee,
        actor=w.users["officer"],
        kind="travel",
        start=TODAY + dt.timedelta(days=3),
        end=TODAY + dt.timedelta(days=4),
        destination="郑州市",
        reason="就医",
        attachments=[SimpleUploadedFile("letter.png", PNG)],
    )
    return made.attachments.get()


def _order(w):
    return actions.record_order(
        supervisee=w.supervisee, actor=w.users["officer"], kind="places", text="禁止进入酒吧", start=TODAY, end=TODAY
    )


def _period(w) -> MonitoringPeriod:
    return MonitoringPeriod.objects.create(
        supervisee=w.supervisee,
        ground="prohibition_breach",
        facts="进入酒吧",
        start=TODAY,
        months=1,
        end=actions.monitoring_end(TODAY, 1),
        approved_by=w.users["bureau"],
    )


APPLY = {
    "kind": "travel",
    "start": (TODAY + dt.timedelta(days=1)).isoformat(),
    "end": (TODAY + dt.timedelta(days=2)).isoformat(),
    "destination": "郑州市",
    "reason": "探亲",
}
CASE_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=404)
OFFICE_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404)
OFFICE_POST = expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=404)
STAFF_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=200)
STAFF_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=200)
OWN_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=404)
OFFICE_API = expect(403, API_ANON, bureau=200, officer=200, other_officer=404)
OFFICE_API_NEW = expect(403, API_ANON, bureau=201, officer=201, other_officer=404)
# The certificate and the proofs are also the person's own, on their own sign-in (the phone page links them).
CASE_AND_OWN_PAGE = {**CASE_PAGE, "supervisee": 200}
HEADS_ONLY_PAGE = expect(403, PAGE_LOGIN, other_officer=404)
HEADS_ONLY_API = expect(403, API_ANON, other_officer=404)

MOVEMENT_MATRIX: dict[tuple[str, str], tuple] = {
    ("supervision:movement-awaiting", "get"): (lambda w: {}, None, STAFF_PAGE),
    ("supervision:movement-case", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, CASE_PAGE),
    ("supervision:movement-apply", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OFFICE_PAGE),
    ("supervision:movement-apply", "post"): (lambda w: {"uuid": w.supervisee.uuid}, lambda w: APPLY, OFFICE_POST),
    ("supervision:movement-order-new", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OFFICE_PAGE),
    ("supervision:movement-order-new", "post"): (
        lambda w: {"uuid": w.supervisee.uuid},
        lambda w: {"kind": "people", "text": "禁止接触被害人", "start": TODAY.isoformat(), "end": TODAY.isoformat()},
        OFFICE_POST,
    ),
    ("supervision:movement-monitoring-new", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, HEADS_ONLY_PAGE),
    ("supervision:movement-monitoring-new", "post"): (
        lambda w: {"uuid": w.supervisee.uuid},
        lambda w: {"ground": "prohibition_breach", "facts": "进入酒吧", "start": TODAY.isoformat(), "months": "1"},
        HEADS_ONLY_PAGE,
    ),
    ("supervision:movement-request", "get"): (lambda w: {"pk": _request(w).pk}, None, CASE_PAGE),
    ("supervision:movement-approval-form", "get"): (
        lambda w: {"pk": _request(w, state="approved").pk},
        None,
        CASE_PAGE,
    ),
    ("supervision:movement-certificate", "get"): (
        lambda w: {"pk": _request(w, state="approved").pk},
        None,
        CASE_AND_OWN_PAGE,
    ),
    ("supervision:movement-step", "post"): (
        lambda w: {"pk": _request(w).pk, "step": "withdraw"},
        lambda w: {},
        OFFICE_POST,
    ),
    ("supervision:movement-attachment", "get"): (lambda w: {"pk": _attachment(w).pk}, None, CASE_AND_OWN_PAGE),
    ("supervision:movement-breach", "get"): (lambda w: {"pk": _order(w).pk}, None, OFFICE_PAGE),
    ("supervision:movement-breach", "post"): (
        lambda w: {"pk": _order(w).pk},
        lambda w: {"occurred_on": TODAY.isoformat(), "facts": "进入酒吧"},
        OFFICE_POST,
    ),
    ("supervision:movement-monitoring", "get"): (lambda w: {"pk": _period(w).pk}, None, CASE_PAGE),
    ("supervision:movement-monitoring", "post"): (
        lambda w: {"pk": _period(w).pk},
        lambda w: {
            "step": "access",
            "access-accessed_by": "公安局民警王某",
            "access-accessed_at": f"{TODAY.isoformat()}T10:00",
            "access-system": "电子定位平台",
            "access-purpose": "查找脱管人员",
        },
        OFFICE_POST,
    ),
    ("supervision-movement-list", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-movement-list", "post"): (
        lambda w: {},
        lambda w: {**APPLY, "supervisee": str(w.supervisee.uuid)},
        OFFICE_API_NEW,
    ),
    ("supervision-movement-detail", "get"): (lambda w: {"pk": _request(w).pk}, None, OWN_API),
    ("supervision-movement-awaiting", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-movement-decide", "post"): (
        lambda w: {"pk": _request(w).pk},
        lambda w: {"decision": "approve"},
        HEADS_ONLY_API,
    ),
    ("supervision-movement-refer", "post"): (
        lambda w: {"pk": _request(w, route="upper").pk},
        lambda w: {},
        HEADS_ONLY_API,
    ),
    ("supervision-movement-withdraw", "post"): (lambda w: {"pk": _request(w).pk}, lambda w: {}, OFFICE_API),
    ("supervision-movement-report-back", "post"): (
        lambda w: {"pk": _request(w, state="approved").pk},
        lambda w: {"returned_on": TODAY.isoformat()},
        OFFICE_API,
    ),
    ("supervision-movement-consultation", "post"): (
        lambda w: {"pk": _request(w, kind="relocation").pk},
        lambda w: {"consulted_on": TODAY.isoformat()},
        OFFICE_API,
    ),
    ("supervision-movement-hand-over", "post"): (
        lambda w: {"pk": _request(w, kind="relocation", state="approved").pk},
        lambda w: {"handed_over_on": TODAY.isoformat()},
        OFFICE_API,
    ),
    ("supervision-movement-notice", "post"): (
        lambda w: {"pk": _request(w, kind="contact", state="approved").pk},
        lambda w: {"recipient": "procuratorate", "sent_on": TODAY.isoformat()},
        OFFICE_API,
    ),
    ("supervision-order-list", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-order-list", "post"): (
        lambda w: {},
        lambda w: {
            "supervisee": str(w.supervisee.uuid),
            "kind": "activities",
            "text": "禁止从事食品生产",
            "start": TODAY.isoformat(),
            "end": TODAY.isoformat(),
        },
        OFFICE_API_NEW,
    ),
    ("supervision-order-detail", "get"): (lambda w: {"pk": _order(w).pk}, None, OWN_API),
    ("supervision-order-breach", "post"): (
        lambda w: {"pk": _order(w).pk},
        lambda w: {"occurred_on": TODAY.isoformat(), "facts": "进入酒吧"},
        OFFICE_API_NEW,
    ),
    ("supervision-monitoring-list", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-monitoring-list", "post"): (
        lambda w: {},
        lambda w: {
            "supervisee": str(w.supervisee.uuid),
            "ground": "prohibition_breach",
            "facts": "进入酒吧",
            "start": TODAY.isoformat(),
            "months": 1,
        },
        HEADS_ONLY_API,
    ),
    ("supervision-monitoring-detail", "get"): (lambda w: {"pk": _period(w).pk}, None, OWN_API),
    ("supervision-monitoring-end", "post"): (
        lambda w: {"pk": _period(w).pk},
        lambda w: {"ended_on": TODAY.isoformat(), "reason": "表现良好"},
        OFFICE_API,
    ),
    ("supervision-monitoring-notice", "post"): (
        lambda w: {"pk": _period(w).pk},
        lambda w: {"told_on": TODAY.isoformat(), "device_id": "DEV-9"},
        OFFICE_API,
    ),
    ("supervision-monitoring-location-access", "post"): (
        lambda w: {"pk": _period(w).pk},
        lambda w: {
            "accessed_by": "公安局民警王某",
            "accessed_at": timezone.now().isoformat(),
            "system": "电子定位平台",
            "purpose": "查找脱管人员",
        },
        OFFICE_API_NEW,
    ),
}
