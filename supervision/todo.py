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
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from coordination.templatetags.people import who
from supervision.actions import OWN_DOOR, SOURCE_PAGES
from supervision.models import Obligation
from supervision.selectors import Rows

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
    # Monthly assessment: met on the assessment itself (its source row's page, ``actions.SOURCE_PAGES``); the
    # person's assessments when the row has none.
    Kind.ASSESSMENT: (_("Complete the assessment"), "assessments", ""),
}
DEFAULT_ACTION: tuple[Any, str, str] = (_("Sentence and status"), "life", "")

# Kinds met only by recording what meets them: no "mark done" (the action refuses them too).
MET_BY_RECORDING: frozenset[str] = frozenset(OWN_DOOR)

# The office's own rows (no supervisee) met on their source row's page (``actions.SOURCE_PAGES``), and the
# button's label; an investigation request has its own entry in the template.
OFFICE_ACTIONS = {
    Kind.ATTENDANCE: _("Record the attendance"),
    Kind.ACTION_ITEM: _("Open the action item"),
    Kind.INSPECTION_FINDING: _("Open the finding"),
}

# The other apps' or packages' pages, by name: page kind -> URL name taking the supervisee's uuid.
PAGES: dict[str, str] = {
    "plan": "supervision:plan",
    "life": "supervision:lifecycle",
    "reporting": "supervision:reporting",
    "movement": "supervision:movement-case",
    "sanctions": "supervision:sanctions-case",
    "assessments": "supervision:assessment-case",
}


def _uuid_parts(url_name: str) -> tuple[str, str]:
    """The escaped text before and after the supervisee's uuid in a page's address (a uuid needs no escaping)."""
    pattern = reverse(url_name, kwargs={"uuid": _PLACEHOLDER})
    prefix, suffix = pattern.split(str(_PLACEHOLDER), 1)
    return escape(prefix), escape(suffix)


def _text(label: Any) -> str:
    """A translated label escaped once, as a plain string: an escaped lazy label stays lazy, and each use in
    an f-string translated and escaped it again (a few hundred times a page, bench/obligations.py)."""
    return escape(str(label))


def _pk_builder(url_name: str, *, escaped: bool = False) -> Callable[[int], str]:
    """An address taking a row's pk, built by replacing the pk in one reversed URL (``escaped``: for HTML
    built by hand, escaped once here rather than per row)."""
    pattern = reverse(url_name, kwargs={"pk": 0})
    cut = pattern.rindex("/0/")
    prefix, suffix = pattern[: cut + 1], pattern[cut + 2 :]
    if escaped:
        prefix, suffix = escape(prefix), escape(suffix)
    return lambda pk: f"{prefix}{int(pk)}{suffix}"


# One row of 今日待办 (an obligation of a supervisee) is built in Python: the page shows a few hundred of
# them, and rendering each through the template language (or format_html) was a third of the page's time
# (bench/obligations.py). Every word and address is escaped once per page; the per-row values are dates
# and numbers. The markup: what is owed, when, the escalation, the button that does it and, unless only
# recording meets it, "mark done"; an overdue notice also says to chase the deciding organ.


