"""The assessment routes of the supervision permission matrix (test_permission_matrix.py merges them).

Each builder makes the person's assessment of last month afresh. Officers of the person's office and the bureau
pre-fill, complete and submit; social workers of the office read; another office sees none (404); the matrix
holds no office head, so every review is refused (the head's path: test_assessment.py); only the bureau
publishes a rubric version."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from supervision.assessment import actions
from supervision.assessment.models import Assessment, Score
from tests.supervision.movement_matrix import API_ANON, PAGE_LOGIN, expect

MONTH = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _assessment(w, *, state: str = "draft") -> Assessment:
    actions.prefill_office(office=w.city.office, month=MONTH)
    row = Assessment.objects.get(supervisee=w.supervisee, month=MONTH)
    Score.objects.filter(assessment=row, item__source="manual").update(points=5)
    submitted_by = w.users["officer"] if state == "submitted" else None
    Assessment.objects.filter(pk=row.pk).update(
        state=state, submitted_by=submitted_by, reviewed_by=None, reviewed_at=None
    )
    return row


def _rubric(w) -> dict:
    return {
        "name": "考核表",
        "item_0_code": "rules",
        "item_0_label_zh": "守规",
        "item_0_label_en": "Rules",
        "item_0_max_points": "100",
        "item_0_source": "rules",
        "grade_0_code": "pass",
        "grade_0_label_zh": "合格",
        "grade_0_label_en": "Pass",
        "grade_0_min_total": "60",
        "grade_1_code": "fail",
        "grade_1_label_zh": "不合格",
        "grade_1_label_en": "Fail",
        "grade_1_min_total": "0",
    }


STAFF_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=200)
SEEN_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=404)
WRITE_POST = expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=404)
PREFILL_POST = expect(403, PAGE_LOGIN, bureau=302, officer=302)
REVIEW_POST = expect(403, PAGE_LOGIN, other_officer=404)
RUBRIC_POST = expect(403, PAGE_LOGIN, bureau=302)
STAFF_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=200)
SEEN_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=404)
WRITE_API = expect(403, API_ANON, bureau=200, officer=200, other_officer=404)
REVIEW_API = expect(403, API_ANON, other_officer=404)
PREFILL_API = expect(403, API_ANON, bureau=200, officer=200)

ASSESSMENT_MATRIX: dict[tuple[str, str], tuple] = {
    ("supervision:assessments", "get"): (lambda w: {}, None, STAFF_PAGE),
    ("supervision:assessment-prefill", "post"): (
        lambda w: {},
        lambda w: {"office": w.city.office.pk, "month": f"{MONTH:%Y-%m}"},
        PREFILL_POST,
    ),
    ("supervision:assessment-rubrics", "get"): (lambda w: {}, None, STAFF_PAGE),
    ("supervision:assessment-rubrics", "post"): (lambda w: {}, _rubric, RUBRIC_POST),
    ("supervision:assessment", "get"): (lambda w: {"pk": _assessment(w).pk}, None, SEEN_PAGE),
    ("supervision:assessment", "post"): (
        lambda w: {"pk": _assessment(w).pk},
        lambda w: {"points_admit_guilt": "8"},
        expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=404),
    ),
    ("supervision:assessment-submit", "post"): (lambda w: {"pk": _assessment(w).pk}, lambda w: {}, WRITE_POST),
    ("supervision:assessment-review", "post"): (
        lambda w: {"pk": _assessment(w, state="submitted").pk},
        lambda w: {"decision": "approve"},
        REVIEW_POST,
    ),
    ("supervision:assessment-case", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, SEEN_PAGE),
    ("supervision-assessment-list", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-assessment-detail", "get"): (lambda w: {"pk": _assessment(w).pk}, None, SEEN_API),
    ("supervision-assessment-scores", "post"): (
        lambda w: {"pk": _assessment(w).pk},
        lambda w: {"scores[0]item": "admit_guilt", "scores[0]points": "8"},
        WRITE_API,
    ),
    ("supervision-assessment-submit", "post"): (lambda w: {"pk": _assessment(w).pk}, lambda w: {}, WRITE_API),
    ("supervision-assessment-review", "post"): (
        lambda w: {"pk": _assessment(w, state="submitted").pk},
        lambda w: {"decision": "approve"},
        REVIEW_API,
    ),
    ("supervision-assessment-prefill", "post"): (
        lambda w: {},
        lambda w: {"office": w.city.office.pk, "month": f"{MONTH:%Y-%m}"},
        PREFILL_API,
    ),
}
