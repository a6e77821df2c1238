"""The 外出证明 of an approved travel is issued once through the document service: numbered, hashed, the
same bytes on every download, in the register, and checkable on the public page without the name."""

import datetime as dt
import hashlib
import io

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import Role
from records.models import IssuedDocument
from supervision.movement import actions
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def approved_travel(world):
    head = user_with_role(Role.OFFICE_HEAD, world.city.office, username="officehead")
    start = timezone.localdate() + dt.timedelta(days=1)
    request = actions.apply(
        supervisee=world.supervisee,
        actor=world.users["officer"],
        kind="travel",
        start=start,
        end=start + dt.timedelta(days=4),
        destination="郑州市金水区",
        reason="陪同母亲就医",
    )
    return actions.decide(request=request, actor=head, approve=True), head


def test_the_certificate_is_issued_once_and_served_as_issued(world):
    request, head = approved_travel(world)
    url = f"/casework/supervision/movement/requests/{request.pk}/certificate.pdf"
    first = body(login(world.users["officer"]).get(url))
    second = body(login(world.users["bureau"]).get(url))
    assert first == second
    document = IssuedDocument.objects.get()
    assert document.source == request and document.issued_by == head and document.supervisee == world.supervisee
    assert hashlib.sha256(first).hexdigest() == document.sha256
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(first)).pages)
    assert document.number in text and "外字第 1 号" in text
    assert "社区矫正对象外出证明" in text and "共5日" in text and "销假" in text and world.supervisee.name in text
    assert f"{request.start:%Y年%m月%d日}" in text and "第二十七条" in text
    register = login(world.users["officer"]).get("/casework/records/")
    assert document.number in register.content.decode() and world.supervisee.name in register.content.decode()


def test_after_voiding_the_next_download_issues_a_new_number(world):
    from records import actions as records

    request, _head = approved_travel(world)
    url = f"/casework/supervision/movement/requests/{request.pk}/certificate.pdf"
    login(world.users["officer"]).get(url)
    first = IssuedDocument.objects.get()
    records.void(document=first, actor=world.users["officer"], reason="目的地有误")
    login(world.users["officer"]).get(url)
    second = IssuedDocument.objects.exclude(pk=first.pk).get()
    assert second.sequence == 2 and second.number != first.number
    first.refresh_from_db()
    assert first.voided_at and first.sha256 and first.number.endswith("第 1 号")
