"""Every read of counselling starts from the scoped querysets, and every record read is logged."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from coordination.access import logged
from coordination.models import Supervisee
from supervision.counselling import policies
from supervision.counselling.models import CounsellingNote, CounsellingSession, PsychAssessment


def sessions(user: Any) -> QuerySet[CounsellingSession]:
    """The sessions (summaries, never notes) the user may see, each read logged."""
    rows = scoping.scope(user, CounsellingSession).select_related("supervisee", "counsellor", "organisation")
    return logged(rows, user=user, object_type="counselling_session", supervisee_id=lambda r: r.supervisee_id)


def notes(user: Any) -> QuerySet[CounsellingNote]:
    """The session notes the user may read (only their organisation's), each read logged."""
    rows = scoping.scope(user, CounsellingNote).select_related("session")
    return logged(rows, user=user, object_type="counselling_note", supervisee_id=lambda r: r.session.supervisee_id)


def notes_by_session(user: Any, session_ids: list[int]) -> dict[int, CounsellingNote]:
    """The readable notes of these sessions, by session id (one query)."""
    return {n.session_id: n for n in notes(user).filter(session_id__in=session_ids)}


def assessments(user: Any) -> QuerySet[PsychAssessment]:
    """The psychological assessments the user may see (their organisation's, or all for the bureau), logged."""
    rows = scoping.scope(user, PsychAssessment).select_related("supervisee", "assessed_by", "organisation")
    return logged(rows, user=user, object_type="psych_assessment", supervisee_id=lambda r: r.supervisee_id)


def counselled(user: Any, query: str = "") -> QuerySet[Supervisee]:
    """The counsellor's cases ("my counselling cases"), optionally searched by name, each read logged."""
    rows = policies.counselled(user).select_related("judicial_office").order_by("name", "pk")
    if query:
        rows = rows.filter(name__icontains=query)
    return logged(
        rows, user=user, object_type="supervisee", supervisee_id=lambda r: r.pk, object_id=lambda r: str(r.uuid)
    )


def supervisee_for_counselling(user: Any, uuid: Any) -> Supervisee:
    """One person for the counselling page: through the case-staff scope or the counsellor's cases (logged);
    raises DoesNotExist when neither."""
    rows = scoping.scope(user, Supervisee) if policies.is_case_staff(user) else Supervisee.objects.none()
    rows = (rows | policies.counselled(user)).distinct().select_related("judicial_office")
    return logged(
        rows, user=user, object_type="supervisee", supervisee_id=lambda r: r.pk, object_id=lambda r: str(r.uuid)
    ).get(uuid=uuid)
