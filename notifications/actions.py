"""Every write of the outbox: ``notify`` (write rows), delivery (claim, send, record), inbox and preferences.

``notify`` is the one way any app sends a message. It writes one row per recipient and channel
in the caller's transaction and queues delivery after the commit, so an outage of the mail
server never fails a request and never loses a message: the periodic sweep delivers what the
queue missed, retries failures with backoff, and re-tries rows whose worker died mid-send.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from accounts.retry import TRANSIENT_ERRORS
from config.queue import enqueue
from notifications import conf
from notifications.channels import channel_for
from notifications.models import Notification, Preference, topic_for

if TYPE_CHECKING:
    from accounts.models import User

Channel = Notification.Channel
Status = Notification.Status


@dataclass(frozen=True)
class Address:
    """A recipient without an account (an applicant): an e-mail address and/or a phone number."""

    email: str = ""
    phone: str = ""


# --- Writing ------------------------------------------------------------------


def quiet_until(preference: Preference | None, now: dt.datetime) -> dt.datetime | None:
    """The end of the user's quiet hours if ``now`` falls in them (local time), else None."""
    if preference is None or preference.quiet_start is None or preference.quiet_end is None:
        return None
    start, end = preference.quiet_start, preference.quiet_end
    local = timezone.localtime(now, timezone.get_default_timezone())
    t = local.time()
    inside = start <= t < end if start < end else (t >= start or t < end)
    if start == end or not inside:
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += dt.timedelta(days=1)
    return until


def notify(
    *,
    recipients: Iterable[User | Address | None],
    kind: str,
    subject: str,
    body: str = "",
    link: str = "",
    about: Model | None = None,
    person: Model | None = None,
    sms: bool = False,
) -> list[int]:
    """Write outbox rows: for a user, the inbox, e-mail if they have an address and SMS if asked and a phone
    (minus what their preferences turn off; e-mail and SMS wait out quiet hours); for a bare address, e-mail
    and/or SMS. ``person``: the supervisee the message is about, if any (their sealing withdraws it). Delivery
    is queued after the commit. Returns the row ids."""
    return notify_many(
        [
            {
                "recipients": list(recipients),
                "kind": kind,
                "subject": subject,
                "body": body,
                "link": link,
                "about": about,
                "person": person,
                "sms": sms,
            }
        ]
    )


def notify_many(messages: list[dict]) -> list[int]:
    """``notify`` for many messages at once (each a dict of notify's arguments) in a constant number of
    queries: one for the recipients' preferences, one insert. For periodic tasks that alert in batches."""
    now = timezone.now()
    user_ids = {r.pk for m in messages for r in m["recipients"] if r is not None and not isinstance(r, Address)}
    preferences = {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)} if user_ids else {}
    rows: list[Notification] = []
    for message in messages:
        kind = message["kind"]
        common = {
            "kind": kind,
            "subject": str(message["subject"])[:200],
            "body": str(message.get("body", "")),
            "url": message.get("link", ""),
        }
        if message.get("about") is not None:
            common["topic"] = topic_for(message["about"])
        if message.get("person") is not None:
            common["person"] = topic_for(message["person"])
        sms = message.get("sms", False)
        seen: set[object] = set()
        for r in message["recipients"]:
            if r is None:
                continue
            if isinstance(r, Address):
                for channel, address in ((Channel.EMAIL, r.email.strip()), (Channel.SMS, r.phone.strip())):
                    if address and (channel, address.lower()) not in seen:
                        seen.add((channel, address.lower()))
                        rows.append(Notification(channel=channel, address=address, **common))
                continue
            if r.pk in seen or not r.is_active:
                continue
            seen.add(r.pk)
            preference = preferences.get(r.pk)
            wanted = [Channel.INBOX]
            if r.email:
                wanted.append(Channel.EMAIL)
            if sms and r.phone:
                wanted.append(Channel.SMS)
            for channel in wanted:
                if preference is not None and not preference.allows(kind, channel):
                    continue
                due = None if channel == Channel.INBOX else quiet_until(preference, now)
                rows.append(Notification(channel=channel, recipient=r, due_at=due, **common))
    created = Notification.objects.bulk_create(rows)
    # Inbox rows are "delivered" too (marked sent at once), so every row ends in the same statuses.
    ids = [row.pk for row in created]
    if ids:
        # Robust: if queueing fails (broker down; in eager mode, a failed first delivery) the request
        # has committed and must not fail; the rows stay pending for the periodic sweep.
        transaction.on_commit(lambda: _queue_delivery(ids), robust=True)
    return ids


