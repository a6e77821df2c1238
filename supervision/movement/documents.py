"""The documents a decision produces, as PDFs in Chinese: the approval form (审批表) of every request and the
travel certificate (外出证明) of an approved travel. Same approach as ``supervision/certificates.py``:
reportlab's CID font, extractable text."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from records.pdf import chinese_font
from supervision.movement import actions
from supervision.movement.models import MovementRequest

TITLES = {
    MovementRequest.Kind.TRAVEL: "社区矫正对象外出审批表",
    MovementRequest.Kind.FREQUENT_TRAVEL: "社区矫正对象经常性跨市县活动审批表",
    MovementRequest.Kind.RELOCATION: "社区矫正对象变更执行地审批表",
    MovementRequest.Kind.CONTACT: "社区矫正对象会客审批表",
    MovementRequest.Kind.ENTRY: "社区矫正对象进入特定区域（场所）审批表",
}
DECIDERS = {
    MovementRequest.Route.OFFICE: "司法所负责人（报县级社区矫正机构备案）",
    MovementRequest.Route.BUREAU: "县级社区矫正机构负责人",
    MovementRequest.Route.UPPER: "上一级社区矫正机构（县级社区矫正机构登记其决定）",
}
OUTCOME = {
    MovementRequest.State.SUBMITTED: "待审批",
    MovementRequest.State.REFERRED: "已报上一级审批",
    MovementRequest.State.REFUSED: "不予批准",
    MovementRequest.State.WITHDRAWN: "申请已撤回",
}


def _date(day) -> str:
    return f"{day:%Y年%m月%d日}" if day else "—"


def _render(title: str, author: str, lines: list[str]) -> bytes:
    font = chinese_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    width, height = A4
    y = height - 30 * mm
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, y, title)
    y -= 16 * mm
    for text in lines:
        # Long free text is wrapped by characters (Chinese has no spaces to break on).
        chunks = [text[i : i + 38] for i in range(0, len(text), 38)] or [""]
        for chunk in chunks:
            if y < 20 * mm:
                pdf.showPage()
                y = height - 25 * mm
            pdf.setFont(font, 12)
            pdf.drawString(22 * mm, y, chunk)
            y -= 8 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _person(request: MovementRequest) -> list[str]:
    person = request.supervisee
    return [
        f"社区矫正对象：{person.name}（{person.get_sex_display()}）",
        f"身份证号码：{person.resident_id_masked}",
        f"矫正类别：{person.get_sentence_type_display()}",
        f"执行地司法所：{person.judicial_office.name}",
    ]


def approval_form_pdf(request: MovementRequest) -> bytes:
    """审批表: the request, its route and the decision (or that it is still open)."""
    kind = MovementRequest.Kind
    lines = _person(request) + [
        "",
        f"申请事项：{request.get_kind_display()}",
        f"申请日期：{_date(timezone.localtime(request.applied_at))}",
    ]
    if request.kind in (kind.TRAVEL, kind.FREQUENT_TRAVEL):
        lines += [
            f"外出目的地：{request.destination}",
            f"外出期间：{_date(request.start)} 至 {_date(request.end)}（共{request.days}日）",
        ]
    elif request.kind == kind.RELOCATION:
        lines += [
            f"新执行地：{request.destination}（{request.receiving_county}）",
            f"拟变更日期：{_date(request.start)}",
            f"征求新执行地意见：{_date(request.consulted_on)}；回复：{_date(request.reply_on)}"
            + ("" if request.reply_agrees is None else ("，同意接收" if request.reply_agrees else "，不同意接收")),
        ]
    elif request.kind == kind.CONTACT:
        lines += [f"会见人员：{request.people}", f"期间：{_date(request.start)} 至 {_date(request.end)}"]
    else:
        lines += [f"进入场所：{request.place}", f"期间：{_date(request.start)} 至 {_date(request.end)}"]
    lines += [f"申请理由：{request.reason}", "", f"审批层级：{DECIDERS[request.route]}"]
    if request.decided_by_id:
        approved = request.state not in (MovementRequest.State.REFUSED,)
        lines += [
            f"审批意见：{'同意' if approved else '不予批准'}"
            + (f"（{request.decision_note}）" if request.decision_note else ""),
            f"审批人：{request.decided_by.get_full_name()}",
            f"审批日期：{_date(timezone.localtime(request.decided_at))}",
        ]
        if request.route == MovementRequest.Route.UPPER:
            lines.append(f"上一级社区矫正机构决定文号：{request.upper_reference or '—'}")
        report_by = actions.report_by(request)
        if report_by:
            lines.append(f"应于 {_date(report_by)} 前到新执行地县级社区矫正机构报到。")
        if request.notice_to:
            lines.append(f"已于 {_date(request.notice_on)} 通报{request.get_notice_to_display()}。")
    else:
        lines.append(f"审批意见：{OUTCOME.get(request.state, '—')}")
    return _render(TITLES[request.kind], request.supervisee.judicial_office.name, lines)


def travel_certificate_data(request: MovementRequest) -> dict[str, str]:
    """The data of the 外出证明 (records' template ``travel_certificate`` fills it in; the office, number, issue
    date and legal basis are added by the document service)."""
    person = request.supervisee
    return {
        "name": person.name,
        "sex": person.get_sex_display(),
        "resident_id": person.resident_id_masked,
        "sentence_type": person.get_sentence_type_display(),
        "start": _date(request.start),
        "end": _date(request.end),
        "days": str(request.days),
        "destination": request.destination,
        "reason": request.reason,
        "decider": DECIDERS[request.route],
        "decided_on": _date(timezone.localtime(request.decided_at)),
    }


def travel_certificate_pdf(request: MovementRequest) -> bytes:
    """外出证明 as printed before the document service (kept for comparison; the view serves the issued one)."""
    lines = _person(request) + [
        "",
        f"经批准，该社区矫正对象于 {_date(request.start)} 至 {_date(request.end)} 外出，共{request.days}日。",
        f"外出目的地：{request.destination}",
        f"外出事由：{request.reason}",
        f"请于 {_date(request.end)} 前返回，并立即向{request.supervisee.judicial_office.name}报告（销假）。",
        "外出期间应遵守法律法规和社区矫正监督管理规定，按要求报告活动情况。",
        "",
        f"批准机关：{DECIDERS[request.route]}",
        f"批准日期：{_date(timezone.localtime(request.decided_at))}",
        f"出具单位：{request.supervisee.judicial_office.name}",
    ]
    return _render("社区矫正对象外出证明", request.supervisee.judicial_office.name, lines)
