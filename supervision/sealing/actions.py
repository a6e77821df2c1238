"""Sealing juvenile records (issue 17 item 5): the test, the seal on closing, and the opening for a judicial organ.

Criminal Procedure Law (2018) Art. 286: a person under 18 at the time of the offence and sentenced to five
years' fixed-term imprisonment or less has the criminal record sealed; it is given to no unit or person
except a judicial organ for handling a case (or a unit querying under state rules), which keeps it
confidential. Community Corrections Law Art. 54 keeps minors' identity and archives confidential on the same
terms. Both thresholds and the opening window are rule-book rows (``supervision/migrations/0029``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from config.errors import ActionError
from coordination.actions import log_access
from coordination.models import AccessLog, SealedRecordOpening, SentenceType, Supervisee
from notifications.actions import forget_person
from supervision import rulebook
from supervision.models import Investigation, Obligation, Rule, Sentence

if TYPE_CHECKING:
    from accounts.models import User


class SealingError(ActionError):
    """An opening of a sealed record the rules refuse."""


@dataclass(frozen=True)
class Verdict:
    """Whether a case is sealed on closing, and why (or what is missing to decide)."""

    seals: bool
    reason: str


def _limit_months(code: str) -> int:
    row = rulebook.rule(code)
    return row.value * 12 if row.unit == Rule.Unit.YEARS else row.value


def principal_term(sentence: Sentence) -> int | None:
    """The principal penalty in months: as recorded, or for surveillance (管制, itself the principal penalty)
    the term served in the community."""
    if sentence.principal_term_months is not None:
        return sentence.principal_term_months
    if sentence.sentence_type == SentenceType.SURVEILLANCE:
        return sentence.term_months
    return None


def verdict(supervisee: Supervisee, sentence: Sentence | None) -> Verdict:
    """The sealing test on the sentence the case closes with: under the rule book's age at the offence date
    and a principal penalty no longer than the rule book's maximum."""
    if sentence is None or sentence.offence_date is None:
        return Verdict(False, _("The offence date is not recorded."))
    age = rulebook.rule(rulebook.SEALING_AGE)
    adult_on = rulebook.add(age.value, age.unit, supervisee.date_of_birth)
    if sentence.offence_date >= adult_on:
        return Verdict(False, _("The person was not a minor at the time of the offence."))
    term = principal_term(sentence)
    if term is None:
        return Verdict(False, _("The principal penalty term is not recorded."))
    if term > _limit_months(rulebook.SEALING_MAX_SENTENCE):
        return Verdict(False, _("The sentence is longer than the limit for sealing."))
    return Verdict(
        True,
        _(
            "Under %(age)s at the offence (%(date)s) and sentenced to %(months)s months: sealed by Criminal "
            "Procedure Law Art. 286 and Community Corrections Law Art. 54."
        )
        % {"age": age.value, "date": sentence.offence_date.isoformat(), "months": term},
    )


def seal_on_closing(*, supervisee: Supervisee, sentence: Sentence | None) -> bool:
    """Seal the case if it qualifies; called by release and termination inside their transaction."""
    found = verdict(supervisee, sentence)
    if not found.seals or supervisee.sealed_at is not None:
        return False
    seal(supervisee=supervisee, ground=found.reason)
    return True


def seal(*, supervisee: Supervisee, ground: str) -> None:
    """Seal a record (the system seals: ``sealed_by`` empty). The person's open obligations close, since
    nobody may see or be reminded of them any more; their own sign-in ends; the investigation requests about
    them (found by the ID number) leave every list with the record; and the messages about them are withdrawn
    from every inbox."""
    now = timezone.now()
    supervisee.sealed_at, supervisee.sealed_by, supervisee.seal_ground = now, None, ground[:300]
    # A save (not an update): its signal drops the bureau's cached figures, which count the person no more.
    supervisee.save(update_fields=["sealed_at", "sealed_by", "seal_ground", "updated_at"])
    Obligation.objects.filter(supervisee=supervisee, done_at__isnull=True).update(done_at=now)
    if supervisee.account_id is not None:
        # The person's own sign-in for the phone page ends with the case, and the account stops naming them
        # (the people pages, the access log's "who" of their own reads, the admin): no name, no phone, a
        # neutral login name.
        get_user_model().objects.filter(pk=supervisee.account_id).update(
            is_active=False, full_name="", phone="", email="", username=f"sealed-{supervisee.account_id}"
        )
    # The investigation requests about the person (by their ID number) belong to the sealed case from now on:
    # linked, they leave every list with it.
    # Only the answered ones: a request still waiting is a new case's, to be answered by the office.
    if supervisee.resident_id_hash:
        Investigation.objects.filter(
            subject_id_hash=supervisee.resident_id_hash, supervisee__isnull=True, opinion_sent_on__isnull=False
        ).update(supervisee=supervisee)
    # Every message about the person leaves every inbox, including the closing's own notices (status change,
    # referrals withdrawn), and nothing about them is delivered any more.
    forget_person(person=supervisee)


def sealed_records(user: User):
    """The sealed records a bureau administrator may open (none for anyone else)."""
    if not scoping.can(user, "open", SealedRecordOpening):
        return Supervisee.objects.none()
    return Supervisee.objects.filter(sealed_at__isnull=False).select_related("judicial_office")


@transaction.atomic
def open_sealed(
    *, supervisee: Supervisee, actor: User, organ: str, reference: str, purpose: str, path: str = ""
) -> SealedRecordOpening:
    """Open a sealed record for a judicial organ's case-handling request: a bureau administrator records the
    organ, its reference number and the purpose, and may read that record for the rule book's hours. The
    opening itself goes into the access log; so does every read while it lasts."""
    if not scoping.can(actor, "open", SealedRecordOpening):
        raise PermissionDenied(_("Only a bureau administrator may open a sealed record."))
    errors = {}
    for field, value, message in (
        ("organ", organ, _("Name the judicial organ that asks for the record.")),
        ("reference", reference, _("Enter the reference number of its request.")),
        ("purpose", purpose, _("Say what case the record is needed for.")),
    ):
        if not (value or "").strip():
            errors[field] = message
    if errors:
        raise SealingError(errors, code="required")
    supervisee = Supervisee.objects.select_for_update().get(pk=supervisee.pk)
    if supervisee.sealed_at is None:
        raise SealingError(_("This record is not sealed."), code="transition")
    now = timezone.now()
    expires = rulebook.due(rulebook.SEALED_ACCESS_HOURS, now)
    if not isinstance(expires, dt.datetime):
        expires = timezone.make_aware(dt.datetime.combine(expires, dt.time.max))
    opening = SealedRecordOpening.objects.create(
        supervisee=supervisee,
        opened_by=actor,
        organ=organ.strip()[:200],
        reference=reference.strip()[:100],
        purpose=purpose.strip(),
        opened_at=now,
        expires_at=expires,
    )
    log_access(
        user=actor,
        action=AccessLog.Action.READ,
        object_type="sealed_opening",
        object_id=str(opening.pk),
        supervisee=supervisee,
        purpose=f"sealed opening · {opening.organ} {opening.reference}",
        path=path,
    )
    return opening


def reads_during(opening: SealedRecordOpening):
    """The access-log rows of the opener's reads of the record while the opening lasted."""
    return AccessLog.objects.filter(
        user_id=opening.opened_by_id,
        supervisee_id=opening.supervisee_id,
        created_at__gte=opening.opened_at,
        created_at__lte=opening.expires_at,
    ).exclude(object_type="sealed_opening")
