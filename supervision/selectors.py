"""Every read of the supervision app beyond a plain get; each starts from the scoped querysets."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any, cast

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    Lookup,
    Min,
    OuterRef,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.utils import timezone

from accounts import scoping
from accounts.roles import is_bureau_admin
from coordination.access import logged, record_reads
from coordination.models import LIVE_STATUSES, Supervisee
from coordination.policies import case_offices
from services.models import Organisation
from supervision import rulebook
from supervision.actions import end_of_day, start_of_day
from supervision.models import (
    Announcement,
    ClassificationReview,
    CorrectionPlan,
    Investigation,
    Obligation,
    ReleaseNotice,
    Rule,
    RuleChange,
    Sentence,
    StatusChange,
)
from supervision.policies import ObligationPolicy

WEEK = 7  # "this week" on 今日待办: the seven days after today (a view choice, not a legal clock)
BUCKETS = ("overdue", "today", "week", "upcoming")
ACTIVE = LIVE_STATUSES
TODO_PAGE = 20  # people per list on 今日待办 (a view choice, not a legal clock)
# What a row of 今日待办 reads of an obligation (supervision/todo.py and the template).
TODO_COLUMNS = ("supervisee", "judicial_office", "kind", "due_at", "escalation_level", "source_id")
# ... and of its person: the name with its disambiguator (coordination.naming), the status and the case links.
# Of the office and the township only their names (both languages: ``display_name``, ``__str__``): the rest of
# each person's two related rows (addresses, coordinates, timestamps) was converted for nothing.
TODO_PERSON = (
    "uuid",
    "name",
    "status",
    "date_of_birth",
    "case_number",
    "judicial_office__name",
    "judicial_office__name_en",
    "township__name",
    "township__name_en",
)


def obligations(user: Any) -> QuerySet[Obligation]:
    """The obligations the user may see, with the supervisee and office loaded; every row fetched is logged
    as a read of that supervisee (counts and per-person aggregates log nothing)."""
    rows = scoping.scope(user, Obligation).select_related(
        "supervisee", "supervisee__judicial_office", "supervisee__township", "judicial_office", "done_by"
    )
    return _logged_obligations(rows, user)


def _logged_obligations(rows: QuerySet[Obligation], user: Any) -> QuerySet[Obligation]:
    return logged(rows, user=user, object_type="obligation", supervisee_id=lambda row: row.supervisee_id)


def of_office(office: Organisation | int) -> Q:
    """An office's obligations: those of its supervisees and those it owns itself (no supervisee yet)."""
    office_id = office if isinstance(office, int) else office.pk
    return Q(supervisee__judicial_office_id=office_id) | Q(supervisee__isnull=True, judicial_office_id=office_id)


def open_obligations(user: Any, *, office: Organisation | None = None) -> QuerySet[Obligation]:
    """Open obligations of supervisees still under correction (or in intake), the archive clock that
    outlives the correction, and what an office owes itself (an investigation opinion), optionally of one office."""
    return _open(obligations(user), office)


def _open(rows: QuerySet[Obligation], office: Organisation | None) -> QuerySet[Obligation]:
    rows = rows.filter(
        Q(supervisee__status__in=LIVE_STATUSES) | Q(kind=Obligation.Kind.ARCHIVE) | Q(supervisee__isnull=True),
        done_at__isnull=True,
    )
    if office is not None:
        rows = rows.filter(of_office(office))
    return rows


# The group a row of 今日待办 belongs to: its supervisee, or (an office-owned row, one group each) minus its pk.
OWNER = Coalesce(F("supervisee_id"), F("pk") * -1, output_field=BigIntegerField())


def _bounds(now: dt.datetime) -> dict[str, dt.datetime]:
    today = timezone.localdate(now)
    return {
        "now": now,
        "today_start": start_of_day(today),
        "today_end": end_of_day(today),
        "week_end": end_of_day(today + dt.timedelta(days=WEEK)),
    }


def bucket_filters(now: dt.datetime) -> dict[str, Q]:
    """The four lists of 今日待办 as filters: overdue, due today, due in the coming week, reminders already running."""
    b = _bounds(now)
    return {
        "overdue": Q(due_at__lt=b["today_start"]),
        "today": Q(due_at__gte=b["today_start"], due_at__lte=b["today_end"]),
        "week": Q(due_at__gt=b["today_end"], due_at__lte=b["week_end"]),
        "upcoming": Q(due_at__gt=b["week_end"], remind_from__lte=now),
    }


