"""Reads for matching: engine rows from the database in a fixed number of queries, scoped lists.

``need_rows`` costs 3 queries and ``offering_rows`` 3, whatever the number of rows;
``townships`` 1. Values are read with ``values_list`` (no model instances) so a city of
20,000 needs loads in well under a second.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import scoping
from coordination.access import logged
from coordination.models import LIVE_STATUSES, CorrectionTeamMember, Need, Referral, Supervisee
from matching.engine.explain import SuggestionIndex, Suggestions
from matching.engine.policy import DEFAULT_POLICY, Policy
from matching.engine.rows import MenteeRow, MentorRow, NeedRow, OfferingRow
from matching.models import MatchingPolicy, MatchRun, MentorProposal, Proposal
from services.models import ServiceAtLocation, ServiceOffering, Township

if TYPE_CHECKING:
    from accounts.models import User

# Referral states that mean "not this offering again for this need".
DECLINED_STATES = (Referral.State.DECLINED, Referral.State.WITHDRAWN, Referral.State.EXPIRED)
# Referral states that mean the organisation works (or worked) with the supervisee.
WORKING_STATES = (Referral.State.ACCEPTED, Referral.State.IN_SERVICE, Referral.State.COMPLETED)
# Need.Urgency (1 low, 2 normal, 3 high) -> engine urgency (0 low .. 3 urgent)
URGENCY = {1: 0, 2: 1, 3: 2}


def language_code(code: str | None) -> str:
    """The directory's language code for a supervisee's preferred language (zh-hans -> zh)."""
    code = (code or "zh").lower()
    if code in ("zh", "zh-hans", "zh-hant", "zh-cn", "zh-tw") or code.startswith("zh-han"):
        return "zh"
    return code


def age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def current_policy() -> tuple[MatchingPolicy | None, Policy]:
    """The newest active bureau policy (defaults when none is stored). One query."""
    stored = MatchingPolicy.objects.filter(is_active=True).order_by("-updated_at", "-pk").first()
    return stored, (stored.policy() if stored else DEFAULT_POLICY)


def townships() -> dict[int, tuple[float | None, float | None]]:
    """Township centre points by id. One query."""
    return {
        pk: (None if lat is None else float(lat), None if lon is None else float(lon))
        for pk, lat, lon in Township.objects.values_list("pk", "latitude", "longitude")
    }


def open_needs(office_id: int | None = None) -> QuerySet[Need]:
    """Open needs of supervisees in intake or under correction, of the city or one office."""
    qs = Need.objects.filter(
        status=Need.Status.OPEN,
        supervisee__status__in=LIVE_STATUSES,
        # Until the lifecycle closes the record, a past end date already means nobody to match.
        supervisee__correction_end__gte=timezone.localdate(),
        # A sealed juvenile record is in no matching run (CPL Art. 286).
        supervisee__sealed_at__isnull=True,
    )
    return qs if office_id is None else qs.filter(supervisee__judicial_office_id=office_id)


def need_rows(needs: QuerySet[Need], *, now: dt.datetime | None = None) -> list[NeedRow]:
    """Engine rows for these needs, with the supervisee's fields, declined offerings and continuity. 3 queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    data = list(
        needs.order_by("pk").values_list(
            "pk",
            "category_id",
            "urgency",
            "opened_at",
            "supervisee_id",
            "supervisee__sex",
            "supervisee__date_of_birth",
            "supervisee__is_minor",
            "supervisee__household_type",
            "supervisee__township_id",
            "supervisee__sentence_type",
            "supervisee__risk_level",
            "supervisee__preferred_language",
            "supervisee__judicial_office_id",
        )
    )
    # The same needs as subqueries, not lists of ids: a province run has 150,000 of them, and a
    # parameter per id made these two queries cost more than the rows they read.
    declined: dict[int, set[int]] = defaultdict(set)
    for need_id, offering_id in Referral.objects.filter(
        need_id__in=needs.values("pk"), state__in=DECLINED_STATES
    ).values_list("need_id", "offering_id"):
        declined[need_id].add(offering_id)
    working: dict[int, set[int]] = defaultdict(set)
    for supervisee_id, org_id in Referral.objects.filter(
        need__supervisee_id__in=needs.values("supervisee_id"), state__in=WORKING_STATES
    ).values_list("need__supervisee_id", "offering__organisation_id"):
        working[supervisee_id].add(org_id)
    rows = []
    for pk, cat, urgency, opened, sup, sex, born, minor, household, town, sentence, risk, lang, office in data:
        age = age_on(born, today)
        rows.append(
            NeedRow(
                id=pk,
                category_id=cat,
                township_id=town,
                sex=sex,
                age=age,
                is_minor=bool(minor) or age < 18,
                household_type=household,
                sentence_type=sentence,
                risk_level=risk,
                languages=frozenset({language_code(lang)}),
                urgency=URGENCY.get(urgency, 1),
                days_waiting=max((now - opened).days, 0),
                declined_offering_ids=frozenset(declined.get(pk, ())),
                orgs_already_working_with=frozenset(working.get(sup, ())),
                supervisee_id=sup,
                office_id=office,
            )
        )
    return rows


