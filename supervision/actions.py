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
from config.errors import ActionError
from coordination import naming
from coordination.models import LIVE_STATUSES, Supervisee
from notifications.actions import notify
from notifications.models import Notification
from supervision import rulebook
from supervision.models import (
    Announcement,
    Holiday,
    Investigation,
    LegalDocument,
    Obligation,
    ObligationFeed,
    ReleaseNotice,
    Rule,
    RuleChange,
    Sentence,
    StatusChange,
    new_token,
)

if TYPE_CHECKING:
    from accounts.models import User

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
    if obligation.kind == Obligation.Kind.INTAKE_REPORT:
        # 漏管: the person did not report in time; the office must tell the deciding organ.
        body += " " + _("Not reported in time (漏管): find the person and notify the deciding organ.")
    elif obligation.kind == Obligation.Kind.DOCUMENTS:
        body += " " + _("Legal documents are missing: ask the deciding organ to deliver them.")
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
    )


class _AudienceProbe:
    """What the obligation policy's audience needs to name the office's officers."""

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
    date; done when every required document is in) and the person's report (due the report period after it)."""
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
    if fields.get("deprived_political_rights") and not fields.get("deprivation_months"):
        raise LifecycleError(
            {"deprivation_months": _("Enter the term of the deprivation of political rights.")}, code="required"
        )
    if not fields.get("deprived_political_rights"):
        fields["deprivation_months"] = None
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
    announcement = _announcement(
        supervisee,
        actor,
        kind=Announcement.Kind.INTAKE,
        held_on=held_on,
        place=place,
        attendees=attendees,
        items=items,
        is_public=is_public,
        guardian_present=guardian_present,
        signed_scan=signed_scan,
    )
    _set_status(supervisee, to=Status.UNDER_CORRECTION, action="announce", actor=actor, on=held_on)
    return announcement


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
    _not_future(held_on, "held_on")
    errors = {}
    for name, value in (("place", place), ("attendees", attendees), ("items", items)):
        if not (value or "").strip():
            errors[name] = _("This field is required.")
    if supervisee.is_minor and is_public:
        errors["is_public"] = _("A minor's announcement is not held in public.")
    if supervisee.is_minor and not guardian_present:
        errors["guardian_present"] = _("A minor's guardian must be present.")
    if errors:
        raise LifecycleError(errors, code="invalid")
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
) -> StatusChange:
    """Release at the end of the term (解除矫正) with the release announcement: under correction → released.
    Not before the end date."""
    _may_change(actor, supervisee)
    supervisee = _lock(supervisee)
    _require_status(supervisee, (Status.UNDER_CORRECTION,), _("release"))
    if released_on < supervisee.correction_end:
        raise LifecycleError(
            {
                "released_on": _("The term ends on %(date)s; release is not possible before.")
                % {"date": supervisee.correction_end.isoformat()}
            },
            code="precondition",
        )
    _announcement(
        supervisee,
        actor,
        kind=Announcement.Kind.RELEASE,
        held_on=released_on,
        place=place,
        attendees=attendees,
        items=items,
        is_public=is_public,
        guardian_present=guardian_present,
        signed_scan=signed_scan,
    )
    change = _set_status(supervisee, to=Status.RELEASED, action="release", actor=actor, on=released_on)
    _close_out(supervisee, actor, reason=str(_("Community correction ended: the person was released.")), on=released_on)
    return change


@transaction.atomic
def terminate(*, supervisee: Supervisee, actor: User, ground: str, on: dt.date, note: str = "") -> StatusChange:
    """Termination (终止矫正) on its grounds (revocation, 收监, death, other): → terminated. Other grounds need a note."""
    _may_change(actor, supervisee)
    supervisee = _lock(supervisee)
    _require_status(supervisee, TERMINABLE, _("terminate"))
    _not_future(on, "on")
    if ground not in StatusChange.Ground.values:
        raise LifecycleError({"ground": _("Choose the grounds.")}, code="required")
    if ground == StatusChange.Ground.OTHER and not note.strip():
        raise LifecycleError({"note": _("Say what the grounds are.")}, code="required")
    change = _set_status(
        supervisee, to=Status.TERMINATED, action="terminate", actor=actor, on=on, ground=ground, note=note.strip()
    )
    _close_out(
        supervisee,
        actor,
        reason=str(_("Community correction ended: %(ground)s.") % {"ground": StatusChange.Ground(ground).label}),
        on=on,
    )
    return change


@transaction.atomic
def record_release_notice(
    *, supervisee: Supervisee, actor: User, recipient: str, sent_on: dt.date, method: str
) -> ReleaseNotice:
    """Record the notice of release or termination sent to the deciding organ, procuratorate or public security."""
    _may_change(actor, supervisee)
    supervisee = _lock(supervisee)
    if supervisee.status not in (Status.RELEASED, Status.TERMINATED):
        raise LifecycleError(_("Notices are sent after release or termination."), code="transition")
    _not_future(sent_on, "sent_on")
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
    if step == "register":
        return register(supervisee=supervisee, actor=actor, **data)
    if step == "announce":
        return announce(supervisee=supervisee, actor=actor, **data)
    if step == "suspend":
        return suspend(supervisee=supervisee, actor=actor, **data)
    if step == "resume":
        return resume(supervisee=supervisee, actor=actor, **data)
    if step == "release":
        data["released_on"] = data.pop("held_on")
        return release(supervisee=supervisee, actor=actor, **data)
    if step == "terminate":
        return terminate(supervisee=supervisee, actor=actor, **data)
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
) -> Investigation:
    """Record an investigation request; the opinion is due the rule book's working days after receipt
    (the expedited period for a fast-track case)."""
    if not scoping.policy_for(Investigation).can(actor, "record", judicial_office):
        raise PermissionDenied("only officers of the office and the bureau record investigations")
    _not_future(received_on, "received_on")
    code = rulebook.INVESTIGATION_EXPEDITED if expedited else rulebook.INVESTIGATION
    return Investigation.objects.create(
        judicial_office=judicial_office,
        organ_kind=organ_kind,
        organ_name=organ_name.strip(),
        subject_name=subject_name.strip(),
        received_on=received_on,
        expedited=expedited,
        rule_code=code,
        due_on=rulebook.due(code, received_on),
        recorded_by=actor,
    )


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
    return investigation


def investigation_overdue(investigation: Investigation, today: dt.date | None = None) -> bool:
    """Due on the last day, overdue the next (while no opinion was sent)."""
    today = today or timezone.localdate()
    return investigation.opinion_sent_on is None and today > investigation.due_on
