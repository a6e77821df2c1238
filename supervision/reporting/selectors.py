"""Every read of reporting beyond a plain get; staff reads start from the scoped querysets and are logged.

``self_view`` is what the person sees of their own reporting (the phone pages): no staff notes, no risk
level, no discreet visit, nothing about anybody else."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import scoping
from coordination.access import logged
from coordination.models import Supervisee
from services.models import Organisation
from supervision import selectors as supervision_selectors
from supervision.models import Obligation
from supervision.reporting.actions import reporting_plan
from supervision.reporting.models import CheckIn, HealthReport, LostContactEpisode, ReportingOverride, Visit

RECENT = 5  # how many past check-ins the person sees (a view choice, not a legal clock)


def _supervisee_id(row: Any) -> int:
    return row.supervisee_id


def check_ins(user: Any) -> QuerySet[CheckIn]:
    """The check-ins the user may see, each read logged."""
    rows = scoping.scope(user, CheckIn).select_related("supervisee", "recorded_by", "confirmed_by", "acknowledged_by")
    return logged(rows, user=user, object_type="check_in", supervisee_id=_supervisee_id)


def visits(user: Any) -> QuerySet[Visit]:
    rows = scoping.scope(user, Visit).select_related("supervisee", "recorded_by")
    return logged(rows, user=user, object_type="visit", supervisee_id=_supervisee_id)


def health_reports(user: Any) -> QuerySet[HealthReport]:
    rows = scoping.scope(user, HealthReport).select_related("supervisee", "submitted_by")
    return logged(rows, user=user, object_type="health_report", supervisee_id=_supervisee_id)


def episodes(user: Any) -> QuerySet[LostContactEpisode]:
    rows = scoping.scope(user, LostContactEpisode).select_related(
        "supervisee", "supervisee__judicial_office", "opened_by", "closed_by"
    )
    return logged(rows, user=user, object_type="lost_contact", supervisee_id=_supervisee_id)


def overrides(user: Any) -> QuerySet[ReportingOverride]:
    rows = scoping.scope(user, ReportingOverride).select_related("created_by")
    return logged(rows, user=user, object_type="reporting_plan", supervisee_id=_supervisee_id)


# What the alerts at the top of 今日待办 show of a person: the name and the links (a list of every
# open episode or check-in of an office, so only the columns it shows; bench/obligations.py).
_ALERT_PERSON = ("supervisee__uuid", "supervisee__name", "supervisee__judicial_office__name")


def open_episodes(user: Any, *, office: Organisation | None = None) -> list[LostContactEpisode]:
    """Open lost-contact episodes the user sees (of one office when given), oldest first (the top of 今日待办
    and the bureau's view)."""
    rows = episodes(user).filter(
        closed_at__isnull=True, supervisee__status__in=("under_correction", "suspended", "registered")
    )
    if office is not None:
        rows = rows.filter(supervisee__judicial_office=office)
    rows = rows.select_related(None).select_related("supervisee__judicial_office")
    return list(
        rows.only("lost_since", "police_notified_on", "procuratorate_notified_on", *_ALERT_PERSON).order_by(
            "opened_at", "pk"
        )
    )


def check_ins_to_look_at(user: Any, *, office: Organisation | None = None) -> tuple[list[CheckIn], list[CheckIn]]:
    """The check-ins waiting for an officer's confirmation and those reporting a change no officer has noted
    yet (of one office when given), oldest first: one query for both lists."""
    pending = Q(state=CheckIn.State.PENDING)
    flagged = Q(changes_flagged=True, acknowledged_at__isnull=True)
    rows = check_ins(user).filter(pending | flagged)
    if office is not None:
        rows = rows.filter(supervisee__judicial_office=office)
    rows = rows.select_related(None).select_related("supervisee__judicial_office")
    found = list(
        rows.only(
            "method", "state", "occurred_at", "report", "changes_flagged", "acknowledged_at", *_ALERT_PERSON
        ).order_by("occurred_at", "pk")
    )
    return (
        [row for row in found if row.state == CheckIn.State.PENDING],
        [row for row in found if row.changes_flagged and row.acknowledged_at is None],
    )


def case_reporting(user: Any, supervisee: Supervisee) -> dict:
    """The reporting section of a case: the plan in force and its history, check-ins, visits, health
    reports, episodes and the open reporting obligations (each list logged as read)."""
    return {
        "plan": reporting_plan(supervisee),
        "overrides": list(overrides(user).filter(supervisee=supervisee)[:10]),
        "check_ins": list(check_ins(user).filter(supervisee=supervisee)[:50]),
        "visits": list(visits(user).filter(supervisee=supervisee)[:50]),
        "health_reports": list(health_reports(user).filter(supervisee=supervisee)[:24]),
        "episodes": list(episodes(user).filter(supervisee=supervisee)[:20]),
        "owed": {
            row.kind: row
            for row in supervision_selectors.obligations(user).filter(
                supervisee=supervisee,
                done_at__isnull=True,
                kind__in=[
                    Obligation.Kind.REPORT,
                    Obligation.Kind.VISIT,
                    Obligation.Kind.HEALTH_REPORT,
                    Obligation.Kind.REEXAMINATION,
                    Obligation.Kind.LOST_CONTACT,
                ],
            )
        },
    }


def self_view(supervisee: Supervisee) -> dict:
    """What the person may see of their own reporting: the next report (date and mode), pending and recent
    check-ins, the next announced visits, the health reports owed. No staff notes, no risk level, no
    discreet visits, no findings."""
    plan = reporting_plan(supervisee)
    owed = {
        row.kind: row
        for row in Obligation.objects.filter(
            supervisee=supervisee,
            done_at__isnull=True,
            kind__in=[Obligation.Kind.REPORT, Obligation.Kind.HEALTH_REPORT, Obligation.Kind.REEXAMINATION],
        )
    }
    report = owed.get(Obligation.Kind.REPORT)
    today = timezone.localdate()

    def check_in_row(row: CheckIn) -> dict:
        return {
            "id": row.pk,
            "at": row.occurred_at,
            "method": row.method,
            "method_label": str(row.get_method_display()),
            "state": row.state,
            "state_label": str(row.get_state_display()),
            "late": row.late,
        }

    rows = list(CheckIn.objects.filter(supervisee=supervisee).order_by("-occurred_at", "-pk")[: RECENT + 10])
    return {
        "reporting": {
            "mode": plan.mode,
            "mode_label": plan.mode_label,
            "interval_days": plan.interval_days,
        },
        "next_report": (
            {
                "due_on": timezone.localdate(report.due_at),
                "mode": plan.mode,
                "mode_label": plan.mode_label,
                "overdue": timezone.localdate(report.due_at) < today,
            }
            if report is not None
            else None
        ),
        "pending_check_ins": [check_in_row(r) for r in rows if r.state == CheckIn.State.PENDING],
        "last_check_ins": [check_in_row(r) for r in rows if r.state == CheckIn.State.CONFIRMED][:RECENT],
        "next_visits": [
            {"on": v.scheduled_on, "kind": v.kind, "kind_label": str(v.get_kind_display())}
            for v in Visit.objects.filter(
                supervisee=supervisee, state=Visit.State.SCHEDULED, discreet=False, scheduled_on__gte=today
            ).order_by("scheduled_on")
        ],
        "health_reports_due": [
            {
                "kind": kind,
                "kind_label": str(label),
                "due_on": timezone.localdate(owed[obligation_kind].due_at),
            }
            for kind, label, obligation_kind in (
                (HealthReport.Kind.MONTHLY, HealthReport.Kind.MONTHLY.label, Obligation.Kind.HEALTH_REPORT),
                (HealthReport.Kind.REEXAMINATION, HealthReport.Kind.REEXAMINATION.label, Obligation.Kind.REEXAMINATION),
            )
            if obligation_kind in owed
        ],
    }
