"""The bureau's figures: what the dashboards and the monthly and yearly report count, written once.

Every figure is a named count (or sum) of rows: ``DEFINITIONS`` holds, for each key, the rows it counts for a
place (``Scope``: the city, one judicial office, one township) and a period. The dashboard, the report, the API
and the drill-down list of a figure all read the same definition, so a figure and the list behind it cannot
disagree, and the same period gives the same numbers (period figures count what happened in the period from
dated rows; "in correction at the end" reads the status history, not today's status).

Who sees what: correction staff (the bureau, judicial-office officers and heads) see the counts and open the
rows behind them; a social worker sees the city's and their own office's counts, with every count from 1 to
below the rule book's ``stats_min_cell`` hidden (and a second one in the same breakdown, so that a total cannot
give it away), and no rows.

Caching: the numbers of a place and period are cached for ``CACHE_SECONDS``; a committed write to any table a
figure counts drops them at once (``flush``, wired to the models' signals in ``apps.py``). So a figure changes
as soon as a write commits; only what changes with the clock alone (an obligation falling overdue) and bulk
updates that send no signal show up to ``CACHE_SECONDS`` late.
"""

from __future__ import annotations

import calendar
import datetime as dt
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts import roles, scoping
from bureau import policies
from bureau.models import YEAR_MAX, YEAR_MIN, BudgetCategory, BudgetLine, Expenditure
from coordination.models import Need, Referral, ReferralEvent, RiskLevel, SentenceType, Supervisee, SupervisionLevel
from coordination.sealing import unsealed
from services.models import Membership, Organisation, ServiceCategory, Township
from supervision import rulebook
from supervision.education.models import Attendance, Session
from supervision.models import Obligation, StatusChange
from supervision.movement.models import MovementRequest
from supervision.reporting.models import CheckIn, LostContactEpisode
from supervision.sanctions.models import SanctionProposal
from volunteers.models import HourLog, Volunteer

Status = Supervisee.Status
SERVING = (Status.UNDER_CORRECTION, Status.SUSPENDED)
MIN_CELL_RULE = "stats_min_cell"
CACHE_SECONDS = 60
_GENERATION_KEY = "bureau-figures-generation"
ALL = object()  # a grouped figure that counts all its siblings


# --- places ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The place a dashboard counts: the whole city, one judicial office or one township."""

    kind: str  # "city" | "office" | "township"
    id: int | None
    label: str

    @property
    def param(self) -> str:
        return "city" if self.kind == "city" else f"{self.kind}-{self.id}"


def is_correction_staff(user: Any) -> bool:
    """The bureau and judicial-office officers and heads: they see every count and the rows behind it."""
    return roles.is_bureau_admin(user) or bool(policies.office_ids(user))


def _city() -> Scope:
    return Scope("city", None, _("the whole city"))


def _office(office: Organisation) -> Scope:
    return Scope("office", office.pk, office.display_name)


def _township(township: Township) -> Scope:
    return Scope("township", township.pk, township.display_name)


def scopes_for(user: Any) -> list[Scope]:
    """The places whose figures the user may see (empty: the dashboard is not theirs)."""
    if not getattr(user, "is_authenticated", False):
        return []
    offices = Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE).order_by("name")
    if roles.is_bureau_admin(user):
        return [
            _city(),
            *(_office(office) for office in offices),
            *(_township(township) for township in Township.objects.order_by("code")),
        ]
    own = policies.office_ids(user)
    if own:
        return [_office(office) for office in offices.filter(pk__in=own)]
    if roles.has_role(user, Membership.Role.SOCIAL_WORKER):
        own = roles.organisation_ids(user, Membership.Role.SOCIAL_WORKER)
        return [_city(), *(_office(office) for office in offices.filter(pk__in=own))]
    return []


def may_open(user: Any) -> bool:
    return bool(scopes_for(user))


def resolve_scope(user: Any, param: str | None) -> Scope:
    """The place named by ``param`` ("city", "office-<id>", "township-<id>"; empty: the user's first),
    if the user may see it; else 404."""
    scopes = scopes_for(user)
    if not scopes:
        raise Http404
    if not param:
        return scopes[0]
    for scope in scopes:
        if scope.param == param:
            return scope
    raise Http404


def _in_place(rows: QuerySet, scope: Scope, office_field: str) -> QuerySet:
    if scope.kind == "office":
        return rows.filter(**{office_field: scope.id})
    if scope.kind == "township":
        return rows.filter(township_id=scope.id)
    return rows


def supervisees_in(scope: Scope) -> QuerySet[Supervisee]:
    """Every supervisee of the place (the figures' base; who may read the rows is asked separately), sealed
    juvenile records left out: a sealed case is counted in no figure and listed in no row (CPL Art. 286)."""
    return _in_place(unsealed(Supervisee.objects.all()), scope, "judicial_office_id")


