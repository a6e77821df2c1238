"""The monthly and yearly report (issue 18 item 3): the figures of ``bureau.figures`` for one place and period in
the layout a bureau sends upward, frozen in the report's row and written as an XLSX workbook and an A4 PDF.

- **The same numbers as the dashboard.** Each figure is ``figures.measure`` of the definition the dashboard
  reads, for the same place and days, so a report and the dashboard cannot disagree. The requester is
  correction staff (the policy allows no one else), so nothing is hidden. The figures are counted afresh
  (never from the dashboard's cache): a report states what the rows say when it is generated.
- **Reproducible.** A period's figures count dated rows (what happened in the period; "in correction at the
  end" reads the status history), so the same period gives the same numbers whenever it is generated; a
  month still running ends on the day it was requested (``period_end``), and a later request counts more days.
- **Section by section.** ``build`` counts one section at a time and reports its progress after each, so the
  page shows a long (yearly, city-wide) report moving.
- **Files in Chinese.** The report goes upward in Chinese: the XLSX and the PDF are written in zh-hans; the
  snapshot keeps the labels in both languages for the pages.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.http import Http404
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bureau import figures, policies
from bureau.models import Report

LANGUAGES = ("zh-hans", "en")
FILE_LANGUAGE = "zh-hans"
# Progress: counting is most of the work (to 85%), then the two files.
COUNTED, WRITTEN_XLSX = 85, 92


class ReportFailed(Exception):
    """The report cannot be generated; the message says why (shown on the report's page)."""


@dataclass
class Built:
    snapshot: dict[str, Any]
    xlsx: bytes
    pdf: bytes


def period_of(report: Report) -> figures.Period:
    return figures.Period(report.period_start, report.period_end, report.kind)


def period_label(report: Report) -> str:
    """The period as a reader says it: "2026年11月" / "November 2026", "2026年度" / "Year 2026"."""
    if report.month is None:
        return _("Year %(year)s") % {"year": report.year}
    return date_format(dt.date(report.year, report.month, 1), "YEAR_MONTH_FORMAT")  # 2026年11月, November 2026


def title_of(report: Report) -> str:
    return _("Community corrections monthly report") if report.month else _("Community corrections yearly report")


def _in_each_language(make: Callable[[], Any]) -> dict[str, Any]:
    out = {}
    for language in LANGUAGES:
        with translation.override(language):
            out[language] = make()
    return out


def _labels() -> dict[str, dict[str, str]]:
    """key -> {language: label}, for every section and figure of the report."""

    def one_language() -> dict[str, str]:
        found = {}
        for spec in figures.report_sections():
            found[f"section:{spec.key}"] = str(spec.title)
            for definition in spec.definitions:
                found[definition.key] = str(definition.label)
        return found

    by_language = _in_each_language(one_language)
    return {key: {language: by_language[language][key] for language in LANGUAGES} for key in by_language["en"]}


def _scope(report: Report) -> figures.Scope:
    user = report.requested_by
    if not figures.is_correction_staff(user):
        raise ReportFailed(_("The person who requested the report no longer works in correction."))
    try:
        return figures.resolve_scope(user, report.scope_param)
    except Http404:
        raise ReportFailed(_("The person who requested the report may no longer see this place.")) from None


def build(report: Report, *, progress: Callable[[int], None]) -> Built:
    """Count the report's figures section by section (``progress(percent)`` after each), then write the XLSX and
    the PDF from the snapshot."""
    scope = _scope(report)
    period = period_of(report)
    user = report.requested_by
    budget = scope.kind == "city" and policies.may_read_budget(user)
    labels = _labels()
    specs = figures.report_sections()
    sections = []
    for index, spec in enumerate(specs, start=1):
        totals = set(spec.breakdown_of)
        rows = []
        for definition in spec.definitions:
            if definition.city_only and not budget:
                continue
            value = figures.measure(definition, scope, period)
            rows.append(
                {
                    "key": definition.key,
                    "label": labels[definition.key],
                    "value": str(value),
                    "unit": definition.unit,
                    "total": definition.key in totals,
                }
            )
        if rows:
            section = {"key": spec.key, "title": labels[f"section:{spec.key}"], "figures": rows}
            if spec.key == "funding":
                section["totals"] = _funding_totals(rows)
            sections.append(section)
        progress(5 + (COUNTED - 5) * index // len(specs))
    generated = timezone.localtime()
    snapshot = {
        "scope": scope.param,
        "scope_label": _in_each_language(lambda: _scope_label(scope)),
        "period": {"kind": report.kind, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "generated_at": generated.isoformat(),
        "sections": sections,
    }
    with translation.override(FILE_LANGUAGE):
        xlsx = render_xlsx(report, snapshot)
        progress(WRITTEN_XLSX)
        pdf = render_pdf(report, snapshot)
    return Built(snapshot=snapshot, xlsx=xlsx, pdf=pdf)


def _scope_label(scope: figures.Scope) -> str:
    """The place's name in the active language (the scope's own label was made in the requester's)."""
    from services.models import Organisation, Township

    if scope.kind == "office":
        return Organisation.objects.get(pk=scope.id).display_name
    if scope.kind == "township":
        return Township.objects.get(pk=scope.id).display_name
    return _("the whole city")


def _funding_totals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The funding section's two totals: approved for the year and spent in the period (sums of its lines)."""
    out = []
    for prefix, label in (("budget.", _labels_total("approved")), ("spent.", _labels_total("spent"))):
        parts = [row for row in rows if row["key"].startswith(prefix)]
        if parts:
            total = sum((Decimal(row["value"]) for row in parts), Decimal("0.00"))
            out.append({"key": f"{prefix}total", "label": label, "value": str(total), "unit": "yuan", "total": True})
    return out


def _labels_total(which: str) -> dict[str, str]:
    def make() -> str:
        return _("Approved for the year") if which == "approved" else _("Spent in the period")

    return _in_each_language(make)


# --- reading the snapshot ------------------------------------------------------------------------------------


def _language() -> str:
    language = translation.get_language() or FILE_LANGUAGE
    return "en" if language.startswith("en") else "zh-hans"


def text(labels: dict[str, str] | str) -> str:
    """A label of the snapshot in the active language."""
    if isinstance(labels, str):
        return labels
    return labels.get(_language()) or labels.get(FILE_LANGUAGE, "")


def number(value: str, unit: str) -> int | Decimal:
    """A snapshot value as the number it was (a count an int, hours and yuan a Decimal)."""
    return Decimal(value) if unit or "." in value else int(value)


def unit_label(unit: str) -> str:
    return {"h": pgettext("unit", "hours"), "yuan": pgettext("unit", "yuan")}.get(unit, "")


def table(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The snapshot's sections in the active language, for the page: title, and rows (label, value, unit, total)."""
    out = []
    for section in snapshot.get("sections", []):
        rows = [
            {
                "key": row["key"],
                "label": text(row["label"]),
                "value": number(row["value"], row["unit"]),
                "unit": unit_label(row["unit"]),
                "total": row.get("total", False),
            }
            for row in [*section["figures"], *section.get("totals", [])]
        ]
        out.append({"key": section["key"], "title": text(section["title"]), "rows": rows})
    return out


def values(snapshot: dict[str, Any]) -> dict[str, int | Decimal]:
    """key -> value of every figure and total of the snapshot."""
    return {row["key"]: row["value"] for section in table(snapshot) for row in section["rows"]}


def _cover(report: Report, snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    generated = dt.datetime.fromisoformat(snapshot["generated_at"])
    requester = report.requested_by
    return [
        (_("Reporting area"), text(snapshot["scope_label"])),
        (_("Reporting period"), period_label(report)),
        (_("Days counted"), f"{report.period_start:%Y-%m-%d} — {report.period_end:%Y-%m-%d}"),
        (_("Generated at"), _("%(time)s (Beijing time)") % {"time": f"{generated:%Y-%m-%d %H:%M}"}),
        (_("Requested by"), requester.get_full_name()),
        (_("Report number"), str(report.pk)),
    ]


# --- the files -------------------------------------------------------------------------------------------------


def render_xlsx(report: Report, snapshot: dict[str, Any]) -> bytes:
    """A cover sheet (place, period, generated at, requested by) and one sheet of the figures under their
    sections' headings; a section's total rows in bold; numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    cover = book.active
    cover.title = _("Cover")[:31]
    cover.append([title_of(report)])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([])
    for name, value in _cover(report, snapshot):
        cover.append([name, value])
        cover.cell(row=cover.max_row, column=2).data_type = "s"  # text stays text (never a formula)
    cover.column_dimensions["A"].width = 16
    cover.column_dimensions["B"].width = 48

    sheet = book.create_sheet(_("Figures")[:31])
    sheet.append([_("Item"), _("Value"), _("Unit"), _("Figure code")])
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    for section in table(snapshot):
        sheet.append([section["title"]])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for row in section["rows"]:
            label = _("%(label)s (total)") % {"label": row["label"]} if row["total"] else row["label"]
            sheet.append([label, row["value"], row["unit"], row["key"]])
            at = sheet.max_row
            sheet.cell(row=at, column=1).data_type = "s"
            if isinstance(row["value"], Decimal):
                sheet.cell(row=at, column=2).number_format = "#,##0.00"
            if row["total"]:
                for column in (1, 2):
                    sheet.cell(row=at, column=column).font = bold
        sheet.append([])
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["D"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_pdf(report: Report, snapshot: dict[str, Any]) -> bytes:
    """A4 portrait, in Chinese (reportlab's CID font, as the certificates): the title, the cover's lines, then
    each section's table with its totals shaded; "page n" in the footer."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from records.pdf import chinese_font, paged_document

    font = chinese_font()
    cell = ParagraphStyle("cell", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    number_cell = ParagraphStyle("number", parent=cell, alignment=2)
    heading = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    section_heading = ParagraphStyle("section", fontName=font, fontSize=12.5, leading=18, spaceBefore=6)
    line = ParagraphStyle("line", fontName=font, fontSize=10.5, leading=16)

    def para(value: Any, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(escape(str(value)), style)

    def shown(value: int | Decimal) -> str:
        return f"{value:,.2f}" if isinstance(value, Decimal) else str(value)

    usable = A4[0] - 36 * mm
    story: list[Any] = [para(title_of(report), heading), Spacer(1, 4 * mm)]
    story += [para(f"{name}：{value}", line) for name, value in _cover(report, snapshot)]
    for section in table(snapshot):
        story += [Spacer(1, 3 * mm), para(section["title"], section_heading)]
        body = [[para(_("Item")), para(_("Value"), number_cell), para(_("Unit"))]]
        shade = []
        for index, row in enumerate(section["rows"], start=1):
            body.append([para(row["label"]), para(shown(row["value"]), number_cell), para(row["unit"])])
            if row["total"]:
                shade.append(("BACKGROUND", (0, index), (-1, index), colors.Color(0.92, 0.92, 0.92)))
        grid = Table(body, colWidths=[usable * 0.62, usable * 0.22, usable * 0.16], repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.85, 0.85)),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    *shade,
                ]
            )
        )
        story.append(grid)

    return paged_document(
        story,
        pagesize=A4,
        margins_mm=(18, 18, 16, 18),
        title=title_of(report),
        author=text(snapshot["scope_label"]),
    )
