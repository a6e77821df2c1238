"""Training records and mentoring settings: decided by a coordinator of the team, never on one's own record."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from volunteers.actions._base import VolunteerActionError, refuse_unless_decider
from volunteers.models import (
    TrainingCourse,
    TrainingRecord,
    Volunteer,
)


@transaction.atomic
def record_training(
    *, volunteer: Volunteer, course: TrainingCourse, completed_on: dt.date, actor: User | None
) -> TrainingRecord:
    """Record a completed course; it expires after the course's validity, if it has one."""
    refuse_unless_decider(actor, volunteer)
    if completed_on > timezone.localdate():
        raise VolunteerActionError({"completed_on": _("The date cannot be in the future.")})
    expires_on = completed_on + relativedelta(months=course.validity_months) if course.validity_months else None
    record, _created = TrainingRecord.objects.update_or_create(
        volunteer=volunteer,
        course=course,
        completed_on=completed_on,
        defaults={"expires_on": expires_on, "recorded_by": actor},
    )
    return record


@transaction.atomic
def set_mentoring(
    *,
    volunteer: Volunteer,
    sex: str,
    max_mentees: int,
    cleared_for_minors: bool,
    language_codes: list[str],
    actor: User | None,
) -> Volunteer:
    """Record whether and how a volunteer mentors (sex, places, minors clearance, languages)."""
    refuse_unless_decider(actor, volunteer)
    errors: dict[str, str] = {}
    if max_mentees:
        if not sex:
            errors["sex"] = _("A mentor's sex is needed for the correction team rule (Art. 25).")
        if not language_codes:
            errors["language_codes"] = _("Choose at least one language the mentor speaks.")
    if errors:
        raise VolunteerActionError(errors)
    Volunteer.objects.filter(pk=volunteer.pk).update(
        sex=sex,
        max_mentees=max_mentees,
        cleared_for_minors=cleared_for_minors,
        language_codes=list(language_codes),
        updated_at=timezone.now(),
    )
    volunteer.refresh_from_db()
    return volunteer
