"""Every write of the supervision app: rule overrides, the holiday calendar, obligations and their alerts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from config.errors import ActionError
from coordination.models import CorrectionTeamMember, Supervisee
from notifications.actions import notify_many
from notifications.models import Notification
from supervision import classification, rulebook
from supervision.models import (
    ClassificationReview,
    CorrectionPlan,
    Holiday,
    Obligation,
    ObligationFeed,
    Rule,
    RuleChange,
    new_token,
)

if TYPE_CHECKING:
    from accounts.models import User

ACTIVE_STATUSES = (Supervisee.Status.INTAKE, Supervisee.Status.UNDER_CORRECTION)
# The notification kind of an escalated obligation (written to the coordination outbox).
NOTIFICATION_KIND = Notification.Kind.OBLIGATION_OVERDUE


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a local day: a clock due on ``day`` is met until then."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- the rule book ---------------------------------------------------------------------------------


@transaction.atomic
def set_rule_override(*, rule: Rule, value: int | None, reason: str, actor: User) -> Rule:
    """Set (or clear, with None) a deployment's override of a rule, recording who, old, new and why."""
    if not scoping.can(actor, "override", rule):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the value changes.")})
    locked = Rule.objects.select_for_update().get(pk=rule.pk)
    old = locked.override_value
    locked.override_value = value
    locked.override_reason = reason.strip() if value is not None else ""
    locked.save(update_fields=["override_value", "override_reason", "updated_at"])
    RuleChange.objects.create(rule=locked, changed_by=actor, old_value=old, new_value=value, reason=reason.strip())
    return locked


@transaction.atomic
def add_holiday(*, date: dt.date, name: str, kind: str, actor: User) -> Holiday:
    """Add a public holiday or a make-up working day to the calendar (the bureau only)."""
    if not scoping.can(actor, "manage", Holiday):
        raise PermissionDenied
    if Holiday.objects.filter(date=date).exists():
        raise ValidationError({"date": _("This day is already in the calendar.")})
    return Holiday.objects.create(date=date, name=name, kind=kind)


@transaction.atomic
def remove_holiday(*, holiday: Holiday, actor: User) -> None:
    """Remove a day from the calendar (the bureau only)."""
    if not scoping.can(actor, "manage", Holiday):
        raise PermissionDenied
    holiday.delete()


# --- obligations ------------------------------------------------------------------------------------


def _open(supervisee: Supervisee, kind: str, *, rule_code: str, due_at: dt.datetime, remind_from=None) -> bool:
    """Create the open obligation of this kind unless one exists (the partial unique index keeps it single)."""
    if Obligation.objects.filter(supervisee=supervisee, kind=kind, done_at__isnull=True).exists():
        return False
    try:
        with transaction.atomic():
            Obligation.objects.create(
                supervisee=supervisee, kind=kind, rule_code=rule_code, due_at=due_at, remind_from=remind_from
            )
    except IntegrityError:
        return False
    return True


@transaction.atomic
def sync_obligations(*, supervisee: Supervisee, now: dt.datetime | None = None) -> int:
    """Create the obligations the supervisee's current state owes (intake report, release); returns how many.

    While in intake, the report is due the rule book's report period after the start of the term.
    While intake or under correction, release is due on the end date, shown from the reminder period before it.
    A supervisee no longer under correction owes nothing: open obligations are closed (no more reminders).
    """
    now = now or timezone.now()
    created = 0
    if supervisee.status not in ACTIVE_STATUSES:
        Obligation.objects.filter(supervisee=supervisee, done_at__isnull=True).update(done_at=now)
        return 0
    if supervisee.status == Supervisee.Status.INTAKE:
        due = rulebook.due(rulebook.INTAKE_REPORT, supervisee.correction_start)
        created += _open(
            supervisee, Obligation.Kind.INTAKE_REPORT, rule_code=rulebook.INTAKE_REPORT, due_at=end_of_day(due)
        )
    end = supervisee.correction_end
    created += _open(
        supervisee,
        Obligation.Kind.RELEASE,
        rule_code=rulebook.RELEASE_REMINDER,
        due_at=end_of_day(end),
        remind_from=start_of_day(rulebook.before(rulebook.RELEASE_REMINDER, end)),
    )
    return created


