"""The data of the decision documents of rewards and sanctions, issued through the document service
(records): the 表扬/训诫/警告决定书 of the county bureau (kind ``sanction_decision``) and the proposals it sends
to an outside organ (治安管理处罚建议书, 撤销缓刑（假释）建议书, 收监执行建议书; kind ``sanction_proposal``).
The text is the template's; these functions only gather what it fills in."""

from __future__ import annotations

from django.utils import timezone

from supervision.documents import day, person
from supervision.sanctions.models import SanctionProposal

Kind = SanctionProposal.Kind

MEASURES = {
    Kind.PRAISE: "表扬",
    Kind.ADMONITION: "训诫",
    Kind.WARNING: "警告",
    Kind.PENALTY: "提请公安机关给予治安管理处罚",
    Kind.REVOCATION: "撤销缓刑（假释）",
    Kind.PRISON: "收监执行",
}
PROPOSAL_TITLES = {
    Kind.PENALTY: "治安管理处罚建议书",
    Kind.REVOCATION: "撤销缓刑（假释）建议书",
    Kind.PRISON: "收监执行建议书",
}
ORGANS = {
    SanctionProposal.Organ.PUBLIC_SECURITY: "公安机关",
    SanctionProposal.Organ.COURT: "人民法院",
}


def is_proposal(proposal: SanctionProposal) -> bool:
    """A proposal to an outside organ (the organ decides), rather than the bureau's own decision."""
    return proposal.kind in PROPOSAL_TITLES


def decision_data(proposal: SanctionProposal) -> dict[str, str]:
    """The person, the grounds and facts, who proposed and who decided, and the measure."""
    supervisee = proposal.supervisee
    bureau = supervisee.judicial_office.parent
    grounds = "；".join(f"{g.get_code_display()}（{day(g.occurred_on)}）" for g in proposal.grounds.all())
    data = {
        **person(supervisee),
        "measure": MEASURES[proposal.kind],
        "grounds": grounds or "—",
        "facts": proposal.facts,
        "proposed_by": proposal.proposed_by.get_full_name() or proposal.proposed_by.get_username(),
        "proposed_on": day(timezone.localtime(proposal.proposed_at)),
        "decision_note": f"（{proposal.decision_note}）" if proposal.decision_note else "",
        "decision_number": proposal.decision_number or "—",
        "decided_by": proposal.decided_by.get_full_name() or proposal.decided_by.get_username(),
        "decided_on": day(timezone.localtime(proposal.decided_at)),
        "bureau": bureau.name if bureau else "县级社区矫正机构",
    }
    if is_proposal(proposal):
        data["document_title"] = PROPOSAL_TITLES[proposal.kind]
        data["organ"] = ORGANS.get(proposal.organ, "—")
    return data
