"""The data of the documents a movement decision produces, issued through the document service (records):
the approval form (审批表) of a decided request — travel (and frequent travel), relocation, contact, entry —
and the travel certificate (外出证明) of an approved travel. The text is the template's (records' admin);
these functions only gather what it fills in."""

from __future__ import annotations

from django.utils import timezone

from records.models import DocumentKind
from supervision.documents import day, person
from supervision.movement import actions
from supervision.movement.models import MovementRequest

Kind = MovementRequest.Kind

# The document kind of each request's approval form (its number's character and template).
APPROVAL_KINDS = {
    Kind.TRAVEL: DocumentKind.TRAVEL_APPROVAL,
    Kind.FREQUENT_TRAVEL: DocumentKind.TRAVEL_APPROVAL,
    Kind.RELOCATION: DocumentKind.RELOCATION_APPROVAL,
    Kind.CONTACT: DocumentKind.CONTACT_APPROVAL,
    Kind.ENTRY: DocumentKind.ENTRY_APPROVAL,
}
# The travel approval template prints the form's title: travel and frequent travel share the kind.
FORM_TITLES = {
    Kind.TRAVEL: "社区矫正对象外出审批表",
    Kind.FREQUENT_TRAVEL: "社区矫正对象经常性跨市县活动审批表",
}
DECIDERS = {
    MovementRequest.Route.OFFICE: "司法所负责人（报县级社区矫正机构备案）",
    MovementRequest.Route.BUREAU: "县级社区矫正机构负责人",
    MovementRequest.Route.UPPER: "上一级社区矫正机构（县级社区矫正机构登记其决定）",
}


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def approval_data(request: MovementRequest) -> dict[str, str]:
    """审批表: the request, its route and the decision."""
    approved = request.state != MovementRequest.State.REFUSED
    extra = []
    if request.route == MovementRequest.Route.UPPER:
        extra.append(f"上一级社区矫正机构决定文号：{request.upper_reference or '—'}")
    report_by = actions.report_by(request)
    if report_by:
        extra.append(f"应于 {day(report_by)} 前到新执行地县级社区矫正机构报到。")
    reply = "—"
    if request.reply_agrees is not None:
        reply = f"{day(request.reply_on)}，{'同意接收' if request.reply_agrees else '不同意接收'}"
    return {
        **person(request.supervisee),
        "form_title": FORM_TITLES.get(request.kind, ""),
        "request_kind": request.get_kind_display(),
        "applied_on": day(timezone.localtime(request.applied_at)),
        "destination": request.destination or "—",
        "receiving_county": request.receiving_county or "—",
        "start": day(request.start),
        "end": day(request.end),
        "days": str(request.days or "—"),
        "consulted_on": day(request.consulted_on),
        "reply": reply,
        "people": request.people or "—",
        "place": request.place or "—",
        "reason": request.reason,
        "route": DECIDERS[request.route],
        "outcome": ("同意" if approved else "不予批准")
        + (f"（{request.decision_note}）" if request.decision_note else ""),
        "decided_by": _name(request.decided_by),
        "decided_on": day(timezone.localtime(request.decided_at)),
        "extra": "\n".join(extra),
    }


def travel_certificate_data(request: MovementRequest) -> dict[str, str]:
    """The data of the 外出证明 (records' template ``travel_certificate`` fills it in; the office, number, issue
    date and legal basis are added by the document service)."""
    data = person(request.supervisee)
    return {key: data[key] for key in ("name", "sex", "resident_id", "sentence_type")} | {
        "start": day(request.start),
        "end": day(request.end),
        "days": str(request.days),
        "destination": request.destination,
        "reason": request.reason,
        "decider": DECIDERS[request.route],
        "decided_on": day(timezone.localtime(request.decided_at)),
    }
