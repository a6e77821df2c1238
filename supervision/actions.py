"""Every write of the supervision app: rule overrides, the holiday calendar, obligations and their alerts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from coordination import naming
from coordination.models import Supervisee
from notifications.actions import notify
from notifications.models import Notification
from supervision import rulebook
from supervision.models import Holiday, Obligation, ObligationFeed, Rule, RuleChange, new_token

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
def complete_obligation(*, obligation: Obligation, actor: User, now: dt.datetime | None = None) -> Obligation:
    """Mark an obligation done (officers of the office and the bureau); done twice changes nothing."""
    if not scoping.policy_for(Obligation).queryset(actor, "complete").filter(pk=obligation.pk).exists():
        raise PermissionDenied
    Obligation.objects.filter(pk=obligation.pk, done_at__isnull=True).update(
        done_at=now or timezone.now(), done_by=actor
    )
    obligation.refresh_from_db()
    return obligation


def level_reached(obligation: Obligation, now: dt.datetime) -> int:
    """The highest escalation level an open obligation has reached by ``now`` (delays from the rule book)."""
    if obligation.done_at is not None or now <= obligation.due_at:
        return Obligation.Level.NONE
    overdue = now - obligation.due_at
    reached = Obligation.Level.NONE
    for level, code in (
        (Obligation.Level.OFFICER, rulebook.ESCALATE_OFFICER),
        (Obligation.Level.OFFICE, rulebook.ESCALATE_OFFICE),
        (Obligation.Level.BUREAU, rulebook.ESCALATE_BUREAU),
    ):
        if overdue > dt.timedelta(days=rulebook.value(code)):
            reached = level
    return reached


def _notify(*, obligation: Obligation, level: int) -> list[int]:
    """Outbox rows for the level's audience (inbox; e-mail with an address; SMS from the office level)."""
    recipients = scoping.policy_for(Obligation).audience((obligation, level))
    # Neutral text: the kind, the date and the case-number tail, never the supervisee's name (it travels
    # by e-mail and SMS); the tail tells the officer which case it is without naming anyone.
    subject = _("Overdue: %(kind)s, due %(date)s") % {
        "kind": obligation.get_kind_display(),
        "date": timezone.localdate(obligation.due_at).isoformat(),
    }
    subject = f"{subject} · {naming.case_tail(obligation.supervisee)}"
    body = _("Escalated to: %(level)s.") % {"level": Obligation.Level(level).label}
    return notify(
        recipients=recipients,
        kind=NOTIFICATION_KIND,
        subject=subject,
        body=body,
        link=reverse("supervision:today"),
        about=obligation,
        sms=level >= Obligation.Level.OFFICE,
    )


def escalate_obligation(*, obligation_id: int, now: dt.datetime | None = None) -> list[int]:
    """Raise every level the obligation has reached and not yet raised, each exactly once; returns the levels.

    Each step is a conditional UPDATE (from level L-1 to L) in its own transaction with its
    notifications, so two workers running at once raise a level once between them.
    """
    now = now or timezone.now()
    obligation = Obligation.objects.select_related("supervisee").filter(pk=obligation_id).first()
    if obligation is None:
        return []
    target = level_reached(obligation, now)
    raised: list[int] = []
    for level in range(obligation.escalation_level + 1, target + 1):
        with transaction.atomic():
            won = Obligation.objects.filter(pk=obligation.pk, done_at__isnull=True, escalation_level=level - 1).update(
                escalation_level=level, escalated_at=now
            )
            if not won:
                break
            _notify(obligation=obligation, level=level)
            raised.append(level)
    return raised


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
