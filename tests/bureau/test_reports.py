"""The monthly and yearly report (issue 18 item 3): each figure of the XLSX recomputed independently from the rows
(plain counting in Python, not through ``bureau.figures``), the XLSX equal to the dashboard's figures, the same
period twice giving the same numbers, the PDF's text, the scoping of requests, reads and downloads, a bad period
and a failed build."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bureau import actions, figures, reports
from bureau.models import BudgetCategory, BudgetLine, Expenditure, Report
from config.errors import ActionError
from coordination import actions as coordination_actions
from coordination.models import AccessLog, Need, Referral, ReferralEvent, SentenceType, Supervisee
from services.models import ServiceCategory
from supervision import actions as supervision_actions
from supervision.education.models import Attendance, Session
from supervision.models import Obligation, StatusChange
from supervision.movement.models import MovementRequest
from supervision.reporting import actions as reporting_actions
from supervision.reporting.models import CheckIn, LostContactEpisode
from supervision.sanctions.models import SanctionProposal
from tests.bureau.conftest import budget_line, expenditure, today
from tests.coordination.factories import make_supervisee
from volunteers.models import HourLog

pytestmark = pytest.mark.django_db
SERVING = {Supervisee.Status.UNDER_CORRECTION, Supervisee.Status.SUSPENDED}


# --- the fixture city: rows made through the actions ---------------------------------------------------------


@pytest.fixture
def city(world):
    """The bureau's world (two supervisees, a need, referrals sent, accepted and in service) with this month's
    termination, a check-in, a completed referral, and this year's budget with spending (one voided)."""
    w = world
    officer, bureau = w.users["officer"], w.users["bureau"]
    leaving = make_supervisee(office=w.city.office, actor=bureau, sentence_type=SentenceType.PAROLE)
    supervision_actions.terminate(supervisee=leaving, actor=officer, ground="revocation", on=today(), note="撤销假释")
    reporting_actions.check_in(supervisee=w.supervisee, actor=officer, method="in_person", report={"law_abiding": True})
    coordination_actions.apply_verb(
        referral=w.referrals["in_service"], verb="complete", actor=w.users["provider"], grade="achieved"
    )
    line = budget_line(w, category=BudgetCategory.CASEWORK, approved="100000.00")
    budget_line(w, category=BudgetCategory.EQUIPMENT, approved="20000.50")
    expenditure(w, line, amount="1200.00", on=today())
    voided = expenditure(w, line, amount="300.00", on=today())
    actions.void_expenditure(expenditure=voided, actor=bureau, reason="录入有误")
    return w


def _this_month() -> str:
    return f"{today():%Y-%m}"


def _generate(actor, period: str, scope: str = "city", django_capture_on_commit_callbacks=None) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        report = actions.request_report(actor=actor, period=period, scope_param=scope)
    report.refresh_from_db()
    return report


@pytest.fixture
def generate(django_capture_on_commit_callbacks):
    def run(actor, period: str | None = None, scope: str = "city") -> Report:
        return _generate(actor, period or _this_month(), scope, django_capture_on_commit_callbacks)

    return run


def _xlsx_values(report: Report) -> dict[str, int | float]:
    """code -> value of the workbook's figures sheet (its second sheet; the first is the cover)."""
    book = load_workbook(io.BytesIO(report.xlsx.open("rb").read()))
    sheet = book.worksheets[1]
    return {row[3]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[3]}


# --- the independent recomputation: plain Python over the rows -----------------------------------------------


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


def _in(day: dt.date | None, start: dt.date, end: dt.date) -> bool:
    return day is not None and start <= day <= end


