"""Correcting a document issued at a decision: void it with the reason, then issue the corrected one from the
same decision (a new number, the template in force); the void one records what replaced it. Page and API refuse
alike."""

import pytest
from django.utils import timezone

from records import actions as records
from records.models import DocumentKind, DocumentTemplate, IssuedDocument
from supervision import actions
from tests.records.helpers import issue, stored_text
from tests.records.test_supervision_documents import login

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _terminated(world):
    actions.terminate(
        supervisee=world.supervisee, actor=world.users["officer"], ground="death", on=TODAY(), note="因病死亡"
    )
    return IssuedDocument.objects.get(kind=DocumentKind.TERMINATION_NOTICE)


def test_a_void_termination_notice_is_issued_again_from_its_decision_with_a_new_number(world):
    notice = _terminated(world)
    officer = login(world.users["officer"])
    detail = f"/casework/records/{notice.uuid}/"
    assert "出具更正文书" not in officer.get(detail).content.decode()  # valid: nothing to correct yet
    DocumentTemplate.objects.create(
        kind=DocumentKind.TERMINATION_NOTICE,
        version=2,
        title_zh="终止社区矫正通知书",
        body="{name} 更正版正文",
        legal_basis="《中华人民共和国社区矫正法》第四十五条",
        effective_from=TODAY(),
    )
    records.void(document=notice, actor=world.users["officer"], reason="终止原因填写有误")
    page = officer.get(detail).content.decode()
    assert "出具更正文书" in page

    response = officer.post(f"/casework/records/{notice.uuid}/reissue/")
    corrected = IssuedDocument.objects.exclude(pk=notice.pk).get(kind=DocumentKind.TERMINATION_NOTICE)
    assert response.status_code == 302 and response["Location"].endswith(f"/casework/records/{corrected.uuid}/")
    assert corrected.sequence == notice.sequence + 1 and corrected.template.version == 2
    assert corrected.source == notice.source and not corrected.is_void
    assert "更正版正文" in stored_text(corrected)
    notice.refresh_from_db()
    assert notice.is_void and notice.replaced_by == corrected
    assert corrected.number in officer.get(detail).content.decode()  # "replaced by" links the new one

    # Once only: a second try is refused with the reason, on the page and in the API alike.
    again = officer.post(f"/casework/records/{notice.uuid}/reissue/", follow=True).content.decode()
    assert "已出具替代本文书的更正文书" in again
    api = officer.post(f"/api/v1/records/documents/{notice.uuid}/reissue/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert api.status_code == 409 and "已出具替代本文书的更正文书" in api.content.decode()
    assert IssuedDocument.objects.filter(kind=DocumentKind.TERMINATION_NOTICE).count() == 2


def test_a_valid_document_is_not_issued_again_and_others_may_not(world):
    notice = _terminated(world)
    api = login(world.users["bureau"]).post(f"/api/v1/records/documents/{notice.uuid}/reissue/")
    assert api.status_code == 409
    records.void(document=notice, actor=world.users["officer"], reason="有误")
    assert (
        login(world.users["other_officer"]).post(f"/api/v1/records/documents/{notice.uuid}/reissue/").status_code == 404
    )
    assert login(world.users["social_worker"]).post(f"/casework/records/{notice.uuid}/reissue/").status_code == 403
    made = login(world.users["bureau"]).post(f"/api/v1/records/documents/{notice.uuid}/reissue/")
    assert made.status_code == 201 and made.json()["number"] != notice.number
    assert IssuedDocument.objects.filter(kind=DocumentKind.TERMINATION_NOTICE).count() == 2


def test_a_document_without_a_decision_is_not_issued_again_here(world):
    document = issue(world, actor=world.users["bureau"])
    records.void(document=document, actor=world.users["bureau"], reason="有误")
    response = login(world.users["bureau"]).post(f"/api/v1/records/documents/{document.uuid}/reissue/")
    assert response.status_code == 409
    assert IssuedDocument.objects.count() == 1
