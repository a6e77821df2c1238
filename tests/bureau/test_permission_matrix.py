"""Every bureau page and API endpoint (dashboards, meetings, action items, checklist, inspections, findings,
budget, spending, contracts, staff training), for every role (a GET's body builder gives its query). The matrix must name every route of bureau/urls.py and
bureau/api_urls.py; a new route not in it fails the first test. Each write runs against rows made fresh by its builder."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from bureau import actions
from tests.bureau.conftest import budget_line, contract, expenditure, finding, inspection, item, meeting, training

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


def budget_only(code: int, page: bool = True) -> dict[str, int]:
    """The budget and the spending: the bureau; anybody else signed in finds nothing (404)."""
    return expect(404, PAGE_LOGIN if page else API_ANON, bureau=code)


def contract_readers(code: int, page: bool = True, provider: int | None = None) -> dict[str, int]:
    """A contract: the bureau, and the contracted organisation's staff (the provider); anybody else 404."""
    return expect(404, PAGE_LOGIN if page else API_ANON, bureau=code, provider=code if provider is None else provider)


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


def _line_body(w) -> dict:
    return {"year": TODAY().year, "category": "equipment", "approved": "5000.00"}


def _spending_body(w) -> dict:
    return {"budget_line": w.line.pk, "spent_on": TODAY().isoformat(), "amount": "10.00", "purpose": "购置档案盒"}


def _contract_body(w, number: str = "GM-P-1") -> dict:
    return {
        "organisation": w.city.providers["social_work_agency"].pk,
        "title": "社会工作服务",
        "number": number,
        "starts_on": TODAY().isoformat(),
        "ends_on": (TODAY() + dt.timedelta(days=365)).isoformat(),
        "amount": "80000.00",
        "target_cases": 20,
    }


def _contract_edit_body(w) -> dict:
    body = _contract_body(w, number=w.contract.number)
    body["organisation"] = w.contract.organisation_id
    return body


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


def dashboard_readers(code: int, page: bool = True) -> dict[str, int]:
    """The dashboards: correction staff and social workers (their places); anybody else finds nothing (404)."""
    return expect(404, PAGE_LOGIN if page else API_ANON, **dict.fromkeys((*OPEN, "social_worker"), code))


MATRIX: dict[tuple[str, str], tuple] = {
    ("bureau:dashboard", "get"): (lambda w: {}, None, dashboard_readers(200)),
    # The rows behind a figure of the first office: its staff and the bureau; another office and the social
    # worker (who sees counts only) find nothing.
    ("bureau:dashboard-rows", "get"): (
        lambda w: {},
        lambda w: {"scope": f"office-{w.city.office.pk}", "key": "now.serving"},
        expect(404, PAGE_LOGIN, **dict.fromkeys(OWN_OFFICE, 200)),
    ),
    ("bureau-figures-list", "get"): (lambda w: {}, None, dashboard_readers(200, page=False)),
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
    ("bureau:budget", "get"): (lambda w: {}, None, budget_only(200)),
    ("bureau:budget-year", "get"): (lambda w: {"year": TODAY().year}, None, budget_only(200)),
    ("bureau:budget-line-new", "get"): (lambda w: {}, None, budget_only(200)),
    ("bureau:budget-line-new", "post"): (lambda w: {}, _line_body, budget_only(302)),
    ("bureau:budget-line-edit", "get"): (lambda w: {"pk": w.line.pk}, None, budget_only(200)),
    ("bureau:budget-line-edit", "post"): (
        lambda w: {"pk": w.line.pk},
        lambda w: {"approved": "120000.00", "note": "年中追加"},
        budget_only(302),
    ),
    ("bureau:expenditures", "get"): (lambda w: {}, None, budget_only(200)),
    ("bureau:expenditure-new", "get"): (lambda w: {}, None, budget_only(200)),
    ("bureau:expenditure-new", "post"): (lambda w: {}, _spending_body, budget_only(302)),
    ("bureau:expenditure", "get"): (lambda w: {"pk": w.expenditure.pk}, None, budget_only(200)),
    ("bureau:expenditure-document", "get"): (lambda w: {"pk": w.expenditure.pk}, None, budget_only(200)),
    ("bureau:expenditure-void", "get"): (lambda w: {"pk": w.expenditure.pk}, None, budget_only(200)),
    ("bureau:expenditure-void", "post"): (
        lambda w: {"pk": expenditure(w, w.line, amount="1").pk},
        lambda w: {"reason": "录入有误"},
        budget_only(302),
    ),
    ("bureau:contracts", "get"): (lambda w: {}, None, contract_readers(200)),
    ("bureau:contract-new", "get"): (lambda w: {}, None, budget_only(200)),
    ("bureau:contract-new", "post"): (lambda w: {}, _contract_body, budget_only(302)),
    ("bureau:contract", "get"): (lambda w: {"pk": w.contract.pk}, None, contract_readers(200)),
    ("bureau:contract-edit", "get"): (lambda w: {"pk": w.contract.pk}, None, contract_readers(200, provider=403)),
    ("bureau:contract-edit", "post"): (
        lambda w: {"pk": w.contract.pk},
        _contract_edit_body,
        contract_readers(302, provider=403),
    ),
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
    ("bureau-budget-line-list", "get"): (lambda w: {}, None, budget_only(200, page=False)),
    ("bureau-budget-line-list", "post"): (
        lambda w: {},
        lambda w: {**_line_body(w), "category": "administration"},
        budget_only(201, page=False),
    ),
    ("bureau-budget-line-detail", "get"): (lambda w: {"pk": w.line.pk}, None, budget_only(200, page=False)),
    ("bureau-budget-line-detail", "patch"): (
        lambda w: {"pk": w.line.pk},
        lambda w: {"approved": "110000.00"},
        budget_only(200, page=False),
    ),
    ("bureau-budget-year-list", "get"): (lambda w: {}, None, budget_only(200, page=False)),
    ("bureau-budget-year-detail", "get"): (lambda w: {"year": TODAY().year}, None, budget_only(200, page=False)),
    ("bureau-expenditure-list", "get"): (lambda w: {}, None, budget_only(200, page=False)),
    ("bureau-expenditure-list", "post"): (lambda w: {}, _spending_body, budget_only(201, page=False)),
    ("bureau-expenditure-detail", "get"): (lambda w: {"pk": w.expenditure.pk}, None, budget_only(200, page=False)),
    ("bureau-expenditure-void", "post"): (
        lambda w: {"pk": expenditure(w, w.line, amount="1").pk},
        lambda w: {"reason": "录入有误"},
        budget_only(200, page=False),
    ),
    ("bureau-contract-list", "get"): (lambda w: {}, None, contract_readers(200, page=False)),
    ("bureau-contract-list", "post"): (
        lambda w: {},
        lambda w: _contract_body(w, number="GM-A-1"),
        contract_readers(201, page=False, provider=403),  # the provider opens the contracts, may not write
    ),
    ("bureau-contract-detail", "get"): (lambda w: {"pk": w.contract.pk}, None, contract_readers(200, page=False)),
    ("bureau-contract-detail", "patch"): (
        lambda w: {"pk": w.contract.pk},
        lambda w: {"target_hours": 300},
        contract_readers(200, page=False, provider=403),
    ),
}