def recount(start: dt.date, end: dt.date) -> dict[str, Decimal | int]:
    """Every figure of the city's report for the days ``start``..``end``, counted row by row."""
    out: dict[str, Decimal | int] = {}
    changes = list(StatusChange.objects.all())

    def status_at_end(person: Supervisee) -> str | None:
        history = [c for c in changes if c.supervisee_id == person.pk]
        if not history:
            return person.status if person.correction_start <= end else None
        before = [c for c in history if c.occurred_on <= end]
        return max(before, key=lambda c: (c.occurred_on, c.pk)).to_status if before else None

    people = list(Supervisee.objects.all())
    serving = [p for p in people if status_at_end(p) in SERVING]
    out["serving"] = len(serving)
    for code, _label in SentenceType.choices:
        out[f"serving.{code}"] = sum(1 for p in serving if p.sentence_type == code)

    in_period = [c for c in changes if start <= c.occurred_on <= end]
    for key, action in (("registered", "register"), ("announced", "announce"), ("released", "release")):
        out[key] = sum(1 for c in in_period if c.action == action)
    out["terminated"] = sum(1 for c in in_period if c.action == "terminate")
    for code, _label in StatusChange.Ground.choices:
        out[f"terminated.{code}"] = sum(1 for c in in_period if c.action == "terminate" and c.ground == code)

    out["missed_intake"] = sum(
        1
        for o in Obligation.objects.filter(kind=Obligation.Kind.INTAKE_REPORT)
        if _in(_local_day(o.due_at), start, end) and (o.done_at is None or o.done_at > o.due_at)
    )
    out["lost_contact"] = sum(1 for e in LostContactEpisode.objects.all() if _in(_local_day(e.opened_at), start, end))
    confirmed = [
        c
        for c in CheckIn.objects.all()
        if c.state == CheckIn.State.CONFIRMED and _in(_local_day(c.occurred_at), start, end)
    ]
    out["checkins"] = len(confirmed)
    out["checkins.late"] = sum(1 for c in confirmed if c.late)
    movement = [m for m in MovementRequest.objects.all() if _in(_local_day(m.applied_at), start, end)]
    for code, _label in MovementRequest.Kind.choices:
        out[f"requests.{code}"] = sum(1 for m in movement if m.kind == code)
    proposals = [s for s in SanctionProposal.objects.all() if _in(_local_day(s.proposed_at), start, end)]
    for code, _label in SanctionProposal.Kind.choices:
        out[f"sanctions.{code}"] = sum(1 for s in proposals if s.kind == code)

    needs = list(Need.objects.select_related("category"))
    for category in ServiceCategory.objects.all():
        mine = [n for n in needs if n.category.code == category.code]
        out[f"needs.{category.code}"] = sum(1 for n in mine if _in(_local_day(n.opened_at), start, end))
        out[f"needs_met.{category.code}"] = sum(
            1 for n in mine if n.status == Need.Status.MET and _in(_local_day(n.closed_at), start, end)
        )
    referrals = list(Referral.objects.all())
    events = list(ReferralEvent.objects.all())

    def reached(referral: Referral, state: str) -> bool:
        return any(
            e.referral_id == referral.pk and e.to_state == state and _in(_local_day(e.created_at), start, end)
            for e in events
        )

    out["referrals.sent"] = sum(1 for r in referrals if _in(_local_day(r.sent_at), start, end))
    out["referrals.accepted"] = sum(1 for r in referrals if reached(r, "accepted"))
    completed = [r for r in referrals if reached(r, "completed")]
    out["referrals.completed"] = len(completed)
    for code, _label in Referral.Outcome.choices:
        out[f"outcomes.{code}"] = sum(1 for r in completed if r.outcome_grade == code)

    present = [
        a
        for a in Attendance.objects.select_related("session")
        if a.status == Attendance.Status.PRESENT
        and not a.session.cancelled
        and _in(_local_day(a.session.starts_at), start, end)
    ]
    activity = [a for a in present if a.session.kind == Session.Kind.PUBLIC_INTEREST]
    education = [a for a in present if a.session.kind != Session.Kind.PUBLIC_INTEREST]
    for key, rows in (("education_hours", education), ("activity_hours", activity)):
        out[key] = (Decimal(sum(a.minutes or 0 for a in rows)) / 60).quantize(Decimal("0.01"))
    out["volunteer_hours"] = sum(
        (h.hours for h in HourLog.objects.all() if h.status == HourLog.Status.APPROVED and start <= h.date <= end),
        Decimal("0"),
    ).quantize(Decimal("0.01"))

    for code, _label in BudgetCategory.choices:
        out[f"budget.{code}"] = sum(
            (b.approved for b in BudgetLine.objects.all() if b.year == end.year and b.category == code), Decimal("0")
        ).quantize(Decimal("0.01"))
        out[f"spent.{code}"] = sum(
            (
                e.amount
                for e in Expenditure.objects.select_related("budget_line")
                if e.voided_at is None and e.budget_line.category == code and start <= e.spent_on <= end
            ),
            Decimal("0"),
        ).quantize(Decimal("0.01"))
    return out


def _same(found, expected) -> bool:
    return Decimal(str(found)) == Decimal(str(expected))


# --- the figures --------------------------------------------------------------------------------------------------


