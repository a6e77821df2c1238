"""The one CSV writer of the project: every export goes through it (docs/security.md, "Web").

A cell that starts with = + - @ TAB or CR is read by Excel, WPS and LibreOffice as a formula
(``=HYPERLINK(...)`` can leak data or run commands), so such text cells are prefixed with an
apostrophe, which spreadsheets show as plain text (OWASP "CSV injection").
tests/security/test_exports.py fails if any module writes CSV with the csv module directly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from accounts.validators import FORMULA_PREFIXES


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
