"""Every write of reporting (issue 15, items 1-3): the reporting plan, check-in codes, check-ins, health
reports, visits and lost-contact episodes, and the daily task that opens what is owed and what was missed.

The person's own sign-in may check in (code, phone, video) and submit a health report; everything else is
done by officers of the person's judicial office and the bureau (``supervision.reporting.policies``).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts import scoping
from config.errors import ActionError
from coordination.models import Supervisee
from coordination.sealing import unsealed
from supervision import rulebook
from supervision.actions import current_plan, end_of_day, record_ground
from supervision.models import CorrectionPlan, Obligation, SanctionGround
from supervision.reporting.models import (
    CheckIn,
    CheckinCode,
    HealthReport,
    LostContactEpisode,
    ReportingOverride,
    SearchStep,
    Visit,
)
from supervision.uploads import check_upload, stored_name

if TYPE_CHECKING:
    from accounts.models import User
    from records.models import IssuedDocument

Method = CheckIn.Method
Mode = CorrectionPlan.ReportingMode
# Who owes reports, visits and health reports: a person under correction (not in intake, not suspended).
REPORTING_STATUSES = (Supervisee.Status.UNDER_CORRECTION,)
CODE_DIGITS = 6
# What a report may hold (``check_in(report=...)``): yes/no answers and short texts.
REPORT_FLAGS = ("law_abiding", "address_changed", "job_changed", "family_changed")
REPORT_TEXTS = ("work", "family", "changes", "other")
CHANGE_FLAGS = ("address_changed", "job_changed", "family_changed")
REPORT_TEXT_MAX = 1000


# --- the reporting plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportingPlan:
    """How and how often a person reports, where it comes from, and what else they owe."""

    mode: str
    interval_days: int
    level: str
    level_max_days: int
    source: str  # "override", "plan" or "level" (no plan yet: the rule book's interval for the level)
    reason: str
    decided_by: Any
    decided_at: dt.datetime | None
    health_reports: bool

    @property
    def mode_label(self) -> str:
        return str(Mode(self.mode).label)


def latest_override(supervisee: Supervisee) -> ReportingOverride | None:
    return (
        ReportingOverride.objects.filter(supervisee=supervisee)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
        .first()
    )


def reporting_plan(supervisee: Supervisee) -> ReportingPlan:
    """The reporting plan in force: the officer's override if any, else the correction plan's mode and
    interval (never longer than the rule book allows for the supervision level), else the level's interval."""
    plan = current_plan(supervisee)
    level = plan.supervision_level if plan is not None else supervisee.supervision_level or "ordinary"
    level_max = rulebook.value(rulebook.REPORT_INTERVAL.get(level, rulebook.REPORT_INTERVAL["ordinary"]))
    override = latest_override(supervisee)
    mode = plan.reporting_mode if plan is not None else Mode.IN_PERSON
    interval = min(plan.reporting_interval_days, level_max) if plan is not None else level_max
    source = "plan" if plan is not None else "level"
    reason, by, at = "", None, None
    if override is not None and (override.reporting_mode or override.interval_days):
        mode = override.reporting_mode or mode
        interval = override.interval_days or interval
        source, reason, by, at = "override", override.reason, override.created_by, override.created_at
    return ReportingPlan(
        mode=mode,
        interval_days=interval,
        level=level,
        level_max_days=level_max,
        source=source,
        reason=reason,
        decided_by=by,
        decided_at=at,
        health_reports=bool(override and override.health_reports),
    )


def _may_record(actor: User, supervisee: Supervisee, model: type = CheckIn) -> None:
    if not scoping.policy_for(model).can(actor, "record", supervisee):
        raise ActionError(
            _("Only officers of the person's judicial office and the bureau may do this."), code="forbidden"
        )


def _must_report(supervisee: Supervisee) -> None:
    if supervisee.status not in REPORTING_STATUSES:
        raise ActionError(_("Only a person under correction reports and is visited."), code="transition")