def _volunteers_in(scope: Scope) -> QuerySet[Volunteer]:
    """The volunteers of the place: an office's are those of its organisation."""
    return _in_place(Volunteer.objects.all(), scope, "organisation_id")


# --- periods --------------------------------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _moment(day: dt.date) -> dt.datetime:
    """The first instant of a day in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    kind: str = "month"  # "month" | "year"

    @property
    def param(self) -> str:
        """How the page and the API name the period: ``YYYY`` (a year) or ``YYYY-MM`` (a month)."""
        return str(self.start.year) if self.kind == "year" else self.start.strftime("%Y-%m")

    @property
    def since(self) -> dt.datetime:
        return _moment(self.start)

    @property
    def until(self) -> dt.datetime:  # exclusive
        return _moment(self.end + dt.timedelta(days=1))

    def dates(self, name: str) -> Q:
        return Q(**{f"{name}__gte": self.start, f"{name}__lte": self.end})

    def moments(self, name: str) -> Q:
        return Q(**{f"{name}__gte": self.since, f"{name}__lt": self.until})


class BadPeriod(ValueError):
    """A period the dashboard or the report cannot count (the message says why)."""


def period_of(year: int, month: int | None, *, today: dt.date) -> Period:
    """A month (or, without one, a year) up to today at the latest: the report and the dashboard count the same
    days, so a month still running ends today."""
    if month is not None and not 1 <= month <= 12:
        raise BadPeriod(_("There is no month %(month)s: a month is 01 to 12.") % {"month": f"{month:02d}"})
    if not YEAR_MIN < year <= YEAR_MAX:
        raise BadPeriod(
            _("Choose a month or a year between %(first)s and %(last)s.") % {"first": YEAR_MIN + 1, "last": YEAR_MAX}
        )
    start, end = month_bounds(year, month) if month else (dt.date(year, 1, 1), dt.date(year, 12, 31))
    if start > today:
        raise BadPeriod(_("That period has not begun yet: choose this month or an earlier one."))
    return Period(start, min(end, today), "month" if month else "year")


def parse_period(value: str | None, *, today: dt.date) -> Period:
    """``YYYY-MM`` (a month) or ``YYYY`` (a year); empty: this month so far."""
    value = (value or "").strip()
    if not value:
        return period_of(today.year, today.month, today=today)
    try:
        if len(value) == 4:
            return period_of(int(value), None, today=today)
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return period_of(int(year), int(month), today=today)
    except ValueError as exc:
        if isinstance(exc, BadPeriod):
            raise
        raise BadPeriod(_("Write the period as a year (2026) or a month (2026-11).")) from None


# --- the definitions ----------------------------------------------------------------------------------------

# What a figure's rows are, for the drill-down list (its columns) and the access log.
PEOPLE, STATUS_CHANGES, OBLIGATIONS, EPISODES, CHECKINS, REQUESTS, SANCTIONS = (
    "people",
    "status_changes",
    "obligations",
    "episodes",
    "checkins",
    "requests",
    "sanctions",
)
NEEDS, REFERRALS, ATTENDANCE, HOURS = "needs", "referrals", "attendance", "hours"
BUDGET, SPENDING = "budget", "spending"

# The path from a figure's rows to the supervisee they are about (rows of the volunteers' hours and of the
# budget are about nobody); the drill-down starts from the user's scoped supervisees along it.
PERSON_PATH = {PEOPLE: "pk", REFERRALS: "need__supervisee", HOURS: "", BUDGET: "", SPENDING: ""}


@dataclass(frozen=True)
class Definition:
    key: str
    label: Any  # lazy text
    kind: str  # what the rows are (PEOPLE, REFERRALS, ...)
    rows: Callable[[Scope, Period], QuerySet]
    total: str = ""  # a field summed (hours): empty counts rows
    unit: str = ""  # "" a count, "h" hours, "yuan"
    suppressible: bool = True  # a count of people or their events (hidden below the threshold for non-staff)
    city_only: bool = False
    # Counted with its siblings in one grouped query: (the siblings' rows, the field that tells them apart) and
    # the value of that field this figure counts. ``rows`` stays the drill-down's (and the test's) definition.
    as_of_today: bool = False  # counts what stands today, whatever period is asked
    group: tuple[Callable[[Scope, Period], QuerySet], str] | None = None
    value: Any = ""  # ALL: every sibling together


def latest_status(day: dt.date):
    """Each supervisee's status at the end of ``day`` from the status history; a record with no history (made
    before the history was kept) counts with today's status from its correction start."""
    recorded = Subquery(
        StatusChange.objects.filter(supervisee=OuterRef("pk"), occurred_on__lte=day)
        .order_by("-occurred_on", "-pk")
        .values("to_status")[:1]
    )
    has_history = Exists(StatusChange.objects.filter(supervisee=OuterRef("pk")))
    return recorded, has_history