def offering_rows(offerings: QuerySet[ServiceOffering] | None = None) -> list[OfferingRow]:
    """Engine rows for the active offerings (or the given ones): eligibility, free places, place. 3 queries."""
    qs = scoping.scope(None, ServiceOffering) if offerings is None else offerings
    data = list(
        qs.order_by("pk").values_list(
            "pk",
            "organisation_id",
            "category_id",
            "capacity",
            "places_taken",
            "whole_city",
            "household_type",
            "sex",
            "min_age",
            "max_age",
            "accepts_minors",
            "sentence_types",
            "risk_levels",
            "income_limit",
            "languages",
            "organisation__township_id",
        )
    )
    ids = qs.values("pk")  # a subquery (see need_rows)
    areas: dict[int, set[int]] = defaultdict(set)
    through = ServiceOffering.service_townships.through
    for offering_id, township_id in through.objects.filter(serviceoffering_id__in=ids).values_list(
        "serviceoffering_id", "township_id"
    ):
        areas[offering_id].add(township_id)
    places: dict[int, tuple] = {}
    for offering_id, town, lat, lon in (
        ServiceAtLocation.objects.filter(offering_id__in=ids)
        .order_by("offering_id", "pk")
        .values_list("offering_id", "location__township_id", "location__latitude", "location__longitude")
    ):
        places.setdefault(offering_id, (town, lat, lon))
    rows = []
    for (
        pk,
        org,
        cat,
        cap,
        taken,
        whole,
        household,
        sex,
        lo,
        hi,
        minors,
        sentences,
        risks,
        income,
        langs,
        org_town,
    ) in data:
        town, lat, lon = places.get(pk, (org_town, None, None))
        rows.append(
            OfferingRow(
                id=pk,
                organisation_id=org,
                category_id=cat,
                vacancies=max(cap - taken, 0),
                capacity=cap,
                service_township_ids=None if whole else frozenset(areas.get(pk, ())),
                household_types=frozenset({household}) if household else frozenset(),
                sexes=frozenset({sex}) if sex else frozenset(),
                min_age=lo,
                max_age=hi,
                accepts_minors=minors,
                sentence_types=frozenset(sentences or ()),
                risk_levels=frozenset(risks or ()),
                income_limit=None if income is None else int(income),
                languages=frozenset(langs or ()),
                township_id=town,
                latitude=None if lat is None else float(lat),
                longitude=None if lon is None else float(lon),
            )
        )
    return rows


@dataclass
class NeedSuggestions:
    need: Need
    result: Suggestions
    offerings: dict[int, ServiceOffering]


