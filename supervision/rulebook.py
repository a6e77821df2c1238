"""The rule book: the value of a legal clock by its code, and due dates computed from it.

Code asks ``rulebook.value(code)`` or ``rulebook.due(code, start)``; it never writes the number.
Working days skip weekends and the bureau's public holidays, and count make-up working days (调休).
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from supervision.models import Holiday, Rule

# The codes the platform uses (each is a seeded row; docs/rules.md lists them).
DECISION_NOTICE = "decision_notice"
DOCUMENT_DELIVERY = "document_delivery"
INTAKE_REPORT = "intake_report"
RELEASE_REMINDER = "release_reminder"
ESCALATE_OFFICER = "escalate_officer"
ESCALATE_OFFICE = "escalate_office"
ESCALATE_BUREAU = "escalate_bureau"
PLAN_REVIEW_INTERVAL = "plan_review_interval"
CLASSIFY_OVERDUE_DAYS = "classify_overdue_days"
CLASSIFY_OVERDUE_STRICT = "classify_overdue_strict"
CLASSIFY_LENIENT_AFTER = "classify_lenient_after"
ARCHIVE_FILE = "archive_file"
INVESTIGATION = "investigation"
INVESTIGATION_EXPEDITED = "investigation_expedited"
# The bureau's joint meetings and inspections (issue 18; bureau/).
ACTION_ITEM_REMIND = "action_item_remind_days"
FINDING_CORRECTION = "finding_correction_days"
# Sealing juvenile records (issue 17 item 5; Criminal Procedure Law Art. 286).
SEALING_AGE = "sealing_age"
SEALING_MAX_SENTENCE = "sealing_max_sentence"
SEALED_ACCESS_HOURS = "sealed_access_hours"


class UnknownRule(LookupError):
    """No rule-book row has this code."""


def rule(code: str) -> Rule:
    """The rule-book row of a code."""
    try:
        return Rule.objects.get(code=code)
    except Rule.DoesNotExist:
        raise UnknownRule(code) from None


def value(code: str) -> int:
    """The value in force (the deployment's override, else the legal default)."""
    return rule(code).value


def values(codes: list[str]) -> dict[str, int]:
    """The values in force of several codes, in one query."""
    rows = {row.code: row.value for row in Rule.objects.filter(code__in=codes)}
    missing = set(codes) - set(rows)
    if missing:
        raise UnknownRule(", ".join(sorted(missing)))
    return rows


def _calendar(start: dt.date, end: dt.date) -> tuple[set[dt.date], set[dt.date]]:
    rows = Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    holidays = {d for d, kind in rows if kind == Holiday.Kind.HOLIDAY}
    workdays = {d for d, kind in rows if kind == Holiday.Kind.WORKDAY}
    return holidays, workdays


def is_working_day(day: dt.date, holidays: set[dt.date], workdays: set[dt.date]) -> bool:
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The date ``count`` working days after ``start`` (``start`` itself not counted)."""
    # A generous window: no run of non-working days in China is longer than ten days.
    holidays, workdays = _calendar(start, start + dt.timedelta(days=count * 3 + 30))
    day = start
    left = count
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            left -= 1
    return day


def add(amount: int, unit: str, start: dt.date | dt.datetime) -> dt.date | dt.datetime:
    """``start`` moved forward by ``amount`` of ``unit`` (a Rule.Unit)."""
    if unit == Rule.Unit.HOURS:
        if not isinstance(start, dt.datetime):
            start = dt.datetime.combine(start, dt.time.min)
        return start + dt.timedelta(hours=amount)
    day = start.date() if isinstance(start, dt.datetime) else start
    if unit == Rule.Unit.DAYS:
        return day + dt.timedelta(days=amount)
    if unit == Rule.Unit.MONTHS:
        return day + relativedelta(months=amount)
    if unit == Rule.Unit.YEARS:
        return day + relativedelta(years=amount)
    if unit == Rule.Unit.WORKING_DAYS:
        return add_working_days(day, amount)
    raise ValueError(f"unknown unit {unit!r}")


def due(code: str, start: dt.date | dt.datetime) -> dt.date | dt.datetime:
    """The last day (or, for hours, the moment) by which the clock ``code`` started at ``start`` is met.

    Days count from the day after the start (the start day itself is not counted, as in
    Chinese procedure law): a 10-day clock started on the 1st is met on the 11th and overdue on the 12th.
    """
    row = rule(code)
    return add(row.value, row.unit, start)


def before(code: str, end: dt.date) -> dt.date:
    """The date ``value(code)`` days (or months) before ``end``: when a reminder starts."""
    row = rule(code)
    if row.unit == Rule.Unit.MONTHS:
        return end - relativedelta(months=row.value)
    return end - dt.timedelta(days=row.value)


# Reporting, check-ins, visits and lost contact (issue 15, items 1-3).
REPORT_INTERVAL = {
    "strict": "report_interval_strict",
    "ordinary": "report_interval_ordinary",
    "lenient": "report_interval_lenient",
}
VISIT_INTERVAL = {
    "strict": "visit_interval_strict",
    "ordinary": "visit_interval_ordinary",
    "lenient": "visit_interval_lenient",
}
MISSED_REPORT_GRACE = "missed_report_grace"
CHECKIN_CODE_VALID = "checkin_code_valid"
CHECKIN_CODE_ATTEMPTS = "checkin_code_attempts"
HEALTH_REPORT = "health_report"
REEXAMINATION = "reexamination"
LOST_CONTACT_NOTICE = "lost_contact_notice"
LOST_CONTACT_LONG = "lost_contact_long"
LOST_CONTACT_MONTH = "lost_contact_month"
# Movement requests, prohibition orders and location monitoring (issue 15, items 4-6; migration
# 0013_movement_rules seeds them).
TRAVEL_OFFICE_MAX_DAYS = "travel_office_max_days"
TRAVEL_MAX_DAYS = "travel_max_days"
TRAVEL_WINDOW_MONTHS = "travel_window_months"
TRAVEL_WINDOW_MAX_DAYS = "travel_window_max_days"
FREQUENT_TRAVEL_MAX_MONTHS = "frequent_travel_max_months"
REQUEST_DECISION = "request_decision"
RELOCATION_NOTICE = "relocation_notice"
RELOCATION_REPLY = "relocation_reply"
RELOCATION_DECISION = "relocation_decision"
RELOCATION_HANDOVER = "relocation_handover"
RELOCATION_REPORT = "relocation_report"
PROHIBITION_REMINDER = "prohibition_reminder"
MONITORING_MAX_MONTHS = "monitoring_max_months"
MONITORING_REMINDER = "monitoring_reminder"
# Rewards and sanctions (issue 16 item 2; migration 0021_sanction_rules seeds them).
PRAISE_MIN_MONTHS = "praise_min_months"
WARNING_AFTER_ADMONITIONS = "warning_after_admonitions"
REVOCATION_AFTER_WARNINGS = "revocation_after_warnings"
SANCTION_DECISION = "sanction_decision"
SANCTION_PLAN_REVIEW = "sanction_plan_review"
COURT_DECISION = "court_decision"
DETENTION_DECISION = "detention_decision"
# Education sessions, public-interest activities and attendance (issue 16, item 3; migration
# 0023_education_rules seeds them).
EDUCATION_HOURS_MONTH = "education_hours_month"
ACTIVITY_HOURS_MONTH = "activity_hours_month"
ABSENCE_GROUND_COUNT = "absence_ground_count"
ABSENCE_WINDOW_MONTHS = "absence_window_months"
# Monthly assessment (issue 16, item 1; migration 0026_assessment_rules seeds them).
ASSESSMENT_PERIOD_MONTHS = "assessment_period_months"
ASSESSMENT_DUE_DAYS = "assessment_due_days"
ATTENDANCE_RECORD_DAYS = "attendance_record_days"
