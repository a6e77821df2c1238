"""Every read of cases and referrals beyond a plain get. Each starts from accounts.scoping.scope (the policies in coordination/policies.py).

Lists cost a fixed number of queries whatever their length (tests assert it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import scoping
from coordination.access import logged
from coordination.models import (
    LIVE_STATUSES,
    AccessLog,
    CaseNote,
    Consent,
    CorrectionTeamMember,
    Need,
    Referral,
    ReferralEvent,
    Supervisee,
)
from services.models import ServiceOffering

if TYPE_CHECKING:
    from accounts.models import User

State = Referral.State
OPEN_NEED_STATES = [Need.Status.OPEN, Need.Status.REFERRED]
SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "risk": ("-risk_rank", "name", "pk"),
    "end": ("correction_end", "pk"),
    "-end": ("-correction_end", "-pk"),
    "needs": ("-open_needs", "name", "pk"),
    "updated": ("-updated_at", "-pk"),
}


def caseload(user: User, *, sort: str = "name") -> QuerySet[Supervisee]:
    """The supervisees the user may see, with counts of open needs and open referrals, for lists."""
    from django.db.models import Case, IntegerField, Value, When

    open_needs = Coalesce(
        Subquery(
            Need.objects.filter(supervisee=OuterRef("pk"), status__in=OPEN_NEED_STATES)
            .order_by()
            .values("supervisee")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )
    queryset = (
        scoping.scope(user, Supervisee)
        .select_related("township", "judicial_office")
        .annotate(
            open_needs=open_needs,
            risk_rank=Case(
                When(risk_level="high", then=Value(3)),
                When(risk_level="medium", then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
    )
    queryset = queryset.order_by(*SORTS.get(sort, SORTS["name"]))
    return logged(queryset, user=user, object_type="supervisee", supervisee_id=_pk, object_id=_uuid)


def _pk(row) -> int:
    return row.pk


def _uuid(row) -> str:
    return str(row.uuid)


def _of_supervisee(row) -> int:
    return row.supervisee_id


def _of_referral(row) -> int:
    return row.need.supervisee_id


def with_open_needs(queryset: QuerySet[Supervisee], value: bool) -> QuerySet[Supervisee]:
    exists = Exists(Need.objects.filter(supervisee=OuterRef("pk"), status__in=OPEN_NEED_STATES))
    return queryset.filter(exists) if value else queryset.exclude(exists)


def supervisee_for_read(user: User, uuid: str, *, purpose: str | None = None) -> Supervisee:
    """One supervisee record with everything its page shows (the read is logged); raises DoesNotExist
    when out of scope."""
    queryset = (
        scoping.scope(user, Supervisee)
        .select_related("township", "judicial_office")
        .prefetch_related(
            Prefetch("needs", queryset=Need.objects.select_related("category")),
            Prefetch("team", queryset=CorrectionTeamMember.objects.filter(is_active=True).select_related("user")),
            Prefetch("notes", queryset=CaseNote.objects.select_related("author")),
            Prefetch("consents", queryset=Consent.objects.select_related("organisation", "recorded_by")),
        )
    )
    return logged(
        queryset, user=user, object_type="supervisee", supervisee_id=_pk, object_id=_uuid, purpose=purpose
    ).get(uuid=uuid)


def referrals_of_supervisee(supervisee: Supervisee) -> list[Referral]:
    return list(
        Referral.objects.filter(need__supervisee=supervisee)
        .select_related("need__category", "offering__organisation", "sent_by")
        .order_by("-created_at", "-pk")
    )


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str
    title: str
    detail: str
    actor: str


def timeline(supervisee: Supervisee, referrals: list[Referral]) -> list[TimelineEntry]:
    """Needs opened, notes and referral events, newest first (two queries beyond what the page has)."""
    from django.utils.translation import gettext as _

    entries: list[TimelineEntry] = []
    for need in supervisee.needs.all():
        entries.append(TimelineEntry(need.opened_at, "need", _("Need recorded"), str(need.category), ""))
    for note in supervisee.notes.all():
        entries.append(TimelineEntry(note.created_at, "note", note.get_kind_display(), note.body, str(note.author)))
    by_id = {r.pk: r for r in referrals}
    events = ReferralEvent.objects.filter(referral_id__in=list(by_id)).select_related("actor")
    for event in events:
        referral = by_id[event.referral_id]
        entries.append(
            TimelineEntry(
                event.created_at,
                "referral",
                f"{referral.offering.name}: {event.get_to_state_display()}",
                event.note,
                str(event.actor) if event.actor else _("system"),
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def referral_list(user: User, verb: str = "view") -> QuerySet[Referral]:
    """Referrals the user may see (or act on with ``verb``), ready for a list (fixed queries); every
    referral fetched is logged (coordination/access.py)."""
    queryset = (
        scoping.scope(user, Referral, verb)
        .select_related(
            "need__category",
            "need__supervisee__township",
            "need__supervisee__judicial_office",
            "offering__organisation",
            "offering__category",
        )
        .order_by("-created_at", "-pk")
    )
    return logged(queryset, user=user, object_type="referral", supervisee_id=_of_referral, object_id=_uuid)


def provider_inbox(user: User) -> QuerySet[Referral]:
    """Referrals sent to the user's organisations (the bureau: every sent referral), newest first."""
    return referral_list(user, "inbox")


