"""The bureau's dashboards: every figure against an independent count from the rows (plain Python over the
demo city's records, not the figures' own queries), the drill-down lists, k-anonymity for viewers outside
correction staff, scoping, the cache dropped by a write, bad periods and the API."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from bureau import figures
from bureau.models import BudgetLine, Expenditure
from coordination.models import Need, Referral, ReferralEvent, Supervisee
from services.models import Organisation, Township
from supervision.education.models import Attendance, Session
from supervision.models import Obligation, StatusChange
from supervision.movement.models import MovementRequest
from supervision.reporting.models import CheckIn, LostContactEpisode
from supervision.sanctions.models import SanctionProposal
from volunteers.models import HourLog

pytestmark = pytest.mark.django_db

DASHBOARD = "/casework/leadership/dashboard/"
SERVING = {"under_correction", "suspended"}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    cache.clear()


def _local(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


def _within(day, period) -> bool:
    return day is not None and period.start <= day <= period.end


def _people(scope) -> dict[int, Supervisee]:
    # Sealed juvenile cases (CPL Art. 286) are counted in no figure (docs/records.md).
    everyone = {s.pk: s for s in Supervisee.objects.filter(sealed_at__isnull=True)}
    if scope.kind == "office":
        return {pk: s for pk, s in everyone.items() if s.judicial_office_id == scope.id}
    if scope.kind == "township":
        return {pk: s for pk, s in everyone.items() if s.township_id == scope.id}
    return everyone


def independent(scope, period) -> dict[str, int | Decimal]:
    """Each report figure counted again in Python from every row."""
    people = _people(scope)
    history: dict[int, list[StatusChange]] = {}
    for change in StatusChange.objects.order_by("occurred_on", "pk"):
        history.setdefault(change.supervisee_id, []).append(change)
    counts: Counter = Counter()

    def serving_then(person) -> bool:
        changes = history.get(person.pk)
        if not changes:
            return person.status in SERVING and person.correction_start <= period.end
        before = [c for c in changes if c.occurred_on <= period.end]
        return bool(before) and before[-1].to_status in SERVING

    for person in people.values():
        if serving_then(person):
            counts["serving"] += 1
            counts[f"serving.{person.sentence_type}"] += 1
    for pk, changes in history.items():
        if pk not in people:
            continue
        for c in changes:
            if _within(c.occurred_on, period):
                name = {
                    "register": "registered",
                    "announce": "announced",
                    "release": "released",
                    "terminate": "terminated",
                }.get(c.action)
                if name:
                    counts[name] += 1
                if c.action == "terminate":
                    counts[f"terminated.{c.ground}"] += 1
    for o in Obligation.objects.filter(kind="intake_report"):
        if o.supervisee_id in people and _within(_local(o.due_at), period) and (not o.done_at or o.done_at > o.due_at):
            counts["missed_intake"] += 1
    for e in LostContactEpisode.objects.all():
        if e.supervisee_id in people and _within(_local(e.opened_at), period):
            counts["lost_contact"] += 1
    for c in CheckIn.objects.all():
        if c.supervisee_id in people and c.state == "confirmed" and _within(_local(c.occurred_at), period):
            counts["checkins"] += 1
            counts["checkins.late"] += c.late
    for r in MovementRequest.objects.all():
        if r.supervisee_id in people and _within(_local(r.applied_at), period):
            counts[f"requests.{r.kind}"] += 1
    for p in SanctionProposal.objects.all():
        if p.supervisee_id in people and _within(_local(p.proposed_at), period):
            counts[f"sanctions.{p.kind}"] += 1
    for n in Need.objects.select_related("category"):
        if n.supervisee_id not in people:
            continue
        if _within(_local(n.opened_at), period):
            counts[f"needs.{n.category.code}"] += 1
        if n.status == "met" and _within(_local(n.closed_at), period):
            counts[f"needs_met.{n.category.code}"] += 1
    reached: dict[str, set[int]] = {"accepted": set(), "completed": set()}
    for event in ReferralEvent.objects.all():
        if event.to_state in reached and _within(_local(event.created_at), period):
            reached[event.to_state].add(event.referral_id)
    for r in Referral.objects.select_related("need"):
        if r.need.supervisee_id not in people:
            continue
        counts["referrals.sent"] += _within(_local(r.sent_at), period)
        counts["referrals.accepted"] += r.pk in reached["accepted"]
        if r.pk in reached["completed"]:
            counts["referrals.completed"] += 1
            counts[f"outcomes.{r.outcome_grade}"] += 1
    minutes = Counter()
    for a in Attendance.objects.select_related("session"):
        s = a.session
        if (
            a.supervisee_id in people
            and a.status == "present"
            and not s.cancelled
            and _within(_local(s.starts_at), period)
        ):
            minutes["activity" if s.kind == Session.Kind.PUBLIC_INTEREST else "education"] += a.minutes
    counts["education_hours"] = (Decimal(minutes["education"]) / 60).quantize(Decimal("0.01"))
    counts["activity_hours"] = (Decimal(minutes["activity"]) / 60).quantize(Decimal("0.01"))
    hours = Decimal(0)
    for log in HourLog.objects.select_related("volunteer"):
        v = log.volunteer
        in_place = (
            scope.kind == "city"
            or (scope.kind == "office" and v.organisation_id == scope.id)
            or (scope.kind == "township" and v.township_id == scope.id)
        )
        if in_place and log.status == "approved" and _within(log.date, period):
            hours += log.hours
    counts["volunteer_hours"] = hours.quantize(Decimal("0.01"))
    if scope.kind == "city":
        for line in BudgetLine.objects.all():
            if line.year == period.end.year:
                counts[f"budget.{line.category}"] += line.approved
        for spent in Expenditure.objects.select_related("budget_line"):
            if spent.voided_at is None and _within(spent.spent_on, period):
                counts[f"spent.{spent.budget_line.category}"] += spent.amount
    return counts


def independent_today(scope) -> Counter:
    people = _people(scope)
    now = timezone.now()
    counts: Counter = Counter()
    for person in people.values():
        if person.status in SERVING:
            counts["now.serving"] += 1
            counts["now.suspended"] += person.status == "suspended"
            counts[f"now.type.{person.sentence_type}"] += 1
            counts[f"now.level.{person.supervision_level}"] += 1
            counts[f"now.risk.{person.risk_level}"] += 1
    offices = {
        pk
        for pk in Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE).values_list("pk", flat=True)
        if scope.kind == "city" or (scope.kind == "office" and pk == scope.id)
    }
    for o in Obligation.objects.all():
        if o.done_at or o.due_at >= now:
            continue
        mine = o.supervisee_id in people if o.supervisee_id else o.judicial_office_id in offices
        counts["now.overdue"] += mine
        counts["now.missed_intake"] += o.kind == "intake_report" and o.supervisee_id in people
    year = figures.Period(dt.date(timezone.localdate().year, 1, 1), timezone.localdate(), "year")
    this_year = independent(scope, year)
    counts["now.lost_contact_year"] = this_year["lost_contact"]
    counts["now.missed_intake_year"] = this_year["missed_intake"]
    counts["now.lost_contact"] = sum(
        1 for e in LostContactEpisode.objects.all() if e.closed_at is None and e.supervisee_id in people
    )
    counts["now.needs_open"] = sum(
        1 for n in Need.objects.all() if n.supervisee_id in people and n.status in ("open", "referred")
    )
    counts["now.referrals_waiting"] = sum(
        1 for r in Referral.objects.select_related("need") if r.state == "sent" and r.need.supervisee_id in people
    )
    return counts


def _scopes():
    office = Organisation.objects.get(name="青屏街道司法所")
    township = Township.objects.filter(supervisees__isnull=False).order_by("code").first()
    return [
        figures.Scope("city", None, "city"),
        figures.Scope("office", office.pk, office.name),
        figures.Scope("township", township.pk, township.name),
    ]


def test_every_figure_equals_an_independent_count_of_the_rows(demo):
    today = timezone.localdate()
    checked = nonzero = 0
    for scope in _scopes():
        for period in (
            figures.period_of(today.year, today.month, today=today),
            figures.period_of(today.year, None, today=today),
            figures.period_of(today.year - 1, None, today=today),
        ):
            values = figures.raw_values(scope, period, cached=False)
            expected = independent(scope, period)
            for key, value in values.items():
                assert value == expected.get(key, 0), (scope, period, key)
                checked += 1
                nonzero += bool(value)
        values = figures._values(figures._today_sections(), scope, figures.Period(today, today), "today", False)
        expected = independent_today(scope)
        for key, value in values.items():
            assert value == expected.get(key, 0), (scope, key)
            checked += 1
            nonzero += bool(value)
    # The demo city gives most figures something to count: the comparison is not of zeros.
    assert checked > 400 and nonzero > 150, (checked, nonzero)
    for scope in _scopes():
        _trend_and_time_to_service_match_the_rows(scope, today)


def _trend_and_time_to_service_match_the_rows(scope, today):
    import statistics

    period = figures.period_of(today.year, None, today=today)
    extra = figures.dashboard_values(scope, period)
    people = _people(scope)
    months = extra["trend"]["months"]
    assert len(months) == 12 and months[-1] == period.end.replace(day=1)
    for i, month in enumerate(months):
        changes = [
            c
            for c in StatusChange.objects.all()
            if c.supervisee_id in people and (c.occurred_on.year, c.occurred_on.month) == (month.year, month.month)
        ]
        assert extra["trend"]["registered"][i] == sum(c.action == "register" for c in changes), month
        assert extra["trend"]["released"][i] == sum(c.action in ("release", "terminate") for c in changes), month
    days: dict[str, list[float]] = {}
    for r in Referral.objects.select_related("need", "offering__organisation"):
        started = _local(r.service_started_at)
        if r.need.supervisee_id in people and r.sent_at and _within(started, period):
            days.setdefault(r.offering.organisation.get_kind_display(), []).append(
                (r.service_started_at - r.sent_at).total_seconds() / 86400
            )
    got = {row["kind"]: (row["median_days"], row["count"]) for row in extra["time_to_service"]}
    assert got == {k: (round(statistics.median(v), 1), len(v)) for k, v in days.items()}


def _login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def _each_figure_links_to_the_rows_it_counts_and_the_reads_are_logged(client):
    from coordination.models import AccessLog

    _login(client, "officehead")
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    body = page.content.decode()
    links = [html.unescape(link) for link in re.findall(r'href="(/casework/leadership/dashboard/rows/[^"]+)"', body)]
    assert len(links) > 10
    office = Organisation.objects.get(name="青屏街道司法所")
    scope = figures.Scope("office", office.pk, office.name)
    today = timezone.localdate()
    values = figures.raw_values(scope, figures.period_of(today.year, today.month, today=today), cached=False)
    before = AccessLog.objects.count()
    for link in links:
        key = re.search(r"key=([^&]+)", link).group(1)
        if key not in values or not values[key]:
            continue
        rows = client.get(link)
        assert rows.status_code == 200
        text = rows.content.decode()
        assert f"{values[key]} " in text, key  # "N rows counted for ..."
        if values[key] <= 25 and not key.startswith(("volunteer", "budget", "spent")):
            assert text.count("<tr>") - 1 == values[key], key  # one line per row (one page)
    assert AccessLog.objects.count() > before


def _social_workers_see_counts_with_small_ones_hidden_and_no_rows(client):
    _login(client, "socialworker")
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    body = page.content.decode()
    assert "/dashboard/rows/" not in body
    threshold = figures.min_cell()
    assert f"少于 {threshold}" in body or f"fewer than {threshold}" in body
    city = figures.Scope("city", None, "x")
    today = timezone.localdate()
    exact = figures._values(figures._today_sections(), city, figures.Period(today, today), "today", False)
    small = {key for key, value in exact.items() if 0 < value < threshold}
    sections = figures.today_figures(User.objects.get(username="socialworker"), city)
    for section in sections:
        for f in section.figures:
            assert f.hidden or f.value == 0 or (f.value >= threshold and f.value % threshold == 0), f
            assert not f.hidden or f.small == (f.key in small), f
        # In a breakdown, never exactly one hidden part (the total would give it away).
        if section.key != "now":
            assert sum(f.hidden for f in section.figures) != 1
    rows = client.get(f"{DASHBOARD}rows/?scope=city&key=now.serving")
    assert rows.status_code == 404


def _who_opens_which_place(client):
    office = Organisation.objects.get(name="青屏街道司法所")
    other = Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE).exclude(pk=office.pk).first()
    _login(client, "officehead")
    assert client.get(f"{DASHBOARD}?scope=office-{office.pk}").status_code == 200
    assert client.get(f"{DASHBOARD}?scope=office-{other.pk}").status_code == 404
    assert client.get(f"{DASHBOARD}?scope=city").status_code == 404
    assert client.get(f"{DASHBOARD}rows/?scope=office-{other.pk}&key=now.serving").status_code == 404
    for name in ("provider", "volunteer", "coordinator", "editor"):
        _login(client, name)
        assert client.get(DASHBOARD).status_code == 404, name
    _login(client, "bureau")
    for scope in figures.scopes_for(User.objects.get(username="bureau")):
        assert client.get(f"{DASHBOARD}?scope={scope.param}").status_code == 200
    client.logout()
    assert client.get(DASHBOARD).status_code == 302


def _a_write_shows_at_once_despite_the_cache(client, django_capture_on_commit_callbacks):
    from coordination import actions as case_actions
    from services.models import ServiceCategory

    bureau = User.objects.get(username="bureau")
    scope = figures.Scope("city", None, "city")
    today = timezone.localdate()
    period = figures.period_of(today.year, today.month, today=today)
    first = figures.raw_values(scope, period)
    assert figures.raw_values(scope, period) == first  # served from the cache
    person = Supervisee.objects.filter(status="under_correction").first()
    category = ServiceCategory.objects.get(code="legal_aid")
    with django_capture_on_commit_callbacks(execute=True):
        case_actions.record_need(supervisee=person, category=category, urgency=2, actor=bureau, description="法律咨询")
    after = figures.raw_values(scope, period)
    assert after["needs.legal_aid"] == first["needs.legal_aid"] + 1


def _a_bad_period_is_a_clear_error_in_both_languages(client):
    _login(client, "bureau")
    zh = client.get(f"{DASHBOARD}?period=2026-13")
    assert zh.status_code == 400 and "没有13月" in zh.content.decode()
    en = client.get(f"/en{DASHBOARD}?period=next-year")
    assert en.status_code == 400 and "Write the period as a year" in en.content.decode()
    future = client.get(f"{DASHBOARD}?period={timezone.localdate().year + 1}")
    assert future.status_code == 400
    old = client.get(f"{DASHBOARD}?period=1999")
    assert old.status_code == 400 and "2001" in old.content.decode()  # the years it counts
    # The rows behind money and hours: searched by what they have (a purpose; a budget line nothing), never a 500.
    year = timezone.localdate().year
    for key in ("spent.casework", "budget.casework", "volunteer_hours"):
        rows = client.get(f"{DASHBOARD}rows/", {"scope": "city", "period": year, "key": key, "q": "调查"})
        assert rows.status_code == 200, key


def _the_figures_api(client):
    _login(client, "bureau")
    today = timezone.localdate()
    response = client.get("/api/v1/bureau/figures/", {"scope": "city", "period": str(today.year)})
    assert response.status_code == 200
    data = response.json()
    values = figures.raw_values(figures.Scope("city", None, "x"), figures.period_of(today.year, None, today=today))
    got = {f["key"]: f["value"] for section in data["sections"] for f in section["figures"]}
    assert got["serving"] == values["serving"] and Decimal(str(got["volunteer_hours"])) == values["volunteer_hours"]
    assert isinstance(got["serving"], int)
    assert client.get("/api/v1/bureau/figures/", {"period": "2026-13"}).status_code == 400
    bad = client.get("/api/v1/bureau/figures/", {"period": "2026-13"}).json()
    assert "13" in bad["errors"]["period"][0]  # the page's message (tests/bureau: same words)
    assert client.get("/api/v1/bureau/figures/", {"scope": "township-999999"}).status_code == 404
    _login(client, "provider")
    assert client.get("/api/v1/bureau/figures/").status_code == 404


def test_pages_api_scoping_privacy_and_cache(demo, client, django_capture_on_commit_callbacks):
    """One demo city for the page checks (loading it is the slow part)."""
    _each_figure_links_to_the_rows_it_counts_and_the_reads_are_logged(client)
    _social_workers_see_counts_with_small_ones_hidden_and_no_rows(client)
    _who_opens_which_place(client)
    _a_bad_period_is_a_clear_error_in_both_languages(client)
    _the_figures_api(client)
    _a_write_shows_at_once_despite_the_cache(client, django_capture_on_commit_callbacks)


def test_small_counts_are_hidden_with_a_second_cell_in_their_breakdown(db):
    specs = figures._sections()
    defs = {d.key: d for spec in specs for d in spec.definitions}
    values = dict.fromkeys(defs, 0)
    values.update({"serving": 30, "serving.probation": 20, "serving.parole": 7, "serving.surveillance": 3})
    hidden = figures._hide(values, specs, defs)
    # 3 is below the threshold; 7 goes too, or 30 - 20 - 0 - 0 would give the 3 away.
    assert {"serving.surveillance", "serving.parole"} <= hidden
    assert "serving.probation" not in hidden and "serving" not in hidden
    values.update({"serving.parole": 0, "serving.probation": 27})
    assert figures._hide(values, specs, defs) >= {"serving.surveillance", "serving.probation"}
    values.update({"serving.surveillance": 0})
    assert not figures._hide(values, specs, defs) & {"serving", "serving.probation"}  # zeros are not hidden


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("", dt.date(2026, 12, 1), dt.date(2026, 12, 3), "month"),
        ("2026-11", dt.date(2026, 11, 1), dt.date(2026, 11, 30), "month"),
        ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28), "month"),
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year"),
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 3), "year"),
    ],
)
def test_periods_run_to_today_at_the_latest(text, start, end, kind):
    period = figures.parse_period(text, today=dt.date(2026, 12, 3))
    assert (period.start, period.end, period.kind) == (start, end, kind)
    assert figures.parse_period(period.param, today=dt.date(2026, 12, 3)) == period


@pytest.mark.parametrize("text", ["2026-13", "2027", "2027-01", "1999", "26-1", "2026/11", "abcd", "2026-1", "2026-00"])
def test_bad_periods_are_refused_with_a_reason(text):
    with pytest.raises(figures.BadPeriod) as refused:
        figures.parse_period(text, today=dt.date(2026, 12, 3))
    assert str(refused.value)


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15), (50, 50), (52, 50)])
def test_counts_outside_staff_are_rounded_to_the_threshold(count, shown):
    assert figures.rounded(count, 5) == shown
