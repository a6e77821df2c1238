"""The supervision documents issued through the document service (issue 17, items 1-2): each kind's PDF
carries its number, the person's name, the dates and its legal basis; it is issued once and every download
serves the same bytes; a new template version leaves an issued document alone; after a void the next download
issues a new number. The public verification page never shows the person."""

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from records import actions as records
from records.models import NUMBER_PREFIXES, DocumentKind, DocumentTemplate, IssuedDocument
from supervision import actions
from supervision.movement import actions as movement
from supervision.reporting import actions as reporting
from supervision.reporting.models import LostContactEpisode
from tests.coordination.factories import make_supervisee
from tests.factories import user_with_role
from tests.records.helpers import pdf_bytes_text, stored_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
ANNOUNCEMENT = {
    "place": "某司法所宣告室",
    "attendees": "司法所工作人员、家属",
    "items": "判决内容、矫正期限、应遵守的规定",
}
PLAN = {
    "supervision_level": "ordinary",
    "risk_level": "medium",
    "classification_reasons": "初次评估：中风险，有稳定住所",
    "reporting_mode": "in_person",
    "reporting_interval_days": 7,
    "education_goals": "每月集中教育",
    "help_goals": "协助就业",
}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def day(value) -> str:
    return f"{value:%Y年%m月%d日}"


def released(world):
    s, officer = world.supervisee, world.users["officer"]
    s.__class__.objects.filter(pk=s.pk).update(
        correction_start=TODAY() - dt.timedelta(days=365), correction_end=TODAY()
    )
    s.refresh_from_db()
    actions.release(supervisee=s, actor=officer, released_on=TODAY(), **ANNOUNCEMENT)
    return s


def release_url(s) -> str:
    return f"/casework/supervision/supervisees/{s.uuid}/release-certificate.pdf"


def check(document, kind, *texts):
    """The stored PDF names its kind's number, the texts given and the template's legal basis."""
    assert document.kind == kind and not document.is_void
    text = stored_text(document).replace("\n", "")  # long lines wrap by characters
    assert f"{NUMBER_PREFIXES[kind]}字第 {document.sequence} 号" in text and document.number in text
    for expected in texts:
        assert expected in text, expected
    assert document.template.legal_basis and document.template.legal_basis in text
    return text


def test_the_release_certificate_is_issued_at_release_and_served_as_issued(world):
    s = released(world)
    document = IssuedDocument.objects.get(kind=DocumentKind.RELEASE_CERTIFICATE)
    assert document.supervisee == s and document.issued_by == world.users["officer"]
    check(document, "release_certificate", "解除社区矫正证明书", s.name, day(TODAY()), "第四十四条")
    first = login(world.users["officer"]).get(release_url(s))
    second = login(world.users["bureau"]).get(release_url(s))
    assert first.status_code == 200 and first.content == second.content
    assert hashlib.sha256(first.content).hexdigest() == document.sha256
    assert IssuedDocument.objects.filter(kind=DocumentKind.RELEASE_CERTIFICATE).count() == 1


def test_a_new_template_version_leaves_the_issued_certificate_alone_and_a_void_issues_anew(world):
    s = released(world)
    document = IssuedDocument.objects.get()
    before = login(world.users["officer"]).get(release_url(s)).content
    DocumentTemplate.objects.create(
        kind="release_certificate",
        version=2,
        title_zh="解除社区矫正证明书",
        body="{name} 第二版正文 {released_on}",
        legal_basis="《中华人民共和国社区矫正法》第四十四条",
        effective_from=TODAY(),
    )
    after = login(world.users["officer"]).get(release_url(s)).content
    assert after == before and hashlib.sha256(after).hexdigest() == document.sha256
    records.void(document=document, actor=world.users["officer"], reason="出生日期有误")
    renewed = login(world.users["officer"]).get(release_url(s)).content
    new = IssuedDocument.objects.exclude(pk=document.pk).get()
    assert new.sequence == 2 and new.number != document.number and new.template.version == 2
    assert "第二版正文" in pdf_bytes_text(renewed) and renewed != before
    document.refresh_from_db()
    assert document.is_void and document.sha256 == hashlib.sha256(before).hexdigest()


def test_the_termination_notice_names_the_grounds(world):
    s = world.supervisee
    actions.terminate(supervisee=s, actor=world.users["officer"], ground="death", on=TODAY(), note="因病死亡")
    document = IssuedDocument.objects.get(kind=DocumentKind.TERMINATION_NOTICE)
    check(document, "termination_notice", "终止社区矫正通知书", s.name, "死亡", "因病死亡", day(TODAY()), "第四十五条")
    # Issued once: asking again returns the same document.
    change = s.status_changes.get(action="terminate")
    assert actions.termination_notice(change=change) == document


def test_the_intake_announcement_is_issued_from_the_announcement(world):
    officer = world.users["officer"]
    s = make_supervisee(office=world.city.office, actor=world.users["bureau"], status="intake")
    effective = TODAY() - dt.timedelta(days=3)
    sentence = actions.record_sentence(
        supervisee=s,
        actor=officer,
        organ_kind="court",
        organ_name="某市某区人民法院",
        case_number="（2026）某0102刑初123号",
        effective_date=effective,
        sentence_type="probation",
        term_months=12,
        start=effective,
        end=effective + dt.timedelta(days=365),
    )
    actions.record_document(sentence=sentence, actor=officer, kind="enforcement_notice", received_at=TODAY())
    actions.register(supervisee=s, actor=officer, reported_on=TODAY())
    announcement = actions.announce(supervisee=s, actor=officer, held_on=TODAY(), **ANNOUNCEMENT)
    document = IssuedDocument.objects.get(kind=DocumentKind.INTAKE_ANNOUNCEMENT)
    assert document.source == announcement and document.issued_by == officer
    check(
        document,
        "intake_announcement",
        "社区矫正宣告书",
        s.name,
        day(TODAY()),
        "某司法所宣告室",
        "（2026）某0102刑初123号",
        "第二十二条",
    )