def suggestions_for_need(need: Need, *, limit: int | None = None) -> NeedSuggestions:
    """Ranked eligible offerings for one need (and the excluded ones with their rule). A fixed 10 queries."""
    _stored, policy = current_policy()
    offerings = scoping.scope(None, ServiceOffering).filter(category_id=need.category_id)
    index = SuggestionIndex(offering_rows(offerings), townships(), policy)
    row = need_rows(Need.objects.filter(pk=need.pk))[0]
    result = index.suggest(row, limit)
    ids = [s.offering_id for s in result.eligible] + [oid for oid, _rule in result.excluded]
    by_id = ServiceOffering.objects.select_related("organisation").in_bulk(ids)
    return NeedSuggestions(need, result, by_id)


def matching_needs(user: User, *, purpose: str | None = None) -> QuerySet[Need]:
    """Open needs the user may match, most urgent and oldest first (each need fetched is logged, with
    ``purpose`` when given)."""
    queryset = (
        Need.objects.filter(
            supervisee__in=scoping.scope(user, Supervisee).values("pk"),
            status__in=[Need.Status.OPEN, Need.Status.REFERRED],
        )
        .select_related("category", "supervisee", "supervisee__township")
        .order_by("-urgency", "opened_at", "pk")
    )
    return logged(queryset, user=user, object_type="need", supervisee_id=lambda row: row.supervisee_id, purpose=purpose)


def need_for_matching(user: User, pk: int, *, purpose: str | None = None) -> Need:
    """One need the user may match (raises Need.DoesNotExist otherwise); the read is logged once, here."""
    return matching_needs(user, purpose=purpose).get(pk=pk)


def runs(user: User, kind: str | None = None) -> QuerySet[MatchRun]:
    qs = scoping.scope(user, MatchRun).select_related("office", "created_by").order_by("-created_at", "-pk")
    return qs if kind is None else qs.filter(kind=kind)


def stalled_runs(*, now: dt.datetime | None = None) -> QuerySet[MatchRun]:
    """Runs marked running whose heartbeat is older than ``MATCHING_RUN_STALE_SECONDS``: their worker died."""
    limit = (now or timezone.now()) - dt.timedelta(seconds=settings.MATCHING_RUN_STALE_SECONDS)
    return MatchRun.objects.filter(status=MatchRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=limit)
        | Q(heartbeat_at__isnull=True, started_at__lt=limit)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True)
    )


def lost_queued_runs(*, now: dt.datetime | None = None) -> QuerySet[MatchRun]:
    """Runs still queued ``MATCHING_RUN_REQUEUE_SECONDS`` after they were last queued (the broker lost them)."""
    limit = (now or timezone.now()) - dt.timedelta(seconds=settings.MATCHING_RUN_REQUEUE_SECONDS)
    return MatchRun.objects.filter(status=MatchRun.Status.QUEUED).filter(
        Q(queued_at__lt=limit) | Q(queued_at__isnull=True, created_at__lt=limit)
    )


def stuck_runs(*, now: dt.datetime | None = None) -> QuerySet[MatchRun]:
    """Runs that need the sweep (readiness checks count these): running without a heartbeat, or queued too long."""
    return (stalled_runs(now=now) | lost_queued_runs(now=now)).order_by("created_at", "pk")


def proposals(user: User, run: MatchRun) -> QuerySet[Proposal]:
    """The run's proposals the user may see, with what the list shows (fixed number of queries); each
    proposal fetched is logged (it names the supervisee and the need)."""
    queryset = (
        scoping.scope(user, Proposal)
        .filter(run=run)
        .select_related(
            "need__category",
            "need__supervisee__township",
            "offering__organisation",
            "runner_up__organisation",
            "chosen_offering",
            "referral",
        )
        .order_by("-need__urgency", "need__opened_at", "pk")
    )
    return logged(queryset, user=user, object_type="match proposal", supervisee_id=lambda row: row.need.supervisee_id)


# --- Mentor pairing ------------------------------------------------------------

LIVE_SUPERVISEE = LIVE_STATUSES


def _active_team(role: str | None = None, **extra) -> QuerySet[CorrectionTeamMember]:
    qs = CorrectionTeamMember.objects.filter(is_active=True, **extra)
    return qs if role is None else qs.filter(role=role)


