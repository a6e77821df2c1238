"""The certificate of volunteer service record (志愿服务记录证明) as a PDF in Chinese.

Uses reportlab's built-in CID font STSong-Light: Chinese renders without shipping a
font file, and the text stays extractable (pypdf reads it back in the tests).
"""

from __future__ import annotations

import io

from django.http import HttpRequest
from django.urls import reverse
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from accounts.links import absolute_url
from accounts.localtime import local_date
from volunteers.models import Certificate

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def render_pdf(certificate: Certificate, request: HttpRequest | None = None) -> bytes:
    """Render an issued certificate from its snapshot (the same figures every time)."""
    data = certificate.snapshot
    font = _font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle("志愿服务记录证明")
    pdf.setAuthor(data.get("organisation", ""))
    width, height = A4
    y = height - 30 * mm

    def line(text: str, size: int = 12, gap: float = 8, x: float = 25 * mm) -> None:
        nonlocal y
        if y < 30 * mm:
            pdf.showPage()
            y = height - 25 * mm
        pdf.setFont(font, size)
        pdf.drawString(x, y, text)
        y -= gap * mm

    pdf.setFont(font, 22)
    pdf.drawCentredString(width / 2, y, "志愿服务记录证明")
    y -= 16 * mm
    line(f"兹证明 {data['full_name']} 同志在 {data['organisation']} 参加志愿服务，")
    period = f"{data['first_date']} 至 {data['last_date']}" if data.get("first_date") else ""
    line(f"服务期间：{period}，经审核累计志愿服务时长 {data['total_hours']} 小时。")
    line("依据《志愿服务条例》第十九条出具本证明。", gap=12)
    line("服务活动", size=14)
    for activity in data.get("activities", []):
        line(f"· {activity['name']}：{activity['hours']} 小时", size=11, gap=7, x=30 * mm)
    y -= 4 * mm
    line("培训记录", size=14)
    if not data.get("training"):
        line("· 无", size=11, gap=7, x=30 * mm)
    for record in data.get("training", []):
        line(f"· {record['course']}（{record['completed_on']} 完成）", size=11, gap=7, x=30 * mm)
    y -= 8 * mm
    line(f"出具单位：{data['organisation']}")
    line(f"出具日期：{local_date(certificate.issued_at).isoformat()}")
    line(f"验证码：{certificate.code}", size=14)
    verify = absolute_url(reverse("volunteers:verify") + f"?code={certificate.code}", request)
    line(f"验证网址：{verify}", size=9)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
