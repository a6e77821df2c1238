"""The one CSV writer and the one XLSX writer of the project: every export goes through them (docs/security.md,
"Web").

A cell that starts with = + - @ TAB or CR is read by Excel, WPS and LibreOffice as a formula
(``=HYPERLINK(...)`` can leak data or run commands), so such text cells are prefixed with an
apostrophe, which spreadsheets show as plain text (OWASP "CSV injection").
tests/security/test_exports.py fails if any module writes CSV with the csv module directly.
In XLSX a text cell is stored as text (never a formula, whatever it starts with), so it shows unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from accounts.validators import FORMULA_PREFIXES

# Cell values an XLSX keeps as they are (an aware datetime is not among them: pass local text).
NUMBERS_AND_DATES = (int, float, Decimal, dt.date)


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet must show it: text starting like a formula becomes literal text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file, **kwargs) -> SafeWriter:
    return SafeWriter(file, **kwargs)


def xlsx(*, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet: a bold, frozen header row and the rows; text always text (a leading = is not a formula).

    Written in openpyxl's write-only mode, so a large register streams without a cell object per value.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])  # Excel's limit on a sheet name
    sheet.freeze_panes = "A2"

    def cell(value: Any, bold: bool = False) -> WriteOnlyCell:
        # Numbers and dates keep their type (sums and sorting work in the spreadsheet); the rest is text.
        if value is not None and (isinstance(value, bool) or not isinstance(value, NUMBERS_AND_DATES)):
            value = str(value)
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # openpyxl reads "=..." as a formula unless told it is text
        if bold:
            made.font = Font(bold=True)
        return made

    sheet.append([cell(value, bold=True) for value in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