def test_each_figure_of_the_monthly_report_equals_the_rows_counted_by_hand(city, generate):
    report = generate(city.users["bureau"])
    assert report.state == Report.State.DONE, report.error
    found = _xlsx_values(report)
    expected = recount(report.period_start, report.period_end)
    totals = {key for key in found if key.endswith(".total")}
    assert set(found) - totals == set(expected)
    differ = {key: (found[key], value) for key, value in expected.items() if not _same(found[key], value)}
    assert differ == {}
    # The fixture is not all zeros: the figures below were made by the actions above.
    assert found["terminated"] == found["terminated.revocation"] == 1
    assert found["serving"] == 2 and found["checkins"] == 1 and found["referrals.completed"] == 1
    assert _same(found["spent.casework"], "1200.00") and _same(found["budget.equipment"], "20000.50")
    assert _same(found["budget.total"], "120000.50") and _same(found["spent.total"], "1200.00")


def test_the_xlsx_equals_the_dashboards_figures_for_the_same_period_and_place(city, generate):
    bureau = city.users["bureau"]
    report = generate(bureau)
    scope = figures.resolve_scope(bureau, "city")
    shown = figures.iter_values(figures.period_figures(bureau, scope, start=report.period_start, end=report.period_end))
    found = _xlsx_values(report)
    assert {key for key in found if not key.endswith(".total")} == set(shown)
    assert all(_same(found[key], value) for key, value in shown.items())
    budget = sum(value for key, value in shown.items() if key.startswith("budget."))
    assert _same(found["budget.total"], budget)
    # The snapshot on the row says the same, as strings.
    assert reports.values(report.figures) == {
        key: Decimal(str(v)) if isinstance(v, float) else v for key, v in found.items()
    }


def test_the_same_period_generated_twice_gives_the_same_numbers(city, generate):
    first, second = generate(city.users["bureau"]), generate(city.users["bureau"])
    assert first.pk != second.pk  # the register keeps both
    assert _xlsx_values(first) == _xlsx_values(second)
    assert first.figures["sections"] == second.figures["sections"]


def test_a_closed_month_counts_only_its_days(city, generate):
    last_month = today().replace(day=1) - dt.timedelta(days=1)
    report = generate(city.users["bureau"], f"{last_month:%Y-%m}")
    assert report.period_start == last_month.replace(day=1) and report.period_end == last_month
    found = _xlsx_values(report)
    assert found["terminated"] == 0 and found["checkins"] == 0
    expected = recount(report.period_start, report.period_end)
    assert all(_same(found[key], value) for key, value in expected.items())


def test_the_yearly_report(city, generate):
    report = generate(city.users["bureau"], str(today().year))
    assert report.kind == "year" and report.month is None and report.state == "done"
    assert (report.period_start, report.period_end) == (dt.date(today().year, 1, 1), today())
    assert _xlsx_values(report)["terminated"] >= 1


def test_the_files_the_cover_and_their_checksums(city, generate):
    import hashlib

    from pypdf import PdfReader

    report = generate(city.users["bureau"])
    xlsx, pdf = report.xlsx.open("rb").read(), report.pdf.open("rb").read()
    assert hashlib.sha256(xlsx).hexdigest() == report.xlsx_sha256
    assert hashlib.sha256(pdf).hexdigest() == report.pdf_sha256
    assert report.progress == 100 and report.finished_at is not None
    cover = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    lines = {row[0]: row[1] for row in cover.iter_rows(min_row=3, values_only=True) if row[0]}
    assert cover["A1"].value == "社区矫正工作月报"
    assert lines["地区"] == "全市" and lines["统计期间"] == f"{today().year}年{today().month}月"
    assert lines["申请人"] == city.users["bureau"].get_full_name() and "北京时间" in lines["生成时间"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "社区矫正工作月报" in text and "全市" in text and f"{today().year}年{today().month}月" in text
    assert "期末在矫人数" in text and "经费保障（元）" in text and "120,000.50" in text and "1,200.00" in text
    # Nothing of the files has a public address.
    assert "/media/" not in report.xlsx.path and "private" in report.xlsx.path


def test_the_pdf_names_the_place_period_and_numbers(city, generate):
    from pypdf import PdfReader

    report = generate(city.users["bureau"], scope=f"office-{city.city.office.pk}")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.open("rb").read())).pages)
    assert city.city.office.name in text and f"{today().year}年{today().month}月" in text
    found = _xlsx_values(report)
    assert "budget.casework" not in found  # funding is the city's
    assert found["serving"] == 1 and "期末在矫人数" in text and "经费保障" not in text  # the other office's not


# --- who requests and who reads ----------------------------------------------------------------------------------


