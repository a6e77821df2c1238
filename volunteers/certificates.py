"""The certificate of volunteer service record (志愿服务记录证明): the data its template on the document
service (``records``, kind ``volunteer_certificate``) is filled from, and the PDF of a certificate issued before
the document service (a ``volunteers.Certificate`` row, checked by its code), drawn by the same renderer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from accounts.links import absolute_url
from accounts.localtime import local_date
from records import actions as records
from records import pdf
from records.models import DocumentKind
from volunteers.models import Certificate


def _lines(snapshot: dict[str, Any]) -> dict[str, str]:
    """The activities and training of a service record as lines of the certificate."""
    activities = [f"· {row['name']}：{row['hours']} 小时" for row in snapshot.get("activities", [])]
    training = [f"· {row['course']}（{row['completed_on']} 完成）" for row in snapshot.get("training", [])]
    return {"activities": "\n".join(activities) or "· 无", "training": "\n".join(training) or "· 无"}


def certificate_data(*, full_name: str, summary: dict[str, Any]) -> dict[str, str]:
    """What the certificate states: the volunteer's name, the period and approved hours, the activities and
    the training (``selectors.service_record``)."""
    return {
        "name": full_name,
        "first_date": summary["first_date"],
        "last_date": summary["last_date"],
        "total_hours": str(Decimal(summary["total_hours"]).quantize(Decimal("0.01"))),
        **_lines(summary),
    }


def legacy_pdf(certificate: Certificate, request: HttpRequest | None = None) -> bytes:
    """A certificate issued before the document service, from its snapshot, with the template in force; its
    verification code stands where a number would, and its address is the volunteers' check by code."""
    data = certificate.snapshot
    template = records.template_in_force(DocumentKind.VOLUNTEER_CERTIFICATE)
    verify_url = absolute_url(reverse("volunteers:verify") + f"?code={certificate.code}", request)
    number = f"验证码：{certificate.code}"
    snapshot = {
        **certificate_data(full_name=data.get("full_name", ""), summary=data),
        "number": number,
        "office": data.get("organisation", ""),
        "issued_on": f"{local_date(certificate.issued_at):%Y年%m月%d日}",
        "legal_basis": template.legal_basis,
        "verify_url": verify_url,
    }
    return pdf.render(
        title=template.title_zh,
        number=number,
        body=template.body,
        snapshot=snapshot,
        verify_url=verify_url,
        author=snapshot["office"],
    )