def serving_at(people: QuerySet[Supervisee], day: dt.date) -> QuerySet[Supervisee]:
    """The people in correction (under correction or suspended while detained) at the end of ``day``."""
    recorded, has_history = latest_status(day)
    return people.annotate(_status_then=recorded, _has_history=has_history).filter(
        Q(_status_then__in=SERVING) | Q(_has_history=False, status__in=SERVING, correction_start__lte=day)
    )


def _changes(action: str, ground: str = "") -> Callable[[Scope, Period], QuerySet]:
    def rows(scope: Scope, period: Period) -> QuerySet:
        found = StatusChange.objects.filter(period.dates("occurred_on"), action=action)
        if ground:
            found = found.filter(ground=ground)
        return found.filter(supervisee__in=supervisees_in(scope))

    return rows


def _serving(**lookup) -> Callable[[Scope, Period], QuerySet]:
    def rows(scope: Scope, period: Period) -> QuerySet:
        return serving_at(supervisees_in(scope), period.end).filter(**lookup)

    return rows


def _missed_intake(scope: Scope, period: Period) -> QuerySet:
    # 漏管: the report for intake fell due in the period and was not done by then.
    return Obligation.objects.filter(
        period.moments("due_at"),
        Q(done_at__isnull=True) | Q(done_at__gt=F("due_at")),
        kind=Obligation.Kind.INTAKE_REPORT,
        supervisee__in=supervisees_in(scope),
    )


def _lost_contact(scope: Scope, period: Period) -> QuerySet:
    return LostContactEpisode.objects.filter(period.moments("opened_at"), supervisee__in=supervisees_in(scope))


def _checkins(late: bool | None = None) -> Callable[[Scope, Period], QuerySet]:
    def rows(scope: Scope, period: Period) -> QuerySet:
        found = CheckIn.objects.filter(
            period.moments("occurred_at"), state=CheckIn.State.CONFIRMED, supervisee__in=supervisees_in(scope)
        )
        return found.filter(late=True) if late else found

    return rows


def _requests(kind: str) -> Callable[[Scope, Period], QuerySet]:
    def rows(scope: Scope, period: Period) -> QuerySet:
        found = MovementRequest.objects.filter(period.moments("applied_at"), supervisee__in=supervisees_in(scope))
        return found.filter(kind=kind) if kind else found

    return rows


def _sanctions(kind: str) -> Callable[[Scope, Period], QuerySet]:
    def rows(scope: Scope, period: Period) -> QuerySet:
        found = SanctionProposal.objects.filter(period.moments("proposed_at"), supervisee__in=supervisees_in(scope))
        return found.filter(kind=kind) if kind else found

    return rows


def _needs(category: str, met: bool = False) -> Callable[[Scope, Period], QuerySet]:
    def rows(scope: Scope, period: Period) -> QuerySet:
        found = Need.objects.filter(supervisee__in=supervisees_in(scope))
        if category:
            found = found.filter(category__code=category)
        if met:
            return found.filter(period.moments("closed_at"), status=Need.Status.MET)
        return found.filter(period.moments("opened_at"))

    return rows


def _referrals_sent(scope: Scope, period: Period) -> QuerySet:
    return Referral.objects.filter(period.moments("sent_at"), need__supervisee__in=supervisees_in(scope))


def _referrals_reaching(state: str) -> Callable[[Scope, Period], QuerySet]:
    # A referral counts in the period it reached the state (its event), so a closed period never changes.
    def rows(scope: Scope, period: Period) -> QuerySet:
        reached = ReferralEvent.objects.filter(period.moments("created_at"), referral=OuterRef("pk"), to_state=state)
        return Referral.objects.filter(Exists(reached), need__supervisee__in=supervisees_in(scope))

    return rows


def _outcomes(grade: str) -> Callable[[Scope, Period], QuerySet]:
    def rows(scope: Scope, period: Period) -> QuerySet:
        return _referrals_reaching(Referral.State.COMPLETED)(scope, period).filter(outcome_grade=grade)

    return rows


def _attendance(activity: bool) -> Callable[[Scope, Period], QuerySet]:
    def rows(scope: Scope, period: Period) -> QuerySet:
        kind = Q(session__kind=Session.Kind.PUBLIC_INTEREST)
        return Attendance.objects.filter(
            kind if activity else ~kind,
            session__starts_at__gte=period.since,
            session__starts_at__lt=period.until,
            session__cancelled=False,
            status=Attendance.Status.PRESENT,
            supervisee__in=supervisees_in(scope),
        )

    return rows