@transaction.atomic
def sync_obligations_for(*, supervisee_ids: list[int], now: dt.datetime | None = None) -> int:
    """``sync_obligations`` for a batch of supervisees in a constant number of queries (the nightly task):
    load the people, the two rules and the open obligations once, close what finished people still owe
    (one UPDATE), insert what active people newly owe (one INSERT that skips an open row of the same
    kind: the partial unique index). Returns how many were created. A rule in working days reads the
    holiday calendar once per distinct start date."""
    now = now or timezone.now()
    people = list(
        Supervisee.objects.filter(pk__in=supervisee_ids).only("pk", "status", "correction_start", "correction_end")
    )
    finished = [p.pk for p in people if p.status not in ACTIVE_STATUSES]
    if finished:
        Obligation.objects.filter(supervisee_id__in=finished, done_at__isnull=True).update(done_at=now)
    active = [p for p in people if p.status in ACTIVE_STATUSES]
    if not active:
        return 0
    rules = {r.code: r for r in Rule.objects.filter(code__in=[rulebook.INTAKE_REPORT, rulebook.RELEASE_REMINDER])}
    report, reminder = rules[rulebook.INTAKE_REPORT], rules[rulebook.RELEASE_REMINDER]
    owing = set(
        Obligation.objects.filter(supervisee_id__in=[p.pk for p in active], done_at__isnull=True).values_list(
            "supervisee_id", "kind"
        )
    )
    report_due: dict[dt.date, dt.date] = {}
    rows = []
    for person in active:
        if person.status == Supervisee.Status.INTAKE and (person.pk, Obligation.Kind.INTAKE_REPORT) not in owing:
            start = person.correction_start
            if start not in report_due:
                report_due[start] = rulebook.add(report.value, report.unit, start)
            rows.append(
                Obligation(
                    supervisee_id=person.pk,
                    kind=Obligation.Kind.INTAKE_REPORT,
                    rule_code=rulebook.INTAKE_REPORT,
                    due_at=end_of_day(report_due[start]),
                )
            )
        if (person.pk, Obligation.Kind.RELEASE) not in owing:
            end = person.correction_end
            shown = (
                end - relativedelta(months=reminder.value)
                if reminder.unit == Rule.Unit.MONTHS
                else end - dt.timedelta(days=reminder.value)
            )
            rows.append(
                Obligation(
                    supervisee_id=person.pk,
                    kind=Obligation.Kind.RELEASE,
                    rule_code=rulebook.RELEASE_REMINDER,
                    due_at=end_of_day(end),
                    remind_from=start_of_day(shown),
                )
            )
    if not rows:
        return 0
    before = Obligation.objects.filter(supervisee_id__in=[p.pk for p in active], done_at__isnull=True).count()
    Obligation.objects.bulk_create(rows, ignore_conflicts=True)
    after = Obligation.objects.filter(supervisee_id__in=[p.pk for p in active], done_at__isnull=True).count()
    return after - before


@transaction.atomic
def complete_obligation(*, obligation: Obligation, actor: User, now: dt.datetime | None = None) -> Obligation:
    """Mark an obligation done (officers of the office and the bureau); done twice changes nothing."""
    if not scoping.policy_for(Obligation).queryset(actor, "complete").filter(pk=obligation.pk).exists():
        raise PermissionDenied
    Obligation.objects.filter(pk=obligation.pk, done_at__isnull=True).update(
        done_at=now or timezone.now(), done_by=actor
    )
    obligation.refresh_from_db()
    return obligation


ESCALATION_RULES = (
    (Obligation.Level.OFFICER, rulebook.ESCALATE_OFFICER),
    (Obligation.Level.OFFICE, rulebook.ESCALATE_OFFICE),
    (Obligation.Level.BUREAU, rulebook.ESCALATE_BUREAU),
)


def escalation_delays() -> dict[int, dt.timedelta]:
    """How long past due each level is raised (rule book), read in one query."""
    values = rulebook.values([code for _level, code in ESCALATION_RULES])
    return {level: dt.timedelta(days=values[code]) for level, code in ESCALATION_RULES}


def level_reached(obligation: Obligation, now: dt.datetime, delays: dict[int, dt.timedelta] | None = None) -> int:
    """The highest escalation level an open obligation has reached by ``now`` (delays from the rule book)."""
    if obligation.done_at is not None or now <= obligation.due_at:
        return Obligation.Level.NONE
    delays = delays or escalation_delays()
    overdue = now - obligation.due_at
    reached = Obligation.Level.NONE
    for level, _code in ESCALATION_RULES:
        if overdue > delays[level]:
            reached = level
    return reached


def _message(*, obligation: Obligation, level: int, recipients: list) -> dict:
    """The outbox message for a level's audience (inbox; e-mail with an address; SMS from the office level)."""
    # Neutral text: the kind and the date, never the supervisee's name (it travels by e-mail and SMS).
    subject = _("Overdue: %(kind)s, due %(date)s") % {
        "kind": obligation.get_kind_display(),
        "date": timezone.localdate(obligation.due_at).isoformat(),
    }
    return {
        "recipients": recipients,
        "kind": NOTIFICATION_KIND,
        "subject": subject,
        "body": _("Escalated to: %(level)s.") % {"level": Obligation.Level(level).label},
        "link": reverse("supervision:today"),
        "about": obligation,
        "sms": level >= Obligation.Level.OFFICE,
    }