def test_an_office_head_requests_their_own_office_only_and_sees_only_its_reports(city, generate):
    head, bureau = city.users["head"], city.users["bureau"]
    with pytest.raises(ActionError) as refused:
        actions.request_report(actor=head, period=_this_month(), scope_param="city")
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionError):
        actions.request_report(actor=head, period=_this_month(), scope_param=f"office-{city.city.other_office.pk}")
    own = generate(head, scope=f"office-{city.city.office.pk}")
    assert own.state == "done" and own.office_id == city.city.office.pk
    city_report = generate(bureau)
    other = generate(bureau, scope=f"office-{city.city.other_office.pk}")
    from bureau import selectors

    assert set(selectors.reports(head)) == {own}
    assert set(selectors.reports(bureau)) == {own, city_report, other}
    assert set(selectors.reports(city.users["other_officer"])) == {other}
    for nobody in ("social_worker", "provider", "volunteer", "editor"):
        assert not selectors.reports(city.users[nobody]).exists()
        with pytest.raises(ActionError) as refused:
            actions.request_report(actor=city.users[nobody], period=_this_month(), scope_param="city")
        assert refused.value.code == "forbidden"


def test_downloads_are_scoped_and_logged(city, generate):
    report = generate(city.users["bureau"], scope=f"office-{city.city.office.pk}")
    client = Client()
    client.force_login(city.users["officer"])
    for name, kind in (("bureau:report-xlsx", "spreadsheetml"), ("bureau:report-pdf", "pdf")):
        response = client.get(reverse(name, args=[report.pk]))
        assert response.status_code == 200 and kind in response["Content-Type"]
        assert response["Content-Disposition"].startswith("attachment")
        b"".join(response.streaming_content)
    logged = AccessLog.objects.filter(object_type="bureau report", object_id=str(report.pk))
    assert logged.count() == 2 and {row.user for row in logged} == {city.users["officer"]}
    other = Client()
    other.force_login(city.users["other_officer"])
    assert other.get(reverse("bureau:report-xlsx", args=[report.pk])).status_code == 404
    assert other.get(reverse("bureau:report", args=[report.pk])).status_code == 404
    assert logged.count() == 2


def test_a_bad_period_is_a_field_error(city):
    for period in ("2026-13", "26", "next month", "2026/11", f"{today().year + 1}", "1999"):
        with pytest.raises(ActionError) as refused:
            actions.request_report(actor=city.users["bureau"], period=period)
        assert refused.value.status_code == 400 and "period" in refused.value.message_dict, period
    with pytest.raises(ActionError) as refused:
        actions.request_report(actor=city.users["bureau"], period=_this_month(), scope_param="office-999999")
    assert refused.value.status_code == 400 and "scope" in refused.value.message_dict
    assert not Report.objects.exists()


