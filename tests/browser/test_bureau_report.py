"""The bureau requests last month's report for the demo city in the browser, watches its progress, downloads the
XLSX and the PDF; the workbook opens with openpyxl and its totals equal the dashboard's figures."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from accounts.demo_support import DEMO_PASSWORD
from accounts.models import User
from bureau import actions, figures
from bureau.models import Report
from tests.browser.conftest import pass_second_factor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_bureau_generates_the_monthly_report_and_its_totals_are_the_dashboards(page, monkeypatch):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # The request queues the report; the test plays the worker, so the page shows it queued, then moving.
    queued: list[int] = []
    monkeypatch.setattr(actions, "_queue_report", queued.append)
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)

    page.goto("/en/accounts/login/?next=/en/casework/leadership/reports/")
    page.get_by_label("Username").fill("bureau")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    pass_second_factor(page, "bureau")
    page.wait_for_url("**/casework/leadership/reports/")
    assert "No report has been requested yet" in page.content()

    page.get_by_role("link", name="Request a report").first.click()
    page.get_by_role("textbox", name="Month").fill(f"{last_month:%Y-%m}")
    page.get_by_label("Reporting area").select_option("city")
    page.get_by_role("button", name="Request the report").click()
    page.wait_for_url(re.compile(r"/casework/leadership/reports/\d+/$"))
    report = Report.objects.get()
    assert queued == [report.pk]
    assert page.get_by_test_id("report-state").inner_text() == "queued"
    assert page.locator("#report-progress progress").get_attribute("value") == "0"

    actions.generate_report(report_id=report.pk)  # the worker; the page's poll sees it done and reloads
    page.get_by_role("link", name="Download the spreadsheet (XLSX)").wait_for()
    assert page.get_by_test_id("report-state").inner_text() == "ready"
    assert page.get_by_test_id("report-progress").inner_text() == "100"

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download the spreadsheet (XLSX)").click()
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download the PDF").click()
    assert xlsx_download.value.suggested_filename == f"report-{last_month:%Y-%m}-city.xlsx"
    assert pdf_download.value.path().read_bytes().startswith(b"%PDF")

    book = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    assert book.worksheets[0]["A1"].value == "社区矫正工作月报"
    rows = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    in_workbook = {row[3]: row[1] for row in rows if row[3]}
    totals = {row[3]: row[1] for row in rows if row[3] and str(row[0]).endswith("（合计）")}

    bureau = User.objects.get(username="bureau")
    dashboard = figures.iter_values(
        figures.period_figures(
            bureau, figures.resolve_scope(bureau, "city"), start=last_month.replace(day=1), end=last_month
        )
    )
    assert set(totals) == {"serving", "terminated", "budget.total", "spent.total"}
    assert totals["serving"] == dashboard["serving"] > 0
    assert totals["terminated"] == dashboard["terminated"]
    for prefix in ("budget", "spent"):
        expected = sum(value for key, value in dashboard.items() if key.startswith(f"{prefix}."))
        assert Decimal(str(totals[f"{prefix}.total"])) == expected
    assert all(Decimal(str(in_workbook[key])) == Decimal(str(value)) for key, value in dashboard.items())
