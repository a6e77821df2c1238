"""Movement pages and API: the decision page and list for the routed head, the same refusals on both, the
PDFs' text, uploads served only through the scoped view, 400s for bad input, and the access log."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import Role
from coordination.models import AccessLog
from supervision.movement import actions
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def heads(world):
    return {
        "office": user_with_role(Role.OFFICE_HEAD, world.city.office, username="officehead"),
        "bureau": user_with_role(Role.BUREAU_HEAD, world.city.bureau, username="bureauhead"),
    }


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def today():
    return timezone.localdate()


def apply(world, days=3, actor=None, **kwargs):
    start = today() + dt.timedelta(days=kwargs.pop("offset", 1))
    return actions.apply(
        supervisee=world.supervisee,
        actor=actor or world.users["officer"],
        kind="travel",
        start=start,
        end=start + dt.timedelta(days=days - 1),
        destination="郑州市金水区",
        reason="陪同母亲到郑州大学第一附属医院就诊",
        **kwargs,
    )


def pdf_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_head_decides_on_the_page_and_the_pdfs_carry_the_request(world, heads):
    request = apply(world, days=5)
    head = login(heads["office"])
    listing = head.get("/casework/supervision/movement/decisions/")
    assert listing.status_code == 200 and world.supervisee.name in listing.content.decode()
    # The bureau head is not this request's decider: nothing waits for them.
    assert (
        world.supervisee.name
        not in login(heads["bureau"]).get("/casework/supervision/movement/decisions/").content.decode()
    )
    page = head.get(f"/casework/supervision/movement/requests/{request.pk}/")
    assert "step-decide" in page.content.decode()
    answer = head.post(
        f"/casework/supervision/movement/requests/{request.pk}/decide/", {"decision": "approve", "note": "同意外出"}
    )
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.state == "approved" and request.decided_by == heads["office"]
    officer = login(world.users["officer"])
    form = pdf_text(officer.get(f"/casework/supervision/movement/requests/{request.pk}/approval-form.pdf"))
    assert "社区矫正对象外出审批表" in form and world.supervisee.name in form and "同意" in form
    assert "司法所负责人" in form and "郑州市金水区" in form
    certificate = pdf_text(officer.get(f"/casework/supervision/movement/requests/{request.pk}/certificate.pdf"))
    assert "社区矫正对象外出证明" in certificate and "共5日" in certificate and "销假" in certificate


def test_the_page_and_the_api_refuse_the_wrong_decider_with_the_same_message(world, heads):
    request = apply(world, days=10)  # more than 7 days: the bureau head decides
    page = login(heads["office"]).post(
        f"/casework/supervision/movement/requests/{request.pk}/decide/",
        {"decision": "approve"},
    )
    api = login(heads["office"]).post(
        f"/api/v1/supervision/movement-requests/{request.pk}/decide/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert page.status_code == api.status_code == 403
    assert api.json()["detail"] == "此申请只能由县级社区矫正机构负责人审批。"
    ok = login(heads["bureau"]).post(
        f"/api/v1/supervision/movement-requests/{request.pk}/decide/",
        {"decision": "refuse", "note": "理由不足"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["state"] == "refused"
    refused = pdf_text(
        login(world.users["officer"]).get(f"/casework/supervision/movement/requests/{request.pk}/approval-form.pdf")
    )
    assert "不予批准" in refused and "理由不足" in refused
    assert (
        login(world.users["officer"])
        .get(f"/casework/supervision/movement/requests/{request.pk}/certificate.pdf")
        .status_code
        == 404
    )


def test_api_bad_input_is_a_400_with_field_messages(world):
    client = login(world.users["officer"])
    url = "/api/v1/supervision/movement-requests/"
    base = {"supervisee": str(world.supervisee.uuid), "kind": "travel", "destination": "郑州", "reason": "探亲"}
    missing = client.post(url, {"supervisee": str(world.supervisee.uuid)}, content_type="application/json")
    assert missing.status_code == 400
    backwards = client.post(
        url,
        {**base, "start": (today() + dt.timedelta(days=3)).isoformat(), "end": today().isoformat()},
        content_type="application/json",
    )
    assert backwards.status_code == 400 and "end" in backwards.json()["errors"]
    junk = client.post(url, {**base, "start": "soon", "end": [1]}, content_type="application/json")
    assert junk.status_code == 400
    wrong_file = client.post(
        url,
        {
            **base,
            "start": (today() + dt.timedelta(days=1)).isoformat(),
            "end": (today() + dt.timedelta(days=2)).isoformat(),
            "attachments": [SimpleUploadedFile("a.png", b"GIF89a not allowed")],
        },
    )
    assert wrong_file.status_code == 400 and "attachments" in wrong_file.json()["errors"]
    assert client.get(url, {"state": "nonsense"}).status_code == 400
    months = login(user_with_role(Role.BUREAU_HEAD, world.city.bureau, username="bh")).post(
        "/api/v1/supervision/monitoring/",
        {
            "supervisee": str(world.supervisee.uuid),
            "ground": "prohibition_breach",
            "facts": "进入酒吧",
            "start": today().isoformat(),
            "months": 4,
        },
        content_type="application/json",
    )
    assert months.status_code == 400 and "months" in months.json()["errors"]


def test_the_monitoring_form_refuses_four_months_with_a_message(world):
    head = login(user_with_role(Role.BUREAU_HEAD, world.city.bureau, username="bh"))
    response = head.post(
        f"/casework/supervision/movement/supervisees/{world.supervisee.uuid}/monitoring/new/",
        {"ground": "prohibition_breach", "facts": "进入酒吧", "start": today().isoformat(), "months": "4"},
    )
    assert response.status_code == 200
    assert "1至3个月" in response.content.decode()


def test_officer_applies_with_a_photo_on_the_page_and_only_scoped_users_open_it(world, heads):
    officer = login(world.users["officer"])
    response = officer.post(
        f"/casework/supervision/movement/supervisees/{world.supervisee.uuid}/apply/",
        {
            "kind": "travel",
            "start": (today() + dt.timedelta(days=1)).isoformat(),
            "end": (today() + dt.timedelta(days=5)).isoformat(),
            "destination": "郑州市",
            "reason": "就医",
            "attachments": [SimpleUploadedFile("医院证明.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 302
    request = world.supervisee.movement_requests.get()
    attachment = request.attachments.get()
    url = f"/casework/supervision/movement/attachments/{attachment.pk}/"
    opened = officer.get(url)
    assert opened.status_code == 200 and b"".join(opened.streaming_content).startswith(b"\x89PNG")
    assert AccessLog.objects.filter(object_type="movement_request", supervisee=world.supervisee).exists()
    assert login(world.users["other_officer"]).get(url).status_code == 404
    assert login(world.users["provider"]).get(url).status_code == 403
    assert "医院证明" not in attachment.file.name


def test_the_person_downloads_only_their_own_travel_certificate(world, heads):
    from tests.factories import UserFactory

    own = UserFactory(username="self-signin")
    world.supervisee.account = own
    world.supervisee.save(update_fields=["account"])
    request = apply(world, days=2, actor=own)
    actions.decide(request=request, actor=heads["office"], approve=True)
    url = f"/casework/supervision/movement/requests/{request.pk}/certificate.pdf"
    assert "外出证明" in pdf_text(login(own).get(url))
    assert login(own).get(f"/casework/supervision/movement/requests/{request.pk}/approval-form.pdf").status_code == 403
    stranger = UserFactory(username="stranger")
    assert login(stranger).get(url).status_code == 403


def test_case_page_lists_requests_orders_and_monitoring_and_logs_the_reads(world, heads):
    apply(world, days=2)
    actions.record_order(
        supervisee=world.supervisee,
        actor=world.users["officer"],
        kind="places",
        text="禁止进入中小学校区",
        start=today(),
        end=today() + dt.timedelta(days=30),
    )
    before = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    page = login(world.users["officer"]).get(f"/casework/supervision/movement/supervisees/{world.supervisee.uuid}/")
    text = page.content.decode()
    assert page.status_code == 200 and "禁止进入中小学校区" in text and "郑州市金水区" in text
    assert set(AccessLog.objects.filter(pk__gt=before).values_list("object_type", flat=True)) >= {
        "movement_request",
        "prohibition_order",
    }
