"""Every write of education sessions, public-interest activities and attendance (issue 16, item 3).

Officers of the judicial office (and the bureau) schedule, edit and cancel a session and record its attendance
sheet. Minors are kept apart from adults (CCL Art. 52): a minors-only session refuses an adult and any other
session refuses a minor. Recording the rule book's number of unexcused absences within its window records the
ABSENCE sanction ground once for that window; excused absences never count. The platform records the ground;
a person decides any sanction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from accounts.roles import Role, is_bureau_admin, organisation_ids
from config.errors import ActionError
from coordination.models import Supervisee
from services.models import Organisation
from supervision import rulebook
from supervision.actions import record_ground
from supervision.assessment.actions import close_attendance_obligation
from supervision.education.models import Attendance, Session
from supervision.models import SanctionGround
from volunteers.models import Shift

if TYPE_CHECKING:
    from accounts.models import User

# The statuses of a person who attends sessions: registered or under correction (not in intake, not detained).
ATTENDING_STATUSES = (Supervisee.Status.REGISTERED, Supervisee.Status.UNDER_CORRECTION)
EDITABLE = ("kind", "starts_at", "ends_at", "place", "topic", "facilitator", "volunteer_shift", "minors_only")


class EducationError(ActionError):
    """A session or attendance step the rules do not allow."""


def _check(session_fields: Mapping[str, Any], office: Organisation) -> None:
    """The fields of a session hold together (a page or the API already parsed them)."""
    if session_fields["ends_at"] <= session_fields["starts_at"]:
        raise EducationError({"ends_at": _("A session ends after it starts.")})
    if session_fields["kind"] not in Session.Kind.values:
        raise EducationError({"kind": _("Choose a kind from the list.")})
    facilitator = session_fields.get("facilitator")
    if facilitator is not None and not (
        is_bureau_admin(facilitator)
        or office.pk in organisation_ids(facilitator, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)
    ):
        raise EducationError(
            {"facilitator": _("The facilitator is an officer or a social worker of the office, or of the bureau.")}
        )
    shift = session_fields.get("volunteer_shift")
    if shift is not None and shift.status != Shift.Status.SCHEDULED:
        raise EducationError({"volunteer_shift": _("The volunteer shift is cancelled.")})


@transaction.atomic
def schedule_session(
    *,
    actor: User,
    office: Organisation,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    topic: str,
    facilitator: User | None = None,
    volunteer_shift: Shift | None = None,
    minors_only: bool = False,
) -> Session:
    """Schedule an education session or a public-interest activity of a judicial office."""
    if not scoping.policy_for(Session).can(actor, "schedule", office):
        raise PermissionDenied(_("Only officers of the judicial office and the bureau schedule sessions."))
    if office.kind != Organisation.Kind.JUDICIAL_OFFICE:
        raise EducationError({"office": _("Sessions are held by a judicial office.")})
    fields = {
        "kind": kind,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place.strip(),
        "topic": topic.strip(),
        "facilitator": facilitator,
        "volunteer_shift": volunteer_shift,
        "minors_only": minors_only,
    }
    _check(fields, office)
    return Session.objects.create(office=office, created_by=actor, **fields)


@transaction.atomic
def edit_session(*, actor: User, session: Session, **changes: Any) -> Session:
    """Change the kind, time, place, topic, facilitator or minors flag of a session."""
    session = Session.objects.select_for_update().select_related("office").get(pk=session.pk)
    if not scoping.policy_for(Session).can(actor, "edit", session):
        raise PermissionDenied(_("Only officers of the judicial office and the bureau change sessions."))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if session.cancelled:
        raise EducationError(_("The session is cancelled."), code="transition")
    if (
        "minors_only" in changes
        and bool(changes["minors_only"]) != session.minors_only
        and session.attendances.exists()
    ):
        raise EducationError(
            {"minors_only": _("Attendance is recorded: minors are kept apart from adults, so the flag stays.")}
        )
    fields = {name: changes.get(name, getattr(session, name)) for name in EDITABLE}
    for name in ("place", "topic"):
        fields[name] = fields[name].strip()
    _check(fields, session.office)
    for name, value in fields.items():
        setattr(session, name, value)
    session.save(update_fields=list(EDITABLE))
    return session


@transaction.atomic
def cancel_session(*, actor: User, session: Session) -> Session:
    """Cancel a session: its attendance no longer counts toward hours or absences."""
    session = Session.objects.select_for_update().select_related("office").get(pk=session.pk)
    if not scoping.policy_for(Session).can(actor, "cancel", session):
        raise PermissionDenied(_("Only officers of the judicial office and the bureau cancel sessions."))
    if not session.cancelled:
        session.cancelled = True
        session.save(update_fields=["cancelled"])
    close_attendance_obligation(session=session, actor=actor)
    return session


def _refusal(session: Session, supervisee: Supervisee) -> str | None:
    """Why this person may not be on this session's sheet, or None."""
    if supervisee.judicial_office_id != session.office_id:
        return _("%(name)s is not under the supervision of this judicial office.") % {"name": supervisee.given_name}
    if supervisee.status not in ATTENDING_STATUSES:
        return _("%(name)s is not under correction now.") % {"name": supervisee.given_name}
    if session.minors_only and not supervisee.is_minor:
        return _("This session is for minors only: %(name)s is an adult (minors are kept apart, CCL Art. 52).") % {
            "name": supervisee.given_name
        }
    if not session.minors_only and supervisee.is_minor:
        return _("%(name)s is a minor: minors attend minors-only sessions, kept apart from adults (CCL Art. 52).") % {
            "name": supervisee.given_name
        }
    return None


