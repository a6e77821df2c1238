"""The counselling routes of the supervision permission matrix (test_permission_matrix.py merges them). The
``counsellor`` column is staff of the city's counselling centre, to which the person is referred (accepted):
only they record; case staff read the summaries; assessments only the centre and the bureau."""

from __future__ import annotations

from django.utils import timezone

from supervision.counselling.models import CounsellingNote, CounsellingSession, PsychAssessment
from tests.supervision.movement_matrix import ROLES

TODAY = timezone.localdate()
PAGE_LOGIN = 302
API_ANON = 403


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


def _session(w) -> CounsellingSession:
    row = CounsellingSession.objects.create(
        supervisee=w.supervisee,
        counsellor=w.users["counsellor"],
        organisation=w.centre,
        held_on=TODAY,
        minutes=50,
        summary="情绪稳定",
    )
    CounsellingNote.objects.create(session=row, text="私密")
    return row


def _assessment(w) -> PsychAssessment:
    return PsychAssessment.objects.create(
        supervisee=w.supervisee,
        instrument="sds",
        score=48,
        assessed_on=TODAY,
        assessed_by=w.users["counsellor"],
        organisation=w.centre,
    )


def _session_body(w) -> dict:
    return {"supervisee": str(w.supervisee.uuid), "held_on": TODAY.isoformat(), "minutes": 30, "summary": "测试"}


def _assessment_body(w) -> dict:
    return {"supervisee": str(w.supervisee.uuid), "instrument": "sas", "score": "40", "assessed_on": TODAY.isoformat()}


CASE_READ = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=404, counsellor=200)
# Case staff may open the page but only the counsellor records (the action refuses the others: 403).
CASE_WRITE = expect(403, PAGE_LOGIN, other_officer=404, counsellor=302)
LIST_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=200, counsellor=200)
CREATE_API = expect(403, API_ANON, other_officer=404, counsellor=201)

COUNSELLING_MATRIX: dict[tuple[str, str], tuple] = {
    ("supervision:counselling-cases", "get"): (lambda w: {}, None, expect(403, PAGE_LOGIN, counsellor=200)),
    ("supervision:counselling", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, CASE_READ),
    ("supervision:counselling", "post"): (
        lambda w: {"uuid": w.supervisee.uuid},
        lambda w: {"do": "session", **_session_body(w)},
        CASE_WRITE,
    ),
    ("supervision-counselling-session-list", "get"): (lambda w: {}, None, LIST_API),
    ("supervision-counselling-session-list", "post"): (lambda w: {}, _session_body, CREATE_API),
    ("supervision-counselling-session-detail", "get"): (
        lambda w: {"pk": _session(w).pk},
        None,
        expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=404, counsellor=200),
    ),
    ("supervision-psych-assessment-list", "get"): (lambda w: {}, None, LIST_API),
    ("supervision-psych-assessment-list", "post"): (lambda w: {}, _assessment_body, CREATE_API),
    # Restricted: the assessing organisation and the bureau; the office's staff find nothing (404).
    ("supervision-psych-assessment-detail", "get"): (
        lambda w: {"pk": _assessment(w).pk},
        None,
        expect(403, API_ANON, bureau=200, officer=404, social_worker=404, other_officer=404, counsellor=200),
    ),
}