def _volunteer_hours(scope: Scope, period: Period) -> QuerySet:
    return HourLog.objects.filter(
        period.dates("date"), status=HourLog.Status.APPROVED, volunteer__in=_volunteers_in(scope)
    )


def _spending(category: str) -> Callable[[Scope, Period], QuerySet]:
    def rows(scope: Scope, period: Period) -> QuerySet:
        return Expenditure.objects.filter(
            period.dates("spent_on"), budget_line__category=category, voided_at__isnull=True
        )

    return rows


def _budget(category: str) -> Callable[[Scope, Period], QuerySet]:
    def rows(scope: Scope, period: Period) -> QuerySet:
        return BudgetLine.objects.filter(year=period.end.year, category=category)

    return rows


# The siblings' rows of the grouped figures (counted once per group).
_SERVING = _serving()
_TERMINATED = _changes("terminate")
_COMPLETED = _referrals_reaching(Referral.State.COMPLETED)
_CHECKINS = _checkins()
_REQUESTS = _requests("")
_SANCTIONS = _sanctions("")
_NEEDS_RAISED = _needs("")
_NEEDS_MET = _needs("", met=True)


@dataclass
class SectionSpec:
    key: str
    title: Any
    definitions: list[Definition]
    breakdown_of: dict[str, list[str]] = field(default_factory=dict)  # total key -> its parts


def _sections() -> list[SectionSpec]:
    """The report's layout (the dashboard shows the same sections for the chosen month)."""
    caseload = [
        Definition(
            "serving",
            gettext_lazy("In correction at the end of the period"),
            PEOPLE,
            _serving(),
            group=(_SERVING, "sentence_type"),
            value=ALL,
        )
    ]
    caseload += [
        Definition(
            f"serving.{code}",
            label,
            PEOPLE,
            _serving(sentence_type=code),
            group=(_SERVING, "sentence_type"),
            value=code,
        )
        for code, label in SentenceType.choices
    ]
    changes = [
        Definition("registered", gettext_lazy("Registered (intake)"), STATUS_CHANGES, _changes("register")),
        Definition("announced", gettext_lazy("Intake announced"), STATUS_CHANGES, _changes("announce")),
        Definition("released", gettext_lazy("Released at the end of the term"), STATUS_CHANGES, _changes("release")),
        Definition("terminated", gettext_lazy("Terminated"), STATUS_CHANGES, _changes("terminate")),
    ]
    changes += [
        Definition(
            f"terminated.{code}",
            label,
            STATUS_CHANGES,
            _changes("terminate", code),
            group=(_TERMINATED, "ground"),
            value=code,
        )
        for code, label in StatusChange.Ground.choices
    ]
    enforcement = [
        Definition(
            "missed_intake", gettext_lazy("Not reported for intake in time (漏管)"), OBLIGATIONS, _missed_intake
        ),
        Definition("lost_contact", gettext_lazy("Lost contact (脱管) episodes opened"), EPISODES, _lost_contact),
        Definition(
            "checkins", gettext_lazy("Check-ins confirmed"), CHECKINS, _checkins(), group=(_CHECKINS, "late"), value=ALL
        ),
        Definition(
            "checkins.late",
            gettext_lazy("of which late"),
            CHECKINS,
            _checkins(late=True),
            group=(_CHECKINS, "late"),
            value=True,
        ),
    ]
    enforcement += [
        Definition(f"requests.{code}", label, REQUESTS, _requests(code), group=(_REQUESTS, "kind"), value=code)
        for code, label in MovementRequest.Kind.choices
    ]
    enforcement += [
        Definition(f"sanctions.{code}", label, SANCTIONS, _sanctions(code), group=(_SANCTIONS, "kind"), value=code)
        for code, label in SanctionProposal.Kind.choices
    ]
    help_given = []
    for category in ServiceCategory.objects.order_by("sort_order", "code"):
        code, label = category.code, category.display_name
        help_given.append(
            Definition(
                f"needs.{code}",
                _NeedLabel(label, False),
                NEEDS,
                _needs(code),
                group=(_NEEDS_RAISED, "category__code"),
                value=code,
            )
        )
        help_given.append(
            Definition(
                f"needs_met.{code}",
                _NeedLabel(label, True),
                NEEDS,
                _needs(code, met=True),
                group=(_NEEDS_MET, "category__code"),
                value=code,
            )
        )
    help_given += [
        Definition("referrals.sent", gettext_lazy("Referrals sent"), REFERRALS, _referrals_sent),
        Definition(
            "referrals.accepted", gettext_lazy("Referrals accepted"), REFERRALS, _referrals_reaching("accepted")
        ),
        Definition(
            "referrals.completed", gettext_lazy("Referrals completed"), REFERRALS, _referrals_reaching("completed")
        ),
    ]
    help_given += [
        Definition(
            f"outcomes.{code}", label, REFERRALS, _outcomes(code), group=(_COMPLETED, "outcome_grade"), value=code
        )
        for code, label in Referral.Outcome.choices
    ]
    help_given += [
        Definition(
            "education_hours",
            gettext_lazy("Education attended (hours)"),
            ATTENDANCE,
            _attendance(activity=False),
            total="minutes",
            unit="h",
        ),
        Definition(
            "activity_hours",
            gettext_lazy("Public-interest activity attended (hours)"),
            ATTENDANCE,
            _attendance(activity=True),
            total="minutes",
            unit="h",
        ),
    ]
    volunteers = [
        Definition(
            "volunteer_hours",
            gettext_lazy("Volunteer hours approved"),
            HOURS,
            _volunteer_hours,
            total="hours",
            unit="h",
        ),
    ]
    funding = []
    for code, label in BudgetCategory.choices:
        funding.append(
            Definition(
                f"budget.{code}",
                _MoneyLabel(label, spent=False),
                BUDGET,
                _budget(code),
                total="approved",
                unit="yuan",
                suppressible=False,
                city_only=True,
            )
        )
        funding.append(
            Definition(
                f"spent.{code}",
                _MoneyLabel(label, spent=True),
                SPENDING,
                _spending(code),
                total="amount",
                unit="yuan",
                suppressible=False,
                city_only=True,
            )
        )
    return [
        SectionSpec(
            "caseload",
            gettext_lazy("People in correction by sentence type"),
            caseload,
            {"serving": [d.key for d in caseload[1:]]},
        ),
        SectionSpec(
            "changes",
            gettext_lazy("Intakes, releases and terminations"),
            changes,
            {"terminated": [d.key for d in changes[4:]]},
        ),
        SectionSpec("enforcement", gettext_lazy("Supervision and enforcement"), enforcement),
        SectionSpec("help", gettext_lazy("Help given"), help_given),
        SectionSpec("volunteers", gettext_lazy("Volunteers"), volunteers),
        SectionSpec("funding", gettext_lazy("Funding (yuan)"), funding),
    ]


