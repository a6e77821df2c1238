"""The decision document of a reward or sanction proposal, as a PDF in Chinese (表扬/训诫/警告决定书, or the
approval of a proposal to an outside organ). Same approach as ``supervision/movement/documents.py``."""

from __future__ import annotations

from django.utils import timezone

from supervision.movement.documents import _date, _render
from supervision.sanctions.models import SanctionProposal

Kind = SanctionProposal.Kind
State = SanctionProposal.State

TITLES = {
    Kind.PRAISE: "社区矫正对象表扬决定书",
    Kind.ADMONITION: "社区矫正对象训诫决定书",
    Kind.WARNING: "社区矫正对象警告决定书",
    Kind.PENALTY: "治安管理处罚建议书",
    Kind.REVOCATION: "撤销缓刑（假释）建议书",
    Kind.PRISON: "收监执行建议书",
}
KINDS_ZH = {
    Kind.PRAISE: "表扬",
    Kind.ADMONITION: "训诫",
    Kind.WARNING: "警告",
    Kind.PENALTY: "提请公安机关给予治安管理处罚",
    Kind.REVOCATION: "提请人民法院撤销缓刑（假释）",
    Kind.PRISON: "提请收监执行",
}
ORGANS_ZH = {
    SanctionProposal.Organ.PUBLIC_SECURITY: "公安机关",
    SanctionProposal.Organ.COURT: "人民法院",
}
LAW = "依据《中华人民共和国社区矫正法》第二十八条、《社区矫正法实施办法》第三十二条至第三十六条"
LAW_ORGAN = "依据《中华人民共和国社区矫正法》第二十八条、第四十六条，《社区矫正法实施办法》第四十六条至第四十九条"


def decision_pdf(proposal: SanctionProposal) -> bytes:
    """The decision: the person, the grounds and facts, who proposed, who decided, the number and outcome."""
    person = proposal.supervisee
    title = TITLES[proposal.kind]
    title_lines = [f"文号：{proposal.decision_number}"] if proposal.decision_number else []
    grounds = "；".join(f"{g.get_code_display()}（{_date(g.occurred_on)}）" for g in proposal.grounds.all())
    lines = title_lines + [
        f"社区矫正对象：{person.name}（{person.get_sex_display()}）",
        f"身份证号码：{person.resident_id_masked}",
        f"矫正类别：{person.get_sentence_type_display()}",
        f"执行地司法所：{person.judicial_office.name}",
        "",
        f"事项：{KINDS_ZH[proposal.kind]}",
        f"事由：{grounds or '—'}",
        f"事实：{proposal.facts}",
        f"提出人：{proposal.proposed_by.get_full_name()}（{_date(timezone.localtime(proposal.proposed_at))}）",
        "",
        LAW_ORGAN if proposal.organ else LAW,
    ]
    if proposal.state == State.PROPOSED:
        lines.append("决定：待县级社区矫正机构审批")
    elif proposal.state == State.WITHDRAWN:
        lines.append("决定：建议已撤回")
    elif proposal.state == State.REFUSED:
        lines += [
            f"决定：不予批准（{proposal.decision_note}）",
            f"审批人：{proposal.decided_by.get_full_name()}",
            f"审批日期：{_date(timezone.localtime(proposal.decided_at))}",
        ]
    else:
        verb = f"同意{KINDS_ZH[proposal.kind]}"
        lines += [
            f"决定：{verb}" + (f"（{proposal.decision_note}）" if proposal.decision_note else ""),
            f"审批人：{proposal.decided_by.get_full_name()}",
            f"审批日期：{_date(timezone.localtime(proposal.decided_at))}",
        ]
        if proposal.organ:
            lines.append(f"送交：{ORGANS_ZH[proposal.organ]}（{_date(proposal.sent_on)}）")
        if proposal.court_due_on:
            lines.append(f"人民法院应于 {_date(proposal.court_due_on)} 前作出裁定。")
        if proposal.organ_decided_on:
            outcome = "准予" if proposal.organ_accepted else "不予准许"
            lines.append(
                f"{ORGANS_ZH[proposal.organ]}决定：{outcome}（{proposal.organ_reference}，{_date(proposal.organ_decided_on)}）"
            )
        if proposal.procuratorate_notified_on:
            lines.append(f"已于 {_date(proposal.procuratorate_notified_on)} 抄送人民检察院。")
    bureau = person.judicial_office.parent
    lines += ["", f"决定机关：{bureau.name if bureau else '县级社区矫正机构'}"]
    return _render(title, person.judicial_office.name, lines)
