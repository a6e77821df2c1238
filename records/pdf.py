"""An issued document as an A4 PDF in Chinese: reportlab's CID font (volunteers.certificates), the text of
the template version filled from the snapshot, the number, and a verification QR code (segno) with its
address printed under it. Rendered once, at issue; the stored bytes are the document."""

from __future__ import annotations

import io
import re

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from volunteers.certificates import _font

PLACEHOLDER = re.compile(r"\{(\w+)\}")
WRAP = 38  # characters per line (Chinese has no spaces to break on)


def fill(body: str, data: dict) -> str:
    """The body with each {name} replaced by the snapshot's value (unknown names stay as written; no
    attribute or index access, unlike str.format)."""
    return PLACEHOLDER.sub(lambda match: str(data.get(match.group(1), match.group(0))), body)


def render(*, title: str, number: str, body: str, snapshot: dict, verify_url: str, author: str) -> bytes:
    font = _font()
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
