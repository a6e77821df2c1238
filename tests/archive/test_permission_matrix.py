"""Every route of the case archive for every role: the office's officers and the bureau see its archives;
another office sees none of them (404); only the bureau reads the retention report and disposes; social
workers, providers, volunteers and editors are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archive.models import CaseArchive
from coordination.models import Supervisee
from tests.archive.helpers import release
from tests.routes import route_names

ROLES = ["anonymous", "bureau", "officer", "social_worker", "provider", "other_officer", "volunteer", "editor"]


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


LIST = expect(403, 302, bureau=200, officer=200, other_officer=200)
ARCHIVE = expect(403, 302, bureau=200, officer=200, other_officer=404)
DISPOSE = expect(403, 302, bureau=302, other_officer=404)
# A sealed record's volume: the bureau disposes of it from the retention report; for anyone else it is not there.
DISPOSE_SEALED = expect(404, 302, bureau=302)
REPORT = expect(403, 302, bureau=200)
API_LIST = expect(403, 403, bureau=200, officer=200, other_officer=200)
API_ARCHIVE = expect(403, 403, bureau=200, officer=200, other_officer=404)
API_DISPOSE = expect(403, 403, bureau=201)
API_REPORT = expect(403, 403, bureau=200)


def _archive(w) -> CaseArchive:
    existing = CaseArchive.objects.filter(supervisee=w.supervisee).first()
    if existing is None:
        existing = CaseArchive.objects.get(supervisee=release(w, actor=w.users["bureau"]))
    existing.volumes.update(due_on=timezone.localdate() - dt.timedelta(days=1))
    return existing


def _sealed_archive(w) -> CaseArchive:
    """The other office's person, released, archived and sealed, with its retention ended."""
    person = w.other_supervisee
    existing = CaseArchive.objects.filter(supervisee=person).first()
    if existing is None:
        existing = CaseArchive.objects.get(supervisee=release(w, supervisee=person, actor=w.users["bureau"]))
        Supervisee.objects.filter(pk=person.pk).update(sealed_at=timezone.now())
    existing.volumes.update(due_on=timezone.localdate() - dt.timedelta(days=1))
    return existing


MATRIX: dict[tuple[str, str], tuple] = {
    ("archive:list", "get"): (lambda w: {}, None, LIST),
    ("archive:retention", "get"): (lambda w: {}, None, REPORT),
    ("archive:retention-xlsx", "get"): (lambda w: {}, None, REPORT),
    ("archive:detail", "get"): (lambda w: {"uuid": _archive(w).uuid}, None, ARCHIVE),
    ("archive:pdf", "get"): (lambda w: {"uuid": _archive(w).uuid}, None, ARCHIVE),
    ("archive:dispose", "post"): (
        lambda w: {"uuid": _archive(w).uuid, "kind": "work"},
        lambda w: {"work-reason": "保管期满", "work-confirm": "on"},
        DISPOSE,
    ),
    ("archive:dispose-sealed", "post"): (
        lambda w: {"uuid": _sealed_archive(w).uuid, "kind": "work"},
        lambda w: {"work-reason": "保管期满", "work-confirm": "on"},
        DISPOSE_SEALED,
    ),
    ("archive-case-list", "get"): (lambda w: {}, None, API_LIST),
    ("archive-case-detail", "get"): (lambda w: {"uuid": _archive(w).uuid}, None, API_ARCHIVE),
    ("archive-case-dispose", "post"): (
        lambda w: {"uuid": _archive(w).uuid},
        lambda w: {"volume": "execution", "reason": "保管期满"},
        API_DISPOSE,
    ),
    ("archive-retention", "get"): (lambda w: {}, None, API_REPORT),
}


def _route_names() -> set[str]:
    return route_names("archive")


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