def _now_people(**lookup) -> Callable[[Scope, Period], QuerySet]:
    def rows(scope: Scope, period: Period) -> QuerySet:
        return supervisees_in(scope).filter(status__in=SERVING, **lookup)

    return rows


def _now_lost_contact(scope: Scope, period: Period) -> QuerySet:
    return LostContactEpisode.objects.filter(closed_at__isnull=True, supervisee__in=supervisees_in(scope))


def _now_missed_intake(scope: Scope, period: Period) -> QuerySet:
    return Obligation.objects.filter(
        kind=Obligation.Kind.INTAKE_REPORT,
        done_at__isnull=True,
        due_at__lt=timezone.now(),
        supervisee__in=supervisees_in(scope),
    )


def _now_overdue(scope: Scope, period: Period) -> QuerySet:
    # The office's own obligations (investigations, action items...) count for an office and the city.
    return Obligation.objects.filter(done_at__isnull=True, due_at__lt=timezone.now()).filter(
        Q(supervisee__in=supervisees_in(scope)) | Q(supervisee__isnull=True, judicial_office__in=_offices_of(scope))
    )


def _now_needs(scope: Scope, period: Period) -> QuerySet:
    return Need.objects.filter(
        supervisee__in=supervisees_in(scope), status__in=[Need.Status.OPEN, Need.Status.REFERRED]
    )


def _now_waiting(scope: Scope, period: Period) -> QuerySet:
    return Referral.objects.filter(state=Referral.State.SENT, need__supervisee__in=supervisees_in(scope))


def _this_year(rows: Callable[[Scope, Period], QuerySet]) -> Callable[[Scope, Period], QuerySet]:
    """A period figure counted from 1 January to today, whatever period the page shows."""

    def this_year(scope: Scope, period: Period) -> QuerySet:
        today = timezone.localdate()
        return rows(scope, Period(dt.date(today.year, 1, 1), today, "year"))

    return this_year


def _now_all(scope: Scope, period: Period) -> QuerySet:
    return _now_people()(scope, period)


_NOW = _now_all


def _today_figure(*args, **kwargs) -> Definition:
    """A figure of what stands today."""
    return Definition(*args, as_of_today=True, **kwargs)


