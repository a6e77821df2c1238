"""Who sees and does what with education sessions, public-interest activities and attendance.

The bureau sees every session; officers and social workers of a judicial office see their office's. Officers of
the office (and the bureau) schedule, edit and cancel sessions and record attendance. A volunteer who leads a
session through a volunteer shift they are booked on sees that session and its attendance sheet with given
names only (``VOLUNTEER_FIELDS``), a minors-only session only when cleared to work with minors; they record
nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import scoping
from accounts.roles import Role, has_role, is_bureau_admin, organisation_ids
from services.models import Organisation
from supervision.education.models import Attendance, Session
from supervision.policies import is_case_staff

# What a volunteer facilitator sees of a person on the attendance sheet (coordination.naming).
VOLUNTEER_FIELDS = frozenset({"given_name"})


def _volunteer_sessions(user: Any) -> Q:
    """Sessions led through a volunteer shift this user is booked on; a minors-only session only for a
    volunteer cleared to work with minors."""
    return Q(
        volunteer_shift__bookings__volunteer__user_id=user.pk,
        volunteer_shift__bookings__status="booked",
    ) & (Q(minors_only=False) | Q(volunteer_shift__bookings__volunteer__cleared_for_minors=True))


def may_run(user: Any, office: Any) -> bool:
    """An officer of the office, or the bureau."""
    if not isinstance(office, Organisation):
        return False
    if is_bureau_admin(user):
        return True
    return has_role(user, Role.OFFICE_OFFICER) and office.pk in organisation_ids(user, Role.OFFICE_OFFICER)


class SessionPolicy(scoping.BasePolicy):
    model = Session

    def rows_view(self, user: Any) -> QuerySet[Session]:
        """The bureau: all; officers and social workers: their offices'; a volunteer: sessions they lead."""
        if not getattr(user, "is_authenticated", False):
            return Session.objects.none()
        if is_bureau_admin(user):
            return Session.objects.all()
        if is_case_staff(user):
            offices = organisation_ids(user, Role.OFFICE_OFFICER, Role.SOCIAL_WORKER)
            return Session.objects.filter(office_id__in=offices)
        return Session.objects.filter(pk__in=Session.objects.filter(_volunteer_sessions(user)).values("pk"))

    def allow_schedule(self, user: Any, obj: Any = None) -> bool:
        """Schedule a session (``obj`` is the office): officers of the office and the bureau."""
        return may_run(user, obj)

    def allow_edit(self, user: Any, obj: Any = None) -> bool:
        """Edit or cancel a session, record its attendance: officers of its office and the bureau."""
        return isinstance(obj, Session) and may_run(user, obj.office)

    allow_cancel = allow_edit
    allow_record = allow_edit

    def fields_of_people(self, user: Any, session: Session) -> frozenset[str] | None:
        """The fields of a person the user sees on this session's sheet: None (all) for case staff."""
        if is_case_staff(user):
            return None
        return VOLUNTEER_FIELDS


class AttendancePolicy(scoping.BasePolicy):
    model = Attendance

    def rows_view(self, user: Any) -> QuerySet[Attendance]:
        """With the session: whoever sees the session."""
        return Attendance.objects.filter(session__in=scoping.scope(user, Session).values("pk"))


def register() -> None:
    scoping.register(Session, SessionPolicy())
    scoping.register(Attendance, AttendancePolicy())