@transaction.atomic
def set_reporting_plan(
    *,
    supervisee: Supervisee,
    actor: User,
    reason: str,
    reporting_mode: str = "",
    interval_days: int | None = None,
    health_reports: bool = False,
    now: dt.datetime | None = None,
) -> ReportingOverride:
    """An officer overrides how and how often the person reports (blank mode and no interval: back to the
    correction plan), and says whether the medical-parole health reports are owed; with a reason."""
    _may_record(actor, supervisee, ReportingOverride)
    now = now or timezone.now()
    if not reason.strip():
        raise ActionError({"reason": _("Say why the reporting plan changes.")})
    if reporting_mode and reporting_mode not in Mode.values:
        raise ActionError({"reporting_mode": _("Choose how the person reports.")})
    if interval_days is not None and interval_days < 1:
        raise ActionError({"interval_days": _("The interval is at least one day.")})
    if health_reports and supervisee.sentence_type != "temporary_execution":
        raise ActionError(
            {"health_reports": _("Health reports are owed only by a person on temporary execution outside prison.")}
        )
    locked = Supervisee.objects.select_for_update().get(pk=supervisee.pk)
    row = ReportingOverride.objects.create(
        supervisee=locked,
        reporting_mode=reporting_mode,
        interval_days=interval_days,
        health_reports=health_reports,
        reason=reason.strip(),
        created_by=actor,
    )
    plan = reporting_plan(locked)
    # The report owed now follows the new interval, counted from the last report (or from today).
    last = last_contact(locked)
    anchor = timezone.localdate(last) if last else timezone.localdate(now)
    Obligation.objects.filter(supervisee=locked, kind=Obligation.Kind.REPORT, done_at__isnull=True).update(
        due_at=end_of_day(anchor + dt.timedelta(days=plan.interval_days))
    )
    if not health_reports:
        Obligation.objects.filter(
            supervisee=locked,
            kind__in=[Obligation.Kind.HEALTH_REPORT, Obligation.Kind.REEXAMINATION],
            done_at__isnull=True,
        ).update(done_at=now, done_by=actor)
    ensure_obligations(supervisee=locked, now=now)
    return row


# --- obligations: reports, visits, health reports -----------------------------------------------------


def _open(supervisee: Supervisee, kind: str, *, rule_code: str, due_on: dt.date) -> Obligation | None:
    """Open the obligation of this kind unless one is open (the partial unique index keeps it single)."""
    if Obligation.objects.filter(supervisee=supervisee, kind=kind, done_at__isnull=True).exists():
        return None
    try:
        with transaction.atomic():
            return Obligation.objects.create(
                supervisee=supervisee, kind=kind, rule_code=rule_code, due_at=end_of_day(due_on)
            )
    except IntegrityError:
        return None