def _queue_delivery(ids: list[int]) -> None:
    from notifications import tasks

    enqueue(tasks.deliver_notifications, ids)


# --- Delivery -------------------------------------------------------------------


def _due() -> Q:
    return Q(due_at__isnull=True) | Q(due_at__lte=timezone.now())


def deliver_notification(*, notification_id: int) -> bool:
    """Deliver one outbox row at most once per claim: claim it by conditional update, send, mark sent.

    A transient failure puts the row back to pending with a later ``due_at`` (backoff) and is raised
    for the task's own retry; a permanent one, or the last attempt, marks it failed for the bureau.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(_due(), pk=notification_id, status=Status.PENDING).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        channel_for(notification.channel).send(notification)
    except Exception as exc:
        transient = isinstance(exc, TRANSIENT_ERRORS)
        failed = not transient or notification.attempts >= conf.MAX_ATTEMPTS()
        Notification.objects.filter(pk=notification_id, status=Status.SENDING).update(
            status=Status.FAILED if failed else Status.PENDING,
            retry_at=None if failed else timezone.now() + conf.BACKOFF(notification.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:500],
        )
        if not failed:
            raise
        return False
    Notification.objects.filter(pk=notification_id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now()
    )
    return True


def deliver_notifications(*, notification_ids: Iterable[int]) -> int:
    """Deliver each row (claimed one by one); a transient failure of one row is raised after the others were tried."""
    delivered, transient = 0, None
    for pk in notification_ids:
        try:
            delivered += deliver_notification(notification_id=pk)
        except TRANSIENT_ERRORS as exc:
            transient = transient or exc
    if transient is not None:
        raise transient
    return delivered


def release_stale_claims(*, older_than: dt.timedelta | None = None) -> int:
    """Rows left 'sending' by a worker that died are tried again (same key and Message-ID), or fail if out of tries."""
    cutoff = timezone.now() - (older_than or conf.CLAIM_TIMEOUT())
    stale = Notification.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff)
    note = "claim expired: the worker stopped before recording the result"
    failed = stale.filter(attempts__gte=conf.MAX_ATTEMPTS()).update(status=Status.FAILED, last_error=note)
    return failed + stale.update(status=Status.PENDING, retry_at=None, last_error=note)


def requeue(*, notification_ids: Iterable[int]) -> list[int]:
    """Put failed or stuck rows back to pending with fresh attempts, and queue their delivery (never a sent one)."""
    ids = list(
        Notification.objects.filter(pk__in=list(notification_ids))
        .exclude(status=Status.SENT)
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=ids).exclude(status=Status.SENT).update(
        status=Status.PENDING, attempts=0, claimed_at=None, retry_at=None, last_error=""
    )
    if ids:
        transaction.on_commit(lambda: _queue_delivery(ids), robust=True)
    return ids


def forget_person(*, person: Model) -> dict[str, int]:
    """Withdraw every message about a person whose record is sealed (CPL Art. 286; CCL Art. 54): their inbox
    rows go from every inbox, what is not delivered yet is never delivered, and of an e-mail or SMS already
    sent only the delivery record stays (when, to whom, by which channel), without its text or link. Runs in
    the caller's transaction (the sealing)."""
    rows = Notification.objects.about_person(person)
    undelivered = rows.filter(Q(channel=Channel.INBOX) | ~Q(status=Status.SENT))
    deleted = undelivered.delete()[0]
    redacted = rows.update(subject="", body="", url="", topic="")
    return {"withdrawn": deleted, "redacted": redacted}


# --- The inbox and preferences ----------------------------------------------------


@transaction.atomic
def mark_read(*, notification: Notification) -> None:
    """Mark an inbox message read (only the recipient's own, checked by the caller's queryset)."""
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def mark_all_read(*, user: User) -> int:
    """Mark every unread message in the user's inbox read; returns how many."""
    from notifications import selectors

    return selectors.inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def set_preferences(
    *, user: User, muted: Iterable[str], quiet_start: dt.time | None, quiet_end: dt.time | None
) -> Preference:
    """Save which channels the user turned off per kind, and their quiet hours."""
    allowed = {f"{k}:{c}" for k in Notification.Kind.values for c in Channel.values if c != Channel.INBOX}
    preference, _created = Preference.objects.update_or_create(
        user=user,
        defaults={"muted": sorted(set(muted) & allowed), "quiet_start": quiet_start, "quiet_end": quiet_end},
    )
    return preference