def _breakdown(prefix: str, field_name: str, choices) -> list[Definition]:
    """People in correction today, one figure per value of a field (counted together in one query)."""
    return [
        _today_figure(
            f"{prefix}.{code}",
            label,
            PEOPLE,
            _now_people(**{field_name: code}),
            group=(_NOW, field_name),
            value=code,
        )
        for code, label in choices
    ]


def _today_sections() -> list[SectionSpec]:
    """The dashboard's "today": who is in correction now and what needs doing (not part of the report)."""
    now = [
        _today_figure("now.serving", gettext_lazy("In correction today"), PEOPLE, _now_people()),
        _today_figure(
            "now.suspended",
            gettext_lazy("of whom suspended while detained"),
            PEOPLE,
            _now_people(status=Status.SUSPENDED),
        ),
        _today_figure("now.lost_contact", gettext_lazy("Out of contact now (脱管)"), EPISODES, _now_lost_contact),
        _today_figure(
            "now.missed_intake",
            gettext_lazy("Not reported for intake, overdue (漏管)"),
            OBLIGATIONS,
            _now_missed_intake,
        ),
        Definition(
            "now.lost_contact_year",
            gettext_lazy("Lost contact (脱管) episodes this year"),
            EPISODES,
            _this_year(_lost_contact),
        ),
        Definition(
            "now.missed_intake_year",
            gettext_lazy("Not reported for intake in time (漏管) this year"),
            OBLIGATIONS,
            _this_year(_missed_intake),
        ),
        _today_figure("now.overdue", gettext_lazy("Obligations overdue"), OBLIGATIONS, _now_overdue),
        _today_figure("now.needs_open", gettext_lazy("Needs open"), NEEDS, _now_needs),
        _today_figure(
            "now.referrals_waiting",
            gettext_lazy("Referrals waiting for the provider's answer"),
            REFERRALS,
            _now_waiting,
        ),
    ]
    types = _breakdown("now.type", "sentence_type", SentenceType.choices)
    levels = _breakdown("now.level", "supervision_level", SupervisionLevel.choices)
    risks = _breakdown("now.risk", "risk_level", RiskLevel.choices)
    return [
        SectionSpec("now", gettext_lazy("Today"), now),
        SectionSpec(
            "now_type",
            gettext_lazy("In correction today by sentence type"),
            types,
            {"now.serving": [d.key for d in types]},
        ),
        SectionSpec(
            "now_level",
            gettext_lazy("In correction today by supervision level"),
            levels,
            {"now.serving": [d.key for d in levels]},
        ),
        SectionSpec(
            "now_risk", gettext_lazy("In correction today by risk"), risks, {"now.serving": [d.key for d in risks]}
        ),
    ]


@dataclass(frozen=True)
class _NeedLabel:
    name: str
    met: bool

    def __str__(self) -> str:
        return (
            _("Needs met: %(category)s") % {"category": self.name}
            if self.met
            else _("Needs raised: %(category)s") % {"category": self.name}
        )


@dataclass(frozen=True)
class _MoneyLabel:
    category: Any
    spent: bool

    def __str__(self) -> str:
        if self.spent:
            return _("Spent: %(category)s") % {"category": self.category}
        return _("Approved for the year: %(category)s") % {"category": self.category}


def report_sections() -> list[SectionSpec]:
    """The report's sections, in order (the report counts them one by one to show its progress)."""
    return _sections()


def definitions() -> dict[str, Definition]:
    return {d.key: d for spec in [*_sections(), *_today_sections()] for d in spec.definitions}


def measure(definition: Definition, scope: Scope, period: Period) -> int | Decimal:
    """The figure's value: its rows counted, or its field summed (minutes as hours)."""
    rows = definition.rows(scope, period)
    if not definition.total:
        return rows.count()
    total = rows.aggregate(total=Coalesce(Sum(definition.total), Value(0), output_field=DecimalField()))["total"]
    total = Decimal(total)
    if definition.total == "minutes":
        total = total / 60
    return total.quantize(Decimal("0.01"))


# --- what a viewer sees ---------------------------------------------------------------------------------------


@dataclass
class Figure:
    key: str
    label: str
    value: int | Decimal | None  # None: hidden from this viewer
    hidden: bool = False
    unit: str = ""
    link: str = ""
    small: bool = False  # hidden because it is below the threshold (else hidden to protect a small one)
    rounded: bool = False  # rounded to the nearest multiple of the threshold (viewers outside staff)


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure]


def min_cell() -> int:
    """Counts of people from 1 to below this are hidden outside correction staff (the rule book)."""
    return rulebook.value(MIN_CELL_RULE)