class AnyOf(Lookup):
    """``column = ANY(%s)`` with the ids as one array parameter on PostgreSQL (``IN`` elsewhere): an office's
    500 people as ``IN (%s, …)`` cost more to build, quote and parse than the query took to run
    (bench/obligations.py)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return In(self.lhs, list(self.rhs)).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*params, [int(pk) for pk in self.rhs])


def _any_of(column: str, ids: Any) -> AnyOf | Q:
    return AnyOf(F(column), list(ids)) if ids else Q(pk__in=[])


class Rows(list):
    """One person's obligations on one list of 今日待办; ``html``: their lines, set by ``supervision.todo``."""

    html = ""


class Bucket(list):
    """One list of 今日待办: a page of (supervisee, [obligations]) pairs, and how many people the list holds."""

    def __init__(self, groups: list, *, total: int, page: int, per_page: int) -> None:
        super().__init__(groups)
        self.total = total
        self.page = page
        self.pages = max(1, -(-total // per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def todo(
    user: Any,
    *,
    office: Organisation | None = None,
    now: dt.datetime | None = None,
    pages: dict[str, int] | None = None,
    per_page: int = TODO_PAGE,
) -> dict[str, Bucket]:
    """今日待办: for each bucket, a page of people (soonest first) with their obligations in that bucket, and
    the office's own obligations (an investigation request: one entry each, with its request loaded).

    Each entry is ``(owner, rows)``: the owner is the supervisee, or the investigation request of an
    office-owned row. Two queries whatever the caseload (three for an officer, one more when an office's own
    row is on a page shown): each owner's soonest due time per list, then the rows of the owners shown."""
    now = now or timezone.now()
    pages = pages or {}
    filters = bucket_filters(now)
    # Not logged here: the page logs each person it shows once (below), not each obligation row.
    if office is None and is_bureau_admin(user):
        base = _open(scoping.scope(user, Obligation), office)
    else:
        # One office's few hundred people (the chosen office, or an officer's own) as a list: the planner then
        # reads their open obligations by index instead of scanning every open obligation against the scope's
        # OR (bench/obligations.py). ``rows_view`` of the obligation policy is the rows of these people and the
        # office-owned rows below, so the rows are the same. People who left correction stay on it while their
        # archive clock runs.
        # An EXISTS, not a join: a join returns each person once per open archive row (ten times the people).
        policy = cast(ObligationPolicy, scoping.policy_for(Obligation))
        archive_open = Obligation.objects.filter(
            supervisee_id=OuterRef("pk"), kind=Obligation.Kind.ARCHIVE, done_at__isnull=True
        )
        visible = policy.supervisees(user)
        office_owned = policy.office_owned(user)
        if office is not None:
            visible = visible.filter(judicial_office=office)
            office_owned &= Q(judicial_office_id=office.pk)
        visible = visible.filter(Q(status__in=ACTIVE) | Exists(archive_open))
        people = dict(visible.order_by().values_list("pk", "status"))
        live = {pk for pk, status in people.items() if status in LIVE_STATUSES}
        # The per-person aggregate below returns no record, only owners and due times: it reads the rows of
        # the people just chosen by the scoped selector (and the office-owned rows the obligation policy
        # gives the user) without joining the scope and the status again (bench/obligations.py: a third of
        # the page's time went to evaluating them twice more).
        base = Obligation.objects.filter(done_at__isnull=True).filter(
            _any_of("supervisee_id", live)
            | (_any_of("supervisee_id", people.keys() - live) & Q(kind=Obligation.Kind.ARCHIVE))
            | office_owned
        )
    bounds = _bounds(now)
    shown = base.filter(Q(remind_from__lte=now) | Q(due_at__lte=bounds["week_end"]))
    # One row per owner: the soonest due time in each list (None when the owner is not on it).
    firsts = (
        shown.annotate(owner=OWNER)
        .values("owner")
        .annotate(**{name: Min("due_at", filter=filters[name]) for name in BUCKETS})
    )
    in_order = _owners_by_first(firsts)
    pages_of: dict[str, list[int]] = {}
    totals: dict[str, int] = {}
    chosen: dict[str, int] = {}
    for name in BUCKETS:
        people = in_order[name]
        last = max(1, -(-len(people) // per_page))
        chosen[name] = min(max(pages.get(name, 1), 1), last)
        pages_of[name] = people[(chosen[name] - 1) * per_page : chosen[name] * per_page]
        totals[name] = len(people)
    groups: dict[str, OrderedDict[int, Rows]] = {
        name: OrderedDict((pk, Rows()) for pk in pages_of[name]) for name in BUCKETS
    }
    wanted = {pk for ids in pages_of.values() for pk in ids}
    requests: dict[int, Investigation] = {}
    if wanted:
        # ``base`` is the scoped selection the owners were chosen from; for an officer it is already the rows
        # of the people the scoped selector returned, so the page's rows do not evaluate the scope a second
        # time (bench/obligations.py).
        page_rows = base.filter(
            Q(remind_from__lte=now) | Q(due_at__lte=bounds["week_end"]),
            _any_of("supervisee_id", {pk for pk in wanted if pk > 0}) | _any_of("pk", {-pk for pk in wanted if pk < 0}),
        )
        page_rows = list(page_rows.select_related(None).only(*TODO_COLUMNS).order_by("due_at", "pk"))
        # The people of a page once each (a person has several rows), not joined per row, read as one array
        # of ids (a prefetch's IN list cost more to build than to run) and logged once each as a read of that
        # person: one access-log row per person shown, not one per obligation (the rows are what the page
        # shows of them). Only the columns the page shows: each further timestamp is a few thousand
        # conversions a page.
        people_shown = logged(
            Supervisee.objects.select_related("judicial_office", "township").only(*TODO_PERSON),
            user=user,
            object_type="supervisee",
            supervisee_id=lambda person: person.pk,
            object_id=lambda person: str(person.uuid),
        )
        shown = {row.supervisee_id for row in page_rows if row.supervisee_id is not None}
        persons = {p.pk: p for p in people_shown.filter(_any_of("pk", shown)).order_by()} if shown else {}
        office_rows = [row for row in page_rows if row.supervisee_id is None]
        page_rows = [row for row in page_rows if row.supervisee_id is None or row.supervisee_id in persons]
        for row in page_rows:
            if row.supervisee_id is not None:
                row.supervisee = persons[row.supervisee_id]
        if office_rows:
            prefetch_related_objects(office_rows, "judicial_office")
            if getattr(user, "is_authenticated", False):
                # What an office owes itself (no supervisee yet) is logged per row, as through ``obligations``.
                record_reads((user, "obligation", lambda row: None, lambda row: str(row.pk), None), office_rows)
        for row in page_rows:
            name = _bucket_of(row, bounds)
            owner = row.supervisee_id if row.supervisee_id is not None else -row.pk
            if owner in groups[name]:
                groups[name][owner].append(row)
        asked = [row.source_id for row in page_rows if row.kind == Obligation.Kind.INVESTIGATION]
        if asked:
            requests = {i.pk: i for i in scoping.scope(user, Investigation).filter(pk__in=asked)}
    return {
        name: Bucket(
            [(_owner(found[0], requests), found) for found in groups[name].values() if found],
            total=totals[name],
            page=chosen[name],
            per_page=per_page,
        )
        for name in BUCKETS
    }


def _owners_by_first(firsts: QuerySet[Any]) -> dict[str, list[int]]:
    """The owners on each list of 今日待办, soonest first (ties by owner), from the per-owner aggregate of
    ``todo``. On PostgreSQL sorted in the database and returned as one array of owners per list: converting an
    office's five hundred owners' due times to Python cost more than sorting them (bench/obligations.py)."""
    firsts = firsts.order_by()
    if connection.vendor == "postgresql":
        sql, params = firsts.query.get_compiler(using=firsts.db).as_sql()
        owner = connection.ops.quote_name("owner")
        columns = ", ".join(
            f"array_agg({owner} ORDER BY {first}, {owner}) FILTER (WHERE {first} IS NOT NULL)"
            for first in map(connection.ops.quote_name, BUCKETS)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM ({sql}) AS firsts", params)  # noqa: S608 - our own names
            found = cursor.fetchone()
        return {name: list(found[k] or ()) for k, name in enumerate(BUCKETS)}
    rows = list(firsts)
    return {
        name: [pk for _first, pk in sorted((row[name], row["owner"]) for row in rows if row[name] is not None)]
        for name in BUCKETS
    }


def _owner(row: Obligation, requests: dict[int, Investigation]) -> Any:
    """Whom a 今日待办 entry is about: the supervisee, or the investigation request an office owes."""
    if row.supervisee_id is not None:
        return row.supervisee
    return requests.get(row.source_id) if row.kind == Obligation.Kind.INVESTIGATION else row.judicial_office


def _bucket_of(row: Obligation, bounds: dict[str, dt.datetime]) -> str:
    if row.due_at < bounds["today_start"]:
        return "overdue"
    if row.due_at <= bounds["today_end"]:
        return "today"
    if row.due_at <= bounds["week_end"]:
        return "week"
    return "upcoming"


def office_counts(user: Any, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per judicial office the user may see: open obligations overdue, due today and in the coming week."""
    now = now or timezone.now()
    filters = bucket_filters(now)
    # Each count is of rows due by the end of the coming week: only those are read (by the open rows' due-time
    # index, ``obligation_open_due_owner``), not every open row of the city (bench/obligations.py).
    counts = {
        row["office"]: row
        for row in open_obligations(user)
        .filter(due_at__lte=_bounds(now)["week_end"])
        .values(office=Coalesce("supervisee__judicial_office", "judicial_office"))
        .annotate(
            overdue=Count("due_at", filter=filters["overdue"]),
            today=Count("due_at", filter=filters["today"]),
            week=Count("due_at", filter=filters["week"]),
        )
    }
    result = []
    for office in case_offices(user).order_by("name"):
        row = counts.get(office.pk, {})
        result.append(
            {
                "office": office,
                "overdue": row.get("overdue", 0),
                "today": row.get("today", 0),
                "week": row.get("week", 0),
            }
        )
    return result


def cleanup_list(user: Any, *, today: dt.date | None = None) -> dict[str, QuerySet[Supervisee]]:
    """Records that contradict the clocks, for the bureau to resolve (flagged, never fixed by the platform):
    still under correction after the end date; still in intake longer than the report period."""
    today = today or timezone.localdate()
    visible = (
        scoping.scope(user, Supervisee)
        .select_related("judicial_office", "township")
        .order_by("judicial_office__name", "pk")
    )
    report_days = rulebook.rule(rulebook.INTAKE_REPORT)
    # The latest start whose report period has run out by today (working out the unit once).
    latest_start = today
    while rulebook.add(report_days.value, report_days.unit, latest_start) >= today:
        latest_start -= dt.timedelta(days=1)
    return {
        "ended": visible.filter(status=Supervisee.Status.UNDER_CORRECTION, correction_end__lt=today),
        "stale_intake": visible.filter(status=Supervisee.Status.INTAKE, correction_start__lte=latest_start),
    }


def rules(user: Any) -> QuerySet[Rule]:
    """The rule book as the user may read it."""
    return scoping.scope(user, Rule).order_by("code")


def rule_changes(user: Any) -> QuerySet[RuleChange]:
    """The history of overrides, newest first."""
    return scoping.scope(user, RuleChange).select_related("rule", "changed_by")


def feed_obligations(user: Any) -> QuerySet[Obligation]:
    """What the user's private calendar lists: open obligations they may complete (their office's own too)."""
    return (
        scoping.scope(user, Obligation, "complete")
        .filter(done_at__isnull=True)
        .select_related("supervisee")
        .order_by("due_at", "pk")
    )


# --- correction plans and classification reviews -----------------------------------------------------


def plans(user: Any) -> QuerySet[CorrectionPlan]:
    """The plan versions the user may see, newest first; every version fetched is logged as a read."""
    rows = (
        scoping.scope(user, CorrectionPlan)
        .select_related("supervisee", "created_by", "review")
        .prefetch_related("team")
        .order_by("supervisee_id", "-version")
    )
    return logged(rows, user=user, object_type="correction_plan", supervisee_id=lambda row: row.supervisee_id)


def reviews(user: Any) -> QuerySet[ClassificationReview]:
    """The classification reviews the user may see, newest first; each fetched is logged as a read."""
    rows = scoping.scope(user, ClassificationReview).select_related(
        "supervisee", "proposed_by", "decided_by", "supervisee__judicial_office"
    )
    return logged(rows, user=user, object_type="classification_review", supervisee_id=lambda row: row.supervisee_id)


def reviews_to_decide(user: Any) -> QuerySet[ClassificationReview]:
    """Open proposals the user (a head) may decide, oldest first, excluding their own."""
    rows = scoping.scope(user, ClassificationReview, "decide").exclude(proposed_by=user)
    return logged(
        rows.select_related("supervisee", "proposed_by").order_by("proposed_at", "pk"),
        user=user,
        object_type="classification_review",
        supervisee_id=lambda row: row.supervisee_id,
    )


def supervisee_for(user: Any, uuid: Any) -> Supervisee:
    """One supervisee the user may see (the read is logged); raises DoesNotExist when out of scope."""
    rows = scoping.scope(user, Supervisee).select_related("judicial_office")
    return logged(
        rows, user=user, object_type="supervisee", supervisee_id=lambda row: row.pk, object_id=lambda row: str(row.uuid)
    ).get(uuid=uuid)


# --- The sentence lifecycle -------------------------------------------------------------------------

# The steps each status allows, in the order the page offers them.
NEXT_STEPS = {
    Supervisee.Status.INTAKE: ("sentence", "document", "register", "terminate"),
    Supervisee.Status.REGISTERED: ("document", "announce", "terminate"),
    Supervisee.Status.UNDER_CORRECTION: ("suspend", "release", "terminate", "scan"),
    Supervisee.Status.SUSPENDED: ("resume", "terminate"),
    Supervisee.Status.RELEASED: ("notice", "scan", "sentence"),
    Supervisee.Status.TERMINATED: ("notice", "sentence"),
}


def next_steps(supervisee: Supervisee) -> tuple[str, ...]:
    steps = NEXT_STEPS.get(supervisee.status, ())
    if supervisee.status == Supervisee.Status.INTAKE and not supervisee.sentences.exists():
        steps = tuple(step for step in steps if step != "document")
    if "notice" in steps:
        # The closing's notices: offered until every organ has been told of this closing.
        told = ReleaseNotice.told_of(supervisee, StatusChange.closing_of(supervisee))
        if told >= set(ReleaseNotice.Recipient.values):
            steps = tuple(step for step in steps if step != "notice")
    # The deciding organ's notice: recorded once for the current sentence, whatever the status.
    current = supervisee.sentences.order_by("-effective_date", "-pk").only("notice_received_on").first()
    if current is not None and current.notice_received_on is None:
        steps = ("notified", *steps)
    return steps


def lifecycle(user: Any, supervisee: Supervisee) -> dict[str, Any]:
    """Everything the lifecycle page shows of one supervisee, each list from its scoped selector."""
    return {
        "sentences": scoping.scope(user, Sentence)
        .filter(supervisee=supervisee)
        .prefetch_related("documents")
        .order_by("-effective_date", "-pk"),
        "history": scoping.scope(user, StatusChange).filter(supervisee=supervisee).select_related("actor"),
        "announcements": scoping.scope(user, Announcement).filter(supervisee=supervisee),
        "notices": scoping.scope(user, ReleaseNotice).filter(supervisee=supervisee),
        "obligations": _with_basis(
            obligations(user).filter(supervisee=supervisee, done_at__isnull=True).order_by("due_at")
        ),
    }


def _with_basis(rows: QuerySet[Obligation]) -> list[Obligation]:
    """The rows, each with ``basis``: the law and article of its rule-book clock in the reader's language
    (what an officer reads; the rule code is for the rule book, not for the page)."""
    rows = list(rows)
    laws = {rule.code: rule.law for rule in Rule.objects.filter(code__in={o.rule_code for o in rows})}
    for o in rows:
        o.basis = laws.get(o.rule_code, "")
    return rows


def investigations(user: Any, *, open_only: bool = False) -> QuerySet[Investigation]:
    """The investigation requests the user may see, soonest due first."""
    rows = scoping.scope(user, Investigation).select_related("judicial_office").order_by("due_on", "pk")
    return rows.filter(opinion_sent_on__isnull=True) if open_only else rows
