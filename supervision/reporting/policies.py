"""Who sees and does what with reporting, check-ins, health reports, visits and lost-contact episodes.

Read: case staff who see the supervisee, as for correction plans (the bureau all, an office its own, a
social worker on the team that person's); never providers, volunteers or the public. Write: officers of
the person's judicial office and the bureau. The person's own sign-in (``own_record``) may check in with a
code, by phone or video, and submit a health report, for their own record only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from accounts.roles import is_bureau_admin
from coordination.models import Supervisee
from supervision.policies import _writes_case, is_case_staff, own_record
from supervision.reporting.models import (
    CheckIn,
    CheckinCode,
    HealthReport,
    LostContactEpisode,
    ReportingOverride,
    SearchStep,
    Visit,
)


class _ReportingRecordPolicy(scoping.BasePolicy):
    supervisee_path = "supervisee"

    def rows_view(self, user: Any) -> QuerySet[Any]:
        """Case staff see the rows of the supervisees they see; providers, volunteers and the public none."""
        if not is_case_staff(user):
            return self.model.objects.none()
        if is_bureau_admin(user):
            return self.model.objects.all()
        return self.model.objects.filter(
            **{self.supervisee_path + "__in": scoping.scope(user, Supervisee).values("pk")}
        )

    def allow_record(self, user: Any, obj: Any = None) -> bool:
        """Record for a person (``obj`` is the supervisee): officers of the person's office and the bureau."""
        return _writes_case(user, obj)


class ReportingOverridePolicy(_ReportingRecordPolicy):
    model = ReportingOverride


class CheckinCodePolicy(_ReportingRecordPolicy):
    model = CheckinCode

    def rows_view(self, user: Any) -> QuerySet[CheckinCode]:
        """Nobody lists codes (only hashes are kept); the issuing officer sees the code once."""
        return CheckinCode.objects.none()


class CheckInPolicy(_ReportingRecordPolicy):
    model = CheckIn

    def allow_self(self, user: Any, obj: Any = None) -> bool:
        """The person themself (their own sign-in), for their own live record (``obj`` is the supervisee)."""
        return obj is not None and own_record(user) == obj

    def allow_confirm(self, user: Any, obj: Any = None) -> bool:
        """Confirm a pending check-in or note a reported change (``obj`` is the check-in): the office and bureau."""
        return isinstance(obj, CheckIn) and _writes_case(user, obj.supervisee)


class HealthReportPolicy(_ReportingRecordPolicy):
    model = HealthReport

    def allow_self(self, user: Any, obj: Any = None) -> bool:
        return obj is not None and own_record(user) == obj


class VisitPolicy(_ReportingRecordPolicy):
    model = Visit


class LostContactEpisodePolicy(_ReportingRecordPolicy):
    model = LostContactEpisode


class SearchStepPolicy(_ReportingRecordPolicy):
    model = SearchStep
    supervisee_path = "episode__supervisee"


def register() -> None:
    scoping.register(ReportingOverride, ReportingOverridePolicy())
    scoping.register(CheckinCode, CheckinCodePolicy())
    scoping.register(CheckIn, CheckInPolicy())
    scoping.register(HealthReport, HealthReportPolicy())
    scoping.register(Visit, VisitPolicy())
    scoping.register(LostContactEpisode, LostContactEpisodePolicy())
    scoping.register(SearchStep, SearchStepPolicy())