def _hide(values: dict[str, Any], specs: list[SectionSpec], defs: dict[str, Definition]) -> set[str]:
    """The keys a non-staff viewer does not see: small counts, and in a breakdown with exactly one hidden part,
    the next smallest part too (else total minus the others would give it away)."""
    threshold = min_cell()
    hidden = {
        key for key, value in values.items() if defs[key].suppressible and not defs[key].total and 0 < value < threshold
    }
    for spec in specs:
        for _total, parts in spec.breakdown_of.items():
            shown = [key for key in parts if key not in hidden and values.get(key)]
            if len([key for key in parts if key in hidden]) == 1 and shown:
                hidden.add(min(shown, key=lambda key: values[key]))
    return hidden


def _generation() -> int:
    return cache.get(_GENERATION_KEY, 0)


def flush(**_kwargs) -> None:
    """Drop every cached figure once the current transaction commits (a signal receiver)."""
    # robust: a cache that is down must not turn a committed write into an error (the entries expire anyway).
    transaction.on_commit(_bump, robust=True)


def _bump() -> None:
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 1, None)


def _values(specs: list[SectionSpec], scope: Scope, period: Period, key: str, cached: bool) -> dict[str, Any]:
    key = f"bureau-figures:{_generation()}:{key}:{scope.param}:{period.start}:{period.end}"
    if cached:
        found = cache.get(key)
        if found is not None:
            return found
    values: dict[str, Any] = {}
    grouped: dict[tuple, dict] = {}
    for spec in specs:
        for definition in spec.definitions:
            if definition.city_only and scope.kind != "city":
                continue
            if definition.group is None:
                values[definition.key] = measure(definition, scope, period)
                continue
            if definition.group not in grouped:
                base, field_name = definition.group
                grouped[definition.group] = dict(
                    base(scope, period).order_by().values_list(field_name).annotate(n=Count("pk"))
                )
            counts = grouped[definition.group]
            values[definition.key] = (
                sum(counts.values()) if definition.value is ALL else counts.get(definition.value, 0)
            )
    if cached:
        cache.set(key, values, CACHE_SECONDS)
    return values


def raw_values(scope: Scope, period: Period, *, cached: bool = True) -> dict[str, int | Decimal]:
    """Every report figure of a place and period, unhidden (cached; see the module's docstring)."""
    return _values(_sections(), scope, period, "period", cached)


def may_open_rows(user: Any) -> bool:
    return is_correction_staff(user)


def rounded(value: int, threshold: int) -> int:
    """A count as viewers outside staff see it: to the nearest multiple of the threshold (never below it), so
    that two figures' difference (this month's and last month's, a total and its parts) cannot give away a
    small count exactly."""
    if not value or threshold <= 1:
        return value
    return max(threshold, int(Decimal(value / threshold).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * threshold)


def _shown(user: Any, specs: list[SectionSpec], values: dict[str, Any], link) -> list[Section]:
    staff = is_correction_staff(user)
    defs = {d.key: d for spec in specs for d in spec.definitions}
    hidden = set() if staff else _hide(values, specs, defs)
    threshold = 0 if staff else min_cell()
    sections = []
    for spec in specs:
        figures = []
        for definition in spec.definitions:
            if definition.key not in values or (definition.city_only and not policies.may_read_budget(user)):
                continue
            is_hidden = definition.key in hidden
            value = values[definition.key]
            rounds = not staff and definition.suppressible and not definition.total and not is_hidden
            figures.append(
                Figure(
                    key=definition.key,
                    label=str(definition.label),
                    value=None if is_hidden else rounded(value, threshold) if rounds else value,
                    hidden=is_hidden,
                    unit=definition.unit,
                    link=link(definition.key) if link and staff and value else "",
                    small=is_hidden and 0 < value < threshold,
                    rounded=rounds and bool(value),
                )
            )
        if figures:
            sections.append(Section(spec.key, str(spec.title), figures))
    return sections


def period_figures(
    user: Any, scope: Scope, *, start: dt.date, end: dt.date, link: Callable[[str], str] | None = None
) -> list[Section]:
    """The report's sections for a place and period as the user may see them (``link(key)``: the address of
    the rows behind a figure; staff only)."""
    return _shown(user, _sections(), raw_values(scope, Period(start, end)), link)


def today_figures(user: Any, scope: Scope, *, link: Callable[[str], str] | None = None) -> list[Section]:
    """The dashboard's "today" sections (now: who is in correction, what is open or overdue)."""
    today = timezone.localdate()
    specs = _today_sections()
    return _shown(user, specs, _values(specs, scope, Period(today, today), "today", True), link)


def rows(user: Any, scope: Scope, key: str, *, start: dt.date, end: dt.date) -> tuple[Definition, QuerySet]:
    """The rows behind one figure, for correction staff only (404 for anybody else or an unknown key)."""
    if not may_open_rows(user):
        raise Http404
    definition = definitions().get(key)
    if definition is None or (definition.city_only and (scope.kind != "city" or not policies.may_read_budget(user))):
        raise Http404
    found = definition.rows(scope, Period(start, end))
    path = PERSON_PATH.get(definition.kind, "supervisee")
    if path:
        readable = Q(**{f"{path}__in": scoping.scope(user, Supervisee)})
        if definition.kind == OBLIGATIONS:  # an office's own obligations (the place is already the user's)
            readable |= Q(supervisee__isnull=True)
        found = found.filter(readable)
    return definition, found


# --- the dashboard's own figures: today, and the 12-month trends ------------------------------------------------


def _offices_of(scope: Scope) -> QuerySet[Organisation]:
    offices = Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE)
    if scope.kind == "office":
        return offices.filter(pk=scope.id)
    if scope.kind == "township":
        return offices.none()
    return offices


