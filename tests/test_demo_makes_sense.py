"""The demo looks like a real city's: no "示范" names in public, each welfare office runs what its
remit covers, street addresses, sensible age ranges, and nobody booked on two shifts at once."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from services.models import Organisation, ServiceOffering
from volunteers.models import Booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_makes_sense(demo, client):
    public = ServiceOffering.objects.filter(is_active=True)
    assert not public.filter(name__startswith="示范").exists()
    assert "示范" not in client.get("/directory/?page_size=100").content.decode()

    # Minimum-allowance applications at the social-assistance (civil affairs) office, not at the
    # housing, medical, student-aid or employment centres.
    allowance_orgs = set(
        public.filter(category__code="minimum_living_allowance").values_list("organisation__name", flat=True)
    )
    assert allowance_orgs and all("救助" in name for name in allowance_orgs), allowance_orgs
    employment = Organisation.objects.get(name="新密市公共就业服务中心")
    assert set(employment.offerings.values_list("category__code", flat=True)) <= {"job_placement", "job_guidance"}

    for address in Organisation.objects.exclude(address="").values_list("address", flat=True):
        assert address.startswith("新密市") and not re.search(r"[A-Za-z]", address), address

    open_ended = public.filter(min_age__isnull=False, max_age__isnull=True).first()
    if open_ended:
        page = client.get(f"/directory/{open_ended.uuid}/").content.decode()
        assert f"{open_ended.min_age}–<" not in page and f"{open_ended.min_age} 岁及以上" in page

    booked = Booking.objects.filter(status=Booking.Status.BOOKED).select_related("shift")
    seen: dict[int, list] = {}
    for b in booked:
        for other in seen.get(b.volunteer_id, []):
            assert not (other.starts_at < b.shift.ends_at and other.ends_at > b.shift.starts_at), b.volunteer_id
        seen.setdefault(b.volunteer_id, []).append(b.shift)


def _bureau_counts() -> dict[str, int]:
    from django.apps import apps

    return {model.__name__: model.objects.count() for model in apps.get_app_config("bureau").get_models()}


def test_the_bureau_demo_makes_sense(demo, client):
    import datetime as dt

    from django.db.models import Sum
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from bureau.models import ActionItem, BudgetCategory, BudgetLine, Contract, Expenditure, Finding, StaffTraining

    today = timezone.localdate()
    year = today.year

    # Budget: five categories in each of the two years, and this year's approved total grew on last year's.
    for y in (year - 1, year):
        assert set(BudgetLine.objects.filter(year=y).values_list("category", flat=True)) == set(BudgetCategory.values)
    total = {y: BudgetLine.objects.filter(year=y).aggregate(s=Sum("approved"))["s"] for y in (year - 1, year)}
    assert total[year] > total[year - 1], total

    # Spending: none in the future, each within its line's year; some this year; one voided with its reason.
    spending = Expenditure.objects.select_related("budget_line")
    assert spending.filter(budget_line__year=year, voided_at__isnull=True).count() >= 4
    for row in spending:
        assert row.spent_on <= today and row.spent_on.year == row.budget_line.year, row
    voided = spending.filter(voided_at__isnull=False)
    assert voided.count() == 1 and voided.get().void_reason

    # The contract: with a social-work agency, covering this year, with targets and payments within its amount.
    contract = Contract.objects.select_related("organisation").get()
    assert contract.organisation.kind == "social_work_agency"
    assert contract.starts_on <= today <= contract.ends_on
    assert contract.target_cases and contract.target_hours and contract.target_sessions
    paid = contract.expenditures.filter(voided_at__isnull=True).aggregate(s=Sum("amount"))["s"]
    assert paid and paid <= contract.amount
    # ... and a social worker of that agency signs in and sees it.
    worker = User.objects.get(username="agencyworker")
    client.force_login(worker)
    page = client.get(reverse("bureau:contract", args=[contract.pk]))
    assert page.status_code == 200 and contract.number in page.content.decode()
    client.logout()

    # Last month's joint meeting: three items owned by different departments, one done, one open, one late.
    items = ActionItem.objects.select_related("meeting")
    assert items.count() == 3 and len({i.owner_department for i in items}) == 3
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    meeting_day = timezone.localtime(items.first().meeting.held_at).date()
    assert (meeting_day.year, meeting_day.month) == (last_month.year, last_month.month)
    assert items.filter(status="done").count() == 1
    assert items.filter(status="open", due_on__gte=today).count() == 1
    assert items.filter(status="open", due_on__lt=today).count() == 1

    # The inspection of one office: one finding corrected, one open; no date in the future.
    findings = Finding.objects.select_related("inspection")
    assert sorted(findings.values_list("status", flat=True)) == ["corrected", "open"]
    assert len({f.inspection_id for f in findings}) == 1
    assert all(f.inspection.inspected_on <= today and f.correction_due >= f.inspection.inspected_on for f in findings)

    # Staff training this year and last year for the demo staff, never in the future.
    for username in ("bureau", "officer", "officehead", "socialworker", "agencyworker"):
        rows = StaffTraining.objects.filter(trainee__username=username)
        assert {r.trained_on.year for r in rows} == {year - 1, year}, username
        assert all(r.trained_on <= today for r in rows)

    # The bureau administrator's pages open with the demo's rows.
    client.force_login(User.objects.get(username="bureau"))
    for name, args in [
        ("bureau:meetings", []),
        ("bureau:action-items", []),
        ("bureau:inspections", []),
        ("bureau:budget", []),
        ("bureau:budget-year", [year]),
        ("bureau:expenditures", []),
        ("bureau:contracts", []),
        ("bureau:contract", [contract.pk]),
        ("bureau:training-offices", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name

    # Running the loader again adds nothing.
    before = _bureau_counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _bureau_counts() == before
