"""Every write of cases and referrals, by sub-domain. Views, the API, Celery tasks, the demo and other
apps call these through ``coordination.actions`` (re-exported here), never the modules below directly.

- ``referrals``: the referral state machine (``MACHINE``, on ``accounts.statemachine``), ``transition``
  (the only function that changes ``Referral.state``), ``apply_verb``, ``create_referral``.
- ``escalation``: overdue referrals, step by step (officers, then the bureau, then expiry).
- ``supervisees``: registering and editing a supervisee (ID-number checks, logged and throttled).
- ``team``: the correction team (Community Corrections Law Art. 25).
- ``casework``: needs, case notes, consents (and their withdrawal).
- ``documents``: the referral letter, issued through the document service (``records``).
- ``access_log``: one row per read or export of a case record.
- ``keys``: rotating the field keys of resident ID numbers.
- ``_base``: the errors and who is told about a referral (through ``notifications``).

Each write takes the ``actor`` and asks the coordination policy inside the action, so a page, the API
and a task are refused the same way with the same message.
"""

from coordination.actions._base import NoPlaceLeft, ReferralError
from coordination.actions.access_log import log_access
from coordination.actions.casework import add_note, close_need, record_consent, record_need, withdraw_consent
from coordination.actions.documents import LETTER_STATES, referral_letter
from coordination.actions.escalation import escalate_referral
from coordination.actions.keys import KeyRotationBatch, rotate_resident_id_keys
from coordination.actions.referrals import (
    CASE,
    MACHINE,
    PLACE_STATES,
    PROVIDER,
    REFERRAL_CREATE,
    SYSTEM,
    TRANSITIONS,
    VERBS,
    allowed_verbs,
    apply_verb,
    create_referral,
    notify_provider_deactivated,
    transition,
)
from coordination.actions.supervisees import EDITABLE_FIELDS, create_supervisee, probe_resident_id, update_supervisee
from coordination.actions.team import add_team_member, end_volunteer_memberships, remove_team_member

__all__ = [
    "CASE",
    "EDITABLE_FIELDS",
    "LETTER_STATES",
    "MACHINE",
    "PLACE_STATES",
    "PROVIDER",
    "REFERRAL_CREATE",
    "SYSTEM",
    "TRANSITIONS",
    "VERBS",
    "KeyRotationBatch",
    "NoPlaceLeft",
    "ReferralError",
    "add_note",
    "add_team_member",
    "allowed_verbs",
    "apply_verb",
    "close_need",
    "create_referral",
    "create_supervisee",
    "end_volunteer_memberships",
    "escalate_referral",
    "log_access",
    "notify_provider_deactivated",
    "probe_resident_id",
    "record_consent",
    "record_need",
    "referral_letter",
    "remove_team_member",
    "rotate_resident_id_keys",
    "transition",
    "update_supervisee",
    "withdraw_consent",
]
