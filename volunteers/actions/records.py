"""The private calendar address and service certificates."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from records import actions as records
from records.models import DocumentKind, IssuedDocument
from volunteers import selectors
from volunteers.actions._base import VolunteerActionError, refuse_unless_self
from volunteers.certificates import certificate_data
from volunteers.models import Volunteer

# --- feeds and certificates ---------------------------------------------------------------------


@transaction.atomic
def rotate_feed_token(*, volunteer: Volunteer, actor: User | None) -> Volunteer:
    """Revoke the private calendar address and issue a new one (the volunteer themselves)."""
    refuse_unless_self(actor, volunteer)
    volunteer.feed_token = secrets.token_urlsafe(24)
    volunteer.save(update_fields=["feed_token", "updated_at"])
    return volunteer


@transaction.atomic
def issue_certificate(*, volunteer: Volunteer, actor: User | None, request=None) -> IssuedDocument:
    """The Art. 19 certificate of approved hours, activities and training (the volunteer), issued through the
    document service in the name of the volunteer team. Under the volunteer's row lock: the valid certificate
    already issued when it still states the current record, else a new one (a new number)."""
    refuse_unless_self(actor, volunteer)
    volunteer = Volunteer.objects.select_for_update().select_related("organisation", "user").get(pk=volunteer.pk)
    summary = selectors.service_record(volunteer)
    if summary["total_hours"] <= 0:
        raise VolunteerActionError(_("There are no approved hours to certify yet."))
    data = certificate_data(full_name=volunteer.full_name, summary=summary)
    existing = records.issued_for(kind=DocumentKind.VOLUNTEER_CERTIFICATE, source=volunteer)
    if existing is not None and all(existing.snapshot.get(key) == value for key, value in data.items()):
        return existing
    return records.issue(
        kind=DocumentKind.VOLUNTEER_CERTIFICATE,
        office=volunteer.organisation,
        supervisee=None,
        source=volunteer,
        data=data,
        # None is the system acting for the volunteer (the demo loader): the volunteer asked for it.
        actor=actor or volunteer.user,
        request=request,
    )
