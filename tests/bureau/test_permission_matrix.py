"""Every bureau page and API endpoint (meetings, action items, checklist, inspections, findings, staff
training), for every role. The matrix must name every route of bureau/urls.py and bureau/api_urls.py; a new route not in it fails
the first test. Each write runs against rows made fresh by its builder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from bureau import actions
from tests.bureau.conftest import finding, inspection, item, meeting, training

PAGE_LOGIN = 302
API_ANON = 403
ROLES = [
    "anonymous",
    "bureau",
    "officer",
    "head",
    "social_worker",
    "other_officer",
    "provider",
    "volunteer",
    "editor",
]
OPEN = ("bureau", "officer", "head", "other_officer")
OWN_OFFICE = ("bureau", "officer", "head")
# Staff for training records: everyone holding a staff role (the social worker of an office included).
STAFF = ("bureau", "officer", "head", "social_worker", "other_officer")
# The officer's training record: the officer, the head of their office, the bureau; anybody else finds nothing.
TRAINING_SCOPE = ("bureau", "officer", "head")


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


def both(code: int, page: bool = True, **per_role: int) -> dict[str, int]:
    """Open to the bureau and every office's officers and head with ``code``; everyone else refused."""
    return expect(403, PAGE_LOGIN if page else API_ANON, **dict.fromkeys(OPEN, code), **per_role)


def bureau_only(code: int, page: bool = True, office: int = 403) -> dict[str, int]:
    """The bureau writes (``code``); office staff are refused (403), or do not find another office's row."""
    return expect(403, PAGE_LOGIN if page else API_ANON, bureau=code, other_officer=office)


def own(code: int, page: bool = True) -> dict[str, int]:
    """The bureau and the staff of the row's own office; another office finds nothing."""
    return expect(403, PAGE_LOGIN if page else API_ANON, **dict.fromkeys(OWN_OFFICE, code), other_officer=404)


def staff(code: int, page: bool = True) -> dict[str, int]:
    """Open to every staff member with ``code``; everyone else refused."""
    return expect(403, PAGE_LOGIN if page else API_ANON, **dict.fromkeys(STAFF, code))


def overseers(code: int, page: bool = True) -> dict[str, int]:
    """The bureau and office heads; everyone else refused."""
    return expect(403, PAGE_LOGIN if page else API_ANON, bureau=code, head=code)


def officers_record(code: int, page: bool = True) -> dict[str, int]:
    """The officer's training: the officer, their head and the bureau; everyone else does not find it."""
    return expect(404, PAGE_LOGIN if page else API_ANON, **dict.fromkeys(TRAINING_SCOPE, code))


TODAY = timezone.localdate


def _meeting_body(w) -> dict:
    return {
        "title": "联席会议",
        "held_at": "2026-11-20T09:30",
        "place": "会议室",
        "departments": ["court"],
        "agenda": "议程",
    }


def _item_body(w) -> dict:
    return {
        "task": "落实经费",
        "owner_department": "judicial_office",
        "owner_organisation": w.city.office.pk,
        "due_on": (TODAY() + dt.timedelta(days=9)).isoformat(),
    }


def _results(w) -> dict:
    return {f"result_{i.pk}": "pass" for i in actions.current_checklist().items.all()}


def _training_body(w) -> dict:
    """A training of the user asking (``w.role``), counted for their own organisation."""
    user = w.users.get(w.role)
    own = {"bureau": w.city.bureau, "other_officer": w.city.other_office}
    return {
        "organisation": own.get(w.role, w.city.office).pk if user else w.city.office.pk,
        "course": "社区矫正业务培训",
        "provider": "市司法局",
        "kind": "casework",
        "trained_on": TODAY().isoformat(),
        "hours": "3",
    }


def _officers_training_body(w) -> dict:
    return {**_training_body(w), "organisation": w.city.office.pk}


def _corrected(w):
    f = finding(w, w.inspection)
    actions.report_correction(finding=f, actor=w.users["head"], text="已整改")
    return f


