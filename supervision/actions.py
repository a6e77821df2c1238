"""Every write of the supervision app: rule overrides, the holiday calendar, obligations and their alerts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import scoping
from config.errors import ActionError
from coordination import identity, naming
from coordination.models import LIVE_STATUSES, CorrectionTeamMember, Supervisee
from coordination.sealing import unsealed
from notifications.actions import notify, notify_many
from notifications.models import Notification
from supervision import classification, rulebook, signals
from supervision.models import (
    Announcement,
    ClassificationReview,
    CorrectionPlan,
    Holiday,
    Investigation,
    LegalDocument,
    Obligation,
    ObligationFeed,
    ReleaseNotice,
    Rule,
    RuleChange,
    SanctionGround,
    Sentence,
    StatusChange,
    new_token,
)
from supervision.sealing import actions as sealing

if TYPE_CHECKING:
    from accounts.models import User
    from records.models import IssuedDocument

ACTIVE_STATUSES = LIVE_STATUSES
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
        # Only the archive clock outlives the correction.
        Obligation.objects.filter(supervisee=supervisee, done_at__isnull=True).exclude(
            kind=Obligation.Kind.ARCHIVE
        ).update(done_at=now)
        return 0
    if supervisee.status == Supervisee.Status.INTAKE:
        sentence = current_sentence(supervisee)
        effective = sentence.effective_date if sentence is not None else supervisee.correction_start
        due = rulebook.due(rulebook.INTAKE_REPORT, effective)
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
    created += sync_intake_obligations(supervisee=supervisee)
    return created


@transaction.atomic
def sync_obligations_for(*, supervisee_ids: list[int], now: dt.datetime | None = None) -> int:
    """``sync_obligations`` for a batch of supervisees in a constant number of queries (the nightly task):
    load the people, the rules, the current sentences with their documents and the open obligations once,
    close what finished people still owe (one UPDATE; the archive clock stays open) and the documents
    clock of people whose documents are all in (one UPDATE), insert what live people newly owe (one INSERT
    that skips an open row of the same kind: the partial unique index). Returns how many were created. A
    rule in working days reads the holiday calendar once per distinct start date."""
    now = now or timezone.now()
    people = list(
        Supervisee.objects.filter(pk__in=supervisee_ids).only("pk", "status", "correction_start", "correction_end")
    )
    finished = [p.pk for p in people if p.status not in ACTIVE_STATUSES]
    if finished:
        Obligation.objects.filter(supervisee_id__in=finished, done_at__isnull=True).exclude(
            kind=Obligation.Kind.ARCHIVE
        ).update(done_at=now)
    active = [p for p in people if p.status in ACTIVE_STATUSES]
    if not active:
        return 0
    codes = [rulebook.INTAKE_REPORT, rulebook.RELEASE_REMINDER, rulebook.DOCUMENT_DELIVERY, rulebook.DECISION_NOTICE]
    rules = {r.code: r for r in Rule.objects.filter(code__in=codes)}
    report, reminder = rules[rulebook.INTAKE_REPORT], rules[rulebook.RELEASE_REMINDER]
    delivery, notice = rules[rulebook.DOCUMENT_DELIVERY], rules[rulebook.DECISION_NOTICE]
    # The current sentence (newest by effective date) of each person in intake, and its documents.
    in_intake = [p.pk for p in active if p.status in INTAKE_STATUSES]
    sentences: dict[int, Sentence] = {}
    if in_intake:
        for sentence in Sentence.objects.filter(supervisee_id__in=in_intake).order_by(
            "supervisee_id", "-effective_date", "-pk"
        ):
            sentences.setdefault(sentence.supervisee_id, sentence)
    have: dict[int, set[str]] = {}
    if sentences:
        for sentence_id, kind in LegalDocument.objects.filter(
            sentence_id__in=[s.pk for s in sentences.values()]
        ).values_list("sentence_id", "kind"):
            have.setdefault(sentence_id, set()).add(kind)
    owing = set(
        Obligation.objects.filter(supervisee_id__in=[p.pk for p in active], done_at__isnull=True).values_list(
            "supervisee_id", "kind"
        )
    )
    added: dict[tuple[str, dt.date], dt.date] = {}

    def due(rule: Rule, start: dt.date) -> dt.date:
        if (rule.code, start) not in added:
            added[(rule.code, start)] = rulebook.add(rule.value, rule.unit, start)
        return added[(rule.code, start)]

    rows = []
    documents_in, notices_in = [], []
    for person in active:
        sentence = sentences.get(person.pk)
        if person.status == Supervisee.Status.INTAKE and (person.pk, Obligation.Kind.INTAKE_REPORT) not in owing:
            effective = sentence.effective_date if sentence is not None else person.correction_start
            rows.append(
                Obligation(
                    supervisee_id=person.pk,
                    kind=Obligation.Kind.INTAKE_REPORT,
                    rule_code=rulebook.INTAKE_REPORT,
                    due_at=end_of_day(due(report, effective)),
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
        if sentence is not None:  # in intake with a recorded sentence: the documents the deciding organ owes
            if any(kind not in have.get(sentence.pk, set()) for kind in LegalDocument.REQUIRED):
                if (person.pk, Obligation.Kind.DOCUMENTS) not in owing:
                    rows.append(
                        Obligation(
                            supervisee_id=person.pk,
                            kind=Obligation.Kind.DOCUMENTS,
                            rule_code=rulebook.DOCUMENT_DELIVERY,
                            due_at=end_of_day(due(delivery, sentence.effective_date)),
                        )
                    )
            elif (person.pk, Obligation.Kind.DOCUMENTS) in owing:
                documents_in.append(person.pk)
            # The deciding organ's notice (CCL Art. 20): owed until the office records when it came.
            if sentence.notice_received_on is not None:
                if (person.pk, Obligation.Kind.DECISION_NOTICE) in owing:
                    notices_in.append(person.pk)
            elif (person.pk, Obligation.Kind.DECISION_NOTICE) not in owing:
                rows.append(
                    Obligation(
                        supervisee_id=person.pk,
                        kind=Obligation.Kind.DECISION_NOTICE,
                        rule_code=rulebook.DECISION_NOTICE,
                        due_at=end_of_day(due(notice, sentence.effective_date)),
                    )
                )
    if documents_in or notices_in:  # one UPDATE for both clocks met outside their actions
        Obligation.objects.filter(
            Q(supervisee_id__in=documents_in, kind=Obligation.Kind.DOCUMENTS)
            | Q(supervisee_id__in=notices_in, kind=Obligation.Kind.DECISION_NOTICE),
            done_at__isnull=True,
        ).update(done_at=now)
    if not rows:
        return 0
    before = Obligation.objects.filter(supervisee_id__in=[p.pk for p in active], done_at__isnull=True).count()
    Obligation.objects.bulk_create(rows, ignore_conflicts=True)
    after = Obligation.objects.filter(supervisee_id__in=[p.pk for p in active], done_at__isnull=True).count()
    return after - before


# The kinds an obligation closes only through their own action (recording what met them: the date is what
# reports read), with the refusal "Mark done" gets. 今日待办 offers no "Mark done" button for them
# (``todo.MET_BY_RECORDING`` is this table's keys), and ``complete_obligation`` refuses them.
_MET_ON_ITS_PAGE = gettext_lazy("Record what meets it on its page: that closes it.")
OWN_DOOR = {
    Obligation.Kind.INVESTIGATION: gettext_lazy("Record the opinion on the investigation request: that closes it."),
    Obligation.Kind.DECISION_NOTICE: gettext_lazy(
        "Record the day the deciding organ's notice arrived: that closes it."
    ),
    Obligation.Kind.ACTION_ITEM: gettext_lazy("Mark the action item done or dropped on its page: that closes it."),
    Obligation.Kind.INSPECTION_FINDING: gettext_lazy("Report the correction on the finding's page: that closes it."),
    Obligation.Kind.ASSESSMENT: gettext_lazy("The office head's approval of the assessment closes it."),
    Obligation.Kind.ATTENDANCE: gettext_lazy("Record the session's attendance: that closes it."),
    **dict.fromkeys(
        [
            Obligation.Kind.REPORT,
            Obligation.Kind.HEALTH_REPORT,
            Obligation.Kind.REEXAMINATION,
            Obligation.Kind.VISIT,
            Obligation.Kind.LOST_CONTACT,
            Obligation.Kind.REQUEST_DECISION,
            Obligation.Kind.RETURN_REPORT,
            Obligation.Kind.TRANSFER,
            Obligation.Kind.SANCTION_DECISION,
            Obligation.Kind.COURT_DECISION,
            Obligation.Kind.DETENTION_DECISION,
        ],
        _MET_ON_ITS_PAGE,
    ),
}

# The kinds met on a page of their own, found by the obligation's source row: the page's URL name (taking the
# source's pk) and, for the kinds an office owns without a supervisee, how an alert names the row (the
# person is never named in an alert). One table for the alerts' links and 今日待办's buttons.
SOURCE_PAGES: dict[str, tuple[str, object]] = {
    Obligation.Kind.INVESTIGATION: ("supervision:investigation-opinion", gettext_lazy("request no. %(number)s")),
    Obligation.Kind.ATTENDANCE: ("supervision:education-session", gettext_lazy("session no. %(number)s")),
    Obligation.Kind.ASSESSMENT: ("supervision:assessment", None),
    # The bureau's own work (issue 18; the bureau app).
    Obligation.Kind.ACTION_ITEM: ("bureau:action-item", gettext_lazy("action item no. %(number)s")),
    Obligation.Kind.INSPECTION_FINDING: ("bureau:finding", gettext_lazy("finding no. %(number)s")),
}

# What an overdue alert asks for, by kind (the rest: only the kind and the date).
ALERT_HINTS = {
    Obligation.Kind.INVESTIGATION: gettext_lazy(
        "The investigation opinion is overdue: send it to the requesting organ."
    ),
    Obligation.Kind.ACTION_ITEM: gettext_lazy(
        "An action item of the joint meeting is past its date: report on it or agree a new date."
    ),
    Obligation.Kind.INSPECTION_FINDING: gettext_lazy(
        "An inspection finding is not corrected in time: correct it and report the correction."
    ),
    Obligation.Kind.ATTENDANCE: gettext_lazy("A session's attendance is not recorded: record who came."),
    Obligation.Kind.DECISION_NOTICE: gettext_lazy(
        "The deciding organ has not sent its notice of the decision: chase the deciding organ."
    ),
    # 漏管: the person did not report in time; the office must tell the deciding organ.
    Obligation.Kind.INTAKE_REPORT: gettext_lazy(
        "Not reported in time (漏管): find the person and notify the deciding organ."
    ),
    Obligation.Kind.DOCUMENTS: gettext_lazy("Legal documents are missing: ask the deciding organ to deliver them."),
}


def source_page(obligation: Obligation) -> str | None:
    """The page that meets an obligation of a source-page kind (its source row's page), else None."""
    page = SOURCE_PAGES.get(obligation.kind)
    if page is None or obligation.source_id is None:
        return None
    return reverse(page[0], args=[obligation.source_id])


# --- obligations owed by a source row (a request, a proposal, an assessment, a session) -------------------


def open_obligations_of(source: Any, kind: str) -> QuerySet[Obligation]:
    """The open obligations of ``kind`` that ``source`` owes."""
    return Obligation.objects.filter(
        kind=kind, source_type=ContentType.objects.get_for_model(source), source_id=source.pk, done_at__isnull=True
    )


def open_obligation_for(
    source: Any,
    kind: str,
    *,
    supervisee: Supervisee | None,
    rule_code: str,
    due_at: dt.datetime,
    remind_from: dt.datetime | None = None,
) -> None:
    """Open the obligation of ``kind`` that ``source`` owes, unless one is open (one per source: a constraint)."""
    try:
        with transaction.atomic():
            Obligation.objects.create(
                supervisee=supervisee,
                kind=kind,
                rule_code=rule_code,
                due_at=due_at,
                remind_from=remind_from,
                source_type=ContentType.objects.get_for_model(source),
                source_id=source.pk,
            )
    except IntegrityError:
        pass


def close_obligations_for(source: Any, kind: str, actor: User | None) -> int:
    """What ``source`` owed of ``kind`` is met now, by ``actor`` (None: by the platform)."""
    return open_obligations_of(source, kind).update(done_at=timezone.now(), done_by=actor)


@transaction.atomic
def complete_obligation(*, obligation: Obligation, actor: User, now: dt.datetime | None = None) -> Obligation:
    """Mark an obligation done (officers of the office and the bureau); done twice changes nothing."""
    if not scoping.policy_for(Obligation).queryset(actor, "complete").filter(pk=obligation.pk).exists():
        raise PermissionDenied
    if obligation.kind in OWN_DOOR:
        # Closed only by recording what met it (the date is what reports read), never by a tick.
        raise ActionError(OWN_DOOR[obligation.kind], code="transition")
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


def _link(obligation: Obligation) -> str:
    """Where an alert leads: the page that meets the obligation when it has one of its own, else 今日待办."""
    page = source_page(obligation)
    if page is not None:
        return page
    if obligation.kind == Obligation.Kind.DECISION_NOTICE:
        return reverse("supervision:lifecycle-step", args=[obligation.supervisee.uuid, "notified"])
    return reverse("supervision:today")


def _message(*, obligation: Obligation, level: int, recipients: list) -> dict:
    """The outbox message for a level's audience (inbox; e-mail with an address; SMS from the office level)."""
    # Neutral text: the kind, the date and the case-number tail, never the supervisee's name (it travels
    # by e-mail and SMS); the tail tells the officer which case it is without naming anyone.
    subject = _("Overdue: %(kind)s, due %(date)s") % {
        "kind": obligation.get_kind_display(),
        "date": timezone.localdate(obligation.due_at).isoformat(),
    }
    if obligation.supervisee_id is not None:
        subject = f"{subject} · {naming.case_tail(obligation.supervisee)}"
    else:  # owned by an office or the bureau: the source row's number (a request, a session, an item …)
        reference = SOURCE_PAGES.get(obligation.kind, SOURCE_PAGES[Obligation.Kind.INVESTIGATION])[1]
        subject = f"{subject} · " + reference % {"number": obligation.source_id}
    body = _("Escalated to: %(level)s.") % {"level": Obligation.Level(level).label}
    if obligation.kind in ALERT_HINTS:
        body += " " + str(ALERT_HINTS[obligation.kind])
    return {
        "recipients": recipients,
        "kind": NOTIFICATION_KIND,
        "subject": subject,
        "body": body,
        "link": _link(obligation),
        "about": obligation,
        "person": obligation.supervisee,
        "sms": level >= Obligation.Level.OFFICE,
    }


def escalate_obligations(
    *, obligation_ids: list[int], now: dt.datetime | None = None, delays: dict[int, dt.timedelta] | None = None
) -> int:
    """Raise every level the given obligations have reached and not yet raised, each exactly once; returns how
    many (obligation, level) alerts were raised."""
    return len(_escalate(obligation_ids=obligation_ids, now=now, delays=delays))


def _escalate(
    *, obligation_ids: list[int], now: dt.datetime | None = None, delays: dict[int, dt.timedelta] | None = None
) -> list[tuple[int, int]]:
    """Raise the levels reached; returns the (obligation pk, level) pairs raised, in order.

    A constant number of queries for the whole batch: per level, one locking SELECT of the rows still at
    the level below, one UPDATE, the audiences (one or two queries) and the outbox (two). The SELECT …
    FOR UPDATE re-checks ``escalation_level = L-1`` after waiting for a concurrent worker's lock, so two
    workers at the same moment raise a level once between them.
    """
    now = now or timezone.now()
    delays = delays or escalation_delays()
    # A sealed juvenile record raises no alert (CPL Art. 286); sealing closes its obligations anyway.
    rows = list(
        unsealed(Obligation.objects.select_related("supervisee").filter(pk__in=obligation_ids, done_at__isnull=True))
    )
    targets = {row.pk: level_reached(row, now, delays) for row in rows}
    by_pk = {row.pk: row for row in rows}
    policy = scoping.policy_for(Obligation)
    raised: list[tuple[int, int]] = []
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
        raised += [(pk, level) for pk in won]
    return raised


def escalate_obligation(*, obligation_id: int, now: dt.datetime | None = None) -> list[int]:
    """One obligation: raise every level it has reached and not yet raised; returns the levels raised."""
    return [level for _pk, level in _escalate(obligation_ids=[obligation_id], now=now)]


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


# --- The sentence lifecycle: sentences, documents, status actions, release and termination -------------

Status = Supervisee.Status
# The intake statuses: the person is expected or registered but correction has not begun.
INTAKE_STATUSES = (Status.INTAKE, Status.REGISTERED)
# The statuses from which a termination may happen (death or revocation can come at any point).
TERMINABLE = (Status.INTAKE, Status.REGISTERED, Status.UNDER_CORRECTION, Status.SUSPENDED)


class LifecycleError(ActionError):
    """A lifecycle step the current state or the record does not allow."""


def _may_change(actor: User, supervisee: Supervisee) -> None:
    if not scoping.policy_for(StatusChange).can(actor, "change", supervisee):
        raise PermissionDenied("only officers of the office and the bureau run the lifecycle")


def _lock(supervisee: Supervisee) -> Supervisee:
    return Supervisee.objects.select_for_update().get(pk=supervisee.pk)


def _require_status(supervisee: Supervisee, allowed: tuple[str, ...], action_label: str) -> None:
    if supervisee.status not in allowed:
        raise LifecycleError(
            _("“%(action)s” is not possible while the person is “%(status)s”."),
            code="transition",
            params={"action": action_label, "status": Status(supervisee.status).label},
        )


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise LifecycleError({field: _("The date cannot be in the future.")}, code="invalid")


def _set_status(
    supervisee: Supervisee, *, to: str, action: str, actor: User, on: dt.date, ground: str = "", note: str = ""
) -> StatusChange:
    change = StatusChange.objects.create(
        supervisee=supervisee,
        action=action,
        from_status=supervisee.status,
        to_status=to,
        ground=ground,
        note=note,
        occurred_on=on,
        actor=actor,
    )
    Supervisee.objects.filter(pk=supervisee.pk).update(status=to, updated_at=timezone.now())
    supervisee.status = to
    _notify_status(change, actor)
    return change


def _notify_status(change: StatusChange, actor: User) -> list[int]:
    """Tell the people on the correction team with an account (officers, social workers, mentors) and, for
    a suspension or termination, every officer of the office. Neutral text: the new status and an
    8-character case reference, never the person's name (it travels by e-mail and SMS)."""
    from coordination.models import CorrectionTeamMember

    supervisee = change.supervisee
    team = CorrectionTeamMember.objects.filter(supervisee=supervisee, is_active=True, user__isnull=False)
    recipients = {m.user for m in team.select_related("user") if m.user.is_active}
    if change.to_status in (Status.SUSPENDED, Status.TERMINATED):
        office = scoping.policy_for(Obligation).audience((_AudienceProbe(supervisee), Obligation.Level.OFFICE))
        recipients.update(office)
    recipients.discard(actor)
    subject = _("Supervision status changed to “%(status)s” (case %(ref)s)") % {
        "status": Status(change.to_status).label,
        "ref": str(supervisee.uuid)[:8],
    }
    return notify(
        recipients=sorted(recipients, key=lambda u: u.pk),
        kind=Notification.Kind.SUPERVISION_STATUS,
        subject=subject,
        link=reverse("supervision:lifecycle", args=[supervisee.uuid]),
        about=supervisee,
        person=supervisee,
    )


class _AudienceProbe:
    """What the obligation policy's audience needs to name the office's officers."""

    pk = None

    def __init__(self, supervisee: Supervisee):
        self.supervisee = supervisee
        self.supervisee_id = supervisee.pk


def current_sentence(supervisee: Supervisee) -> Sentence | None:
    """The newest sentence (by effective date) of the supervisee."""
    return Sentence.objects.filter(supervisee=supervisee).order_by("-effective_date", "-pk").first()


def missing_documents(sentence: Sentence | None) -> list[str]:
    """The kinds of required legal document not yet received for the sentence."""
    if sentence is None:
        return list(LegalDocument.REQUIRED)
    have = set(sentence.documents.values_list("kind", flat=True))
    return [kind for kind in LegalDocument.REQUIRED if kind not in have]


def sync_intake_obligations(*, supervisee: Supervisee, sentence: Sentence | None = None) -> int:
    """While in intake: the documents the deciding organ owes (due the delivery period after the effective
    date; done when every required document is in) and its notice of the decision (due the notice period
    after it; done when the office records when it came, ``record_decision_notice``)."""
    if supervisee.status not in INTAKE_STATUSES:
        return 0
    sentence = sentence or current_sentence(supervisee)
    if sentence is None:
        return 0
    created = 0
    if missing_documents(sentence):
        due = rulebook.due(rulebook.DOCUMENT_DELIVERY, sentence.effective_date)
        created += _open(
            supervisee, Obligation.Kind.DOCUMENTS, rule_code=rulebook.DOCUMENT_DELIVERY, due_at=end_of_day(due)
        )
    else:
        Obligation.objects.filter(supervisee=supervisee, kind=Obligation.Kind.DOCUMENTS, done_at__isnull=True).update(
            done_at=timezone.now()
        )
    if sentence.notice_received_on is None:
        due = rulebook.due(rulebook.DECISION_NOTICE, sentence.effective_date)
        created += _open(
            supervisee, Obligation.Kind.DECISION_NOTICE, rule_code=rulebook.DECISION_NOTICE, due_at=end_of_day(due)
        )
    else:
        Obligation.objects.filter(
            supervisee=supervisee, kind=Obligation.Kind.DECISION_NOTICE, done_at__isnull=True
        ).update(done_at=timezone.now())
    return created


@transaction.atomic
def record_sentence(*, supervisee: Supervisee, actor: User, **fields) -> Sentence:
    """Record a sentence from the deciding organ's notice. The supervisee's current-sentence fields follow
    it; a new sentence for a person released or terminated opens a new intake (the old rows stay)."""
    if not scoping.policy_for(Sentence).can(actor, "record", supervisee):
        raise PermissionDenied("only officers of the office and the bureau record sentences")
    supervisee = _lock(supervisee)
    start, end, effective = fields["start"], fields["end"], fields["effective_date"]
    if end < start:
        raise LifecycleError({"end": _("The correction cannot end before it starts.")}, code="invalid")
    _not_future(effective, "effective_date")
    if fields.get("judgment_date") and fields["judgment_date"] > effective:
        raise LifecycleError({"judgment_date": _("The judgment cannot be dated after it took effect.")}, code="invalid")
    offence_date = fields.get("offence_date")
    if offence_date is not None and offence_date > (fields.get("judgment_date") or effective):
        raise LifecycleError({"offence_date": _("The offence cannot be dated after the judgment.")}, code="invalid")
    if offence_date is not None and offence_date < supervisee.date_of_birth:
        raise LifecycleError(
            {"offence_date": _("The offence cannot be dated before the person's birth.")}, code="invalid"
        )
    if fields.get("deprived_political_rights") and not fields.get("deprivation_months"):
        raise LifecycleError(
            {"deprivation_months": _("Enter the term of the deprivation of political rights.")}, code="required"
        )
    if not fields.get("deprived_political_rights"):
        fields["deprivation_months"] = None
    notice_on = fields.get("notice_received_on")
    if notice_on is not None:
        _check_notice_date(notice_on, effective)
        fields["notice_late"] = _notice_late(notice_on, effective)
    if supervisee.status in (Status.UNDER_CORRECTION, Status.SUSPENDED, Status.REGISTERED):
        raise LifecycleError(
            _("The person is serving a sentence; release or terminate it before recording a new one."),
            code="transition",
        )
    sentence = Sentence.objects.create(supervisee=supervisee, created_by=actor, **fields)
    Supervisee.objects.filter(pk=supervisee.pk).update(
        sentence_type=sentence.sentence_type, correction_start=start, correction_end=end
    )
    supervisee.sentence_type, supervisee.correction_start, supervisee.correction_end = (
        sentence.sentence_type,
        start,
        end,
    )
    if supervisee.status in (Status.RELEASED, Status.TERMINATED):
        _set_status(supervisee, to=Status.INTAKE, action="new_sentence", actor=actor, on=effective)
    sync_obligations(supervisee=supervisee)
    return sentence


def _check_notice_date(received_on: dt.date, effective: dt.date) -> None:
    _not_future(received_on, "notice_received_on")
    if received_on < effective:
        raise LifecycleError(
            {"notice_received_on": _("The notice cannot arrive before the decision took effect.")}, code="invalid"
        )


def _notice_late(received_on: dt.date, effective: dt.date) -> bool:
    """Came after the rule book's notice period (CCL Art. 20: 5 days from the decision taking effect)."""
    return received_on > rulebook.due(rulebook.DECISION_NOTICE, effective)


@transaction.atomic
def record_decision_notice(*, sentence: Sentence, actor: User, notice_received_on: dt.date) -> Sentence:
    """Record the day the deciding organ's notice of the decision arrived (and whether it came late); closes
    the office's clock of chasing it."""
    if not scoping.policy_for(Sentence).can(actor, "record", sentence.supervisee):
        raise PermissionDenied("only officers of the office and the bureau record the decision notice")
    sentence = Sentence.objects.select_for_update().get(pk=sentence.pk)
    if sentence.notice_received_on is not None:
        raise LifecycleError(_("The arrival of the decision notice is already recorded."), code="conflict")
    _check_notice_date(notice_received_on, sentence.effective_date)
    sentence.notice_received_on = notice_received_on
    sentence.notice_late = _notice_late(notice_received_on, sentence.effective_date)
    sentence.save(update_fields=["notice_received_on", "notice_late"])
    _close_kind(sentence.supervisee, Obligation.Kind.DECISION_NOTICE, actor)
    return sentence


@transaction.atomic
def record_document(
    *, sentence: Sentence, actor: User, kind: str, received_at: dt.date, receipt_returned_at: dt.date | None = None
) -> LegalDocument:
    """Record a legal document received for a sentence (and when its receipt went back)."""
    if not scoping.policy_for(Sentence).can(actor, "record", sentence.supervisee):
        raise PermissionDenied("only officers of the office and the bureau record documents")
    _not_future(received_at, "received_at")
    if receipt_returned_at and receipt_returned_at < received_at:
        raise LifecycleError(
            {"receipt_returned_at": _("The receipt cannot go back before the document came.")}, code="invalid"
        )
    document = LegalDocument.objects.create(
        sentence=sentence,
        kind=kind,
        received_at=received_at,
        receipt_returned_at=receipt_returned_at,
        recorded_by=actor,
    )
    sync_intake_obligations(supervisee=sentence.supervisee, sentence=sentence)
    return document


def _close_kind(supervisee: Supervisee, kind: str, actor: User) -> None:
    Obligation.objects.filter(supervisee=supervisee, kind=kind, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=actor
    )


@transaction.atomic
def register(*, supervisee: Supervisee, actor: User, reported_on: dt.date, note: str = "") -> StatusChange:
    """The person reported and is registered (登记): intake → registered. Needs a recorded sentence and the
    required documents; a report after the report period is registered and says it was late."""
    _may_change(actor, supervisee)
    supervisee = _lock(supervisee)
    _require_status(supervisee, (Status.INTAKE,), _("register"))
    _not_future(reported_on, "reported_on")
    sentence = current_sentence(supervisee)
    if sentence is None:
        raise LifecycleError(_("Record the sentence from the deciding organ's notice first."), code="precondition")
    missing = missing_documents(sentence)
    if missing:
        raise LifecycleError(
            _("Documents missing: %(kinds)s. Ask the deciding organ for them before registering."),
            code="precondition",
            params={"kinds": "、".join(str(LegalDocument.Kind(k).label) for k in missing)},
        )
    if reported_on < sentence.effective_date:
        raise LifecycleError(
            {"reported_on": _("The person cannot report before the decision took effect.")}, code="invalid"
        )
    deadline = rulebook.due(rulebook.INTAKE_REPORT, sentence.effective_date)
    if reported_on > deadline:
        late = _("Reported late: due by %(date)s.") % {"date": deadline.isoformat()}
        note = f"{late} {note}".strip()
    change = _set_status(supervisee, to=Status.REGISTERED, action="register", actor=actor, on=reported_on, note=note)
    _close_kind(supervisee, Obligation.Kind.INTAKE_REPORT, actor)
    return change


@transaction.atomic
def announce(
    *,
    supervisee: Supervisee,
    actor: User,
    held_on: dt.date,
    place: str,
    attendees: str,
    items: str,
    is_public: bool = False,
    guardian_present: bool = False,
    signed_scan=None,
) -> Announcement:
    """The intake announcement (入矫宣告): registered → under correction. A minor's is never public and
    a guardian attends."""
    _may_change(actor, supervisee)
    supervisee = _lock(supervisee)
    _require_status(supervisee, (Status.REGISTERED,), _("announce"))
    _not_future(held_on, "held_on")
    fields = {
        "place": place,
        "attendees": attendees,
        "items": items,
        "is_public": is_public,
        "guardian_present": guardian_present,
    }
    errors = _announcement_errors(supervisee, **fields)
    if errors:
        raise LifecycleError(errors, code="invalid")
    announcement = _announcement(
        supervisee, actor, kind=Announcement.Kind.INTAKE, held_on=held_on, signed_scan=signed_scan, **fields
    )
    _set_status(supervisee, to=Status.UNDER_CORRECTION, action="announce", actor=actor, on=held_on)
    announcement_document(announcement=announcement)
    return announcement


def _announcement_errors(
    supervisee: Supervisee, *, place: str, attendees: str, items: str, is_public: bool, guardian_present: bool
) -> dict[str, str]:
    """What is missing or not allowed in an announcement (intake or release), by field."""
    errors = {}
    for name, value in (("place", place), ("attendees", attendees), ("items", items)):
        if not (value or "").strip():
            errors[name] = _("This field is required.")
    if supervisee.is_minor and is_public:
        errors["is_public"] = _("A minor's announcement is not held in public.")
    if supervisee.is_minor and not guardian_present:
        errors["guardian_present"] = _("A minor's guardian must be present.")
    return errors


def _announcement(
    supervisee: Supervisee,
    actor: User,
    *,
    kind: str,
    held_on: dt.date,
    place: str,
    attendees: str,
    items: str,
    is_public: bool,
    guardian_present: bool,
    signed_scan,
) -> Announcement:
    """Write an announcement the caller has checked (``_announcement_errors``)."""
    announcement = Announcement(
        supervisee=supervisee,
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        attendees=attendees.strip(),
        items=items.strip(),
        is_public=is_public,
        guardian_present=guardian_present,
        recorded_by=actor,
    )
    if signed_scan is not None:
        announcement.signed_scan = signed_scan
    announcement.save()
    return announcement


@transaction.atomic
def suspend(*, supervisee: Supervisee, actor: User, on: dt.date, note: str) -> StatusChange:
    """Suspended while detained: under correction → suspended (the reason is required)."""
    _may_change(actor, supervisee)
    supervisee = _lock(supervisee)
    _require_status(supervisee, (Status.UNDER_CORRECTION,), _("suspend"))
    _not_future(on, "on")
    if not note.strip():
        raise LifecycleError({"note": _("Say why (for example, which organ detained the person).")}, code="required")
    return _set_status(supervisee, to=Status.SUSPENDED, action="suspend", actor=actor, on=on, note=note.strip())


@transaction.atomic
def resume(*, supervisee: Supervisee, actor: User, on: dt.date, note: str = "") -> StatusChange:
    """Back from detention: suspended → under correction."""
    _may_change(actor, supervisee)
    supervisee = _lock(supervisee)
    _require_status(supervisee, (Status.SUSPENDED,), _("resume"))
    _not_future(on, "on")
    return _set_status(supervisee, to=Status.UNDER_CORRECTION, action="resume", actor=actor, on=on, note=note.strip())


def _close_out(supervisee: Supervisee, actor: User, *, reason: str, on: dt.date) -> None:
    """What ends with the correction: open needs are closed and their referrals withdrawn (the provider
    sees the reason), the correction team and mentoring end, open obligations close (no more reminders)
    and the archive clock starts."""
    from coordination import actions as casework
    from coordination.models import CorrectionTeamMember, Need, Referral

    for referral in Referral.objects.filter(need__supervisee=supervisee, state__in=Referral.OPEN_STATES):
        casework.transition(referral=referral, to=Referral.State.WITHDRAWN, actor=actor, note=reason, for_provider=True)
    for need in Need.objects.filter(supervisee=supervisee).exclude(status__in=(Need.Status.CLOSED, Need.Status.MET)):
        casework.close_need(need=need, actor=actor, reason=reason)
    CorrectionTeamMember.objects.filter(supervisee=supervisee, is_active=True).update(
        is_active=False, ended_at=timezone.now(), end_reason=reason[:200]
    )
    Obligation.objects.filter(supervisee=supervisee, done_at__isnull=True).update(done_at=timezone.now(), done_by=actor)
    _open(
        supervisee,
        Obligation.Kind.ARCHIVE,
        rule_code=rulebook.ARCHIVE_FILE,
        due_at=end_of_day(rulebook.due(rulebook.ARCHIVE_FILE, on)),
    )
    # The archive (and any other app built on supervision) closes its part of the case here.
    signals.case_closed.send(sender=Supervisee, supervisee=supervisee, actor=actor, on=on)


@transaction.atomic
def release(
    *,
    supervisee: Supervisee,
    actor: User,
    released_on: dt.date,
    place: str,
    attendees: str,
    items: str,
    is_public: bool = False,
    guardian_present: bool = False,
    signed_scan=None,
    notices: Notices | None = None,
) -> StatusChange:
    """Release at the end of the term (解除矫正) with the release announcement: under correction → released.
    Not before the end date. ``notices`` are the closing notices sent with it (see ``_closing_notice_errors``)."""
    _may_change(actor, supervisee)
    supervisee = _lock(supervisee)
    _require_status(supervisee, (Status.UNDER_CORRECTION,), _("release"))
    notices = notices or {}
    fields = {
        "place": place,
        "attendees": attendees,
        "items": items,
        "is_public": is_public,
        "guardian_present": guardian_present,
    }
    errors = release_problems(supervisee, released_on=released_on, notices=notices, **fields)
    if errors:
        raise LifecycleError(errors, code="invalid")
    sentence = current_sentence(supervisee)
    _announcement(
        supervisee, actor, kind=Announcement.Kind.RELEASE, held_on=released_on, signed_scan=signed_scan, **fields
    )
    change = _set_status(supervisee, to=Status.RELEASED, action="release", actor=actor, on=released_on)
    _close_out(supervisee, actor, reason=str(_("Community correction ended: the person was released.")), on=released_on)
    release_certificate(change=change)
    _record_notices(supervisee, actor, notices)
    sealing.seal_on_closing(supervisee=supervisee, sentence=sentence)
    return change


@transaction.atomic
def terminate(
    *,
    supervisee: Supervisee,
    actor: User,
    ground: str,
    on: dt.date,
    note: str = "",
    notices: Notices | None = None,
) -> StatusChange:
    """Termination (终止矫正) on its grounds (revocation, 收监, death, other): → terminated. Other grounds need a note.
    ``notices`` are the closing notices sent with it (see ``_closing_notice_errors``)."""
    _may_change(actor, supervisee)
    supervisee = _lock(supervisee)
    _require_status(supervisee, TERMINABLE, _("terminate"))
    notices = notices or {}
    errors = termination_problems(supervisee, ground=ground, on=on, note=note, notices=notices)
    if errors:
        raise LifecycleError(errors, code="invalid")
    sentence = current_sentence(supervisee)
    change = _set_status(
        supervisee, to=Status.TERMINATED, action="terminate", actor=actor, on=on, ground=ground, note=note.strip()
    )
    _close_out(
        supervisee,
        actor,
        reason=str(_("Community correction ended: %(ground)s.") % {"ground": StatusChange.Ground(ground).label}),
        on=on,
    )
    termination_notice(change=change)
    _record_notices(supervisee, actor, notices)
    sealing.seal_on_closing(supervisee=supervisee, sentence=sentence)
    return change


# --- What a closing needs, all checked at once, and its notices ---------------------------------------------

# Each organ's notice as the release and termination forms give it: the day it was sent and how.
Notices = dict[str, tuple[dt.date | None, str]]


def release_problems(
    supervisee: Supervisee,
    *,
    released_on: dt.date | None = None,
    place: str = "",
    attendees: str = "",
    items: str = "",
    is_public: bool = False,
    guardian_present: bool = False,
    notices: Notices | None = None,
) -> dict[str, str]:
    """Everything wrong with a release as given, by form field, all at once: the page asks before its
    confirmation (so nobody confirms a release that is then refused), and ``release`` before it writes.
    A date the form could not read (None) is left to the form's own message."""
    errors: dict[str, str] = {}
    if released_on is None:
        pass
    elif released_on > timezone.localdate():
        errors["held_on"] = _("A release is recorded on or after the day it happens, not before.")
    elif released_on < supervisee.correction_end:
        errors["held_on"] = _("The term ends on %(date)s; release is not possible before.") % {
            "date": supervisee.correction_end.isoformat()
        }
    errors.update(
        _announcement_errors(
            supervisee,
            place=place,
            attendees=attendees,
            items=items,
            is_public=is_public,
            guardian_present=guardian_present,
        )
    )
    errors.update(_closing_notice_errors(supervisee, closed_on=released_on, notices=notices or {}))
    return errors


def termination_problems(
    supervisee: Supervisee,
    *,
    ground: str = "",
    on: dt.date | None = None,
    note: str = "",
    notices: Notices | None = None,
) -> dict[str, str]:
    """Everything wrong with a termination as given, by form field, all at once (as ``release_problems``)."""
    errors: dict[str, str] = {}
    if on is not None and on > timezone.localdate():
        errors["on"] = _("The date cannot be in the future.")
    if ground not in StatusChange.Ground.values:
        errors["ground"] = _("Choose the grounds.")
    elif ground == StatusChange.Ground.OTHER and not note.strip():
        errors["note"] = _("Say what the grounds are.")
    errors.update(_closing_notice_errors(supervisee, closed_on=on, notices=notices or {}))
    return errors


def closing_problems(step: str, supervisee: Supervisee, data: dict) -> dict[str, str]:
    """``release_problems`` or ``termination_problems`` of a step's parsed form data (a field the form could
    not read is missing from it)."""
    check = release_problems if step == "release" else termination_problems
    return check(supervisee, **_step_arguments(step, data))


def verdict_on_closing(supervisee: Supervisee) -> sealing.Verdict:
    """Whether closing the case now seals the record, and why (the sealing test on the current sentence)."""
    return sealing.verdict(supervisee, current_sentence(supervisee))


def _notice_errors(
    *, sent_on: dt.date | None, method: str, closed_on: dt.date | None, fields: tuple[str, str]
) -> dict[str, str]:
    """What is wrong with one notice of the closing (in the closing's form or recorded later), by field: it
    needs its day, not in the future nor before the day the correction ended, and how it was sent."""
    day_field, method_field = fields
    errors = {}
    if sent_on is None:
        errors[day_field] = _("Say when this notice was sent.")
    elif sent_on > timezone.localdate():
        errors[day_field] = _("The date cannot be in the future.")
    elif closed_on is not None and sent_on < closed_on:
        errors[day_field] = _("A notice is sent on or after the day the correction ended (%(date)s).") % {
            "date": closed_on.isoformat()
        }
    if method not in ReleaseNotice.Method.values:
        errors[method_field] = _("Choose how this notice was sent.")
    return errors


def _closing_notice_errors(supervisee: Supervisee, *, closed_on: dt.date | None, notices: Notices) -> dict[str, str]:
    """The notices sent with a release or termination. One given (a day or a method) is checked and recorded
    with the closing; one left empty is recorded later by the "notice" step. A record that is sealed on
    closing takes no later entry (the sealing veto refuses every write), so there all of them are needed now."""
    seals = verdict_on_closing(supervisee).seals
    errors: dict[str, str] = {}
    for recipient in ReleaseNotice.Recipient.values:
        fields = ReleaseNotice.closing_fields(recipient)
        sent_on, method = notices.get(recipient, (None, ""))
        if sent_on is None and not method:
            if seals:
                errors[fields[0]] = _(
                    "This juvenile record is sealed when the case closes and takes no entry afterwards: "
                    "record this notice now."
                )
            continue
        errors.update(_notice_errors(sent_on=sent_on, method=method, closed_on=closed_on, fields=fields))
    return errors


def _record_notices(supervisee: Supervisee, actor: User, notices: Notices) -> None:
    """Record the notices given with a closing (``_closing_notice_errors`` has checked them)."""
    ReleaseNotice.objects.bulk_create(
        ReleaseNotice(supervisee=supervisee, recipient=recipient, sent_on=sent_on, method=method, recorded_by=actor)
        for recipient, (sent_on, method) in notices.items()
        if sent_on is not None
    )


def _step_arguments(step: str, data: dict) -> dict:
    """A step's parsed form data as its action's arguments (a copy): a closing's notices gathered per organ,
    and the release announcement's date as the release date."""
    data = dict(data)
    if step in ("release", "terminate"):
        notices: Notices = {}
        for recipient in ReleaseNotice.Recipient.values:
            on_field, method_field = ReleaseNotice.closing_fields(recipient)
            notices[recipient] = (data.pop(on_field, None), data.pop(method_field, "") or "")
        data["notices"] = notices
    if step == "release":
        data["released_on"] = data.pop("held_on", None)
    return data


# --- Documents issued through the document service (records; docs/records.md) ---------------------------


def _issue_once(kind: str, *, source: Any, supervisee: Supervisee, actor: User, data, http_request=None):
    """The valid document of ``kind`` issued from ``source`` (whose row the caller has locked), or one issued
    now in the name of ``actor``, the person who took the decision."""
    from records import actions as records

    return records.issued_or_issue(
        kind=kind,
        office=supervisee.judicial_office,
        supervisee=supervisee,
        source=source,
        data=data,
        actor=actor,
        request=http_request,
    )


def _locked_change(change: StatusChange, action: str) -> StatusChange:
    change = (
        StatusChange.objects.select_for_update()
        .select_related("supervisee__judicial_office", "actor")
        .get(pk=change.pk)
    )
    if change.action != action:
        raise ActionError(_("This step has no such document."), code="not_found")
    return change


@transaction.atomic
def release_certificate(*, change: StatusChange, http_request: Any = None) -> IssuedDocument:
    """The 解除社区矫正证明书 of a release, issued once (numbered, stored, hashed) in the name of the officer who
    recorded the release; later calls return the same document until it is voided."""
    from records.models import DocumentKind
    from supervision import documents

    change = _locked_change(change, "release")
    return _issue_once(
        DocumentKind.RELEASE_CERTIFICATE,
        source=change,
        supervisee=change.supervisee,
        actor=change.actor,
        data=lambda: documents.release_data(change, current_sentence(change.supervisee)),
        http_request=http_request,
    )


@transaction.atomic
def termination_notice(*, change: StatusChange, http_request: Any = None) -> IssuedDocument:
    """The 终止社区矫正通知书 of a termination (revocation, 收监, death, other grounds), issued once."""
    from records.models import DocumentKind
    from supervision import documents

    change = _locked_change(change, "terminate")
    return _issue_once(
        DocumentKind.TERMINATION_NOTICE,
        source=change,
        supervisee=change.supervisee,
        actor=change.actor,
        data=lambda: documents.termination_data(change),
        http_request=http_request,
    )


@transaction.atomic
def announcement_document(*, announcement: Announcement, http_request: Any = None) -> IssuedDocument:
    """The 社区矫正宣告书 of an intake announcement, issued once in the name of the officer who recorded it."""
    from records.models import DocumentKind
    from supervision import documents

    announcement = (
        Announcement.objects.select_for_update()
        .select_related("supervisee__judicial_office", "recorded_by")
        .get(pk=announcement.pk)
    )
    if announcement.kind != Announcement.Kind.INTAKE:
        raise ActionError(_("This step has no such document."), code="not_found")
    return _issue_once(
        DocumentKind.INTAKE_ANNOUNCEMENT,
        source=announcement,
        supervisee=announcement.supervisee,
        actor=announcement.recorded_by,
        data=lambda: documents.announcement_data(announcement, current_sentence(announcement.supervisee)),
        http_request=http_request,
    )


@transaction.atomic
def plan_document(*, plan: CorrectionPlan, http_request: Any = None) -> IssuedDocument:
    """The 社区矫正方案 of one version of the correction plan, issued once in the name of its writer."""
    from records.models import DocumentKind
    from supervision import documents

    plan = (
        CorrectionPlan.objects.select_for_update()
        .select_related("supervisee__judicial_office", "created_by")
        .get(pk=plan.pk)
    )
    return _issue_once(
        DocumentKind.CORRECTION_PLAN,
        source=plan,
        supervisee=plan.supervisee,
        actor=plan.created_by,
        data=lambda: documents.plan_data(plan),
        http_request=http_request,
    )


@transaction.atomic
def record_release_notice(
    *, supervisee: Supervisee, actor: User, recipient: str, sent_on: dt.date, method: str
) -> ReleaseNotice:
    """Record the notice of release or termination sent to the deciding organ, procuratorate or public security."""
    _may_change(actor, supervisee)
    supervisee = _lock(supervisee)
    if supervisee.status not in (Status.RELEASED, Status.TERMINATED):
        raise LifecycleError(_("Notices are sent after release or termination."), code="transition")
    closing = StatusChange.closing_of(supervisee)
    errors = _notice_errors(
        sent_on=sent_on,
        method=method,
        closed_on=closing.occurred_on if closing else None,
        fields=("sent_on", "method"),
    )
    if recipient not in ReleaseNotice.Recipient.values:
        errors["recipient"] = _("Choose who the notice was sent to.")
    elif recipient in ReleaseNotice.told_of(supervisee, closing):
        errors["recipient"] = _("The notice to this organ is already recorded.")
    if errors:
        raise LifecycleError(errors, code="invalid")
    return ReleaseNotice.objects.create(
        supervisee=supervisee, recipient=recipient, sent_on=sent_on, method=method, recorded_by=actor
    )


def run_step(step: str, supervisee: Supervisee, actor: User, data: dict):
    """Run a lifecycle step by its name (the pages and the API use the same names)."""
    if step == "sentence":
        return record_sentence(supervisee=supervisee, actor=actor, **data)
    if step == "document":
        sentence = current_sentence(supervisee)
        if sentence is None:
            raise LifecycleError(_("Record the sentence first."), code="precondition")
        return record_document(sentence=sentence, actor=actor, **data)
    if step == "notified":
        sentence = current_sentence(supervisee)
        if sentence is None:
            raise LifecycleError(_("Record the sentence first."), code="precondition")
        return record_decision_notice(sentence=sentence, actor=actor, **data)
    if step == "register":
        return register(supervisee=supervisee, actor=actor, **data)
    if step == "announce":
        return announce(supervisee=supervisee, actor=actor, **data)
    if step == "suspend":
        return suspend(supervisee=supervisee, actor=actor, **data)
    if step == "resume":
        return resume(supervisee=supervisee, actor=actor, **data)
    if step == "release":
        return release(supervisee=supervisee, actor=actor, **_step_arguments(step, data))
    if step == "terminate":
        return terminate(supervisee=supervisee, actor=actor, **_step_arguments(step, data))
    if step == "scan":
        return attach_scan(supervisee=supervisee, actor=actor, **data)
    return record_release_notice(supervisee=supervisee, actor=actor, **data)


@transaction.atomic
def attach_scan(*, supervisee: Supervisee, actor: User, kind: str, signed_scan) -> Announcement:
    """Attach the signed scan to the newest announcement of a kind (intake or release)."""
    _may_change(actor, supervisee)
    announcement = Announcement.objects.filter(supervisee=supervisee, kind=kind).order_by("-held_on", "-pk").first()
    if announcement is None:
        raise LifecycleError({"kind": _("There is no such announcement yet.")}, code="precondition")
    announcement.signed_scan = signed_scan
    announcement.save(update_fields=["signed_scan"])
    return announcement


# --- Pre-sentence investigations (调查评估) ----------------------------------------------------------


@transaction.atomic
def record_investigation(
    *,
    actor: User,
    judicial_office,
    organ_kind: str,
    organ_name: str,
    subject_name: str,
    received_on: dt.date,
    expedited: bool = False,
    subject_resident_id: str = "",
) -> Investigation:
    """Record an investigation request; the opinion is due the rule book's working days after receipt
    (the expedited period for a fast-track case). The person's resident ID number, if given, is kept as its
    keyed hash only and links the request to their record (now, or when they are registered)."""
    if not scoping.policy_for(Investigation).can(actor, "record", judicial_office):
        raise PermissionDenied("only officers of the office and the bureau record investigations")
    _not_future(received_on, "received_on")
    digest = ""
    if subject_resident_id.strip():
        try:
            digest = identity.lookup_hash(identity.validate_resident_id(subject_resident_id))
        except ValidationError as exc:
            raise LifecycleError({"subject_resident_id": exc.messages}, code="invalid") from None
    code = rulebook.INVESTIGATION_EXPEDITED if expedited else rulebook.INVESTIGATION
    investigation = Investigation.objects.create(
        judicial_office=judicial_office,
        organ_kind=organ_kind,
        organ_name=organ_name.strip(),
        subject_name=subject_name.strip(),
        subject_id_hash=digest,
        # A sealed record is never linked to a new request (that would hide a new case with the old one).
        supervisee=Supervisee.objects.filter(resident_id_hash=digest, sealed_at__isnull=True).first()
        if digest
        else None,
        received_on=received_on,
        expedited=expedited,
        rule_code=code,
        due_on=rulebook.due(code, received_on),
        recorded_by=actor,
    )
    Obligation.objects.create(**_investigation_obligation(investigation))
    return investigation


def _investigation_source() -> ContentType:
    return ContentType.objects.get_for_model(Investigation)


def _investigation_obligation(investigation: Investigation, source: ContentType | None = None) -> dict:
    """The fields of the office's obligation for an investigation request: owned by the office (there is no
    supervisee), due at the end of the request's due day, the request as its source."""
    return {
        "judicial_office_id": investigation.judicial_office_id,
        "kind": Obligation.Kind.INVESTIGATION,
        "rule_code": investigation.rule_code,
        "due_at": end_of_day(investigation.due_on),
        "source_type": source or _investigation_source(),
        "source_id": investigation.pk,
    }


def investigation_obligations(investigations) -> QuerySet[Obligation]:
    """The obligations of these investigation requests (open or done)."""
    return Obligation.objects.filter(
        kind=Obligation.Kind.INVESTIGATION,
        source_type=_investigation_source(),
        source_id__in=[i.pk for i in investigations],
    )


@transaction.atomic
def correct_investigation(
    *, investigation: Investigation, actor: User, received_on: dt.date, expedited: bool
) -> Investigation:
    """Correct the day a request came or whether it is expedited: the due date is worked out again and the
    office's open obligation moves with it (its escalations start again if the new date is not yet past)."""
    if not scoping.policy_for(Investigation).can(actor, "record", investigation.judicial_office):
        raise PermissionDenied("only officers of the office and the bureau correct investigations")
    investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
    if investigation.opinion_sent_on is not None:
        raise LifecycleError(_("The opinion is already sent: the request can no longer change."), code="conflict")
    _not_future(received_on, "received_on")
    code = rulebook.INVESTIGATION_EXPEDITED if expedited else rulebook.INVESTIGATION
    investigation.received_on = received_on
    investigation.expedited = expedited
    investigation.rule_code = code
    investigation.due_on = rulebook.due(code, received_on)
    investigation.save(update_fields=["received_on", "expedited", "rule_code", "due_on"])
    _move_investigation_obligations([investigation])
    return investigation


def _move_investigation_obligations(investigations: list[Investigation], now: dt.datetime | None = None) -> int:
    """Make the office's obligations agree with their requests (a constant number of queries): open the
    missing ones, move a due date that changed (the escalation restarts when the new date is not past),
    close those whose opinion was sent. Returns how many rows were opened or moved."""
    now = now or timezone.now()
    source = _investigation_source()
    rows = {
        o.source_id: o
        for o in Obligation.objects.filter(
            kind=Obligation.Kind.INVESTIGATION,
            source_type=source,
            source_id__in=[i.pk for i in investigations],
            done_at__isnull=True,
        )
    }
    answered = [rows[i.pk].pk for i in investigations if i.opinion_sent_on is not None and i.pk in rows]
    if answered:
        Obligation.objects.filter(pk__in=answered).update(done_at=now)
    missing, moved = [], []
    for investigation in investigations:
        if investigation.opinion_sent_on is not None:
            continue
        row = rows.get(investigation.pk)
        if row is None:
            missing.append(Obligation(**_investigation_obligation(investigation, source)))
        elif row.due_at != end_of_day(investigation.due_on) or row.rule_code != investigation.rule_code:
            row.due_at, row.rule_code = end_of_day(investigation.due_on), investigation.rule_code
            if row.due_at >= now:
                row.escalation_level, row.escalated_at = Obligation.Level.NONE, None
            moved.append(row)
    if missing:
        Obligation.objects.bulk_create(missing, ignore_conflicts=True)
    if moved:
        Obligation.objects.bulk_update(moved, ["due_at", "rule_code", "escalation_level", "escalated_at"])
    return len(missing) + len(moved)


def sync_investigation_obligations(*, now: dt.datetime | None = None) -> int:
    """The nightly catch-up: every request still waiting for its opinion has its office's obligation, due when
    the request is due (whatever changed the request); answered requests owe nothing."""
    open_requests = Investigation.objects.filter(opinion_sent_on__isnull=True)
    source = _investigation_source()
    stale = Obligation.objects.filter(
        kind=Obligation.Kind.INVESTIGATION, source_type=source, done_at__isnull=True
    ).exclude(source_id__in=open_requests.values("pk"))
    closed = stale.update(done_at=now or timezone.now())
    return closed + _move_investigation_obligations(list(open_requests), now=now)


@transaction.atomic
def record_opinion(
    *, investigation: Investigation, actor: User, opinion: str, opinion_note: str, opinion_sent_on: dt.date
) -> Investigation:
    """Record the opinion and the day it went to the requesting organ (closes the clock)."""
    if not scoping.policy_for(Investigation).can(actor, "record", investigation.judicial_office):
        raise PermissionDenied("only officers of the office and the bureau record opinions")
    investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
    if investigation.opinion_sent_on is not None:
        raise LifecycleError(_("The opinion is already recorded."), code="conflict")
    _not_future(opinion_sent_on, "opinion_sent_on")
    if opinion_sent_on < investigation.received_on:
        raise LifecycleError({"opinion_sent_on": _("The opinion cannot go before the request came.")}, code="invalid")
    if opinion not in Investigation.Opinion.values:
        raise LifecycleError({"opinion": _("Choose the opinion.")}, code="required")
    if not opinion_note.strip():
        raise LifecycleError({"opinion_note": _("Give the reasons for the opinion.")}, code="required")
    investigation.opinion = opinion
    investigation.opinion_note = opinion_note.strip()
    investigation.opinion_sent_on = opinion_sent_on
    investigation.save(update_fields=["opinion", "opinion_note", "opinion_sent_on"])
    investigation_obligations([investigation]).filter(done_at__isnull=True).update(
        done_at=timezone.now(), done_by=actor
    )
    return investigation


def investigation_overdue(investigation: Investigation, today: dt.date | None = None) -> bool:
    """Due on the last day, overdue the next (while no opinion was sent)."""
    today = today or timezone.localdate()
    return investigation.opinion_sent_on is None and today > investigation.due_on


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
    plan_document(plan=plan)
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


def check_decider(*, review: ClassificationReview, actor: User) -> None:
    """Raise the refusal if ``actor`` may not decide ``review`` (the page asks before its confirmation)."""
    if not scoping.can(actor, "decide", review):
        raise ActionError(
            _("Only the head of this person's judicial office decides a classification."), code="forbidden"
        )
    if review.proposed_by_id == actor.pk:
        raise ActionError(_("Nobody approves their own proposal: another head must decide."), code="forbidden")


@transaction.atomic
def decide_review(
    *, review: ClassificationReview, actor: User, approve: bool, note: str = "", now: dt.datetime | None = None
) -> ClassificationReview:
    """The office head approves (a new plan version at the new level) or rejects (with a note) a proposal.
    Nobody decides their own proposal."""
    check_decider(review=review, actor=actor)
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


# --- sanction grounds --------------------------------------------------------------------------------


@transaction.atomic
def record_ground(
    *,
    supervisee: Supervisee,
    code: str,
    occurred_on: dt.date,
    facts: str = "",
    source: object | None = None,
    actor: User | None = None,
) -> tuple[SanctionGround, bool]:
    """Record a sanction ground; returns it and whether it is new.

    ``actor`` None is the platform itself (a clock ran out; called from another action or a task). A
    person recording a ground by hand must be allowed by the policy. A source (an episode, a request, an
    order) gives each ground once: recording it again returns the row already there.
    """
    if actor is not None and not scoping.policy_for(SanctionGround).can(actor, "record", supervisee):
        raise PermissionDenied(_("Only officers of the person's judicial office and the bureau record grounds."))
    if code not in SanctionGround.Code.values:
        raise ValidationError({"code": _("Choose a ground from the list.")})
    source_type = ContentType.objects.get_for_model(source) if source is not None else None
    source_id = source.pk if source is not None else None
    if source is not None:
        existing = SanctionGround.objects.filter(
            supervisee=supervisee, code=code, source_type=source_type, source_id=source_id
        ).first()
        if existing is not None:
            return existing, False
    ground = SanctionGround.objects.create(
        supervisee=supervisee,
        code=code,
        occurred_on=occurred_on,
        facts=facts.strip(),
        source_type=source_type,
        source_id=source_id,
        recorded_by=actor,
    )
    return ground, True
