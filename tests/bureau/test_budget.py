"""Budget lines and spending (issue 18 item 6): every figure of the year page and of the overview is checked
against an independent sum of the rows; a voided expenditure does not count; overspending needs a reason and
is flagged; a year whose approved total did not grow is flagged; the supporting document stays private."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bureau import actions, selectors
from bureau.models import BudgetCategory, BudgetLine, Expenditure
from config.errors import ActionError
from tests.bureau.conftest import budget_line, expenditure, today

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 64
YEAR = today().year


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _money(value) -> str:
    return f"{Decimal(value):,.2f}"


def _spent(line: BudgetLine) -> Decimal:
    """The independent sum: the valid rows of the line, added in Python."""
    return sum((e.amount for e in Expenditure.objects.filter(budget_line=line) if e.voided_at is None), Decimal(0))


def _pct(part: Decimal, whole: Decimal) -> str:
    return f"{(part * 100 / whole).quantize(Decimal('0.1'))}%"


def _two_years(world):
    """Last year: casework 80,000 and equipment 50,000; this year: casework 100,000 (+25%), equipment 40,000
    (-20%), personnel 300,000 (new); spending on both years, one of it voided."""
    old_case = budget_line(world, year=YEAR - 1, category="casework", approved="80000")
    old_kit = budget_line(world, year=YEAR - 1, category="equipment", approved="50000")
    case = budget_line(world, category="casework", approved="100000")
    kit = budget_line(world, category="equipment", approved="40000")
    staff = budget_line(world, category="personnel", approved="300000")
    expenditure(world, old_case, amount="79000.50", on=dt.date(YEAR - 1, 12, 30))
    expenditure(world, case, amount="12345.67")
    expenditure(world, case, amount="2000")
    wrong = expenditure(world, case, amount="9999")
    actions.void_expenditure(expenditure=wrong, actor=world.users["bureau"], reason="重复录入")
    expenditure(world, kit, amount="15000")
    expenditure(world, staff, amount="100000.01")
    return {"old_case": old_case, "old_kit": old_kit, "case": case, "kit": kit, "staff": staff}


def test_every_figure_of_the_year_page_matches_an_independent_sum(world):
    lines = _two_years(world)
    summary = selectors.budget_year(world.users["bureau"], YEAR)
    rows = {row["category"]: row for row in summary["rows"]}
    assert [row["category"] for row in summary["rows"]] == list(BudgetCategory.values)
    page = _client(world.users["bureau"]).get(reverse("bureau:budget-year", args=[YEAR])).content.decode()
    for key, code in (("case", "casework"), ("kit", "equipment"), ("staff", "personnel")):
        line = lines[key]
        spent = _spent(line)
        assert rows[code]["approved"] == line.approved
        assert rows[code]["spent"] == spent
        assert rows[code]["remaining"] == line.approved - spent
        assert f"{rows[code]['percent_spent']}%" == _pct(spent, line.approved)
        # The table and the chart write the same numbers.
        assert page.count(_money(spent)) >= 2, code
        assert page.count(_money(line.approved)) >= 2, code
        assert _money(line.approved - spent) in page
    assert _spent(lines["case"]) == Decimal("14345.67")  # the voided 9,999 is not in it
    assert _money("24344.67") not in page
    # Year-on-year growth per category and of the total, against last year's lines.
    assert f"{rows['casework']['growth']:+}%" == "+25.0%"
    assert f"{rows['equipment']['growth']:+}%" == "-20.0%"
    assert rows["personnel"]["growth"] is None  # no line last year: nothing to compare with
    assert rows["administration"]["approved"] is None
    total, before = Decimal("440000"), Decimal("130000")
    assert summary["approved"] == sum(line.approved for line in BudgetLine.objects.filter(year=YEAR)) == total
    assert summary["spent"] == sum(_spent(line) for line in BudgetLine.objects.filter(year=YEAR))
    assert summary["previous_approved"] == before
    assert f"{summary['growth']}%" == _pct(total - before, before)
    assert not summary["did_not_grow"]
    for text in ("+25.0%", "-20.0%", f"+{_pct(total - before, before)}", _money(summary["spent"])):
        assert text in page
    assert "<svg" in page and "<script" not in page


def test_the_overview_gives_each_years_totals_and_growth(world):
    _two_years(world)
    years = selectors.budget_years(world.users["bureau"])
    assert [y["year"] for y in years] == [YEAR, YEAR - 1]
    for entry in years:
        lines = BudgetLine.objects.filter(year=entry["year"])
        assert entry["approved"] == sum(line.approved for line in lines)
        assert entry["spent"] == sum(_spent(line) for line in lines)
    assert years[1]["growth"] is None and not years[1]["did_not_grow"]
    page = _client(world.users["bureau"]).get(reverse("bureau:budget")).content.decode()
    assert _money(years[0]["spent"]) in page and _money(years[1]["spent"]) in page
    assert _money("79000.50") in page


def test_a_year_whose_approved_total_did_not_grow_is_flagged(world):
    budget_line(world, year=YEAR - 1, category="casework", approved="100000")
    budget_line(world, category="casework", approved="100000")  # flat: did not grow
    client = _client(world.users["bureau"])
    page = client.get(reverse("bureau:budget-year", args=[YEAR])).content.decode()
    assert "未增长" in page
    api = client.get(reverse("bureau-budget-year-detail", args=[YEAR])).json()
    assert api["did_not_grow"] is True and api["growth"] == "0.0"
    line = BudgetLine.objects.get(year=YEAR)
    actions.edit_budget_line(line=line, actor=world.users["bureau"], approved=Decimal("100000.01"))
    assert "未增长" not in client.get(reverse("bureau:budget-year", args=[YEAR])).content.decode()


def test_a_voided_expenditure_stays_on_record_and_no_longer_counts(world):
    line = budget_line(world, approved="5000")
    row = expenditure(world, line, amount="1200")
    client = _client(world.users["bureau"])
    with pytest.raises(ActionError) as refused:
        actions.void_expenditure(expenditure=row, actor=world.users["bureau"], reason=" ")
    assert "reason" in refused.value.message_dict
    # The void page is the confirmation step; the reason is required there too.
    assert client.post(reverse("bureau:expenditure-void", args=[row.pk]), {"reason": ""}).status_code == 400
    response = client.post(reverse("bureau:expenditure-void", args=[row.pk]), {"reason": "金额录错"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.is_void and row.void_reason == "金额录错" and Expenditure.objects.filter(pk=row.pk).exists()
    assert selectors.budget_year(world.users["bureau"], YEAR)["spent"] == 0
    with pytest.raises(ActionError):
        actions.void_expenditure(expenditure=row, actor=world.users["bureau"], reason="again")
    # The list hides voided rows unless asked; the detail says it is voided and why.
    listing = client.get(reverse("bureau:expenditures")).content.decode()
    assert "购置矫正宣传资料" not in listing
    voided = client.get(reverse("bureau:expenditures"), {"state": "voided"}).content.decode()
    assert "购置矫正宣传资料" in voided and "已作废" in voided
    assert "金额录错" in client.get(reverse("bureau:expenditure", args=[row.pk])).content.decode()


def test_spending_past_the_approved_amount_needs_a_reason_and_the_line_is_flagged(world):
    line = budget_line(world, approved="1000")
    expenditure(world, line, amount="900")
    with pytest.raises(ActionError) as refused:
        expenditure(world, line, amount="100.01")
    assert "overspend_reason" in refused.value.message_dict
    expenditure(world, line, amount="100")  # exactly the approved amount: fine
    row = expenditure(world, line, amount="50", reason="经局党组会议批准追加预算")
    assert row.overspend_reason
    summary = selectors.budget_year(world.users["bureau"], YEAR)
    assert [r["category"] for r in summary["overspent"]] == ["casework"]
    page = _client(world.users["bureau"]).get(reverse("bureau:budget-year", args=[YEAR])).content.decode()
    assert "超支" in page and _money("-50") in page
    # The API gives the same refusal as a 400 with the field's message.
    response = _client(world.users["bureau"]).post(
        reverse("bureau-expenditure-list"),
        {"budget_line": line.pk, "spent_on": today().isoformat(), "amount": "1", "purpose": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "overspend_reason" in response.json()["errors"]


def test_dates_amounts_and_one_line_per_category(world):
    line = budget_line(world)
    for on in (dt.date(YEAR - 1, 12, 31), today() + dt.timedelta(days=1)):
        with pytest.raises(ActionError) as refused:
            expenditure(world, line, on=on)
        assert "spent_on" in refused.value.message_dict
    for amount in ("0", "-5"):
        with pytest.raises(ActionError) as refused:
            expenditure(world, line, amount=amount)
        assert "amount" in refused.value.message_dict
    with pytest.raises(ActionError) as refused:
        budget_line(world)
    assert "category" in refused.value.message_dict
    with pytest.raises(ActionError):
        budget_line(world, year=YEAR + 1, category="equipment", approved="-1")
    client = _client(world.users["bureau"])
    response = client.post(
        reverse("bureau-budget-line-list"),
        {"year": YEAR, "category": "nonsense", "approved": "1"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "category" in response.json()["errors"]
    # Whether an amount may be negative is the action's rule: the API gives its message.
    response = client.post(
        reverse("bureau-budget-line-list"),
        {"year": YEAR + 1, "category": "equipment", "approved": "-1"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["errors"]["approved"] == ["金额不能为负数。"]


@pytest.mark.parametrize("role", ["officer", "head", "provider", "social_worker"])
def test_only_the_bureau_records_budgets_and_spending(world, role):
    line = budget_line(world)
    with pytest.raises(PermissionDenied):
        actions.record_budget_line(actor=world.users[role], year=YEAR, category="equipment", approved=Decimal(1))
    with pytest.raises(PermissionDenied):
        actions.record_expenditure(
            actor=world.users[role], budget_line=line, spent_on=today(), amount=Decimal(1), purpose="x"
        )
    # Office heads and officers do not read the budget either: the pages are not there for them.
    assert _client(world.users[role]).get(reverse("bureau:budget-year", args=[YEAR])).status_code == 404


def test_the_supporting_document_is_private_and_served_only_to_the_bureau(world, settings):
    line = budget_line(world)
    client = _client(world.users["bureau"])
    response = client.post(
        reverse("bureau:expenditure-new"),
        {
            "budget_line": line.pk,
            "spent_on": today().isoformat(),
            "amount": "300",
            "purpose": "打印矫正文书",
            "document": SimpleUploadedFile("发票.pdf", PDF),
        },
    )
    assert response.status_code == 302
    row = Expenditure.objects.get()
    assert row.document and "发票" not in row.document.name
    assert str(settings.PRIVATE_MEDIA_ROOT) in row.document.path
    served = client.get(reverse("bureau:expenditure-document", args=[row.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
    assert _client(world.users["head"]).get(reverse("bureau:expenditure-document", args=[row.pk])).status_code == 404
    # Not a PDF or a photo: refused with the field's message, nothing recorded.
    bad = client.post(
        reverse("bureau:expenditure-new"),
        {
            "budget_line": line.pk,
            "spent_on": today().isoformat(),
            "amount": "1",
            "purpose": "x",
            "document": SimpleUploadedFile("a.pdf", b"hello"),
        },
    )
    assert bad.status_code == 400 and Expenditure.objects.count() == 1


def test_spending_list_searches_filters_sorts_and_says_what_to_do_when_empty(world):
    client = _client(world.users["bureau"])
    empty = client.get(reverse("bureau:expenditures")).content.decode()
    assert "先录入" in empty  # no line yet: record the year's lines first
    case = budget_line(world)
    kit = budget_line(world, category="equipment")
    expenditure(world, case, amount="10", purpose="走访交通费")
    expenditure(world, kit, amount="20", purpose="执法记录仪")
    page = client.get(reverse("bureau:expenditures"), {"q": "记录仪"}).content.decode()
    assert "执法记录仪" in page and "走访交通费" not in page
    page = client.get(reverse("bureau:expenditures"), {"category": "casework"}).content.decode()
    assert "走访交通费" in page and "执法记录仪" not in page
    page = client.get(reverse("bureau:expenditures"), {"sort": "-amount"}).content.decode()
    assert page.index("执法记录仪") < page.index("走访交通费")
    none = client.get(reverse("bureau:expenditures"), {"q": "没有这笔"}).content.decode()
    assert "没有符合" in none
    first = client.get(reverse("bureau:budget")).content.decode()
    assert str(YEAR) in first


def test_the_spending_and_contract_lists_cost_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.bureau.conftest import contract

    client = _client(world.users["bureau"])
    line = budget_line(world, category="purchased_services", approved="1000000")

    def cost(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    def grow(n: int) -> None:
        for _ in range(n):
            c = contract(world, number=f"GM-Q-{Expenditure.objects.count()}")
            expenditure(world, line, amount="10", contract=c)

    grow(2)
    few = {name: cost(name) for name in ("bureau:expenditures", "bureau:contracts", "bureau-expenditure-list")}
    grow(4)
    assert {name: cost(name) for name in few} == few


def test_a_spending_form_sent_twice_records_the_spending_once(world):
    """A double tap (or a page sent again) carries the same one-time token: one expenditure, and both answers
    lead to it."""
    line = budget_line(world, approved="1000")
    client = _client(world.users["bureau"])
    form = client.get(reverse("bureau:expenditure-new")).context["form"]
    body = {
        "budget_line": line.pk,
        "spent_on": today().isoformat(),
        "amount": "120.00",
        "purpose": "购置宣传资料",
        "idempotency_key": form["idempotency_key"].initial,
    }
    first = client.post(reverse("bureau:expenditure-new"), body)
    again = client.post(reverse("bureau:expenditure-new"), body)
    row = Expenditure.objects.get()
    assert first.status_code == again.status_code == 302
    assert first.url == again.url == reverse("bureau:expenditure", args=[row.pk])
    fresh = client.get(reverse("bureau:expenditure-new")).context["form"]["idempotency_key"].initial
    client.post(reverse("bureau:expenditure-new"), {**body, "idempotency_key": fresh})
    assert Expenditure.objects.count() == 2  # a new form is a new spending


@pytest.mark.parametrize("amount", ["-1", "0"])
def test_a_spending_of_nothing_or_less_gets_one_message_on_the_page_and_in_the_api(world, amount):
    """The form said "≥ 0" for -1 and the action "more than zero" for 0: now the action's rule answers both."""
    line = budget_line(world, approved="1000")
    client = _client(world.users["bureau"])
    body = {"budget_line": line.pk, "spent_on": today().isoformat(), "amount": amount, "purpose": "x"}
    page = client.post(reverse("bureau:expenditure-new"), body)
    api = client.post(reverse("bureau-expenditure-list"), body, content_type="application/json")
    assert page.status_code == api.status_code == 400
    assert page.context["form"].errors["amount"] == ["金额必须大于零。"]
    assert api.json()["errors"]["amount"] == ["金额必须大于零。"]
    assert not Expenditure.objects.exists()
