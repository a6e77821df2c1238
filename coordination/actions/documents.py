"""Documents issued from casework: the referral letter (转介函) of a sent referral, through the document
service (``records``): numbered in the name of the supervisee's office, rendered once, the same bytes on every
download until it is voided."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from coordination import policies
from coordination.actions._base import ReferralError
from coordination.documents import referral_letter_data
from coordination.models import Referral
from records import actions as records
from records.models import DocumentKind, IssuedDocument

if TYPE_CHECKING:
    from accounts.models import User

# A letter goes with a referral the provider has been sent and that is still open.
LETTER_STATES = (Referral.State.SENT, Referral.State.ACCEPTED, Referral.State.IN_SERVICE)


@transaction.atomic
def referral_letter(*, referral: Referral, actor: User, request: Any = None) -> IssuedDocument:
    """The referral letter of a referral: under the referral's row lock, the valid letter already issued from it,
    or one issued now in the actor's name (officers of the supervisee's office and the bureau)."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("need__supervisee__judicial_office", "need__category", "offering__organisation")
        .get(pk=referral.pk)
    )
    if policies.referrals().side(actor, referral) != "case":
        raise PermissionDenied(_("Only the staff of the case print its referral letters."))
    existing = records.issued_for(kind=DocumentKind.REFERRAL_LETTER, source=referral)
    if existing is not None:
        return existing
    if referral.sent_at is None or referral.state not in LETTER_STATES:
        raise ReferralError(
            _("A referral letter is printed for a referral that has been sent and is still open."), code="conflict"
        )
    supervisee = referral.need.supervisee
    return records.issue(
        kind=DocumentKind.REFERRAL_LETTER,
        office=supervisee.judicial_office,
        supervisee=supervisee,
        source=referral,
        data=referral_letter_data(referral),
        actor=actor,
        request=request,
    )