def test_each_version_of_the_correction_plan_is_a_document(world):
    officer = world.users["officer"]
    first = actions.write_plan(supervisee=world.supervisee, actor=officer, **PLAN)
    second = actions.write_plan(supervisee=world.supervisee, actor=officer, **{**PLAN, "change_note": "调整报告间隔"})
    documents = IssuedDocument.objects.filter(kind=DocumentKind.CORRECTION_PLAN).order_by("sequence")
    assert [d.source for d in documents] == [first, second]
    check(documents[0], "correction_plan", "社区矫正方案", world.supervisee.name, "第 1 版", "第二十四条")
    check(documents[1], "correction_plan", "第 2 版", "调整报告间隔", day(second.next_review_on))


def test_the_lost_contact_notice_is_issued_with_the_first_notice(world):
    officer, s = world.users["officer"], world.supervisee
    lost_since = TODAY() - dt.timedelta(days=2)
    episode = reporting.report_lost_contact(supervisee=s, actor=officer, lost_since=lost_since, note="电话关机")
    reporting.add_search_step(episode=episode, actor=officer, kind="family", result="家属称已外出务工")
    reporting.record_notice(episode=episode, actor=officer, recipient="public_security", sent_on=TODAY())
    reporting.record_notice(episode=episode, actor=officer, recipient="procuratorate", sent_on=TODAY())
    document = IssuedDocument.objects.get(kind=DocumentKind.LOST_CONTACT_NOTICE)
    assert document.source == LostContactEpisode.objects.get()
    check(document, "lost_contact_notice", "失去联系通知书", s.name, day(lost_since), "家属称已外出务工", "第三十条")


@pytest.fixture
def heads(world):
    return {
        "office": user_with_role(Role.OFFICE_HEAD, world.city.office, username="officehead"),
        "bureau": user_with_role(Role.BUREAU_HEAD, world.city.bureau, username="bureauhead"),
    }


def _apply(world, kind, **fields):
    start = TODAY() + dt.timedelta(days=40)
    return movement.apply(
        supervisee=world.supervisee, actor=world.users["officer"], kind=kind, start=start, end=start, **fields
    )


def test_the_approval_forms_of_every_request_kind(world, heads):
    officer = world.users["officer"]
    travel = movement.decide(
        request=_apply(world, "travel", destination="郑州市金水区", reason="探亲"), actor=heads["office"], approve=True
    )
    contact = movement.decide(
        request=_apply(world, "contact", reason="家事", people="李四"), actor=heads["bureau"], approve=True
    )
    order = movement.record_order(
        supervisee=world.supervisee, actor=officer, kind="places", text="禁止进入娱乐场所", start=TODAY(), end=TODAY()
    )
    entry = movement.decide(
        request=_apply(world, "entry", reason="参加亲属婚宴", place="某酒店", order=order),
        actor=heads["bureau"],
        approve=False,
        note="理由不足",
    )
    move = _apply(
        world, "relocation", destination="开封市龙亭区", receiving_county="开封市龙亭区司法局", reason="随子女居住"
    )
    movement.record_consultation(request=move, actor=officer, consulted_on=TODAY(), reply_on=TODAY(), agrees=True)
    move = movement.decide(request=move, actor=heads["bureau"], approve=True)
    client = login(officer)
    expected = {
        travel: ("travel_approval", "社区矫正对象外出审批表", "郑州市金水区", "第二十七条"),
        contact: ("contact_approval", "社区矫正对象会客审批表", "李四", "第二十三条"),
        entry: ("entry_approval", "进入特定区域", "某酒店", "不予批准", "理由不足"),
        move: ("relocation_approval", "变更执行地审批表", "开封市龙亭区司法局", "同意接收"),
    }
    for request, (kind, *texts) in expected.items():
        url = f"/casework/supervision/movement/requests/{request.pk}/approval-form.pdf"
        first = client.get(url)
        assert first.status_code == 200 and client.get(url).content == first.content
        document = IssuedDocument.objects.get(kind=kind)
        assert document.source == request and document.issued_by == request.decided_by
        assert hashlib.sha256(first.content).hexdigest() == document.sha256
        check(document, kind, world.supervisee.name, day(request.start), day(TODAY()), *texts)


def test_an_open_request_has_no_approval_form_yet(world):
    request = _apply(world, "contact", reason="家事", people="李四")
    url = f"/casework/supervision/movement/requests/{request.pk}/approval-form.pdf"
    assert login(world.users["officer"]).get(url).status_code == 404
    assert not IssuedDocument.objects.exists()


def test_the_verification_page_of_a_supervision_document_never_names_the_person(world):
    s = released(world)
    document = IssuedDocument.objects.get()
    page = Client().get(f"/verify/{document.uuid}/").content.decode()
    assert document.number in page and s.name not in page and s.resident_id_masked not in page