def last_contact(supervisee: Supervisee) -> dt.datetime | None:
    """When the person last checked in (a confirmed check-in)."""
    row = (
        CheckIn.objects.filter(supervisee=supervisee, state=CheckIn.State.CONFIRMED)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return row


def _visit_rule(plan: ReportingPlan) -> str:
    return rulebook.VISIT_INTERVAL.get(plan.level, rulebook.VISIT_INTERVAL["ordinary"])


def ensure_obligations(*, supervisee: Supervisee, now: dt.datetime | None = None) -> int:
    """Open what a person under correction owes and is not yet open: the next report (the plan's interval
    after the last report, or after today), the next visit (the level's interval), and on medical
    temporary execution the monthly health report and the re-examination. Returns how many were opened."""
    if supervisee.status not in REPORTING_STATUSES:
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    plan = reporting_plan(supervisee)
    last = last_contact(supervisee)
    anchor = timezone.localdate(last) if last else today
    opened = 0
    opened += (
        _open(
            supervisee,
            Obligation.Kind.REPORT,
            rule_code=rulebook.REPORT_INTERVAL.get(plan.level, rulebook.REPORT_INTERVAL["ordinary"]),
            due_on=anchor + dt.timedelta(days=plan.interval_days),
        )
        is not None
    )
    last_visit = (
        Visit.objects.filter(supervisee=supervisee, state=Visit.State.DONE)
        .order_by("-done_on")
        .values_list("done_on", flat=True)
        .first()
    )
    opened += (
        _open(
            supervisee,
            Obligation.Kind.VISIT,
            rule_code=_visit_rule(plan),
            due_on=rulebook.due(_visit_rule(plan), last_visit or today),
        )
        is not None
    )
    if plan.health_reports:
        for kind, code in (
            (Obligation.Kind.HEALTH_REPORT, rulebook.HEALTH_REPORT),
            (Obligation.Kind.REEXAMINATION, rulebook.REEXAMINATION),
        ):
            opened += _open(supervisee, kind, rule_code=code, due_on=rulebook.due(code, today)) is not None
    return opened


def _meet(supervisee: Supervisee, kind: str, *, at: dt.datetime, actor: User | None) -> Obligation | None:
    """Mark the open obligation of this kind done (locked: a concurrent writer waits); returns it."""
    obligation = (
        Obligation.objects.select_for_update()
        .filter(supervisee=supervisee, kind=kind, done_at__isnull=True)
        .order_by("due_at")
        .first()
    )
    if obligation is None:
        return None
    obligation.done_at = at
    obligation.done_by = actor
    obligation.save(update_fields=["done_at", "done_by"])
    return obligation


# --- check-in codes -----------------------------------------------------------------------------------


def _hash(supervisee: Supervisee, code: str) -> str:
    # Keyed with the deployment's secret: six digits are easy to try offline against a plain hash.
    return salted_hmac("supervision.checkin-code", f"{supervisee.pk}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def issue_checkin_code(*, supervisee: Supervisee, actor: User, now: dt.datetime | None = None) -> str:
    """An officer issues a one-time check-in code (shown at the office or sent by SMS). Only its keyed hash
    is kept; it expires after the rule book's period; an earlier unused code stops working."""
    _may_record(actor, supervisee)
    _must_report(supervisee)
    now = now or timezone.now()
    locked = Supervisee.objects.select_for_update().get(pk=supervisee.pk)
    CheckinCode.objects.filter(supervisee=locked, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    CheckinCode.objects.create(
        supervisee=locked,
        code_hash=_hash(locked, code),
        issued_by=actor,
        expires_at=rulebook.due(rulebook.CHECKIN_CODE_VALID, now),
    )
    return code


def _try_code(supervisee: Supervisee, code: str, now: dt.datetime) -> int:
    """The id of the matching open code; a wrong code counts against the open codes (committed even though
    the check-in is then refused), and too many wrong tries lock them."""
    limit = rulebook.value(rulebook.CHECKIN_CODE_ATTEMPTS)
    with transaction.atomic():
        rows = list(
            CheckinCode.objects.select_for_update().filter(
                supervisee=supervisee, used_at__isnull=True, expires_at__gt=now
            )
        )
        if not rows:
            error = ActionError({"code": _("This code is not valid (used or expired): ask the office for a new one.")})
        elif any(row.failed_attempts >= limit for row in rows):
            error = ActionError({"code": _("Too many wrong codes: ask the office for a new one.")}, code="forbidden")
        else:
            given = _hash(supervisee, (code or "").strip())
            for row in rows:
                if hmac.compare_digest(row.code_hash, given):
                    return row.pk
            CheckinCode.objects.filter(pk__in=[row.pk for row in rows]).update(
                failed_attempts=rows[0].failed_attempts + 1
            )
            error = ActionError({"code": _("This code is wrong. Check it and try again.")})
    raise error


# --- check-ins ----------------------------------------------------------------------------------------


def clean_report(report: dict | None) -> dict:
    """What was reported, checked: yes/no answers and short texts only; a change needs its description."""
    report = report or {}
    if not isinstance(report, dict):
        raise ActionError({"report": _("The report is not in the expected form.")})
    unknown = set(report) - set(REPORT_FLAGS) - set(REPORT_TEXTS)
    if unknown:
        raise ActionError(
            {"report": _("Unknown items in the report: %(items)s") % {"items": ", ".join(sorted(unknown))}}
        )
    clean: dict = {}
    for key in REPORT_FLAGS:
        if key in report:
            if not isinstance(report[key], bool):
                raise ActionError({"report": _("Answer yes or no to “%(item)s”.") % {"item": key}})
            clean[key] = report[key]
    for key in REPORT_TEXTS:
        value = report.get(key, "")
        if not isinstance(value, str) or len(value) > REPORT_TEXT_MAX:
            raise ActionError(
                {
                    "report": _("“%(item)s” must be a text of at most %(n)s characters.")
                    % {"item": key, "n": REPORT_TEXT_MAX}
                }
            )
        if value.strip():
            clean[key] = value.strip()
    if any(clean.get(flag) for flag in CHANGE_FLAGS) and not clean.get("changes"):
        raise ActionError({"report": _("Describe the change of address, job or family.")})
    return clean


def _confirm(check_in: CheckIn, actor: User, now: dt.datetime) -> None:
    """Confirmed: meet the open report (late when after its due day) and owe the next one."""
    supervisee = check_in.supervisee
    obligation = _meet(supervisee, Obligation.Kind.REPORT, at=check_in.occurred_at, actor=actor)
    if obligation is not None:
        check_in.due_on = timezone.localdate(obligation.due_at)
        check_in.late = timezone.localdate(check_in.occurred_at) > check_in.due_on
        check_in.obligation = obligation
    check_in.state = CheckIn.State.CONFIRMED
    check_in.confirmed_by = actor
    check_in.confirmed_at = now
    check_in.save()
    plan = reporting_plan(supervisee)
    _open(
        supervisee,
        Obligation.Kind.REPORT,
        rule_code=rulebook.REPORT_INTERVAL.get(plan.level, rulebook.REPORT_INTERVAL["ordinary"]),
        due_on=timezone.localdate(check_in.occurred_at) + dt.timedelta(days=plan.interval_days),
    )


def check_in(
    *,
    supervisee: Supervisee,
    actor: User,
    method: str,
    code: str | None = None,
    report: dict | None = None,
    at: dt.datetime | None = None,
    attachment=None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """A check-in: in person (recorded by an officer), with a one-time code (by the person: confirmed at
    once), by phone or video (by the person: waits for an officer's confirmation; recorded by an officer:
    confirmed). A confirmed check-in meets the open report and owes the next one."""
    now = now or timezone.now()
    if method not in Method.values:
        raise ActionError({"method": _("Choose how the person checked in.")})
    policy = scoping.policy_for(CheckIn)
    by_self = policy.can(actor, "self", supervisee)
    by_officer = policy.can(actor, "record", supervisee)
    if method == Method.IN_PERSON and not by_officer:
        raise ActionError(_("An in-person check-in is recorded by an officer of the office."), code="forbidden")
    if method == Method.CODE and not by_self:
        raise ActionError(_("Only the person checks in with a code, from their own sign-in."), code="forbidden")
    if not (by_self or by_officer):
        raise ActionError(_("You may not record a check-in for this person."), code="forbidden")
    _must_report(supervisee)
    clean = clean_report(report)
    if by_self and not by_officer:
        at = now  # the person checks in now; only an officer records a past check-in
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        raise ActionError({"at": _("The time cannot be in the future.")})
    if timezone.localdate(at) < supervisee.correction_start:
        raise ActionError({"at": _("The time cannot be before the correction started.")})
    if attachment is not None:
        attachment.name = stored_name(check_upload(attachment, field="attachment"))
    code_id = _try_code(supervisee, code or "", now) if method == Method.CODE else None
    with transaction.atomic():
        locked = Supervisee.objects.select_for_update().get(pk=supervisee.pk)
        if code_id is not None and not CheckinCode.objects.filter(pk=code_id, used_at__isnull=True).update(used_at=now):
            raise ActionError({"code": _("This code is not valid (used or expired): ask the office for a new one.")})
        row = CheckIn(
            supervisee=locked,
            method=method,
            state=CheckIn.State.PENDING,
            occurred_at=at,
            report=clean,
            changes_flagged=any(clean.get(flag) for flag in CHANGE_FLAGS),
            recorded_by=actor,
        )
        if attachment is not None:
            row.attachment = attachment
        row.save()
        pending = method in (Method.PHONE, Method.VIDEO) and not by_officer
        if not pending:
            # A code proves presence by itself: the officer who issued it stands behind the confirmation.
            confirmer = actor if by_officer else CheckinCode.objects.get(pk=code_id).issued_by
            _confirm(row, confirmer, now)
    return row


@transaction.atomic
def confirm_check_in(*, check_in: CheckIn, actor: User, now: dt.datetime | None = None) -> CheckIn:
    """An officer confirms a pending phone or video check-in: it then meets the report it was made for."""
    if not scoping.policy_for(CheckIn).can(actor, "confirm", check_in):
        raise ActionError(
            _("Only officers of the person's judicial office and the bureau confirm check-ins."), code="forbidden"
        )
    now = now or timezone.now()
    locked = CheckIn.objects.select_for_update().select_related("supervisee").get(pk=check_in.pk)
    if locked.state != CheckIn.State.PENDING:
        raise ActionError(_("This check-in is already confirmed."), code="already_decided")
    _confirm(locked, actor, now)
    return locked


@transaction.atomic
def acknowledge_changes(*, check_in: CheckIn, actor: User, now: dt.datetime | None = None) -> CheckIn:
    """An officer notes the change of address, job or family a check-in reported (it leaves 今日待办)."""
    if not scoping.policy_for(CheckIn).can(actor, "confirm", check_in):
        raise ActionError(
            _("Only officers of the person's judicial office and the bureau note reported changes."), code="forbidden"
        )
    locked = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    if not locked.changes_flagged or locked.acknowledged_at is not None:
        raise ActionError(_("There is no reported change to note."), code="transition")
    locked.acknowledged_by = actor
    locked.acknowledged_at = now or timezone.now()
    locked.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return locked


# --- health reports (暂予监外执行 on medical grounds) ----------------------------------------------------


HEALTH_OBLIGATION = {
    HealthReport.Kind.MONTHLY: (Obligation.Kind.HEALTH_REPORT, rulebook.HEALTH_REPORT),
    HealthReport.Kind.REEXAMINATION: (Obligation.Kind.REEXAMINATION, rulebook.REEXAMINATION),
}


def submit_health_report(
    *, supervisee: Supervisee, actor: User, kind: str, document, note: str = "", now: dt.datetime | None = None
) -> HealthReport:
    """The monthly health report or the re-examination result, with its document (a photo or PDF), by the
    person or an officer for them. It meets the one owed and owes the next."""
    policy = scoping.policy_for(HealthReport)
    if not (policy.can(actor, "self", supervisee) or policy.can(actor, "record", supervisee)):
        raise ActionError(_("You may not submit a health report for this person."), code="forbidden")
    _must_report(supervisee)
    if kind not in HealthReport.Kind.values:
        raise ActionError({"kind": _("Choose the monthly report or the re-examination.")})
    if not reporting_plan(supervisee).health_reports:
        raise ActionError(_("This person does not owe health reports."), code="transition")
    if document is None:
        raise ActionError({"document": _("Upload the document (a photo or a PDF).")})
    document.name = stored_name(check_upload(document, field="document"))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Supervisee.objects.select_for_update().get(pk=supervisee.pk)
        row = HealthReport(supervisee=locked, kind=kind, note=note.strip()[:300], submitted_by=actor)
        row.document = document
        row.save()
        obligation_kind, code = HEALTH_OBLIGATION[kind]
        _meet(locked, obligation_kind, at=now, actor=actor)
        _open(locked, obligation_kind, rule_code=code, due_on=rulebook.due(code, timezone.localdate(now)))
    return row


# --- visits -------------------------------------------------------------------------------------------


@transaction.atomic
def schedule_visit(
    *, supervisee: Supervisee, actor: User, kind: str, scheduled_on: dt.date, discreet: bool = False
) -> Visit:
    """Plan a visit (home, workplace, school, village); a discreet one is never shown to the person."""
    _may_record(actor, supervisee, Visit)
    _must_report(supervisee)
    if kind not in Visit.Kind.values:
        raise ActionError({"kind": _("Choose where the visit is.")})
    if scheduled_on < timezone.localdate():
        raise ActionError({"scheduled_on": _("A planned visit cannot be in the past: record it as done.")})
    return Visit.objects.create(
        supervisee=supervisee, kind=kind, scheduled_on=scheduled_on, discreet=discreet, recorded_by=actor
    )


@transaction.atomic
def record_visit(
    *,
    supervisee: Supervisee,
    actor: User,
    kind: str,
    done_on: dt.date,
    people_seen: str,
    findings: str,
    discreet: bool = False,
    visit: Visit | None = None,
    now: dt.datetime | None = None,
) -> Visit:
    """Record a visit done (a planned one, or one not planned): who was seen and the findings. It meets
    the visit owed and owes the next (the level's interval in the rule book)."""
    _may_record(actor, supervisee, Visit)
    _must_report(supervisee)
    now = now or timezone.now()
    errors = {}
    if kind not in Visit.Kind.values:
        errors["kind"] = _("Choose where the visit is.")
    if done_on > timezone.localdate(now):
        errors["done_on"] = _("The date cannot be in the future.")
    if not people_seen.strip():
        errors["people_seen"] = _("Say who was seen.")
    if not findings.strip():
        errors["findings"] = _("Write the findings.")
    if errors:
        raise ActionError(errors)
    locked = Supervisee.objects.select_for_update().get(pk=supervisee.pk)
    if visit is not None:
        visit = Visit.objects.select_for_update().get(pk=visit.pk, supervisee=locked)
        if visit.state == Visit.State.DONE:
            raise ActionError(_("This visit is already recorded as done."), code="already_decided")
    else:
        visit = Visit(supervisee=locked, recorded_by=actor)
    visit.kind = kind
    visit.state = Visit.State.DONE
    visit.done_on = done_on
    visit.people_seen = people_seen.strip()[:300]
    visit.findings = findings.strip()
    visit.discreet = discreet
    visit.save()
    _meet(locked, Obligation.Kind.VISIT, at=now, actor=actor)
    plan = reporting_plan(locked)
    _open(locked, Obligation.Kind.VISIT, rule_code=_visit_rule(plan), due_on=rulebook.due(_visit_rule(plan), done_on))
    return visit


# --- lost contact (脱管) --------------------------------------------------------------------------------


class EpisodeError(ActionError):
    """A step the episode's state does not allow."""


def _create_episode(
    supervisee: Supervisee, *, trigger: str, lost_since: dt.date, actor: User | None, note: str, now: dt.datetime
) -> LostContactEpisode | None:
    """The episode and its obligation, or None when one is already open (the partial unique index)."""
    try:
        with transaction.atomic():
            episode = LostContactEpisode.objects.create(
                supervisee=supervisee,
                trigger=trigger,
                lost_since=lost_since,
                last_contact_at=last_contact(supervisee),
                opened_at=now,
                opened_by=actor,
                note=note.strip(),
            )
    except IntegrityError:
        return None
    _open(
        supervisee,
        Obligation.Kind.LOST_CONTACT,
        rule_code=rulebook.LOST_CONTACT_NOTICE,
        due_on=rulebook.due(rulebook.LOST_CONTACT_NOTICE, timezone.localdate(now)),
    )
    return episode


@transaction.atomic
def report_lost_contact(
    *,
    supervisee: Supervisee,
    actor: User,
    lost_since: dt.date | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> LostContactEpisode:
    """An officer reports that the person cannot be reached: a lost-contact episode opens (one at a time)."""
    _may_record(actor, supervisee, LostContactEpisode)
    _must_report(supervisee)
    now = now or timezone.now()
    lost_since = lost_since or timezone.localdate(now)
    if lost_since > timezone.localdate(now):
        raise ActionError({"lost_since": _("The date cannot be in the future.")})
    locked = Supervisee.objects.select_for_update().get(pk=supervisee.pk)
    episode = _create_episode(
        locked, trigger=LostContactEpisode.Trigger.OFFICER, lost_since=lost_since, actor=actor, note=note, now=now
    )
    if episode is None:
        raise ActionError(_("A lost-contact episode is already open for this person."), code="conflict")
    return episode


def _may_handle(actor: User, episode: LostContactEpisode) -> LostContactEpisode:
    _may_record(actor, episode.supervisee, LostContactEpisode)
    locked = LostContactEpisode.objects.select_for_update().select_related("supervisee").get(pk=episode.pk)
    if locked.closed_at is not None:
        raise EpisodeError(_("This episode is closed."), code="transition")
    return locked


@transaction.atomic
def add_search_step(
    *, episode: LostContactEpisode, actor: User, kind: str, result: str, taken_at: dt.datetime | None = None
) -> SearchStep:
    """One step of the search (phone, family, village, workplace, other), timestamped, with its result."""
    locked = _may_handle(actor, episode)
    now = timezone.now()
    taken_at = taken_at or now
    errors = {}
    if kind not in SearchStep.Kind.values:
        errors["kind"] = _("Choose the step taken.")
    if not result.strip():
        errors["result"] = _("Write what the step found.")
    if taken_at > now + dt.timedelta(minutes=5):
        errors["taken_at"] = _("The time cannot be in the future.")
    elif taken_at < locked.opened_at - dt.timedelta(days=31):
        errors["taken_at"] = _("This time is long before the episode opened.")
    if errors:
        raise ActionError(errors)
    return SearchStep.objects.create(
        episode=locked, kind=kind, taken_at=taken_at, result=result.strip(), recorded_by=actor
    )


NOTICE_FIELDS = {"public_security": "police_notified_on", "procuratorate": "procuratorate_notified_on"}


@transaction.atomic
def record_notice(*, episode: LostContactEpisode, actor: User, recipient: str, sent_on: dt.date) -> LostContactEpisode:
    """The date the public security organ or the procuratorate was told that the person is out of contact."""
    locked = _may_handle(actor, episode)
    field = NOTICE_FIELDS.get(recipient)
    if field is None:
        raise ActionError({"recipient": _("Choose public security or the procuratorate.")})
    if sent_on > timezone.localdate():
        raise ActionError({"sent_on": _("The date cannot be in the future.")})
    if sent_on < locked.lost_since:
        raise ActionError({"sent_on": _("The notice cannot be before the person was out of contact.")})
    setattr(locked, field, sent_on)
    locked.save(update_fields=[field])
    lost_contact_notice(episode=locked, actor=actor)
    return locked


@transaction.atomic
def lost_contact_notice(*, episode: LostContactEpisode, actor: User, http_request: Any = None) -> IssuedDocument:
    """The 失去联系通知书 of an episode (to public security and the procuratorate), issued once through the
    document service in the name of the officer who records the first notice; later calls return the same
    document until it is voided."""
    from records import actions as records
    from records.models import DocumentKind
    from supervision import documents

    episode = (
        LostContactEpisode.objects.select_for_update(of=("self",))
        .select_related("supervisee__judicial_office")
        .get(pk=episode.pk)
    )
    return records.issued_or_issue(
        kind=DocumentKind.LOST_CONTACT_NOTICE,
        office=episode.supervisee.judicial_office,
        supervisee=episode.supervisee,
        source=episode,
        data=lambda: documents.lost_contact_data(episode),
        actor=actor,
        request=http_request,
    )


def days_out(episode: LostContactEpisode, until: dt.date) -> int:
    """Days out of contact from ``lost_since`` to ``until``."""
    return (until - episode.lost_since).days


def _grounds(episode: LostContactEpisode, until: dt.date, *, closing: bool) -> list[SanctionGround]:
    """The grounds the episode has earned by ``until``: beyond the first threshold, beyond the second; on
    close, the first ground when it stayed within the first threshold. Each once per episode."""
    long_days = rulebook.value(rulebook.LOST_CONTACT_LONG)
    month_end = rulebook.due(rulebook.LOST_CONTACT_MONTH, episode.lost_since)
    days = days_out(episode, until)
    earned: list[tuple[str, dt.date]] = []
    if days > long_days:
        earned.append((SanctionGround.Code.LOST_CONTACT_LONG, episode.lost_since + dt.timedelta(days=long_days + 1)))
    if until > month_end:
        earned.append((SanctionGround.Code.LOST_CONTACT_OVER_MONTH, month_end + dt.timedelta(days=1)))
    if closing and days <= long_days:
        earned.append((SanctionGround.Code.LOST_CONTACT, episode.lost_since))
    rows = []
    for code, on in earned:
        ground, new = record_ground(
            supervisee=episode.supervisee,
            code=code,
            occurred_on=on,
            facts=_("Out of contact from %(since)s: %(days)s days by %(until)s.")
            % {"since": episode.lost_since.isoformat(), "days": days, "until": until.isoformat()},
            source=episode,
        )
        if new:
            rows.append(ground)
    return rows


@transaction.atomic
def close_episode(
    *,
    episode: LostContactEpisode,
    actor: User,
    found_at: dt.datetime,
    outcome: str,
    outcome_note: str = "",
    now: dt.datetime | None = None,
) -> LostContactEpisode:
    """The person is found: record when and the outcome, close the episode, record the sanction ground its
    length earned, and start the reporting clock again from the day found (finding them is contact)."""
    locked = _may_handle(actor, episode)
    now = now or timezone.now()
    errors = {}
    if outcome not in LostContactEpisode.Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if found_at > now + dt.timedelta(minutes=5):
        errors["found_at"] = _("The time cannot be in the future.")
    elif timezone.localdate(found_at) < locked.lost_since:
        errors["found_at"] = _("The person cannot be found before they were out of contact.")
    if outcome == LostContactEpisode.Outcome.OTHER and not outcome_note.strip():
        errors["outcome_note"] = _("Describe the outcome.")
    if errors:
        raise ActionError(errors)
    locked.found_at = found_at
    locked.outcome = outcome
    locked.outcome_note = outcome_note.strip()
    locked.closed_at = now
    locked.closed_by = actor
    locked.save()
    _grounds(locked, timezone.localdate(found_at), closing=True)
    supervisee = locked.supervisee
    _meet(supervisee, Obligation.Kind.LOST_CONTACT, at=now, actor=actor)
    _meet(supervisee, Obligation.Kind.REPORT, at=now, actor=actor)
    if supervisee.status in REPORTING_STATUSES:
        plan = reporting_plan(supervisee)
        _open(
            supervisee,
            Obligation.Kind.REPORT,
            rule_code=rulebook.REPORT_INTERVAL.get(plan.level, rulebook.REPORT_INTERVAL["ordinary"]),
            due_on=timezone.localdate(found_at) + dt.timedelta(days=plan.interval_days),
        )
    return locked


# --- the daily task -----------------------------------------------------------------------------------


def open_missed(*, now: dt.datetime | None = None) -> list[LostContactEpisode]:
    """Open a lost-contact episode for every person under correction whose report is overdue by more than
    the rule book's grace period, unless one is open or a check-in waits for confirmation. Safe to run twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    grace = rulebook.value(rulebook.MISSED_REPORT_GRACE)
    # Overdue by more than the grace: due on a day before (today - grace).
    cutoff = end_of_day(today - dt.timedelta(days=grace + 1))
    overdue = (
        Obligation.objects.filter(
            kind=Obligation.Kind.REPORT,
            done_at__isnull=True,
            due_at__lte=cutoff,
            supervisee__status__in=REPORTING_STATUSES,
        )
        .exclude(
            Exists(LostContactEpisode.objects.filter(supervisee=OuterRef("supervisee_id"), closed_at__isnull=True))
        )
        .exclude(Exists(CheckIn.objects.filter(supervisee=OuterRef("supervisee_id"), state=CheckIn.State.PENDING)))
        .select_related("supervisee")
        .order_by("pk")
    )
    opened = []
    for obligation in overdue:
        with transaction.atomic():
            episode = _create_episode(
                obligation.supervisee,
                trigger=LostContactEpisode.Trigger.MISSED_REPORT,
                lost_since=timezone.localdate(obligation.due_at) + dt.timedelta(days=1),
                actor=None,
                note="",
                now=now,
            )
        if episode is not None:
            opened.append(episode)
    return opened


def record_episode_grounds(*, now: dt.datetime | None = None) -> int:
    """Record the grounds open episodes have crossed by today (beyond 10 days, beyond one month)."""
    today = timezone.localdate(now or timezone.now())
    count = 0
    # A sealed record is never written again, not even by a nightly task (CPL Art. 286).
    for episode in unsealed(LostContactEpisode.objects.filter(closed_at__isnull=True)).select_related("supervisee"):
        with transaction.atomic():
            count += len(_grounds(episode, today, closing=False))
    return count


def run_daily(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The daily reporting task: owe what is owed, open episodes for missed reports, record grounds."""
    now = now or timezone.now()
    opened = 0

    def owes(kind: str):
        return Exists(Obligation.objects.filter(supervisee=OuterRef("pk"), kind=kind, done_at__isnull=True))

    # Only the people with something to open: most people have their report and visit open already.
    medical = Exists(ReportingOverride.objects.filter(supervisee=OuterRef("pk"), health_reports=True))
    lacking = Supervisee.objects.filter(status__in=REPORTING_STATUSES).filter(
        ~owes(Obligation.Kind.REPORT)
        | ~owes(Obligation.Kind.VISIT)
        | (medical & (~owes(Obligation.Kind.HEALTH_REPORT) | ~owes(Obligation.Kind.REEXAMINATION)))
    )
    for supervisee in lacking.order_by("pk"):
        with transaction.atomic():
            opened += ensure_obligations(supervisee=supervisee, now=now)
    episodes = open_missed(now=now)
    grounds = record_episode_grounds(now=now)
    return {"obligations": opened, "episodes": len(episodes), "grounds": grounds}


__all__ = [
    "ReportingPlan",
    "acknowledge_changes",
    "add_search_step",
    "check_in",
    "close_episode",
    "confirm_check_in",
    "ensure_obligations",
    "issue_checkin_code",
    "open_missed",
    "record_episode_grounds",
    "record_notice",
    "record_visit",
    "report_lost_contact",
    "reporting_plan",
    "run_daily",
    "schedule_visit",
    "set_reporting_plan",
    "submit_health_report",
]
