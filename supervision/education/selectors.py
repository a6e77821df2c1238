"""Every read of education sessions, attendance and monthly hours; each starts from the scoped querysets and
logs the supervisee records it returns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from accounts import scoping
from coordination import naming
from coordination.access import logged
from coordination.models import Supervisee
from coordination.sealing import unsealed
from supervision import rulebook
from supervision.education.actions import ATTENDING_STATUSES
from supervision.education.models import Attendance, Session

ACTIVITY = Session.Kind.PUBLIC_INTEREST


def sessions_for(user: Any, *, q: str = "", kind: str = "", month: dt.date | None = None) -> QuerySet[Session]:
    """The sessions the user may see, newest first; searched by topic or place, filtered by kind and month."""
    rows = scoping.scope(user, Session).select_related("office", "facilitator", "volunteer_shift__opportunity")
    if q:
        rows = rows.filter(Q(topic__icontains=q.strip()) | Q(place__icontains=q.strip()))
    if kind:
        rows = rows.filter(kind=kind)
    if month is not None:
        start, end = _month_bounds(month)
        rows = rows.filter(starts_at__gte=start, starts_at__lt=end)
    return rows.order_by("-starts_at", "-pk")


def session_for(user: Any, pk: int) -> Session:
    """One session the user may see; raises DoesNotExist out of scope."""
    return sessions_for(user).get(pk=pk)


def sheet(user: Any, session: Session) -> list[dict[str, Any]]:
    """The attendance sheet: every person of the office who attends (minors or adults per the flag), with
    their recorded attendance and the name the user may see (given names only for a volunteer facilitator).
    Each person's read is logged."""
    fields = scoping.policy_for(Session).fields_of_people(user, session)
    if fields is None:
        people = scoping.scope(user, Supervisee)
    else:
        # A volunteer facilitator reaches the people through the session they lead, never the case records.
        people = (
            unsealed(Supervisee.objects.all(), user)
            if scoping.scope(user, Session).filter(pk=session.pk).exists()
            else None
        )
    if people is None:
        return []
    recorded = {a.supervisee_id: a for a in unsealed(session.attendances.all(), user)}
    # People recorded earlier who no longer attend (released, moved) keep their row on the sheet.
    people = people.filter(
        Q(judicial_office_id=session.office_id, status__in=ATTENDING_STATUSES, is_minor=session.minors_only)
        | Q(pk__in=list(recorded))
    )
    people = logged(
        people.select_related("township").order_by("given_name", "pk"),
        user=user,
        object_type="supervisee",
        supervisee_id=lambda row: row.pk,
        object_id=lambda row: str(row.uuid),
        purpose="supervision",
    )
    allowed = naming.ALL if fields is None else fields
    return [
        {
            "supervisee": person,
            "label": naming.label(person, allowed),
            "attendance": recorded.get(person.pk),
        }
        for person in people
    ]


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(first + relativedelta(months=1), dt.time.min))
    return start, end


def monthly_hours(supervisee: Supervisee, month: dt.date) -> dict[str, Any]:
    """The person's minutes of education and of public-interest activity in the month against the rule book's
    targets: ``{education, activity, targets: {education, activity}, met: {...}, excused, absent}``.

    Only minutes present count; excused absences never count as attended; cancelled sessions not at all."""
    start, end = _month_bounds(month)
    rows = Attendance.objects.filter(
        supervisee=supervisee, session__cancelled=False, session__starts_at__gte=start, session__starts_at__lt=end
    )
    totals = rows.aggregate(
        education=Sum("minutes", filter=Q(status=Attendance.Status.PRESENT) & ~Q(session__kind=ACTIVITY), default=0),
        activity=Sum("minutes", filter=Q(status=Attendance.Status.PRESENT, session__kind=ACTIVITY), default=0),
    )
    counts = dict.fromkeys(Attendance.Status.values, 0)
    for status in rows.values_list("status", flat=True):
        counts[status] += 1
    targets = rulebook.values([rulebook.EDUCATION_HOURS_MONTH, rulebook.ACTIVITY_HOURS_MONTH])
    target = {
        "education": targets[rulebook.EDUCATION_HOURS_MONTH] * 60,
        "activity": targets[rulebook.ACTIVITY_HOURS_MONTH] * 60,
    }
    return {
        "month": month.replace(day=1),
        "education": totals["education"],
        "activity": totals["activity"],
        "targets": target,
        "met": {key: totals[key] >= target[key] for key in target},
        "excused": counts[Attendance.Status.EXCUSED],
        "absent": counts[Attendance.Status.ABSENT],
    }


def hours_lines(hours: dict[str, Any]) -> list[dict[str, Any]]:
    """``monthly_hours`` as lines to show: what, hours done, hours targeted, met (hours with one decimal)."""
    from django.utils.translation import gettext as _

    names = {"education": _("Education"), "activity": _("Public-interest activity")}
    return [
        {
            "key": key,
            "label": names[key],
            "done": f"{hours[key] / 60:.1f}",
            "target": f"{hours['targets'][key] / 60:.1f}",
            "met": hours["met"][key],
        }
        for key in ("education", "activity")
    ]


def month_summary(supervisee: Supervisee, month: dt.date | None = None) -> dict[str, Any]:
    """This month's hours of a person, ready for a page (the case page, the phone page)."""
    hours = monthly_hours(supervisee, month or timezone.localdate())
    return {**hours, "lines": hours_lines(hours)}
