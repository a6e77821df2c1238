"""Training records and mentoring settings."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from volunteers.models import (
    TrainingCourse,
    TrainingRecord,
    Volunteer,
)

# --- training -----------------------------------------------------------------------------------


@transaction.atomic
def record_training(
    *, volunteer: Volunteer, course: TrainingCourse, completed_on: dt.date, by: User | None
) -> TrainingRecord:
    """Record a completed course; it expires after the course's validity, if it has one."""
    expires_on = completed_on + relativedelta(months=course.validity_months) if course.validity_months else None
    record, _created = TrainingRecord.objects.update_or_create(
        volunteer=volunteer,
        course=course,
        completed_on=completed_on,
        defaults={"expires_on": expires_on, "recorded_by": by},
    )
    return record


@transaction.atomic
def set_mentoring(
    *, volunteer: Volunteer, sex: str, max_mentees: int, cleared_for_minors: bool, language_codes: list[str]
) -> Volunteer:
    """Record whether and how a volunteer mentors (sex, places, minors clearance, languages)."""
    Volunteer.objects.filter(pk=volunteer.pk).update(
        sex=sex,
        max_mentees=max_mentees,
        cleared_for_minors=cleared_for_minors,
        language_codes=list(language_codes),
        updated_at=timezone.now(),
    )
    volunteer.refresh_from_db()
    return volunteer