MATRIX: dict[tuple[str, str], tuple] = {
    ("bureau:meetings", "get"): (lambda w: {}, None, both(200)),
    ("bureau:meeting-new", "get"): (lambda w: {}, None, bureau_only(200)),
    ("bureau:meeting-new", "post"): (lambda w: {}, _meeting_body, bureau_only(302)),
    ("bureau:meeting", "get"): (lambda w: {"pk": w.meeting.pk}, None, both(200)),
    ("bureau:meeting-edit", "get"): (lambda w: {"pk": w.meeting.pk}, None, bureau_only(200)),
    ("bureau:meeting-edit", "post"): (lambda w: {"pk": w.meeting.pk}, _meeting_body, bureau_only(302)),
    ("bureau:meeting-delete", "get"): (lambda w: {"pk": meeting(w).pk}, None, bureau_only(200)),
    ("bureau:meeting-delete", "post"): (
        lambda w: {"pk": meeting(w).pk},
        lambda w: {"confirmed": "yes"},
        bureau_only(302),
    ),
    ("bureau:item-new", "get"): (lambda w: {"pk": w.meeting.pk}, None, bureau_only(200)),
    ("bureau:item-new", "post"): (lambda w: {"pk": w.meeting.pk}, _item_body, bureau_only(302)),
    ("bureau:action-items", "get"): (lambda w: {}, None, both(200)),
    ("bureau:action-item", "get"): (lambda w: {"pk": w.item.pk}, None, own(200)),
    ("bureau:action-item-edit", "get"): (lambda w: {"pk": w.item.pk}, None, bureau_only(200, office=404)),
    ("bureau:action-item-edit", "post"): (lambda w: {"pk": w.item.pk}, _item_body, bureau_only(302, office=404)),
    ("bureau:action-item-close", "get"): (lambda w: {"pk": w.item.pk}, None, bureau_only(200, office=404)),
    ("bureau:action-item-close", "post"): (
        lambda w: {"pk": item(w, w.meeting).pk},
        lambda w: {"status": "done", "outcome": "已完成"},
        bureau_only(302, office=404),
    ),
    ("bureau:checklist", "get"): (lambda w: {}, None, both(200)),
    ("bureau:checklist", "post"): (
        lambda w: {},
        lambda w: {"title": "检查表", "items": "档案齐全\n走访记录"},
        bureau_only(302),
    ),
    ("bureau:inspections", "get"): (lambda w: {}, None, both(200)),
    ("bureau:inspection-new", "get"): (lambda w: {}, None, bureau_only(200)),
    ("bureau:inspection-new", "post"): (
        lambda w: {},
        lambda w: {
            "office": w.city.office.pk,
            "inspected_on": TODAY().isoformat(),
            "inspectors": "张检查",
            **_results(w),
        },
        bureau_only(302),
    ),
    ("bureau:inspection", "get"): (lambda w: {"pk": w.inspection.pk}, None, own(200)),
    ("bureau:inspection", "post"): (
        lambda w: {"pk": w.inspection.pk},
        lambda w: {"text": "台账不全", "correction_due": (TODAY() + dt.timedelta(days=30)).isoformat()},
        bureau_only(302, office=404),
    ),
    ("bureau:finding", "get"): (lambda w: {"pk": w.finding.pk}, None, own(200)),
    ("bureau:finding", "post"): (
        lambda w: {"pk": finding(w, w.inspection).pk},
        lambda w: {"do": "note", "text": "跟进"},
        expect(403, PAGE_LOGIN, bureau=302, head=302, other_officer=404),
    ),
    ("bureau:office", "get"): (lambda w: {"pk": w.city.office.pk}, None, own(200)),
    ("bureau:training", "get"): (lambda w: {}, None, staff(200)),
    ("bureau:training", "post"): (lambda w: {}, _training_body, staff(302)),
    ("bureau:training-offices", "get"): (lambda w: {}, None, overseers(200)),
    ("bureau:training-office", "get"): (
        lambda w: {"pk": w.city.office.pk},
        None,
        expect(404, PAGE_LOGIN, bureau=200, head=200),
    ),
    ("bureau:training-export", "get"): (lambda w: {}, None, overseers(200)),
    ("bureau:training-person", "get"): (lambda w: {"pk": w.users["officer"].pk}, None, officers_record(200)),
    ("bureau:training-person", "post"): (
        lambda w: {"pk": w.users["officer"].pk},
        _officers_training_body,
        officers_record(302),
    ),
    ("bureau:training-void", "get"): (lambda w: {"pk": w.training.pk}, None, officers_record(200)),
    ("bureau:training-void", "post"): (
        lambda w: {"pk": training(w).pk},
        lambda w: {"reason": "重复录入"},
        officers_record(302),
    ),
    ("bureau:training-certificate", "get"): (lambda w: {"pk": w.training.pk}, None, officers_record(200)),
    # The API.
    ("bureau-meeting-list", "get"): (lambda w: {}, None, both(200, page=False)),
    ("bureau-meeting-list", "post"): (
        lambda w: {},
        lambda w: {**_meeting_body(w), "held_at": timezone.now().isoformat()},
        bureau_only(201, page=False),
    ),
    ("bureau-meeting-detail", "get"): (lambda w: {"pk": w.meeting.pk}, None, both(200, page=False)),
    ("bureau-action-item-list", "get"): (lambda w: {}, None, both(200, page=False)),
    ("bureau-action-item-list", "post"): (
        lambda w: {},
        lambda w: {**_item_body(w), "meeting": w.meeting.pk},
        bureau_only(201, page=False),
    ),
    ("bureau-action-item-detail", "get"): (lambda w: {"pk": w.item.pk}, None, own(200, page=False)),
    ("bureau-action-item-close", "post"): (
        lambda w: {"pk": item(w, w.meeting).pk},
        lambda w: {"status": "done"},
        bureau_only(200, page=False, office=404),
    ),
    ("bureau-checklist-list", "get"): (lambda w: {}, None, both(200, page=False)),
    ("bureau-checklist-list", "post"): (
        lambda w: {},
        lambda w: {"title": "检查表", "items": ["档案齐全"]},
        bureau_only(201, page=False),
    ),
    ("bureau-checklist-detail", "get"): (
        lambda w: {"pk": actions.current_checklist().pk},
        None,
        both(200, page=False),
    ),
    ("bureau-inspection-list", "get"): (lambda w: {}, None, both(200, page=False)),
    ("bureau-inspection-list", "post"): (
        lambda w: {},
        lambda w: {
            "office": w.city.office.pk,
            "inspected_on": TODAY().isoformat(),
            "inspectors": "张检查",
            "results": [{"item": i.pk, "result": "na"} for i in actions.current_checklist().items.all()],
        },
        bureau_only(201, page=False),
    ),
    ("bureau-inspection-detail", "get"): (lambda w: {"pk": w.inspection.pk}, None, own(200, page=False)),
    ("bureau-finding-list", "get"): (lambda w: {}, None, both(200, page=False)),
    ("bureau-finding-list", "post"): (
        lambda w: {},
        lambda w: {
            "inspection": w.inspection.pk,
            "text": "台账不全",
            "correction_due": (TODAY() + dt.timedelta(days=30)).isoformat(),
        },
        bureau_only(201, page=False, office=404),
    ),
    ("bureau-finding-detail", "get"): (lambda w: {"pk": w.finding.pk}, None, own(200, page=False)),
    ("bureau-finding-correct", "post"): (
        lambda w: {"pk": finding(w, w.inspection).pk},
        lambda w: {"text": "已整改"},
        expect(403, API_ANON, head=200, other_officer=404),
    ),
    ("bureau-finding-return", "post"): (
        lambda w: {"pk": _corrected(w).pk},
        lambda w: {"text": "不合格", "correction_due": (TODAY() + dt.timedelta(days=9)).isoformat()},
        bureau_only(200, page=False, office=404),
    ),
    ("bureau-finding-close", "post"): (
        lambda w: {"pk": finding(w, w.inspection).pk},
        lambda w: {"text": "销号"},
        bureau_only(200, page=False, office=404),
    ),
    ("bureau-training-list", "get"): (lambda w: {}, None, staff(200, page=False)),
    ("bureau-training-list", "post"): (lambda w: {}, _training_body, staff(201, page=False)),
    ("bureau-training-detail", "get"): (lambda w: {"pk": w.training.pk}, None, officers_record(200, page=False)),
    ("bureau-training-void", "post"): (
        lambda w: {"pk": training(w).pk},
        lambda w: {"reason": "重复录入"},
        officers_record(200, page=False),
    ),
    ("bureau-training-hours", "get"): (lambda w: {}, None, overseers(200, page=False)),
    ("bureau-finding-note", "post"): (
        lambda w: {"pk": finding(w, w.inspection).pk},
        lambda w: {"text": "跟进"},
        expect(403, API_ANON, bureau=201, head=201, other_officer=404),
    ),
}


def _names(patterns, namespace: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found |= _names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return found


def test_the_matrix_names_every_bureau_route():
    from bureau import api_urls, urls

    routes = _names(urls.urlpatterns, "bureau") | _names(api_urls.urlpatterns)
    assert routes - {name for name, _method in MATRIX} == set()
    assert {name for name, _method in MATRIX} - routes == set()
    assert reverse("bureau:meetings")  # mounted


def _prepare(world) -> None:
    world.meeting = meeting(world)
    world.item = item(world, world.meeting)
    world.inspection = inspection(world)
    world.finding = finding(world, world.inspection)
    world.training = training(world, certificate=True)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(world, role):
    _prepare(world)
    world.role = role  # the body of a user's own training names their own organisation
    failures = []
    for (name, method), (kwargs_builder, body_builder, table) in MATRIX.items():
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        url = reverse(name, kwargs=kwargs_builder(world))
        if method == "get":
            response = client.get(url)
        elif name.startswith("bureau:"):
            response = client.post(url, body_builder(world))
        else:
            response = client.post(url, body_builder(world), content_type="application/json")
        if response.status_code != table[role]:
            failures.append((name, method, response.status_code, table[role]))
    assert failures == []