def provider_open_work(user: User) -> QuerySet[Referral]:
    """The inbox's open work: new ones first (then accepted, in service), newest first within each.

    People whose correction has ended (released, terminated, or past the end date) are left out:
    the provider has nobody left to serve (their history stays under the other state filters).
    """
    from django.db.models import Case, IntegerField, Value, When

    return (
        provider_inbox(user)
        .filter(
            state__in=[Referral.State.SENT, Referral.State.ACCEPTED, Referral.State.IN_SERVICE],
            need__supervisee__status__in=LIVE_STATUSES,
            need__supervisee__correction_end__gte=timezone.localdate(),
        )
        .annotate(
            state_rank=Case(
                When(state=Referral.State.SENT, then=Value(0)),
                When(state=Referral.State.ACCEPTED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("state_rank", "-created_at", "-pk")
    )


def overdue_q(now: dt.datetime | None = None) -> Q:
    """The overdue rule, written once: a sent referral past its answer deadline."""
    return Q(state=State.SENT, deadline__lt=now or timezone.now())


def overdue(user: User, *, now: dt.datetime | None = None) -> QuerySet[Referral]:
    """Sent referrals past their answer deadline, oldest deadline first."""
    return referral_list(user).filter(overdue_q(now)).order_by("deadline", "pk")


# --- For periodic tasks (the system acts on every row; no user scope) -----------------


def overdue_referral_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Every overdue referral in the city, oldest deadline first (the escalation task)."""
    return list(Referral.objects.filter(overdue_q(now)).order_by("deadline", "pk").values_list("pk", flat=True))


def referral_for_read(user: User, uuid: str) -> Referral:
    return (
        referral_list(user)
        .prefetch_related(
            Prefetch(
                "events",
                queryset=scoping.scope(user, ReferralEvent).select_related("actor").order_by("created_at", "pk"),
            )
        )
        .get(uuid=uuid)
    )


def needs_list(user: User) -> QuerySet[Need]:
    """Needs of the user's cases, newest first; every need fetched is logged."""
    queryset = scoping.scope(user, Need).select_related("category", "supervisee").order_by("-opened_at", "-pk")
    return logged(queryset, user=user, object_type="need", supervisee_id=_of_supervisee)


def notes_list(user: User) -> QuerySet[CaseNote]:
    """Case notes of the user's cases, newest first; every note fetched is logged."""
    queryset = scoping.scope(user, CaseNote).select_related("author", "supervisee").order_by("-created_at", "-pk")
    return logged(queryset, user=user, object_type="case note", supervisee_id=_of_supervisee)


def consents_list(user: User) -> QuerySet[Consent]:
    return (
        scoping.scope(user, Consent)
        .select_related("organisation", "supervisee", "recorded_by")
        .order_by("-granted_at", "-pk")
    )


def team_list(user: User) -> QuerySet[CorrectionTeamMember]:
    return (
        scoping.scope(user, CorrectionTeamMember)
        .filter(is_active=True)
        .select_related("supervisee", "user")
        .order_by("supervisee_id", "role", "pk")
    )


def mentees(user: User) -> QuerySet[CorrectionTeamMember]:
    """A volunteer's mentees (given name, meeting times); each one fetched is logged."""
    queryset = (
        scoping.scope(user, CorrectionTeamMember, "mentor")
        .select_related("supervisee")
        .order_by("supervisee__given_name", "pk")
    )
    return logged(queryset, user=user, object_type="team member", supervisee_id=_of_supervisee)


def access_log(user: User) -> QuerySet[AccessLog]:
    return scoping.scope(user, AccessLog).select_related("supervisee__township", "user").order_by("-created_at", "-pk")


def id_probes_elsewhere(user: User) -> QuerySet[AccessLog]:
    """ID-number checks whose number was registered in a record the checker may not see, sealed ones included
    (the bureau's report)."""
    from coordination.models import PROBE_ELSEWHERE, PROBE_SEALED

    return access_log(user).filter(action=AccessLog.Action.PROBE, purpose__in=[PROBE_ELSEWHERE, PROBE_SEALED])


def token_uses(user: User) -> QuerySet[AccessLog]:
    """Every request a program made with an API token (the token-use rows of the access log)."""
    return access_log(user).filter(action=AccessLog.Action.TOKEN_USE)


def valid_consents(supervisee: Supervisee | int, organisation_id: int | None = None) -> QuerySet[Consent]:
    """The consents that count now: not withdrawn and not expired (the one rule, for actions and pages)."""
    now = timezone.now()
    rows = Consent.objects.filter(supervisee=supervisee, withdrawn_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    return rows if organisation_id is None else rows.filter(organisation_id=organisation_id)


def consented_organisation_ids(supervisee: Supervisee) -> set[int]:
    """The organisations the supervisee's record may be shared with now (valid consents only)."""
    return set(valid_consents(supervisee).values_list("organisation_id", flat=True))


def offerings_for_need(need: Need):
    """Active offerings in the need's category, with vacancies first (for the send-a-referral form)."""
    from django.db.models import F

    return (
        scoping.scope(None, ServiceOffering)
        .filter(category_id=need.category_id)
        .select_related("organisation")
        .annotate(free=F("capacity") - F("places_taken"))
        .order_by("-free", "organisation__name", "name")
    )
