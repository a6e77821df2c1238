"""The release certificate (解除社区矫正证明书) as a PDF in Chinese, until the records issue makes it a
document. Same approach as the documents of ``records``: reportlab's CID font, extractable text."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from coordination.models import Supervisee
from records.pdf import chinese_font
from supervision.models import Sentence, StatusChange


def release_pdf(supervisee: Supervisee, change: StatusChange, sentence: Sentence | None) -> bytes:
    font = chinese_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle("解除社区矫正证明书")
    pdf.setAuthor(supervisee.judicial_office.name)
    width, height = A4
    y = height - 30 * mm
    pdf.setFont(font, 22)
    pdf.drawCentredString(width / 2, y, "解除社区矫正证明书")
    y -= 18 * mm
    lines = [
        f"社区矫正对象：{supervisee.name}（{supervisee.get_sex_display()}，{supervisee.date_of_birth:%Y年%m月%d日}出生）",
        f"身份证号码：{supervisee.resident_id_masked}",
        f"矫正类别：{supervisee.get_sentence_type_display()}",
    ]
    if sentence is not None and not sentence.derived:
        lines.append(f"决定机关：{sentence.organ_name}　案号：{sentence.case_number or '—'}")
    lines += [
        f"矫正期限：{supervisee.correction_start:%Y年%m月%d日} 至 {supervisee.correction_end:%Y年%m月%d日}",
        f"该社区矫正对象矫正期满，于 {change.occurred_on:%Y年%m月%d日} 依法解除社区矫正。",
        "依据《中华人民共和国社区矫正法》出具本证明书。",
        "",
        f"执行地社区矫正机构（受委托司法所）：{supervisee.judicial_office.name}",
        f"出具日期：{change.occurred_on:%Y年%m月%d日}",
    ]
    for text in lines:
        pdf.setFont(font, 12)
        pdf.drawString(25 * mm, y, text)
        y -= 9 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