@transaction.atomic
def record_attendance(*, actor: User, session: Session, rows: Iterable[Mapping[str, Any]]) -> list[Attendance]:
    """Record the attendance sheet of a session (one row a person: supervisee, status, minutes, excuse).

    Recording a person again updates their row. Present without minutes counts the whole session; absent and
    excused count none. All rows are checked before any is written.
    """
    session = Session.objects.select_for_update().select_related("office").get(pk=session.pk)
    if not scoping.policy_for(Session).can(actor, "record", session):
        raise PermissionDenied(_("Only officers of the judicial office and the bureau record attendance."))
    if session.cancelled:
        raise EducationError(_("The session is cancelled."), code="transition")
    length = session.length_minutes
    checked: list[tuple[Supervisee, str, int, str]] = []
    for row in rows:
        supervisee: Supervisee = row["supervisee"]
        status = row["status"]
        excuse = (row.get("excuse") or "").strip()
        if status not in Attendance.Status.values:
            raise EducationError({"status": _("Choose present, absent or excused.")})
        refusal = _refusal(session, supervisee)
        if refusal:
            raise EducationError({"supervisee": refusal})
        if status == Attendance.Status.EXCUSED and not excuse:
            raise EducationError(
                {"excuse": _("Give the reason for excusing %(name)s.") % {"name": supervisee.given_name}}
            )
        minutes = 0
        if status == Attendance.Status.PRESENT:
            minutes = length if row.get("minutes") is None else int(row["minutes"])
            if not 0 <= minutes <= length:
                raise EducationError(
                    {"minutes": _("Minutes attended are between 0 and the session's %(length)s.") % {"length": length}}
                )
        else:
            excuse = excuse if status == Attendance.Status.EXCUSED else ""
        checked.append((supervisee, status, minutes, excuse))
    recorded = []
    for supervisee, status, minutes, excuse in checked:
        attendance, _created = Attendance.objects.update_or_create(
            session=session,
            supervisee=supervisee,
            defaults={"status": status, "minutes": minutes, "excuse": excuse, "recorded_by": actor},
        )
        recorded.append(attendance)
        if status == Attendance.Status.ABSENT:
            _absence_ground(attendance)
    if recorded:
        close_attendance_obligation(session=session, actor=actor)
    return recorded


def _absence_ground(attendance: Attendance) -> SanctionGround | None:
    """The ABSENCE ground when this absence makes the rule book's count within its window (once a window)."""
    rules = rulebook.values([rulebook.ABSENCE_GROUND_COUNT, rulebook.ABSENCE_WINDOW_MONTHS])
    day = timezone.localdate(attendance.session.starts_at)
    since = day - relativedelta(months=rules[rulebook.ABSENCE_WINDOW_MONTHS])
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    count = Attendance.objects.filter(
        supervisee=attendance.supervisee,
        status=Attendance.Status.ABSENT,
        session__cancelled=False,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
    ).count()
    if count < rules[rulebook.ABSENCE_GROUND_COUNT]:
        return None
    already = SanctionGround.objects.filter(
        supervisee=attendance.supervisee,
        code=SanctionGround.Code.ABSENCE,
        occurred_on__gt=since,
        occurred_on__lte=day,
    ).exists()
    if already:
        return None
    ground, _new = record_ground(
        supervisee=attendance.supervisee,
        code=SanctionGround.Code.ABSENCE,
        occurred_on=day,
        facts=_("%(count)s unexcused absences from education or activities between %(since)s and %(day)s.")
        % {"count": count, "since": since.isoformat(), "day": day.isoformat()},
        source=attendance,
    )
    return ground
