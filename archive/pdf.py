"""An archive's tables of contents as a printable A4 PDF (records.pdf.paged_document: the page number at the
foot of every page, the platform's Chinese font)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from archive.models import CaseArchive
from records.pdf import chinese_font, paged_document


def contents(archive: CaseArchive, volumes: list[dict]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, TableStyle
    from reportlab.platypus.tables import LongTable

    font = chinese_font()
    text = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    heading = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    sub = ParagraphStyle("subtitle", fontName=font, fontSize=10, leading=14, alignment=1)
    h2 = ParagraphStyle("volume", fontName=font, fontSize=12, leading=18, spaceBefore=8)

    def para(value: Any, style: ParagraphStyle = text) -> Paragraph:
        return Paragraph(escape("" if value is None else str(value)), style)

    title = _("Case archive %(number)s") % {"number": archive.case_number}
    story: list[Any] = [
        para(title, heading),
        para(
            f"{archive.supervisee.name} · {archive.office.name} · {archive.get_ending_display()} "
            f"{archive.closed_on.isoformat()}",
            sub,
        ),
        Spacer(1, 4 * mm),
    ]
    usable = A4[0] - 36 * mm
    for item in volumes:
        volume = item["volume"]
        story.append(
            para(
                f"{volume.get_kind_display()}（{item['custodian']}）· "
                + _("retention ends %(date)s") % {"date": volume.due_on.isoformat()},
                h2,
            )
        )
        if volume.disposed_at:
            story.append(para(_("Disposed of on %(date)s.") % {"date": f"{volume.disposed_at:%Y-%m-%d}"}))
            continue
        rows = [[para(_("No.")), para(_("Date")), para(_("Kind")), para(_("Record"))]]
        rows += [
            [para(n), para(entry.on.isoformat()), para(entry.kind), para(entry.title)]
            for n, entry in enumerate(item["entries"], start=1)
        ]
        if len(rows) == 1:
            story.append(para(_("Nothing is filed in this volume.")))
            continue
        table = LongTable(rows, colWidths=[usable * share for share in (0.08, 0.17, 0.25, 0.5)], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    return paged_document(story, pagesize=A4, margins_mm=(18, 18, 16, 16), title=title)
