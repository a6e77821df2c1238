"""The rewards-and-sanctions routes of the supervision permission matrix (test_permission_matrix.py merges
them). Each builder makes fresh rows. The matrix's "bureau" user is a bureau administrator, who decides
rewards and sanctions (the county bureau); nobody else in the matrix may decide."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from supervision.models import SanctionGround
from supervision.sanctions import actions
from supervision.sanctions.models import SanctionProposal
from tests.supervision.movement_matrix import ROLES

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PAGE_LOGIN = 302
API_ANON = 403


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


def _proposal(w, *, decided: bool = False, evidence: bool = False) -> SanctionProposal:
    ground = SanctionGround.objects.create(
        supervisee=w.supervisee, code="prohibition_breach", occurred_on=TODAY, facts="进入酒吧"
    )
    files = [SimpleUploadedFile("笔录.pdf", PDF, content_type="application/pdf")] if evidence else []
    made = actions.propose(
        supervisee=w.supervisee,
        actor=w.users["officer"],
        kind="warning",
        facts="进入酒吧",
        grounds=[ground],
        evidence=files,
    )
    if decided:
        made = actions.decide(proposal=made, actor=w.users["bureau"], approve=True, decision_number="县矫警〔2026〕1号")
    return made


PROPOSE = {"kind": "praise", "facts": "表现良好"}
DECIDE = {"decision": "approve", "decision_number": "县矫警〔2026〕9号", "confirm": "on"}
CASE_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=404)
OFFICE_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404)
OFFICE_POST = expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=404)
STAFF_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=200)
BUREAU_PAGE = expect(403, PAGE_LOGIN, bureau=200, other_officer=404)
BUREAU_POST = expect(403, PAGE_LOGIN, bureau=302, other_officer=404)
STAFF_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=200)
OWN_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=404)
OFFICE_API = expect(403, API_ANON, bureau=200, officer=200, other_officer=404)
OFFICE_API_NEW = expect(403, API_ANON, bureau=201, officer=201, other_officer=404)
BUREAU_API = expect(403, API_ANON, bureau=200, other_officer=404)

SANCTIONS_MATRIX: dict[tuple[str, str], tuple] = {
    ("supervision:sanctions-awaiting", "get"): (lambda w: {}, None, STAFF_PAGE),
    ("supervision:sanctions-case", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, CASE_PAGE),
    ("supervision:sanctions-propose", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OFFICE_PAGE),
    ("supervision:sanctions-propose", "post"): (lambda w: {"uuid": w.supervisee.uuid}, lambda w: PROPOSE, OFFICE_POST),
    ("supervision:sanctions-proposal", "get"): (lambda w: {"pk": _proposal(w).pk}, None, CASE_PAGE),
    ("supervision:sanctions-decide", "get"): (lambda w: {"pk": _proposal(w).pk}, None, BUREAU_PAGE),
    ("supervision:sanctions-decide", "post"): (lambda w: {"pk": _proposal(w).pk}, lambda w: DECIDE, BUREAU_POST),
    ("supervision:sanctions-document", "get"): (lambda w: {"pk": _proposal(w, decided=True).pk}, None, CASE_PAGE),
    ("supervision:sanctions-step", "post"): (
        lambda w: {"pk": _proposal(w).pk, "step": "withdraw"},
        lambda w: {},
        OFFICE_POST,
    ),
    ("supervision:sanctions-evidence", "get"): (
        lambda w: {"pk": _proposal(w, evidence=True).evidence.get().pk},
        None,
        CASE_PAGE,
    ),
    ("supervision-sanction-list", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-sanction-list", "post"): (
        lambda w: {},
        lambda w: {**PROPOSE, "supervisee": str(w.supervisee.uuid)},
        OFFICE_API_NEW,
    ),
    ("supervision-sanction-detail", "get"): (lambda w: {"pk": _proposal(w).pk}, None, OWN_API),
    ("supervision-sanction-awaiting", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-sanction-decide", "post"): (
        lambda w: {"pk": _proposal(w).pk},
        lambda w: {"decision": "approve", "decision_number": "县矫警〔2026〕9号"},
        BUREAU_API,
    ),
    ("supervision-sanction-withdraw", "post"): (lambda w: {"pk": _proposal(w).pk}, lambda w: {}, OFFICE_API),
    ("supervision-sanction-suggestions", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OWN_API),
}
