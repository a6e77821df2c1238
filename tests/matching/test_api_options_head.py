"""Every matching API route answers OPTIONS (its metadata) and HEAD (as GET, without a body), never a 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from matching import actions
from matching.models import MentorProposal, Proposal
from tests.matching.test_mentor_db import mentor, run_mentors

pytestmark = pytest.mark.django_db


def routes(mw) -> list[tuple[str, bool]]:
    """(path, whether it answers GET)."""
    run = actions.execute_run(run_id=actions.start_run(actor=mw.officer, office=mw.city.office, queue=False).pk)
    proposal = Proposal.objects.get(run=run)
    mentor(mw.city.townships[0])
    mentor_run = run_mentors(mw.officer, mw.city.office)
    pairing = MentorProposal.objects.get(run=mentor_run)
    paths = [
        (f"/api/v1/matching/needs/{mw.need.pk}/suggestions/", True),
        ("/api/v1/matching/runs/", True),
        (f"/api/v1/matching/runs/{run.pk}/", True),
        (f"/api/v1/matching/proposals/?run={run.pk}", True),
        (f"/api/v1/matching/proposals/{proposal.pk}/", True),
        ("/api/v1/matching/mentor-proposals/", True),
        (f"/api/v1/matching/mentor-proposals/{pairing.pk}/", True),
    ]
    for verb in ("confirm", "edit", "reject"):
        paths.append((f"/api/v1/matching/proposals/{proposal.pk}/{verb}/", False))
        paths.append((f"/api/v1/matching/mentor-proposals/{pairing.pk}/{verb}/", False))
    return paths


@pytest.mark.parametrize("who", ["officer", "bureau"])
def test_options_and_head_on_every_matching_route(mw, who):
    api = APIClient()
    api.force_authenticate(getattr(mw, who))
    for path, readable in routes(mw):
        options = api.options(path)
        assert options.status_code == 200, (path, options.status_code)
        meta = options.json()
        assert meta["name"] and "application/json" in meta["renders"], path
        if not readable:  # a decision: POST only, described by the output serializer's fields
            assert set(meta["actions"]["POST"]) >= {"id", "status", "decision_note"}, path
        head = api.head(path)
        get = api.get(path)
        assert head.status_code == (get.status_code if readable else 405), path
        assert head.content == b"", path
    started = api.options("/api/v1/matching/runs/").json()["actions"]["POST"]
    assert {"id", "status", "progress", "kind"} <= set(started)