# The monthly and yearly report (issue 18 item 3): the bureau and office staff open the register and request a
# report of a place they may (another office's: 403, the action's words); a report of an office is read and
# downloaded by the bureau and that office's staff (another office finds nothing).


def _report_body(w) -> dict:
    return {"kind": "month", "month": f"{TODAY():%Y-%m}", "scope": f"office-{w.city.office.pk}"}


def _report(w):
    """A generated report of the first office, requested by the bureau."""
    from bureau.models import Report

    row = actions.request_report(
        actor=w.users["bureau"], period=f"{TODAY():%Y-%m}", scope_param=f"office-{w.city.office.pk}"
    )
    actions.generate_report(report_id=row.pk)
    return Report.objects.get(pk=row.pk)


MATRIX |= {
    ("bureau:reports", "get"): (lambda w: {}, None, both(200)),
    ("bureau:report-new", "get"): (lambda w: {}, None, both(200)),
    ("bureau:report-new", "post"): (lambda w: {}, _report_body, {**own(302), "other_officer": 403}),
    ("bureau:report", "get"): (lambda w: {"pk": w.report.pk}, None, own(200)),
    ("bureau:report-status", "get"): (lambda w: {"pk": w.report.pk}, None, own(200)),
    ("bureau:report-xlsx", "get"): (lambda w: {"pk": w.report.pk}, None, own(200)),
    ("bureau:report-pdf", "get"): (lambda w: {"pk": w.report.pk}, None, own(200)),
    ("bureau-report-list", "get"): (lambda w: {}, None, both(200, page=False)),
    ("bureau-report-list", "post"): (
        lambda w: {},
        lambda w: {"period": f"{TODAY():%Y-%m}", "scope": f"office-{w.city.office.pk}"},
        {**own(201, page=False), "other_officer": 403},
    ),
    ("bureau-report-detail", "get"): (lambda w: {"pk": w.report.pk}, None, own(200, page=False)),
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
    world.line = budget_line(world)
    world.contract = contract(world, target_cases=5)  # with the provider's organisation (a training provider)
    world.expenditure = actions.record_expenditure(
        actor=world.users["bureau"],
        budget_line=world.line,
        spent_on=TODAY(),
        amount=Decimal("100.00"),
        purpose="办公用品",
        document=SimpleUploadedFile("receipt.pdf", b"%PDF-1.4\n" + b"0" * 64),
    )
    world.training = training(world, certificate=True)
    world.report = _report(world)


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
            response = client.get(url, body_builder(world) if body_builder else None)
        elif method == "patch":
            response = client.patch(url, body_builder(world), content_type="application/json")
        elif name.startswith("bureau:"):
            response = client.post(url, body_builder(world))
        else:
            response = client.post(url, body_builder(world), content_type="application/json")
        if response.status_code != table[role]:
            failures.append((name, method, response.status_code, table[role]))
    assert failures == []