def annotate(buckets: dict[str, Iterable[tuple[Any, Rows]]]) -> None:
    """Give each supervisee row of 今日待办 ``html`` (its line, see above), each person's rows on a list
    ``html`` (their lines), and each supervisee ``header_html`` (the name linking to the case, what tells
    namesakes apart, the office and the status)."""
    pages = {page: _uuid_parts(name) for page, name in PAGES.items()}
    case_prefix, case_suffix = _uuid_parts("coordination:supervisee")
    done_url = _pk_builder("supervision:obligation-done", escaped=True)
    sources = {kind: _pk_builder(name) for kind, (name, _reference) in SOURCE_PAGES.items()}
    source_links = {kind: _pk_builder(name, escaped=True) for kind, (name, _reference) in SOURCE_PAGES.items()}
    due = _text(_("due"))
    done = _text(_("Mark done"))
    chase = f' <strong class="overdue">{_text(_("Chase the deciding organ for its notice."))}</strong>'
    badges = {
        value: f' <span class="badge">{_text(_("escalated to"))} {_text(label)}</span>'
        for value, label in Obligation.Level.choices
        if value
    }
    # Per kind, once per page: the words before the date, the page and step of its button (prefix, suffix)
    # with the button's label, and what follows the button ("mark done" unless only recording meets it).
    # Display words translated here (get_FOO_display rebuilds its choice map).
    names = {value: _text(label) for value, label in Obligation.Kind.choices}
    per_kind: dict[str, tuple[str, str, str, str, bool]] = {}

    def shape(kind: str) -> tuple[str, str, str, str, bool]:
        label, page, step = ACTIONS.get(kind, DEFAULT_ACTION)
        prefix, suffix = pages[page]
        return (
            f"{names.get(kind) or escape(kind)} · {due} ",
            prefix,
            f"{suffix}{escape(step)}",
            f'">{_text(label)}</a>',
            kind not in MET_BY_RECORDING,
        )

    statuses: dict[str, str] = {}
    offices: dict[int, str] = {}
    zone = timezone.get_current_timezone()  # once, not per row (``localtime`` looks it up each call)
    for name, groups in buckets.items():
        overdue = name == "overdue"
        for owner, rows in groups:
            if not rows:
                continue
            if rows[0].supervisee_id is None:  # an office's own row: its source's page
                for row in rows:
                    if row.kind in OFFICE_ACTIONS and row.source_id is not None:
                        row.action_url = sources[row.kind](row.source_id)
                        row.action_label = OFFICE_ACTIONS[row.kind]
                continue
            uuid = str(owner.uuid)
            if not hasattr(owner, "header_html"):  # a person on several lists is one object: built once
                if owner.status not in statuses:
                    statuses[owner.status] = escape(owner.get_status_display())
                if owner.judicial_office_id not in offices:
                    offices[owner.judicial_office_id] = escape(owner.judicial_office.name)
                owner.header_html = mark_safe(  # noqa: S308 - every part escaped (``who`` is HTML already)
                    f'<a href="{case_prefix}{uuid}{case_suffix}"><strong>{escape(owner.name)}</strong></a>'
                    f'{who(owner)} <span class="muted">{offices[owner.judicial_office_id]} · {statuses[owner.status]}'
                    "</span>"
                )
            for row in rows:
                kind = row.kind
                if kind not in per_kind:
                    per_kind[kind] = shape(kind)
                words, prefix, suffix, button, can_mark = per_kind[kind]
                if kind in source_links and row.source_id is not None:
                    url = source_links[kind](row.source_id)  # the source row itself (an assessment)
                else:
                    url = f"{prefix}{uuid}{suffix}"
                local = row.due_at.astimezone(zone)
                stamp = local.isoformat()
                day = stamp[:10] if local.year >= 1000 else f"{local:%Y-%m-%d}"  # strftime pads no year
                row.html = mark_safe(  # noqa: S308 - every part escaped above; dates and a number
                    f'{words}<time datetime="{stamp}">{day}</time>'
                    f"{badges.get(row.escalation_level, '')}"
                    f"{chase if overdue and kind == Kind.DECISION_NOTICE else ''}"
                    f' <a class="button button--small" href="{url}{button}'
                    + (
                        f' <button class="link-button" type="submit" form="done-form"'
                        f' formaction="{done_url(row.pk)}">{done}</button>'
                        if can_mark
                        else ""
                    )
                )
            # The person's lines as one string: a template loop over a few hundred rows cost more than
            # building them (bench/obligations.py).
            rows.html = mark_safe("".join(f"<li>{row.html}</li>" for row in rows))  # noqa: S308 - built above
