"""Rewards and sanctions (issue 16 item 2): suggestions at every boundary and none below, the approver's role,
the court's 30-day and the detention request's 48-hour clocks as obligations, the decision document."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from config.errors import ActionError
from coordination.models import AccessLog, Supervisee
from records.models import IssuedDocument
from supervision.models import Obligation, SanctionGround
from supervision.reporting import actions as reporting
from supervision.sanctions import actions
from supervision.sanctions.models import SanctionProposal
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def officer(world):
    return world.users["officer"]


@pytest.fixture
def person(world):
    return world.supervisee


@pytest.fixture
def heads(world):
    return {
        "office": user_with_role(Role.OFFICE_HEAD, world.city.office, username="officehead"),
        "bureau": user_with_role(Role.BUREAU_HEAD, world.city.bureau, username="bureauhead"),
    }


def today():
    return timezone.localdate()


def ground(person, code, days_ago=1):
    return SanctionGround.objects.create(
        supervisee=person, code=code, occurred_on=today() - dt.timedelta(days=days_ago), facts="测试事实"
    )


def kinds(person):
    return [s.kind for s in actions.suggest(person)]


def decided(person, kind, officer, approver, n=1):
    """``n`` approved proposals of ``kind`` in the past (each on its own ground)."""
    for _ in range(n):
        g = ground(person, SanctionGround.Code.MISSED_REPORT, days_ago=100)
        p = actions.propose(supervisee=person, actor=officer, kind=kind, facts="事实", grounds=[g])
        actions.decide(proposal=p, actor=approver, approve=True, decision_number="县矫字〔2026〕1号")


def lose_contact(person, officer, days):
    episode = reporting.report_lost_contact(
        supervisee=person, actor=officer, lost_since=today() - dt.timedelta(days=days)
    )
    reporting.close_episode(episode=episode, actor=officer, found_at=timezone.now(), outcome="found")


# --- suggestions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "expected"), [(10, ["admonition"]), (11, ["warning"])])
def test_lost_contact_suggests_a_warning_beyond_ten_days_and_not_at_ten(person, officer, days, expected):
    lose_contact(person, officer, days)
    suggestions = actions.suggest(person)
    assert [s.kind for s in suggestions] == expected
    assert all(g.supervisee_id == person.pk for s in suggestions for g in s.grounds)
    assert suggestions[0].reasons


def test_lost_contact_beyond_a_month_suggests_revocation_for_probation(person, officer):
    lose_contact(person, officer, 45)
    assert "revocation" in kinds(person)


def test_lost_contact_beyond_a_month_suggests_prison_for_temporary_execution(person, officer):
    Supervisee.objects.filter(pk=person.pk).update(sentence_type="temporary_execution")
    person.refresh_from_db()
    lose_contact(person, officer, 45)
    assert "prison" in kinds(person)
    assert "revocation" not in kinds(person)


@pytest.mark.parametrize("code", [SanctionGround.Code.TRAVEL_WITHOUT_APPROVAL, SanctionGround.Code.PROHIBITION_BREACH])
def test_travel_without_approval_and_a_breach_suggest_a_warning(person, code):
    g = ground(person, code)
    [suggestion] = actions.suggest(person)
    assert suggestion.kind == "warning"
    assert suggestion.grounds == [g]


def test_a_first_light_ground_suggests_an_admonition_and_a_second_admonition_becomes_a_warning(person, officer, heads):
    ground(person, SanctionGround.Code.LATE_RETURN)
    # No admonition yet: this would be the first.
    assert kinds(person) == ["admonition"]
    SanctionGround.objects.all().delete()
    decided(person, "admonition", officer, heads["bureau"], n=1)
    ground(person, SanctionGround.Code.LATE_RETURN)
    [suggestion] = actions.suggest(person)
    assert suggestion.kind == "warning"
    assert any("1" in reason for reason in suggestion.reasons)


def test_one_warning_suggests_nothing_more_two_suggest_revocation(person, officer, heads):
    decided(person, "warning", officer, heads["bureau"], n=1)
    assert "revocation" not in kinds(person)
    decided(person, "warning", officer, heads["bureau"], n=1)
    assert "revocation" in kinds(person)


def test_used_grounds_suggest_nothing_again_and_suggest_creates_nothing(person, officer):
    g = ground(person, SanctionGround.Code.PROHIBITION_BREACH)
    before = (SanctionProposal.objects.count(), Obligation.objects.count())
    actions.suggest(person)
    assert (SanctionProposal.objects.count(), Obligation.objects.count()) == before
    actions.propose(supervisee=person, actor=officer, kind="warning", facts="事实", grounds=[g])
    assert kinds(person) == []


def test_praise_only_after_the_minimum_time_and_with_no_ground(person):
    start = today() - relativedelta(months=6)
    Supervisee.objects.filter(pk=person.pk).update(correction_start=start + dt.timedelta(days=1))
    person.refresh_from_db()
    assert kinds(person) == []
    Supervisee.objects.filter(pk=person.pk).update(correction_start=start)
    person.refresh_from_db()
    assert kinds(person) == ["praise"]
    ground(person, SanctionGround.Code.MISSED_REPORT, days_ago=5)
    assert "praise" not in kinds(person)


# --- proposing and deciding ----------------------------------------------------------------------------------


def test_a_proposal_keeps_grounds_facts_evidence_and_owes_a_decision(person, officer):
    g = ground(person, SanctionGround.Code.PROHIBITION_BREACH)
    upload = SimpleUploadedFile("谈话笔录.pdf", PDF, content_type="application/pdf")
    proposal = actions.propose(
        supervisee=person, actor=officer, kind="warning", facts="进入禁止场所", grounds=[g], evidence=[upload]
    )
    assert proposal.state == "proposed"
    assert list(proposal.grounds.all()) == [g]
    assert proposal.evidence.get().content_type == "application/pdf"
    owed = Obligation.objects.get(kind="sanction_decision", source_id=proposal.pk, done_at__isnull=True)
    assert owed.rule_code == "sanction_decision"


def test_bad_input_is_refused_with_field_messages(person, world, officer):
    other = ground(world.other_supervisee, SanctionGround.Code.PROHIBITION_BREACH)
    with pytest.raises(ActionError) as refused:
        actions.propose(supervisee=person, actor=officer, kind="warning", facts=" ", grounds=[other])
    assert set(refused.value.message_dict) == {"facts", "grounds"}
    with pytest.raises(ActionError) as refused:
        actions.propose(supervisee=person, actor=officer, kind="warning", facts="x", grounds=[])
    assert "grounds" in refused.value.message_dict
    bad = SimpleUploadedFile("a.pdf", b"MZ not a pdf", content_type="application/pdf")
    g = ground(person, SanctionGround.Code.PROHIBITION_BREACH)
    with pytest.raises(ActionError) as refused:
        actions.propose(supervisee=person, actor=officer, kind="warning", facts="x", grounds=[g], evidence=[bad])
    assert "evidence" in refused.value.message_dict


@pytest.mark.parametrize("who", ["other_officer", "social_worker", "provider", "volunteer"])
def test_only_officers_of_the_office_and_the_bureau_propose(world, person, who):
    g = ground(person, SanctionGround.Code.PROHIBITION_BREACH)
    with pytest.raises(ActionError):
        actions.propose(supervisee=person, actor=world.users[who], kind="warning", facts="x", grounds=[g])


@pytest.fixture
def proposal(person, officer):
    g = ground(person, SanctionGround.Code.PROHIBITION_BREACH)
    return actions.propose(supervisee=person, actor=officer, kind="warning", facts="进入禁止场所", grounds=[g])


@pytest.mark.parametrize("who", ["officer", "other_officer", "social_worker", "office_head"])
def test_no_decision_without_the_approvers_role(world, heads, proposal, who):
    actor = heads["office"] if who == "office_head" else world.users[who]
    with pytest.raises(ActionError) as refused:
        actions.decide(proposal=proposal, actor=actor, approve=True, decision_number="1")
    assert refused.value.code == "forbidden"
    proposal.refresh_from_db()
    assert proposal.state == "proposed"


def test_nobody_decides_their_own_proposal(world, person):
    admin = world.users["bureau"]
    g = ground(person, SanctionGround.Code.PROHIBITION_BREACH)
    own = actions.propose(supervisee=person, actor=admin, kind="warning", facts="x", grounds=[g])
    with pytest.raises(ActionError):
        actions.decide(proposal=own, actor=admin, approve=True, decision_number="1")


def test_the_bureau_approves_a_warning_which_opens_the_plan_review(heads, proposal, person):
    with pytest.raises(ActionError) as refused:
        actions.decide(proposal=proposal, actor=heads["bureau"], approve=True)
    assert "decision_number" in refused.value.message_dict
    done = actions.decide(proposal=proposal, actor=heads["bureau"], approve=True, decision_number="县矫警〔2026〕3号")
    assert done.state == "approved"
    assert done.decided_by == heads["bureau"]
    assert not Obligation.objects.filter(kind="sanction_decision", done_at__isnull=True).exists()
    review = Obligation.objects.get(supervisee=person, kind="plan_review", done_at__isnull=True)
    assert review.rule_code == "sanction_plan_review"


def test_a_refusal_needs_reasons_and_a_praise_opens_no_review(world, heads, proposal, person, officer):
    with pytest.raises(ActionError) as refused:
        actions.decide(proposal=proposal, actor=world.users["bureau"], approve=False, note=" ")
    assert "note" in refused.value.message_dict
    actions.decide(proposal=proposal, actor=world.users["bureau"], approve=False, note="事实不清")
    proposal.refresh_from_db()
    assert proposal.state == "refused"
    praise = actions.propose(supervisee=person, actor=officer, kind="praise", facts="表现良好")
    actions.decide(proposal=praise, actor=heads["bureau"], approve=True, decision_number="县矫表〔2026〕1号")
    assert not Obligation.objects.filter(supervisee=person, kind="plan_review", done_at__isnull=True).exists()


def test_withdraw_only_while_awaiting(heads, proposal, officer):
    actions.withdraw(proposal=proposal, actor=officer)
    proposal.refresh_from_db()
    assert proposal.state == "withdrawn"
    with pytest.raises(ActionError):
        actions.decide(proposal=proposal, actor=heads["bureau"], approve=True, decision_number="1")


def test_every_move_outside_the_table_is_refused():
    for source, target, row in actions.MACHINE.walk():
        if row is None:
            assert target not in actions.MACHINE.targets(source)
    assert set(actions.MACHINE.final_states()) == {"refused", "withdrawn", "organ_decided"}


# --- outside organs and their clocks --------------------------------------------------------------------------


@pytest.fixture
def revocation(person, officer, heads):
    lose_contact(person, officer, 45)
    grounds = SanctionGround.objects.filter(supervisee=person, code="lost_contact_month")
    proposal = actions.propose(
        supervisee=person, actor=officer, kind="revocation", facts="脱离监管超过一个月", grounds=grounds
    )
    return actions.decide(proposal=proposal, actor=heads["bureau"], approve=True, decision_number="县矫撤〔2026〕2号")


def test_the_court_has_thirty_days_from_the_proposal(revocation, officer):
    sent_on = today() - dt.timedelta(days=2)
    sent = actions.send(proposal=revocation, actor=officer, sent_on=sent_on)
    assert sent.court_due_on == sent_on + dt.timedelta(days=30)
    clock = Obligation.objects.get(kind="court_decision", source_id=sent.pk, done_at__isnull=True)
    assert timezone.localdate(clock.due_at) == sent_on + dt.timedelta(days=30)
    assert clock.rule_code == "court_decision"


def test_a_detention_request_has_forty_eight_hours(revocation, officer):
    with pytest.raises(ActionError):
        actions.request_detention(proposal=revocation, actor=officer, at=timezone.now())
    actions.send(proposal=revocation, actor=officer, sent_on=today())
    at = timezone.now().replace(microsecond=0)
    asked = actions.request_detention(proposal=revocation, actor=officer, at=at)
    clock = Obligation.objects.get(kind="detention_decision", source_id=asked.pk, done_at__isnull=True)
    assert clock.due_at == at + dt.timedelta(hours=48)
    done = actions.record_organ_decision(
        proposal=asked, actor=officer, decided_on=today(), accepted=True, reference="（2026）豫0102刑更1号"
    )
    assert done.state == "organ_decided"
    assert not Obligation.objects.filter(
        kind__in=["court_decision", "detention_decision"], source_id=done.pk, done_at__isnull=True
    ).exists()


def test_a_warning_is_not_sent_anywhere_and_the_procuratorate_date_is_kept(heads, proposal, officer):
    actions.decide(proposal=proposal, actor=heads["bureau"], approve=True, decision_number="1")
    with pytest.raises(ActionError):
        actions.send(proposal=proposal, actor=officer, sent_on=today())
    done = actions.record_procuratorate_notice(proposal=proposal, actor=officer, notified_on=today())
    assert done.procuratorate_notified_on == today()


def test_the_new_clocks_are_met_on_the_sanctions_page_and_owed_by_the_organ():
    from supervision import todo
    from supervision.classification import ORGAN_OWES

    for kind in ("sanction_decision", "court_decision", "detention_decision"):
        assert todo.ACTIONS[kind][1] == "sanctions"
        assert kind in todo.MET_BY_RECORDING
    assert {"court_decision", "detention_decision"} <= set(ORGAN_OWES)


# --- pages, API and the decision document -----------------------------------------------------------------------


def login(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def pdf_text(body: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_from_twelve_days_lost_to_the_warning_document(person, officer, heads):
    """An officer records 12 days out of contact; the page suggests a warning with the ground; the officer
    proposes it (prefilled); the bureau head confirms and approves; the document is issued."""
    from django.urls import reverse

    lose_contact(person, officer, 12)
    case = login(officer).get(reverse("supervision:sanctions-case", args=[person.uuid]))
    assert case.status_code == 200
    assert AccessLog.objects.filter(user=officer, supervisee=person, object_type="sanction_ground").exists()
    [suggestion] = case.context["suggestions"]
    assert suggestion.kind == "warning"
    body = case.content.decode()
    assert suggestion.propose_url.replace("&", "&amp;") in body
    form = login(officer).get(suggestion.propose_url).context["form"]
    assert form.initial["kind"] == "warning"
    [ground_pk] = [int(pk) for pk in form.initial["grounds"]]
    posted = login(officer).post(
        reverse("supervision:sanctions-propose", args=[person.uuid]),
        {"kind": "warning", "grounds": [ground_pk], "facts": "失去联系十二日"},
    )
    assert posted.status_code == 302
    proposal = SanctionProposal.objects.get(supervisee=person)
    head = login(heads["bureau"])
    decide_url = reverse("supervision:sanctions-decide", args=[proposal.pk])
    assert head.get(decide_url).status_code == 200
    # Not confirmed: nothing is decided.
    unconfirmed = head.post(decide_url, {"decision": "approve", "decision_number": "县矫警〔2026〕7号"})
    assert unconfirmed.status_code == 400
    proposal.refresh_from_db()
    assert proposal.state == "proposed"
    done = head.post(decide_url, {"decision": "approve", "decision_number": "县矫警〔2026〕7号", "confirm": "on"})
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "approved"
    pdf = login(officer).get(reverse("supervision:sanctions-document", args=[proposal.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for expected in ("警告决定书", "县矫警〔2026〕7号", person.name, "第二十八条", "决定给予该社区矫正对象警告"):
        assert expected in text
    assert f"{timezone.localtime(proposal.decided_at):%Y年%m月%d日}" in text
    # Issued once through the document service: the same bytes on the next download, in the register.
    issued = IssuedDocument.objects.get(kind="sanction_decision")
    assert issued.number in text and "处字第 1 号" in text and issued.source == proposal
    assert login(officer).get(reverse("supervision:sanctions-document", args=[proposal.pk])).content == pdf.content
    # The officer cannot open the decide page.
    assert login(officer).get(decide_url).status_code == 403


def test_the_proposal_of_a_revocation_is_issued_to_the_court(revocation, officer):
    sent = actions.send(proposal=revocation, actor=officer, sent_on=today())
    document = actions.decision_document(proposal=sent)
    with document.pdf.open("rb") as stored:
        text = pdf_text(stored.read())
    assert document.kind == "sanction_proposal" and "建字第 1 号" in text and document.number in text
    assert "撤销缓刑（假释）建议书" in text and "人民法院：" in text and sent.supervisee.name in text
    assert f"{timezone.localtime(sent.decided_at):%Y年%m月%d日}" in text and "第四十六条" in text
    # The same document on every later call.
    assert actions.decision_document(proposal=sent) == document


def test_api_suggests_proposes_and_decides(person, officer, heads):
    g = ground(person, SanctionGround.Code.PROHIBITION_BREACH)
    client = login(officer)
    suggestions = client.get(f"/api/v1/supervision/supervisees/{person.uuid}/sanction-suggestions/").json()
    assert [row["kind"] for row in suggestions] == ["warning"]
    assert suggestions[0]["grounds"][0]["id"] == g.pk
    bad = client.post(
        "/api/v1/supervision/sanction-proposals/",
        {"supervisee": str(person.uuid), "kind": "warning", "facts": "x", "grounds": [999999]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "grounds" in bad.json()["errors"]
    made = client.post(
        "/api/v1/supervision/sanction-proposals/",
        {"supervisee": str(person.uuid), "kind": "warning", "facts": "进入酒吧", "grounds": [g.pk]},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    refused = client.post(f"/api/v1/supervision/sanction-proposals/{pk}/decide/", {"decision": "approve"})
    assert refused.status_code == 403
    missing = login(heads["bureau"]).post(
        f"/api/v1/supervision/sanction-proposals/{pk}/decide/", {"decision": "approve"}
    )
    assert missing.status_code == 400
    assert "decision_number" in missing.json()["errors"]
    ok = login(heads["bureau"]).post(
        f"/api/v1/supervision/sanction-proposals/{pk}/decide/", {"decision": "approve", "decision_number": "1号"}
    )
    assert ok.status_code == 200
    assert ok.json()["state"] == "approved"


def test_the_case_list_costs_a_fixed_number_of_queries(person, officer, django_assert_max_num_queries):
    from supervision.sanctions import selectors

    for _ in range(3):
        g = ground(person, SanctionGround.Code.PROHIBITION_BREACH)
        actions.propose(supervisee=person, actor=officer, kind="warning", facts="x", grounds=[g])
    with django_assert_max_num_queries(8):
        rows = selectors.for_case(officer, person)
        for row in rows:
            list(row.grounds.all())
            list(row.evidence.all())
            str(row.proposed_by)


def test_the_proposal_page_offers_the_organ_steps_in_order(revocation, officer, world):
    from django.urls import reverse

    page = login(officer).get(reverse("supervision:sanctions-proposal", args=[revocation.pk]))
    assert [name for name, _title, _form in page.context["steps"]] == ["send", "notice"]
    step = reverse("supervision:sanctions-step", args=[revocation.pk, "send"])
    future = login(officer).post(step, {"sent_on": (today() + dt.timedelta(days=1)).isoformat()})
    assert future.status_code == 400
    assert login(officer).post(step, {"sent_on": today().isoformat()}).status_code == 302
    page = login(officer).get(reverse("supervision:sanctions-proposal", args=[revocation.pk]))
    assert [name for name, _title, _form in page.context["steps"]] == ["detention", "organ-decision", "notice"]
    # The social worker sees the proposal but takes no step.
    seen = login(world.users["social_worker"]).get(reverse("supervision:sanctions-proposal", args=[revocation.pk]))
    assert seen.status_code == 200
    assert seen.context["steps"] == []


def test_the_todo_page_links_a_proposal_awaiting_decision_to_the_sanctions_page(world, proposal):
    from django.urls import reverse

    page = login(world.users["bureau"]).get(reverse("supervision:today"))
    assert page.status_code == 200
    assert reverse("supervision:sanctions-case", args=[proposal.supervisee.uuid]) in page.content.decode()


def test_the_api_list_costs_the_same_queries_for_one_or_many_proposals(person, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/supervision/sanction-proposals/").status_code == 200
        return len(queries)

    def add():
        g = ground(person, SanctionGround.Code.PROHIBITION_BREACH)
        actions.propose(supervisee=person, actor=officer, kind="warning", facts="x", grounds=[g])

    add()
    one = count()
    for _ in range(4):
        add()
    assert count() == one


def test_every_sanction_rule_is_a_row_with_its_citation():
    from supervision import rulebook
    from supervision.models import Rule

    codes = {
        rulebook.PRAISE_MIN_MONTHS: ("months", 6),
        rulebook.WARNING_AFTER_ADMONITIONS: ("count", 2),
        rulebook.REVOCATION_AFTER_WARNINGS: ("count", 2),
        rulebook.SANCTION_DECISION: ("days", 5),
        rulebook.SANCTION_PLAN_REVIEW: ("days", 5),
        rulebook.COURT_DECISION: ("days", 30),
        rulebook.DETENTION_DECISION: ("hours", 48),
    }
    for code, (unit, value) in codes.items():
        row = Rule.objects.get(code=code)
        assert (row.unit, row.default_value) == (unit, value)
        assert row.law_zh and row.law_en
    assert "第四十七条" in Rule.objects.get(code=rulebook.DETENTION_DECISION).law_zh
    assert "第二十八条" in Rule.objects.get(code=rulebook.WARNING_AFTER_ADMONITIONS).law_zh
