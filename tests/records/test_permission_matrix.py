"""Every route of the document service for every role: the office's officers and the bureau; another office
sees nothing (404); social workers, providers, volunteers and editors are refused; the public only verifies. A
volunteer team's coordinator uses the register for the team's certificates only (an office's document: 404)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from records import actions
from tests.records.helpers import issue
from tests.routes import route_names

ROLES = [
    "anonymous",
    "bureau",
    "officer",
    "social_worker",
    "provider",
    "other_officer",
    "volunteer",
    "editor",
    "coordinator",
]
PDF = b"%PDF-1.4\n" + b"0" * 64


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


REGISTER = expect(403, 302, bureau=200, officer=200, other_officer=200, coordinator=200)
DOCUMENT = expect(403, 302, bureau=200, officer=200, other_officer=404, coordinator=404)
DOCUMENT_POST = expect(403, 302, bureau=302, officer=302, other_officer=404, coordinator=404)
PUBLIC = expect(200, 200)
API_LIST = expect(403, 403, bureau=200, officer=200, other_officer=200, coordinator=200)
API_DOCUMENT = expect(403, 403, bureau=200, officer=200, other_officer=404, coordinator=404)
# Issuing again is allowed to those who void; the matrix's document has no decision to issue from, so the
# action then refuses it (409), after the permission check.
API_REISSUE = expect(403, 403, bureau=409, officer=409, other_officer=404, coordinator=404)


def _document(w):
    return issue(w, actor=w.users["bureau"])


def _void(w):
    return actions.void(document=_document(w), actor=w.users["bureau"], reason="填错")


def _scanned(w):
    document = _document(w)
    return actions.upload_scan(document=document, actor=w.users["bureau"], file=SimpleUploadedFile("s.pdf", PDF))


MATRIX: dict[tuple[str, str], tuple] = {
    ("records:register", "get"): (lambda w: {}, None, REGISTER),
    ("records:register-export", "get"): (lambda w: {}, None, REGISTER),
    ("records:register-xlsx", "get"): (lambda w: {}, None, REGISTER),
    ("records:register-pdf", "get"): (lambda w: {}, None, REGISTER),
    ("records:detail", "get"): (lambda w: {"uuid": _document(w).uuid}, None, DOCUMENT),
    ("records:pdf", "get"): (lambda w: {"uuid": _document(w).uuid}, None, DOCUMENT),
    ("records:scan-file", "get"): (lambda w: {"uuid": _scanned(w).uuid}, None, DOCUMENT),
    ("records:void", "post"): (
        lambda w: {"uuid": _document(w).uuid},
        lambda w: {"reason": "填错", "confirm": "on"},
        DOCUMENT_POST,
    ),
    ("records:scan", "post"): (
        lambda w: {"uuid": _document(w).uuid},
        lambda w: {"file": SimpleUploadedFile("scan.pdf", PDF)},
        DOCUMENT_POST,
    ),
    ("records:reissue", "post"): (lambda w: {"uuid": _void(w).uuid}, lambda w: {}, DOCUMENT_POST),
    ("records:verify", "get"): (lambda w: {"uuid": _document(w).uuid}, None, PUBLIC),
    ("records-document-list", "get"): (lambda w: {}, None, API_LIST),
    ("records-document-detail", "get"): (lambda w: {"uuid": _document(w).uuid}, None, API_DOCUMENT),
    ("records-document-void", "post"): (
        lambda w: {"uuid": _document(w).uuid},
        lambda w: {"reason": "填错"},
        API_DOCUMENT,
    ),
    ("records-document-reissue", "post"): (lambda w: {"uuid": _void(w).uuid}, lambda w: {}, API_REISSUE),
    ("records-document-scan", "post"): (
        lambda w: {"uuid": _document(w).uuid},
        lambda w: {"file": SimpleUploadedFile("scan.pdf", PDF)},
        API_DOCUMENT,
    ),
}


def _route_names() -> set[str]:
    return route_names("records")


def test_the_matrix_covers_every_route():
    assert _route_names() == {name for name, _method in MATRIX}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    failures = []
    for (name, method), (kwargs_builder, body_builder, table) in MATRIX.items():
        url = reverse(name, kwargs=kwargs_builder(world))
        response = client.get(url) if method == "get" else client.post(url, body_builder(world))
        if response.status_code != table[role]:
            failures.append((name, method, response.status_code, table[role]))
    assert failures == []


def _volunteer_certificate(w):
    from tests.records.test_register_scope import certificate

    return certificate(w)


# A volunteer certificate: the bureau and the team's coordinator keep it; an office's officers do not (404).
CERTIFICATE_DOCUMENT = expect(403, 302, bureau=200, coordinator=200, officer=404, other_officer=404)
CERTIFICATE_API = expect(403, 403, bureau=200, coordinator=200, officer=404, other_officer=404)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_a_volunteer_certificate_for_every_role(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    document = _volunteer_certificate(world)
    seen = {
        "detail": client.get(reverse("records:detail", kwargs={"uuid": document.uuid})).status_code,
        "pdf": client.get(reverse("records:pdf", kwargs={"uuid": document.uuid})).status_code,
        "api": client.get(reverse("records-document-detail", kwargs={"uuid": document.uuid})).status_code,
        "verify": client.get(reverse("records:verify", kwargs={"uuid": document.uuid})).status_code,
    }
    expected = {
        "detail": CERTIFICATE_DOCUMENT[role],
        "pdf": CERTIFICATE_DOCUMENT[role],
        "api": CERTIFICATE_API[role],
        "verify": 200,
    }
    assert seen == expected