def escalate_obligations(
    *, obligation_ids: list[int], now: dt.datetime | None = None, delays: dict[int, dt.timedelta] | None = None
) -> int:
    """Raise every level the given obligations have reached and not yet raised, each exactly once; returns how
    many (obligation, level) alerts were raised.

    A constant number of queries for the whole batch: per level, one locking SELECT of the rows still at
    the level below, one UPDATE, the audiences (one or two queries) and the outbox (two). The SELECT …
    FOR UPDATE re-checks ``escalation_level = L-1`` after waiting for a concurrent worker's lock, so two
    workers at the same moment raise a level once between them.
    """
    now = now or timezone.now()
    delays = delays or escalation_delays()
    rows = list(Obligation.objects.select_related("supervisee").filter(pk__in=obligation_ids, done_at__isnull=True))
    targets = {row.pk: level_reached(row, now, delays) for row in rows}
    by_pk = {row.pk: row for row in rows}
    policy = scoping.policy_for(Obligation)
    raised = 0
    for level, _code in ESCALATION_RULES:
        candidates = [row.pk for row in rows if row.escalation_level < level <= targets[row.pk]]
        if not candidates:
            continue
        with transaction.atomic():
            won = list(
                Obligation.objects.select_for_update()
                .filter(pk__in=candidates, done_at__isnull=True, escalation_level=level - 1)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not won:
                continue
            Obligation.objects.filter(pk__in=won).update(escalation_level=level, escalated_at=now)
            audiences = policy.audiences([(by_pk[pk], level) for pk in won])
            notify_many([_message(obligation=by_pk[pk], level=level, recipients=audiences[(pk, level)]) for pk in won])
        for pk in won:
            by_pk[pk].escalation_level = level
        raised += len(won)
    return raised


def escalate_obligation(*, obligation_id: int, now: dt.datetime | None = None) -> int:
    """One obligation: raise every level it has reached and not yet raised; returns how many."""
    return escalate_obligations(obligation_ids=[obligation_id], now=now)


# --- the private calendar ----------------------------------------------------------------------------


def feed_for(*, user: User) -> ObligationFeed:
    """The user's calendar address (created on first use)."""
    feed, _created = ObligationFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def rotate_feed(*, user: User) -> ObligationFeed:
    """Issue a new calendar address; the old one stops working."""
    feed = feed_for(user=user)
    feed.token = new_token()
    feed.save(update_fields=["token"])
    return feed


# --- the correction plan (矫正方案) and classification reviews -----------------------------------------


def current_plan(supervisee: Supervisee) -> CorrectionPlan | None:
    """The plan in force: the newest version."""
    return CorrectionPlan.objects.filter(supervisee=supervisee).order_by("-version").first()


def _must_be_active(supervisee: Supervisee) -> None:
    if supervisee.status not in ACTIVE_STATUSES:
        raise ActionError(
            _("Only a person in intake or under correction has a correction plan that can change."), code="transition"
        )


@transaction.atomic
def write_plan(
    *,
    supervisee: Supervisee,
    actor: User,
    supervision_level: str,
    risk_level: str,
    classification_reasons: str,
    reporting_mode: str,
    reporting_interval_days: int,
    education_goals: str = "",
    help_goals: str = "",
    team: list[CorrectionTeamMember] | tuple = (),
    change_note: str = "",
    review: ClassificationReview | None = None,
    now: dt.datetime | None = None,
) -> CorrectionPlan:
    """Add a version of the supervisee's correction plan (the first, or a new one: old versions stay as they
    were). The level changes only through an approved classification review. Sets the next review date
    (rule book) and the obligation to review the plan by then."""
    if not scoping.policy_for(CorrectionPlan).can(actor, "write", supervisee):
        raise ActionError(_("You may not write the correction plan of this person."), code="forbidden")
    _must_be_active(supervisee)
    now = now or timezone.now()
    locked = Supervisee.objects.select_for_update().get(pk=supervisee.pk)  # one writer per person at a time
    latest = current_plan(locked)
    if latest is not None and supervision_level != latest.supervision_level and review is None:
        raise ActionError(
            {
                "supervision_level": _(
                    "The supervision level changes only through a classification review approved by the office head."
                )
            }
        )
    if not classification_reasons.strip():
        raise ActionError({"classification_reasons": _("Give the reasons for the classification.")})
    members = list(team)
    if any(m.supervisee_id != locked.pk or not m.is_active for m in members):
        raise ActionError({"team": _("Choose members of this person's current correction team.")})
    next_review = rulebook.due(rulebook.PLAN_REVIEW_INTERVAL, timezone.localdate(now))
    plan = CorrectionPlan.objects.create(
        supervisee=locked,
        version=(latest.version + 1) if latest else 1,
        supervision_level=supervision_level,
        risk_level=risk_level,
        classification_reasons=classification_reasons.strip(),
        reporting_mode=reporting_mode,
        reporting_interval_days=reporting_interval_days,
        education_goals=education_goals.strip(),
        help_goals=help_goals.strip(),
        next_review_on=next_review,
        change_note=change_note.strip(),
        review=review,
        created_by=actor,
    )
    plan.team.set(members)
    if locked.supervision_level != supervision_level:
        Supervisee.objects.filter(pk=locked.pk).update(supervision_level=supervision_level)
        supervisee.supervision_level = supervision_level
    # The review obligation: the one open for the old version is met by this version; the next is due.
    Obligation.objects.filter(supervisee=locked, kind=Obligation.Kind.PLAN_REVIEW, done_at__isnull=True).update(
        done_at=now, done_by=actor
    )
    Obligation.objects.create(
        supervisee=locked,
        kind=Obligation.Kind.PLAN_REVIEW,
        rule_code=rulebook.PLAN_REVIEW_INTERVAL,
        due_at=end_of_day(next_review),
        source_type=ContentType.objects.get_for_model(CorrectionPlan),
        source_id=plan.pk,
    )
    return plan


@transaction.atomic
def propose_review(
    *, supervisee: Supervisee, actor: User, to_level: str, reasons: str, now: dt.datetime | None = None
) -> ClassificationReview:
    """An officer proposes a new supervision level with reasons; the platform's suggestion (and why) is kept
    with it for the head who decides."""
    if not scoping.policy_for(ClassificationReview).can(actor, "propose", supervisee):
        raise ActionError(_("You may not propose a classification for this person."), code="forbidden")
    _must_be_active(supervisee)
    locked = Supervisee.objects.select_for_update().get(pk=supervisee.pk)
    plan = current_plan(locked)
    if plan is None:
        raise ActionError(
            _("Write the correction plan first: a review changes the level of a plan."), code="transition"
        )
    if to_level == plan.supervision_level:
        raise ActionError({"to_level": _("This is already the level in force.")})
    if not reasons.strip():
        raise ActionError({"reasons": _("Give the reasons for the change.")})
    if ClassificationReview.objects.filter(supervisee=locked, state=ClassificationReview.State.PROPOSED).exists():
        raise ActionError(_("A classification review is already waiting for a decision."), code="conflict")
    suggestion = classification.suggest(locked, risk_level=plan.risk_level, now=now)
    return ClassificationReview.objects.create(
        supervisee=locked,
        from_level=plan.supervision_level,
        to_level=to_level,
        reasons=reasons.strip(),
        suggested_level=suggestion.level,
        suggestion_reasons=suggestion.reasons,
        proposed_by=actor,
    )


@transaction.atomic
def decide_review(
    *, review: ClassificationReview, actor: User, approve: bool, note: str = "", now: dt.datetime | None = None
) -> ClassificationReview:
    """The office head approves (a new plan version at the new level) or rejects (with a note) a proposal.
    Nobody decides their own proposal."""
    if not scoping.can(actor, "decide", review):
        raise ActionError(
            _("Only the head of this person's judicial office decides a classification."), code="forbidden"
        )
    if review.proposed_by_id == actor.pk:
        raise ActionError(_("Nobody approves their own proposal: another head must decide."), code="forbidden")
    now = now or timezone.now()
    locked = ClassificationReview.objects.select_for_update().get(pk=review.pk)
    if locked.state != ClassificationReview.State.PROPOSED:
        raise ActionError(_("This level change has already been decided."), code="already_decided")
    if not approve and not note.strip():
        raise ActionError({"note": _("Say why the level change is rejected.")})
    locked.state = ClassificationReview.State.APPROVED if approve else ClassificationReview.State.REJECTED
    locked.decided_by = actor
    locked.decided_at = now
    locked.decision_note = note.strip()
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if approve:
        plan = current_plan(locked.supervisee)
        write_plan(
            supervisee=locked.supervisee,
            actor=actor,
            supervision_level=locked.to_level,
            risk_level=plan.risk_level,
            classification_reasons=locked.reasons,
            reporting_mode=plan.reporting_mode,
            reporting_interval_days=plan.reporting_interval_days,
            education_goals=plan.education_goals,
            help_goals=plan.help_goals,
            team=list(plan.team.filter(is_active=True)),
            change_note=_("Classification review approved: %(from)s → %(to)s")
            % {"from": locked.get_from_level_display(), "to": locked.get_to_level_display()},
            review=locked,
            now=now,
        )
    return locked