def test_the_api_answers_400_and_403_with_the_pages_words(city):
    client = Client()
    client.force_login(city.users["bureau"])
    url = reverse("bureau-report-list")
    bad = client.post(url, {"period": "2026-13"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"]["period"]
    client.force_login(city.users["head"])
    refused = client.post(url, {"period": _this_month(), "scope": "city"}, content_type="application/json")
    assert refused.status_code == 403
    page = client.post(reverse("bureau:report-new"), {"kind": "month", "month": _this_month(), "scope": "city"})
    assert page.status_code == 403
    assert refused.json()["detail"] in page.content.decode()


def test_the_api_requests_lists_and_shows_a_report(city, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(city.users["bureau"])
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(reverse("bureau-report-list"), {"period": _this_month()}, content_type="application/json")
    assert made.status_code == 201
    pk = made.json()["id"]
    one = client.get(reverse("bureau-report-detail", args=[pk])).json()
    assert one["state"] == "done" and one["progress"] == 100 and one["xlsx_url"].endswith("report.xlsx")
    assert one["figures"]["sections"][0]["key"] == "caseload"
    listed = client.get(reverse("bureau-report-list"), {"period": _this_month(), "state": "done"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [pk]
    other = client.get(reverse("bureau-report-list"), {"period": "2001"}).json()
    assert (other["results"] if isinstance(other, dict) else other) == []


# --- failures ----------------------------------------------------------------------------------------------------


def test_a_failure_in_build_leaves_the_report_failed_with_the_reason(city, generate, monkeypatch):
    def broken(report, *, progress):
        progress(40)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(reports, "build", broken)
    report = generate(city.users["bureau"])
    assert report.state == Report.State.FAILED and "the disk is full" in report.error
    assert not report.xlsx and not report.pdf and report.figures == {}
    client = Client()
    client.force_login(city.users["bureau"])
    page = client.get(reverse("bureau:report", args=[report.pk]))
    assert page.status_code == 200 and "report-failure" in page.content.decode()
    assert client.get(reverse("bureau:report-xlsx", args=[report.pk])).status_code == 404


def test_a_requester_who_lost_the_office_fails_readably(city):
    from services.models import Membership

    head = city.users["head"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(actions, "_queue_report", lambda pk: None)
        report = actions.request_report(actor=head, period=_this_month(), scope_param=f"office-{city.city.office.pk}")
    Membership.objects.filter(user=head).delete()
    done = actions.generate_report(report_id=report.pk)
    assert done.state == "failed" and done.error == "申请人已不再从事社区矫正工作。"


def test_a_done_report_is_not_generated_again(city, generate):
    report = generate(city.users["bureau"])
    digest = report.xlsx_sha256
    assert actions.generate_report(report_id=report.pk).xlsx_sha256 == digest


# --- the pages ----------------------------------------------------------------------------------------------------


def test_the_register_filters_pages_and_says_what_to_do_when_empty(city, generate):
    client = Client()
    client.force_login(city.users["bureau"])
    empty = client.get(reverse("bureau:reports")).content.decode()
    assert "尚未申请报表" in empty and reverse("bureau:report-new") in empty
    report = generate(city.users["bureau"])
    page = client.get(reverse("bureau:reports")).content.decode()
    assert reverse("bureau:report", args=[report.pk]) in page
    assert (
        reverse("bureau:report", args=[report.pk])
        not in client.get(reverse("bureau:reports"), {"state": "failed"}).content.decode()
    )
    assert (
        reverse("bureau:report", args=[report.pk])
        in client.get(reverse("bureau:reports"), {"period": str(today().year)}).content.decode()
    )
    detail = client.get(reverse("bureau:report", args=[report.pk])).content.decode()
    assert reverse("bureau:report-xlsx", args=[report.pk]) in detail and "report-section-caseload" in detail
    status = client.get(reverse("bureau:report-status", args=[report.pk])).json()
    assert status == {"state": "done", "state_label": status["state_label"], "progress": 100, "done": True}


def test_the_request_page(city, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(city.users["bureau"])
    form = client.get(reverse("bureau:report-new"))
    assert form.status_code == 200 and 'type="month"' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(reverse("bureau:report-new"), {"kind": "year", "year": str(today().year), "scope": "city"})
    report = Report.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("bureau:report", args=[report.pk])
    assert report.kind == "year" and report.state == "done"
    bad = client.post(reverse("bureau:report-new"), {"kind": "month", "month": "2026-13", "scope": "city"})
    assert bad.status_code == 400 and Report.objects.count() == 1
    # A monthly report asked with a year only is not made into a yearly one.
    year_as_month = client.post(reverse("bureau:report-new"), {"kind": "month", "month": "2026", "scope": "city"})
    assert year_as_month.status_code == 400 and "2026-11" in year_as_month.content.decode()
    assert Report.objects.count() == 1


def test_the_sweep_queues_lost_reports_again_and_fails_those_whose_worker_died(city):
    queued: list[int] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(actions, "_queue_report", queued.append)
        lost = actions.request_report(actor=city.users["bureau"], period=_this_month())
        dead = actions.request_report(actor=city.users["bureau"], period=_this_month())
        fresh = actions.request_report(actor=city.users["bureau"], period=_this_month())
        long_ago = timezone.now() - dt.timedelta(hours=1)
        Report.objects.filter(pk=lost.pk).update(queued_at=long_ago)
        Report.objects.filter(pk=dead.pk).update(state="running", started_at=long_ago, heartbeat_at=long_ago)
        queued.clear()
        assert actions.sweep_reports() == {"failed": [dead.pk], "requeued": [lost.pk]}
        assert queued == [lost.pk]
        assert actions.sweep_reports() == {"failed": [], "requeued": []}  # once, not at every sweep
    dead.refresh_from_db()
    assert dead.state == "failed" and dead.error
    assert Report.objects.get(pk=fresh.pk).state == "queued"


def test_the_register_costs_a_fixed_number_of_queries(city, generate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(city.users["bureau"])
    generate(city.users["bureau"])

    def cost(url: str) -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    page, api = cost(reverse("bureau:reports")), cost(reverse("bureau-report-list"))
    for _i in range(4):
        generate(city.users["bureau"], scope=f"office-{city.city.other_office.pk}")
    assert cost(reverse("bureau:reports")) == page and cost(reverse("bureau-report-list")) == api


def test_the_place_is_named_in_the_bureaus_language_whatever_the_requesters(city):
    from django.utils import translation

    with translation.override("en"), pytest.MonkeyPatch.context() as patch:
        patch.setattr(actions, "_queue_report", lambda pk: None)
        report = actions.request_report(actor=city.users["bureau"], period=_this_month())
    assert report.scope_label == "全市"