def mentees_waiting(office_id: int | None = None) -> QuerySet[Supervisee]:
    """Supervisees in intake or under correction with no active volunteer on their team (city or one office)."""
    has_volunteer = _active_team(CorrectionTeamMember.Role.VOLUNTEER, supervisee=OuterRef("pk"))
    qs = Supervisee.objects.filter(
        status__in=LIVE_SUPERVISEE, correction_end__gte=timezone.localdate(), sealed_at__isnull=True
    ).exclude(Exists(has_volunteer))
    return qs if office_id is None else qs.filter(judicial_office_id=office_id)


def mentee_rows(supervisees: QuerySet[Supervisee], *, now: dt.datetime | None = None) -> list[MenteeRow]:
    """Engine rows for these supervisees: sex, minor, whether the team has a woman, language, township. 1 query.

    Days waiting count from the start of correction (or registration, if later); urgency is normal.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    woman = _active_team(supervisee=OuterRef("pk"), sex="female")
    data = supervisees.order_by("pk").values_list(
        "pk", "sex", "is_minor", "date_of_birth", "preferred_language", "township_id", "correction_start", "created_at"
    )
    data = data.annotate(has_woman=Exists(woman))
    rows = []
    for pk, sex, minor, born, lang, town, start, created, has_woman in data:
        since = max(start, timezone.localdate(created)) if start else timezone.localdate(created)
        rows.append(
            MenteeRow(
                id=pk,
                sex=sex,
                team_has_woman=bool(has_woman),
                languages=frozenset({language_code(lang)}),
                township_id=town,
                urgency=1,
                days_waiting=max((today - since).days, 0),
                is_minor=bool(minor) or age_on(born, today) < 18,
            )
        )
    return rows


def mentor_volunteers():
    """Volunteers who mentor (maximum mentees above 0) and may join a team: active, with their required
    training valid (the volunteers policy's "team_candidate" rows). Volunteers serve the whole city."""
    return scoping.scope(None, "volunteers.Volunteer", "team_candidate").filter(max_mentees__gt=0, user__is_active=True)


def mentor_rows(volunteers=None) -> list[MentorRow]:
    """Engine rows for mentors: places left = maximum − active mentoring team memberships. 1 query."""
    qs = mentor_volunteers() if volunteers is None else volunteers
    current = (
        _active_team(
            CorrectionTeamMember.Role.VOLUNTEER, user_id=OuterRef("user_id"), supervisee__status__in=LIVE_SUPERVISEE
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    data = (
        qs.order_by("pk")
        .annotate(current=Coalesce(Subquery(current, output_field=IntegerField()), Value(0)))
        .values_list("pk", "sex", "max_mentees", "current", "language_codes", "township_id", "cleared_for_minors")
    )
    return [
        MentorRow(
            id=pk,
            sex=sex or "",
            places_left=max(cap - current, 0),
            languages=frozenset(langs or ()),
            township_id=town,
            mentors_minors=bool(minors),
        )
        for pk, sex, cap, current, langs, town, minors in data
    ]


def mentor_proposals(user: User, run: MatchRun | None = None) -> QuerySet[MentorProposal]:
    """Mentor proposals the user may see (of one run, or all open ones), with what the list shows."""
    qs = scoping.scope(user, MentorProposal)
    qs = qs.filter(run=run) if run is not None else qs.filter(status=MentorProposal.Status.PROPOSED)
    qs = qs.select_related("supervisee__township", "mentor__township", "runner_up", "chosen_mentor", "run").order_by(
        "-run__created_at", "-score", "pk"
    )
    return logged(qs, user=user, object_type="mentor proposal", supervisee_id=lambda row: row.supervisee_id)


def choosable_mentors(supervisee: Supervisee):
    """Mentors an officer may choose instead (any active mentor; the team rules are checked on confirm)."""
    return mentor_volunteers().order_by("full_name", "pk")
