"""The private calendar address and service certificates."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from volunteers import selectors
from volunteers.actions._base import VolunteerActionError, refuse_unless_self
from volunteers.models import (
    Certificate,
    Volunteer,
)

# --- feeds and certificates ---------------------------------------------------------------------


@transaction.atomic
def rotate_feed_token(*, volunteer: Volunteer, actor: User | None) -> Volunteer:
    """Revoke the private calendar address and issue a new one (the volunteer themselves)."""
    refuse_unless_self(actor, volunteer)
    volunteer.feed_token = secrets.token_urlsafe(24)
    volunteer.save(update_fields=["feed_token", "updated_at"])
    return volunteer


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


@transaction.atomic
def issue_certificate(*, volunteer: Volunteer, actor: User | None) -> Certificate:
    """Issue an Art. 19 certificate: a snapshot of approved hours, activities and training (the volunteer)."""
    refuse_unless_self(actor, volunteer)
    summary = selectors.service_record(volunteer)
    if summary["total_hours"] <= 0:
        raise VolunteerActionError(_("There are no approved hours to certify yet."))
    with override("zh-hans"):
        organisation_name = volunteer.organisation.display_name
    return Certificate.objects.create(
        volunteer=volunteer,
        code=new_certificate_code(),
        total_hours=summary["total_hours"].quantize(Decimal("0.01")),
        snapshot={
            "full_name": volunteer.full_name,
            "organisation": organisation_name,
            "first_date": summary["first_date"],
            "last_date": summary["last_date"],
            "total_hours": str(summary["total_hours"].quantize(Decimal("0.01"))),
            "activities": summary["activities"],
            "training": summary["training"],
        },
    )
