"""Issuing a travel certificate from test data, and reading a PDF's text."""

from __future__ import annotations

import io

from pypdf import PdfReader

from records import actions

DATA = {
    "name": "张三",
    "sex": "男",
    "resident_id": "4101**********1234",
    "sentence_type": "缓刑",
    "start": "2026年03月01日",
    "end": "2026年03月05日",
    "days": 5,
    "destination": "郑州市金水区",
    "reason": "就医",
    "decider": "司法所负责人",
    "decided_on": "2026年02月27日",
}


def issue(world, actor=None, office=None, **extra):
    return actions.issue(
        kind="travel_certificate",
        office=office or world.city.office,
        supervisee=world.supervisee,
        source=None,
        data={**DATA, "name": world.supervisee.name, **extra},
        actor=actor or world.users["officer"],
    )


def pdf_bytes_text(body: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def stored_text(document) -> str:
    with document.pdf.open("rb") as handle:
        return pdf_bytes_text(handle.read())
