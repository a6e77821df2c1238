"""What 今日待办 offers on each row: the page that meets an obligation of that kind, and its label.

One table for every kind (a new kind adds one entry here, not a branch in a template). The addresses are
built by replacing a placeholder in one reversed URL per page kind, so a page of a few hundred rows does
not reverse a URL per row (bench/obligations.py measures the page).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.models import Obligation

Kind = Obligation.Kind

_PLACEHOLDER = uuid.UUID(int=0)

# kind -> (button label, page: "plan" or "life" (the lifecycle page), the step under that page)
ACTIONS: dict[str, tuple[Any, str, str]] = {
    Kind.PLAN_REVIEW: (_("Review the plan"), "plan", ""),
    Kind.RELEASE: (_("Record the release"), "life", "release/"),
    Kind.INTAKE_REPORT: (_("Record the report"), "life", "register/"),
    Kind.DOCUMENTS: (_("Record a legal document"), "life", "document/"),
    Kind.DECISION_NOTICE: (_("Record the notice's arrival"), "life", "notified/"),
    # Supervision part 2: reporting, visits and lost contact are met on the case's reporting page.
    Kind.REPORT: (_("Record a check-in"), "reporting", ""),
    Kind.HEALTH_REPORT: (_("Record the health report"), "reporting", ""),
    Kind.REEXAMINATION: (_("Record the health report"), "reporting", ""),
    Kind.VISIT: (_("Record the visit"), "reporting", ""),
    Kind.LOST_CONTACT: (_("Open the reporting page"), "reporting", ""),
    # Movement requests, prohibition orders and monitoring: met on the case's movement page.
    Kind.REQUEST_DECISION: (_("Open the requests"), "movement", ""),
    Kind.RETURN_REPORT: (_("Open the requests"), "movement", ""),
    Kind.TRANSFER: (_("Open the requests"), "movement", ""),
    Kind.PROHIBITION_EXPIRY: (_("Open the orders"), "movement", ""),
    Kind.MONITORING_EXPIRY: (_("Open the orders"), "movement", ""),
    # Rewards and sanctions: met on the case's rewards-and-sanctions page.
    Kind.SANCTION_DECISION: (_("Open the proposals"), "sanctions", ""),
    Kind.COURT_DECISION: (_("Open the proposals"), "sanctions", ""),
    Kind.DETENTION_DECISION: (_("Open the proposals"), "sanctions", ""),
    # Monthly assessment: met on the assessment itself (its source row; see ``assessment_url``).
    Kind.ASSESSMENT: (_("Complete the assessment"), "assessments", ""),
}
DEFAULT_ACTION: tuple[Any, str, str] = (_("Sentence and status"), "life", "")

# Kinds met only by recording what meets them (never by "mark done").
MET_BY_RECORDING: frozenset[str] = frozenset(
    {
        Kind.DECISION_NOTICE,
        Kind.REPORT,
        Kind.HEALTH_REPORT,
        Kind.REEXAMINATION,
        Kind.VISIT,
        Kind.LOST_CONTACT,
        Kind.REQUEST_DECISION,
        Kind.RETURN_REPORT,
        Kind.TRANSFER,
        Kind.SANCTION_DECISION,
        Kind.COURT_DECISION,
        Kind.DETENTION_DECISION,
        Kind.ASSESSMENT,
        Kind.ATTENDANCE,
    }
)

# The other apps' or packages' pages, by name: page kind -> URL name taking the supervisee's uuid.
PAGES: dict[str, str] = {
    "plan": "supervision:plan",
    "life": "supervision:lifecycle",
    "reporting": "supervision:reporting",
    "movement": "supervision:movement-case",
    "sanctions": "supervision:sanctions-case",
    "assessments": "supervision:assessment-case",
}


def _builder(url_name: str) -> Callable[[Any], str]:
    pattern = reverse(url_name, kwargs={"uuid": _PLACEHOLDER})
    marker = str(_PLACEHOLDER)
    return lambda value: pattern.replace(marker, str(value))


def annotate(buckets: dict[str, Iterable[tuple[Any, list[Obligation]]]]) -> None:
    """Give each supervisee row of 今日待办 ``action_url``, ``action_label``, ``done_url`` (None when only
    recording meets it), ``due_iso`` and ``due_day`` (the local due time), ``kind_label`` and ``level_label``,
    and each supervisee ``case_url`` and ``status_label``."""
    pages = {page: _builder(name) for page, name in PAGES.items()}
    case = _builder("coordination:supervisee")
    done_pattern = reverse("supervision:obligation-done", kwargs={"pk": 0})
    cut = done_pattern.rindex("/0/")
    done_prefix, done_suffix = done_pattern[: cut + 1], done_pattern[cut + 2 :]
    assessment_pattern = reverse("supervision:assessment", kwargs={"pk": 0})
    cut = assessment_pattern.rindex("/0/")
    assessment_prefix, assessment_suffix = assessment_pattern[: cut + 1], assessment_pattern[cut + 2 :]
    # Display words translated once per page, not once per row (get_FOO_display rebuilds its choice map).
    kinds = {value: str(label) for value, label in Obligation.Kind.choices}
    levels = {value: str(label) for value, label in Obligation.Level.choices}
    actions = {kind: str(label) for kind, (label, _page, _step) in ACTIONS.items()}
    default_label = str(DEFAULT_ACTION[0])
    statuses: dict[str, str] = {}
    for groups in buckets.values():
        for owner, rows in groups:
            if not rows or rows[0].supervisee_id is None:
                continue
            owner.case_url = case(owner.uuid)
            if owner.status not in statuses:
                statuses[owner.status] = owner.get_status_display()
            owner.status_label = statuses[owner.status]
            built = {page: build(owner.uuid) for page, build in pages.items()}
            for row in rows:
                _label, page, step = ACTIONS.get(row.kind, DEFAULT_ACTION)
                row.action_label = actions.get(row.kind, default_label)
                row.kind_label = kinds.get(row.kind, row.kind)
                row.level_label = levels.get(row.escalation_level, "")
                row.action_url = built[page] + step
                if row.kind == Kind.ASSESSMENT and row.source_id:
                    # One click to the assessment itself, not the person's list.
                    row.action_url = f"{assessment_prefix}{row.source_id}{assessment_suffix}"
                row.done_url = None if row.kind in MET_BY_RECORDING else f"{done_prefix}{row.pk}{done_suffix}"
                local = timezone.localtime(row.due_at)
                row.due_iso, row.due_day = local.isoformat(), f"{local:%Y-%m-%d}"