def _months_back(end: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months up to the month of ``end``, oldest first."""
    last = end.replace(day=1)
    return [last - relativedelta(months=back) for back in range(count - 1, -1, -1)]


def _monthly(rows: QuerySet, field_name: str, months: list[dt.date], total: str = "") -> list[Decimal | int]:
    aggregate = Sum(total) if total else Count("pk")
    found = dict(rows.annotate(month=TruncMonth(field_name)).order_by().values_list("month").annotate(n=aggregate))
    as_dates = {(key.date() if isinstance(key, dt.datetime) else key): value for key, value in found.items()}
    return [as_dates.get(month) or 0 for month in months]


def _trend_values(scope: Scope, end: dt.date) -> dict[str, Any]:
    months = _months_back(end, 12)
    period = Period(months[0], end)
    people = supervisees_in(scope)
    changes = StatusChange.objects.filter(period.dates("occurred_on"), supervisee__in=people)
    return {
        "months": months,
        "registered": _monthly(changes.filter(action="register"), "occurred_on", months),
        "released": _monthly(changes.filter(action__in=["release", "terminate"]), "occurred_on", months),
        "volunteer_hours": _monthly(_volunteer_hours(scope, period), "date", months, total="hours"),
    }


def _time_to_service(scope: Scope, period: Period) -> list[dict[str, Any]]:
    """Median days from sending to the start of service, by provider kind, for services started in the period."""
    started = Referral.objects.filter(
        period.moments("service_started_at"), sent_at__isnull=False, need__supervisee__in=supervisees_in(scope)
    ).values_list("offering__organisation__kind", "sent_at", "service_started_at")
    days: dict[str, list[float]] = {}
    for kind, sent, began in started:
        days.setdefault(kind, []).append((began - sent).total_seconds() / 86400)
    labels = dict(Organisation.Kind.choices)
    return [
        {"kind": str(labels.get(kind, kind)), "median_days": round(statistics.median(values), 1), "count": len(values)}
        for kind, values in sorted(days.items())
    ]


def dashboard_values(scope: Scope, period: Period) -> dict[str, Any]:
    """The dashboard's numbers beyond the report's (today, trends, time to service), cached like them."""
    key = (
        f"bureau-dashboard:{_generation()}:{scope.param}:{period.start}:{period.end}:{timezone.localdate()}"
        f":{get_language()}"
    )
    found = cache.get(key)
    if found is None:
        found = {
            "trend": _trend_values(scope, period.end),
            "time_to_service": _time_to_service(scope, period),
            "hours_by_team": _hours_by_team(scope, period),
        }
        cache.set(key, found, CACHE_SECONDS)
    return found


def _hours_by_team(scope: Scope, period: Period) -> list[tuple[str, Decimal]]:
    rows = (
        _volunteer_hours(scope, period)
        .order_by()
        .values_list("volunteer__organisation__name", "volunteer__organisation__name_en")
        .annotate(total=Sum("hours"))
        .order_by("-total")
    )
    english = (get_language() or "").startswith("en")
    return [((name_en if english and name_en else name) or _("no team"), total) for name, name_en, total in rows]


def targets() -> dict[str, int]:
    """The monthly education and activity targets per person (the rule book)."""
    return rulebook.values(["education_hours_month", "activity_hours_month"])


def iter_values(sections: Iterable[Section]) -> dict[str, Any]:
    """key -> value of the figures a viewer sees (None when hidden)."""
    return {figure.key: figure.value for section in sections for figure in section.figures}


__all__ = [
    "CACHE_SECONDS",
    "Definition",
    "Figure",
    "Period",
    "Scope",
    "Section",
    "SupervisionLevel",
    "dashboard_values",
    "definitions",
    "flush",
    "iter_values",
    "may_open",
    "month_bounds",
    "period_figures",
    "resolve_scope",
    "rows",
    "scopes_for",
    "serving_at",
    "supervisees_in",
]
