"""Every write of the monthly assessment (考核, CCL Art. 28; issue 16, item 1).

- ``prefill_office``: an office's assessments for a period, created where missing (with their ``assessment``
  obligation) and pre-filled from what the platform records, in a constant number of queries per batch. The
  officer's changed points are kept; only the pre-filled points and their explanations are recomputed.
- ``save_scores``, ``submit``: the responsible officer completes the scores (a change from the pre-filled points
  needs a reason) and submits.
- ``review``: the head of the person's judicial office approves (the ``assessment`` obligation is then done) or
  returns it with a reason; never the person who submitted it.
- ``new_rubric_version``: the bureau writes a new rubric version; assessments already made keep theirs.
- ``sync_attendance_obligations``: a session whose time has passed with no attendance recorded is owed by its
  office (``attendance`` obligation), closed when the sheet is recorded or the session cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from config.errors import ActionError
from coordination.models import Supervisee
from services.models import Organisation
from supervision import rulebook
from supervision.actions import close_obligations_for, end_of_day, start_of_day
from supervision.assessment.models import Assessment, GradeBand, Rubric, RubricItem, Score
from supervision.education.models import Attendance, Session
from supervision.models import Obligation, SanctionGround
from supervision.reporting.models import CheckIn, LostContactEpisode
from supervision.sanctions.models import SanctionProposal

if TYPE_CHECKING:
    from accounts.models import User

# The people assessed: registered or under correction (not in intake, not released).
ASSESSED_STATUSES = (Supervisee.Status.REGISTERED, Supervisee.Status.UNDER_CORRECTION)
RULE_BREACHES = (
    SanctionGround.Code.TRAVEL_WITHOUT_APPROVAL,
    SanctionGround.Code.LATE_RETURN,
    SanctionGround.Code.PROHIBITION_BREACH,
)
SANCTIONS = (
    SanctionProposal.Kind.ADMONITION,
    SanctionProposal.Kind.WARNING,
    SanctionProposal.Kind.PENALTY,
    SanctionProposal.Kind.REVOCATION,
    SanctionProposal.Kind.PRISON,
)
DECIDED = (SanctionProposal.State.APPROVED, SanctionProposal.State.SENT, SanctionProposal.State.ORGAN_DECIDED)
Source = RubricItem.Source


class AssessmentError(ActionError):
    """An assessment step the rules do not allow."""


# --- the period --------------------------------------------------------------------------------------------


def period_start(day: dt.date) -> dt.date:
    """The first day of the month of ``day`` (an assessment's ``month``)."""
    return day.replace(day=1)


def period_bounds(month: dt.date, months: int | None = None) -> tuple[dt.date, dt.date]:
    """The first day of the period and the first day after it (the rule book's period in months)."""
    months = months if months is not None else rulebook.value(rulebook.ASSESSMENT_PERIOD_MONTHS)
    start = period_start(month)
    return start, start + relativedelta(months=months)


def due_at(month: dt.date, rules: Mapping[str, int]) -> dt.datetime:
    """When the assessment of a period is due: the rule book's days after the period's last day."""
    _start, after = period_bounds(month, rules[rulebook.ASSESSMENT_PERIOD_MONTHS])
    last = after - dt.timedelta(days=1)
    return end_of_day(rulebook.add(rules[rulebook.ASSESSMENT_DUE_DAYS], "days", last))


# --- pre-filling -------------------------------------------------------------------------------------------


def _facts(ids: list[int], start: dt.date, end: dt.date) -> dict[str, dict[int, Any]]:
    """What the platform recorded in the period for these people: five queries whatever their number."""
    since, until = start_of_day(start), start_of_day(end)
    facts: dict[str, dict[int, Any]] = {
        "checkins": defaultdict(lambda: {"total": 0, "late": 0}),
        "missed": defaultdict(int),
        "breaches": defaultdict(list),
        "episodes": defaultdict(list),
        "hours": defaultdict(lambda: {"education": 0, "activity": 0, "excused": 0, "absent": 0}),
        "sanctions": defaultdict(list),
    }
    rows = (
        CheckIn.objects.filter(
            supervisee_id__in=ids, state=CheckIn.State.CONFIRMED, occurred_at__gte=since, occurred_at__lt=until
        )
        .values("supervisee_id")
        .annotate(total=Count("pk"), late=Count("pk", filter=Q(late=True)))
        .order_by()
    )
    for row in rows:
        facts["checkins"][row["supervisee_id"]] = {"total": row["total"], "late": row["late"]}
    grounds = SanctionGround.objects.filter(
        supervisee_id__in=ids,
        occurred_on__gte=start,
        occurred_on__lt=end,
        code__in=[SanctionGround.Code.MISSED_REPORT, *RULE_BREACHES],
    ).values_list("supervisee_id", "code", "occurred_on")
    for person, code, day in grounds.order_by("occurred_on", "pk"):
        if code == SanctionGround.Code.MISSED_REPORT:
            facts["missed"][person] += 1
        else:
            facts["breaches"][person].append((code, day))
    episodes = LostContactEpisode.objects.filter(supervisee_id__in=ids, lost_since__lt=end).filter(
        Q(found_at__isnull=True) | Q(found_at__gte=since)
    )
    for person, lost_since, found_at in episodes.values_list("supervisee_id", "lost_since", "found_at"):
        back = timezone.localdate(found_at) if found_at else min(timezone.localdate(), end - dt.timedelta(days=1))
        facts["episodes"][person].append((lost_since, (back - lost_since).days))
    attendance = (
        Attendance.objects.filter(
            supervisee_id__in=ids, session__cancelled=False, session__starts_at__gte=since, session__starts_at__lt=until
        )
        .values("supervisee_id")
        .annotate(
            education=Sum(
                "minutes",
                filter=Q(status=Attendance.Status.PRESENT) & ~Q(session__kind=Session.Kind.PUBLIC_INTEREST),
                default=0,
            ),
            activity=Sum(
                "minutes",
                filter=Q(status=Attendance.Status.PRESENT, session__kind=Session.Kind.PUBLIC_INTEREST),
                default=0,
            ),
            excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
            absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
        )
        .order_by()
    )
    for row in attendance:
        facts["hours"][row.pop("supervisee_id")] = row
    proposals = SanctionProposal.objects.filter(
        supervisee_id__in=ids, state__in=DECIDED, decided_at__gte=since, decided_at__lt=until
    ).values_list("supervisee_id", "kind", "decided_at")
    for person, kind, decided in proposals.order_by("decided_at", "pk"):
        facts["sanctions"][person].append((kind, timezone.localdate(decided)))
    return facts


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


def score_item(
    item: RubricItem, person: int, facts: Mapping[str, Mapping[int, Any]], targets: Mapping[str, int]
) -> tuple[int | None, str]:
    """The pre-filled points of one item for one person, and why, in words."""
    top = item.max_points
    if item.source == Source.CHECKINS:
        seen = facts["checkins"].get(person, {"total": 0, "late": 0})
        missed = facts["missed"].get(person, 0)
        due = seen["total"] + missed
        words = _("%(total)s check-ins, %(late)s late, %(missed)s missed.") % {
            "total": seen["total"],
            "late": seen["late"],
            "missed": missed,
        }
        if not due:
            return top, _("No check-in was recorded or missed in the period.")
        return top * (seen["total"] - seen["late"]) // due, words
    if item.source == Source.RULES:
        breaches = facts["breaches"].get(person, [])
        if not breaches:
            return top, _("No travel or prohibition breach recorded.")
        labels = dict(SanctionGround.Code.choices)
        listed = "; ".join(f"{labels[code]} ({day:%Y-%m-%d})" for code, day in breaches)
        return 0, _("%(count)s breaches recorded: %(list)s.") % {"count": len(breaches), "list": listed}
    if item.source == Source.LOST_CONTACT:
        episodes = facts["episodes"].get(person, [])
        if not episodes:
            return top, _("No lost-contact episode.")
        listed = "; ".join(
            _("%(days)s days out of contact from %(since)s") % {"days": days, "since": f"{since:%Y-%m-%d}"}
            for since, days in episodes
        )
        return 0, _("%(count)s lost-contact episodes: %(list)s.") % {"count": len(episodes), "list": listed}
    if item.source in (Source.EDUCATION, Source.ACTIVITY):
        key = "education" if item.source == Source.EDUCATION else "activity"
        hours = facts["hours"].get(person, {"education": 0, "activity": 0, "excused": 0, "absent": 0})
        target = targets[key]
        done = hours[key]
        words = _("%(done)s of %(target)s hours; %(excused)s excused and %(absent)s unexcused absences.") % {
            "done": _hours(done),
            "target": _hours(target),
            "excused": hours["excused"],
            "absent": hours["absent"],
        }
        if target == 0 or done >= target:
            return top, words
        return top * done // target, words
    if item.source == Source.SANCTIONS:
        decided = facts["sanctions"].get(person, [])
        labels = dict(SanctionProposal.Kind.choices)
        sanctions = [(kind, day) for kind, day in decided if kind in SANCTIONS]
        listed = "; ".join(f"{labels[kind]} ({day:%Y-%m-%d})" for kind, day in decided)
        if sanctions:
            return 0, _("Decided in the period: %(list)s.") % {"list": listed}
        if decided:
            return top, _("Decided in the period: %(list)s.") % {"list": listed}
        return top, _("No reward or sanction decided in the period.")
    return None, _("Scored by the officer.")


def _grade(total: int, grades: Iterable[GradeBand]) -> GradeBand | None:
    for band in sorted(grades, key=lambda band: -band.min_total):
        if total >= band.min_total:
            return band
    return None


def _totals(assessment: Assessment, scores: list[Score]) -> None:
    """Set the total (None while a score is missing) and the grade."""
    if any(score.points is None for score in scores):
        assessment.total, assessment.grade = None, None
        return
    assessment.total = sum(score.points for score in scores)
    assessment.grade = _grade(assessment.total, assessment.rubric.grades.all())


def active_rubric() -> Rubric:
    rubric = Rubric.objects.filter(active=True).prefetch_related("items", "grades").first()
    if rubric is None:
        raise AssessmentError(_("No assessment rubric is in force: the bureau publishes one first."), code="conflict")
    return rubric


@transaction.atomic
def prefill_office(*, office: Organisation, month: dt.date, actor: User | None = None) -> dict[str, int]:
    """Create and pre-fill an office's assessments for a period (``actor`` None: the periodic task).

    A constant number of queries whatever the number of people: returns ``{"created", "prefilled"}``."""
    if actor is not None and not scoping.policy_for(Assessment).can(actor, "prefill", office):
        raise PermissionDenied(_("Only officers of the judicial office and the bureau pre-fill assessments."))
    rules = rulebook.values(
        [
            rulebook.ASSESSMENT_PERIOD_MONTHS,
            rulebook.ASSESSMENT_DUE_DAYS,
            rulebook.EDUCATION_HOURS_MONTH,
            rulebook.ACTIVITY_HOURS_MONTH,
        ]
    )
    start, end = period_bounds(month, rules[rulebook.ASSESSMENT_PERIOD_MONTHS])
    months = rules[rulebook.ASSESSMENT_PERIOD_MONTHS]
    targets = {
        "education": rules[rulebook.EDUCATION_HOURS_MONTH] * 60 * months,
        "activity": rules[rulebook.ACTIVITY_HOURS_MONTH] * 60 * months,
    }
    rubric = active_rubric()
    people = list(
        Supervisee.objects.filter(judicial_office=office, status__in=ASSESSED_STATUSES).values_list("pk", flat=True)
    )
    existing = {
        row.supervisee_id: row
        for row in Assessment.objects.filter(supervisee__judicial_office=office, month=start).select_related("rubric")
    }
    new = [Assessment(supervisee_id=pk, month=start, rubric=rubric) for pk in people if pk not in existing]
    created = Assessment.objects.bulk_create(new, ignore_conflicts=True)
    # ignore_conflicts leaves the primary keys unset: read the rows back (another run may have made some).
    rows = list(
        Assessment.objects.filter(
            supervisee__judicial_office=office,
            month=start,
            state__in=(Assessment.State.DRAFT, Assessment.State.RETURNED),
        )
        .select_related("rubric")
        .prefetch_related("rubric__items", "rubric__grades")
    )
    content_type = ContentType.objects.get_for_model(Assessment)
    if new:
        due = due_at(start, rules)
        made = {a.supervisee_id for a in new}
        Obligation.objects.bulk_create(
            [
                Obligation(
                    supervisee_id=row.supervisee_id,
                    kind=Obligation.Kind.ASSESSMENT,
                    rule_code=rulebook.ASSESSMENT_DUE_DAYS,
                    due_at=due,
                    source_type=content_type,
                    source_id=row.pk,
                )
                for row in rows
                if row.supervisee_id in made and row.state == Assessment.State.DRAFT
            ],
            ignore_conflicts=True,
        )
    facts = _facts([row.supervisee_id for row in rows], start, end)
    scores: dict[tuple[int, int], Score] = {
        (score.assessment_id, score.item_id): score
        for score in Score.objects.filter(assessment__in=[r.pk for r in rows])
    }
    to_create: list[Score] = []
    to_update: list[Score] = []
    now = timezone.now()
    for row in rows:
        mine: list[Score] = []
        for item in row.rubric.items.all():
            points, words = score_item(item, row.supervisee_id, facts, targets)
            score = scores.get((row.pk, item.pk))
            if score is None:
                score = Score(assessment=row, item=item, prefilled=points, explanation=words, points=points)
                to_create.append(score)
            else:
                if not score.override_reason and item.source != Source.MANUAL:
                    score.points = points
                score.prefilled, score.explanation = points, words
                to_update.append(score)
            mine.append(score)
        _totals(row, mine)
        row.prefilled_at = now
    Score.objects.bulk_create(to_create, batch_size=2000)
    Score.objects.bulk_update(to_update, ["prefilled", "explanation", "points"], batch_size=2000)
    Assessment.objects.bulk_update(rows, ["total", "grade", "prefilled_at"], batch_size=2000)
    return {"created": len(created) if new else 0, "prefilled": len(rows)}


def create_period(*, month: dt.date | None = None) -> dict[str, int]:
    """The periodic task: every office's assessments of the period just ended, created and pre-filled.

    Run twice it creates nothing twice (one assessment per person and month, one obligation per assessment)."""
    month = period_start(month or (timezone.localdate().replace(day=1) - dt.timedelta(days=1)))
    totals = {"created": 0, "prefilled": 0}
    offices = Organisation.objects.filter(
        kind=Organisation.Kind.JUDICIAL_OFFICE,
        pk__in=Supervisee.objects.filter(status__in=ASSESSED_STATUSES).values("judicial_office_id"),
    )
    for office in offices:
        counts = prefill_office(office=office, month=month)
        for key in totals:
            totals[key] += counts[key]
    return totals


# --- completing, submitting, reviewing ---------------------------------------------------------------------


def _lock(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",)).select_related("supervisee", "rubric").get(pk=assessment.pk)
    )


@transaction.atomic
def save_scores(
    *, actor: User, assessment: Assessment, scores: Mapping[str, Mapping[str, Any]], note: str | None = None
) -> Assessment:
    """Set the officer's points (``{item code: {"points": n, "reason": text}}``): a change from the pre-filled
    points needs a reason; points stay between 0 and the item's maximum. All rows are checked first."""
    assessment = _lock(assessment)
    if not scoping.policy_for(Assessment).can(actor, "edit", assessment):
        raise PermissionDenied(_("Only officers of the person's judicial office and the bureau complete assessments."))
    if not assessment.editable:
        raise AssessmentError(_("The assessment is submitted: it is no longer changed."), code="transition")
    rows = {score.item.code: score for score in assessment.scores.select_related("item")}
    errors: dict[str, str] = {}
    for code, given in scores.items():
        score = rows.get(code)
        if score is None:
            errors[f"scores.{code}"] = _("This rubric has no item %(code)s.") % {"code": code}
            continue
        points = given.get("points")
        reason = (given.get("reason") or "").strip()
        if points is None:
            errors[f"scores.{code}"] = _("Give the points.")
            continue
        if not 0 <= int(points) <= score.item.max_points:
            errors[f"scores.{code}"] = _("Points are between 0 and %(max)s.") % {"max": score.item.max_points}
            continue
        if score.prefilled is not None and int(points) != score.prefilled and not reason:
            errors[f"scores.{code}"] = _("Give the reason for changing the pre-filled points of %(item)s.") % {
                "item": score.item.label
            }
            continue
        score.points = int(points)
        score.override_reason = reason if score.prefilled is None or int(points) != score.prefilled else ""
    if errors:
        raise AssessmentError(errors)
    Score.objects.bulk_update(list(rows.values()), ["points", "override_reason"])
    if note is not None:
        assessment.note = note.strip()
    _totals(assessment, list(rows.values()))
    assessment.save(update_fields=["total", "grade", "note"])
    return assessment


@transaction.atomic
def submit(*, actor: User, assessment: Assessment) -> Assessment:
    """Submit for the office head's review: every item scored."""
    assessment = _lock(assessment)
    if not scoping.policy_for(Assessment).can(actor, "submit", assessment):
        raise PermissionDenied(_("Only officers of the person's judicial office and the bureau submit assessments."))
    if not assessment.editable:
        raise AssessmentError(_("The assessment is already submitted."), code="transition")
    missing = [score.item.label for score in assessment.scores.select_related("item") if score.points is None]
    if missing:
        raise AssessmentError({"scores": _("Score every item first: %(items)s.") % {"items": ", ".join(missing)}})
    assessment.state = Assessment.State.SUBMITTED
    assessment.submitted_by, assessment.submitted_at = actor, timezone.now()
    # A returned assessment submitted again awaits a new review (the return's note stays until then).
    assessment.reviewed_by, assessment.reviewed_at = None, None
    assessment.save(update_fields=["state", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at"])
    return assessment


@transaction.atomic
def review(*, actor: User, assessment: Assessment, approve: bool, note: str = "") -> Assessment:
    """The head of the person's judicial office approves the assessment or returns it with a reason."""
    assessment = _lock(assessment)
    if not scoping.policy_for(Assessment).can(actor, "review", assessment):
        raise PermissionDenied(_("Only the head of the person's judicial office reviews the assessment."))
    if assessment.state != Assessment.State.SUBMITTED:
        raise AssessmentError(_("Only a submitted assessment is reviewed."), code="transition")
    if assessment.submitted_by_id == actor.pk:
        raise PermissionDenied(_("You submitted this assessment: another head reviews it."))
    note = note.strip()
    if not approve and not note:
        raise AssessmentError({"note": _("Say what to change when returning the assessment.")})
    assessment.state = Assessment.State.APPROVED if approve else Assessment.State.RETURNED
    assessment.reviewed_by, assessment.reviewed_at, assessment.review_note = actor, timezone.now(), note
    assessment.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    if approve:
        close_obligations_for(assessment, Obligation.Kind.ASSESSMENT, actor)
    return assessment


# --- the rubric --------------------------------------------------------------------------------------------


@transaction.atomic
def new_rubric_version(
    *,
    actor: User,
    name: str,
    items: list[Mapping[str, Any]],
    grades: list[Mapping[str, Any]],
    note: str = "",
) -> Rubric:
    """Publish a new version of the rubric: it is in force for assessments created from now on; those already
    made keep their version."""
    if not scoping.policy_for(Rubric).can(actor, "manage"):
        raise PermissionDenied(_("Only the bureau's administrators change the assessment rubric."))
    if not name.strip():
        raise AssessmentError({"name": _("Name the rubric.")})
    if not items:
        raise AssessmentError({"items": _("A rubric has at least one item.")})
    codes = [item["code"] for item in items]
    if len(set(codes)) != len(codes):
        raise AssessmentError({"items": _("Each item has its own code.")})
    for item in items:
        if item["source"] not in Source.values:
            raise AssessmentError({"items": _("Choose how each item is pre-filled from the list.")})
        if int(item["max_points"]) < 1:
            raise AssessmentError({"items": _("An item is worth at least one point.")})
    floors = [int(grade["min_total"]) for grade in grades]
    if not grades or 0 not in floors or len(set(floors)) != len(floors):
        raise AssessmentError({"grades": _("Grades start at different totals, and one starts at 0.")})
    latest = Rubric.objects.select_for_update().order_by("-version").first()
    Rubric.objects.filter(active=True).update(active=False)
    rubric = Rubric.objects.create(
        version=(latest.version + 1) if latest else 1,
        name=name.strip(),
        note=note.strip(),
        active=True,
        created_by=actor,
    )
    RubricItem.objects.bulk_create(
        [
            RubricItem(
                rubric=rubric,
                position=position,
                code=item["code"],
                label_zh=item["label_zh"],
                label_en=item["label_en"],
                max_points=int(item["max_points"]),
                source=item["source"],
            )
            for position, item in enumerate(items)
        ]
    )
    GradeBand.objects.bulk_create(
        [
            GradeBand(
                rubric=rubric,
                code=grade["code"],
                label_zh=grade["label_zh"],
                label_en=grade["label_en"],
                min_total=int(grade["min_total"]),
            )
            for grade in grades
        ]
    )
    return rubric


# --- attendance owed by the office -------------------------------------------------------------------------


@transaction.atomic
def sync_attendance_obligations(*, now: dt.datetime | None = None) -> int:
    """Open an ``attendance`` obligation for each session whose time has passed with no attendance recorded
    (owed by its office, due the rule book's days after it ended); returns how many were opened."""
    now = now or timezone.now()
    content_type = ContentType.objects.get_for_model(Session)
    owed = Session.objects.filter(cancelled=False, ends_at__lte=now, attendances__isnull=True).exclude(
        pk__in=Obligation.objects.filter(kind=Obligation.Kind.ATTENDANCE, source_type=content_type).values("source_id")
    )
    days = rulebook.value(rulebook.ATTENDANCE_RECORD_DAYS)
    rows = [
        Obligation(
            judicial_office_id=office_id,
            kind=Obligation.Kind.ATTENDANCE,
            rule_code=rulebook.ATTENDANCE_RECORD_DAYS,
            due_at=end_of_day(timezone.localdate(ends_at) + dt.timedelta(days=days)),
            source_type=content_type,
            source_id=pk,
        )
        for pk, office_id, ends_at in owed.values_list("pk", "office_id", "ends_at").distinct()
    ]
    return len(Obligation.objects.bulk_create(rows, ignore_conflicts=True))


def close_attendance_obligation(*, session: Session, actor: User | None) -> None:
    """The session's attendance is recorded (or it is cancelled): its ``attendance`` obligation is done."""
    close_obligations_for(session, Obligation.Kind.ATTENDANCE, actor)
