"""Celery tasks of the bureau: load by id, call an action, retry transient failures. Safe to run twice (acks
late): a report already done is left as it is."""

from __future__ import annotations

from celery import shared_task

from accounts.retry import RETRY
from bureau import actions


@shared_task(name="bureau.generate_report", **RETRY)
def generate_report(report_id: int) -> str:
    """Generate one requested report (its figures, the XLSX and the PDF); returns its state."""
    return actions.generate_report(report_id=report_id).state


@shared_task(name="bureau.sweep_reports", **RETRY)
def sweep_reports() -> dict:
    """Every five minutes: queue again the reports the broker lost, fail those whose worker died."""
    return actions.sweep_reports()
