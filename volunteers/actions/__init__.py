"""Every write about volunteers, by sub-domain. Views, the API, Celery tasks and the demo call these.

Each write takes the ``actor`` (the signed-in user, or ``None`` for the system: the demo loader,
scheduled tasks) and asks the volunteers policy inside the action, so a page, the API and a task
are refused the same way with the same message. Rules kept here: the vetting machine
(``vetting.MACHINE``, on ``accounts.statemachine``), nobody decides on their own record, the
training gate, capacity and waitlist under a row lock on the shift, no overlapping shifts for one
volunteer, idempotent hour entries, reminders sent once. Mails are queued with
``transaction.on_commit`` so nothing is sent for a write that rolled back.
"""

from volunteers.actions._base import VolunteerActionError, mail_suppressed
from volunteers.actions.hours import check_in_or_out, log_hours, review_hours
from volunteers.actions.records import issue_certificate, rotate_feed_token
from volunteers.actions.reminders import (
    send_due_shift_reminders,
    send_pending_hours_digest,
    send_training_expiry_warnings,
)
from volunteers.actions.shifts import (
    book_shift,
    cancel_booking,
    cancel_shift,
    create_opportunity,
    create_shift,
    reschedule_shift,
)
from volunteers.actions.training import record_training, set_mentoring
from volunteers.actions.vetting import (
    CONSENT_VERSION,
    ENDS_SERVICE,
    NEEDS_CORE_TRAINING,
    TRANSITIONS,
    allowed_transitions,
    notify_duplicate_application,
    submit_application,
    transition,
)

__all__ = [
    "CONSENT_VERSION",
    "ENDS_SERVICE",
    "NEEDS_CORE_TRAINING",
    "TRANSITIONS",
    "VolunteerActionError",
    "allowed_transitions",
    "book_shift",
    "cancel_booking",
    "cancel_shift",
    "check_in_or_out",
    "create_opportunity",
    "create_shift",
    "issue_certificate",
    "log_hours",
    "mail_suppressed",
    "notify_duplicate_application",
    "record_training",
    "reschedule_shift",
    "rotate_feed_token",
    "review_hours",
    "send_due_shift_reminders",
    "send_pending_hours_digest",
    "send_training_expiry_warnings",
    "set_mentoring",
    "submit_application",
    "transition",
]
