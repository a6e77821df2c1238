"""An issued document as an A4 PDF in Chinese: reportlab's CID font (``chinese_font``), the text of
the template version filled from the snapshot, the number, and a verification QR code (segno) with its
address printed under it. Rendered once, at issue; the stored bytes are the document."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

# reportlab's built-in CID font: Chinese renders without shipping a font file, and the text stays
# extractable (pypdf reads it back in the tests).
FONT = "STSong-Light"
_registered = False

PLACEHOLDER = re.compile(r"\{(\w+)\}")
WRAP = 38  # characters per line (Chinese has no spaces to break on)


def fill(body: str, data: dict) -> str:
    """The body with each {name} replaced by the snapshot's value (unknown names stay as written; no
    attribute or index access, unlike str.format)."""
    return PLACEHOLDER.sub(lambda match: str(data.get(match.group(1), match.group(0))), body)


def render(*, title: str, number: str, body: str, snapshot: dict, verify_url: str, author: str) -> bytes:
    font = chinese_font()
    buffer = io.BytesIO()
    # invariant: no creation time or random id in the file, so the same input gives the same bytes.
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    width, height = A4
    y = height - 28 * mm
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, y, title)
    y -= 10 * mm
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, y, number)
    y -= 14 * mm
    for text in fill(body, snapshot).splitlines():
        for chunk in [text[i : i + WRAP] for i in range(0, len(text), WRAP)] or [""]:
            if y < 60 * mm:
                pdf.showPage()
                y = height - 25 * mm
            pdf.setFont(font, 12)
            pdf.drawString(22 * mm, y, chunk)
            y -= 8 * mm
    _qr(pdf, verify_url, x=22 * mm, y=22 * mm, size=30 * mm)
    pdf.setFont(font, 9)
    pdf.drawString(56 * mm, 40 * mm, f"文书编号：{number}")
    pdf.drawString(56 * mm, 34 * mm, "扫描二维码或访问以下网址核验本文书真伪：")
    pdf.drawString(56 * mm, 28 * mm, verify_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _qr(pdf: canvas.Canvas, text: str, *, x: float, y: float, size: float) -> None:
    """The QR code drawn as squares (vector, no image library)."""
    matrix = [list(row) for row in segno.make(text, error="m").matrix]
    cell = size / len(matrix)
    pdf.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * cell, y + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)


def render_table(
    *, title: str, subtitle: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[float]
) -> bytes:
    """A listing (the register) as a printable A4 landscape table: the title and subtitle on top, the header row
    repeated on every page, long text wrapped inside its cell, and "page n" in the footer. ``widths`` are the
    columns' shares of the line (they sum to 1)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer, TableStyle
    from reportlab.platypus.tables import LongTable  # a table that splits over many pages cheaply

    font = chinese_font()
    size = landscape(A4)
    text = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    bold = ParagraphStyle("head", parent=text, fontSize=9.5)
    heading = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    sub = ParagraphStyle("subtitle", fontName=font, fontSize=10, leading=14, alignment=1)

    def para(value: Any, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape("" if value is None else str(value)), style)

    body = [[para(value, bold) for value in header]] + [[para(value, text) for value in row] for row in rows]
    usable = size[0] - 24 * mm
    table = LongTable(body, colWidths=[usable * share for share in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )

    return paged_document(
        [para(title, heading), para(subtitle, sub), Spacer(1, 4 * mm), table],
        pagesize=size,
        margins_mm=(12, 12, 12, 14),
        title=title,
    )


def chinese_font() -> str:
    """The name of the CID font every PDF of the platform writes Chinese with (registered on first use)."""
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def paged_document(
    story: list[Any],
    *,
    pagesize: tuple[float, float],
    margins_mm: tuple[float, float, float, float],
    title: str,
    author: str = "",
) -> bytes:
    """A printable document of ``story`` with "— n —" at the foot of every page (margins: left, right, top,
    bottom, in mm); the same bytes for the same story (``invariant``)."""
    from reportlab.platypus import SimpleDocTemplate

    font = chinese_font()
    left, right, top, bottom = margins_mm

    def footer(pdf: canvas.Canvas, document: SimpleDocTemplate) -> None:
        pdf.setFont(font, 8)
        pdf.drawRightString(pagesize[0] - right * mm, (bottom - 6) * mm, f"— {document.page} —")

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=left * mm,
        rightMargin=right * mm,
        topMargin=top * mm,
        bottomMargin=bottom * mm,
        title=title,
        author=author,
        invariant=1,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
