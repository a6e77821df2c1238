"""Suggestions: past the short list a "show all" link lists every eligible service; the score is explained."""

from __future__ import annotations

import re

from django.urls import reverse

from matching.models import MatchingPolicy


def test_more_suggestions_than_shown_offer_show_all(client, mw):
    MatchingPolicy.objects.create(name="short", data={"suggestions_limit": 1})
    client.force_login(mw.officer)
    url = "/en" + reverse("matching:need", kwargs={"pk": mw.need.pk}).removeprefix("/zh-hans")
    short = client.get(url).content.decode()
    total = int(re.search(r"(\d+) services? fits? this need", short).group(1))
    assert total > 1
    assert short.count('class="match-card"') == 1
    assert f"Show all {total} services" in short and 'href="?all=1"' in short
    assert "The score (out of 100) is 100 minus the cost" in short
    full = client.get(url + "?all=1").content.decode()
    assert full.count('class="match-card"') == total
    assert "Show all" not in full
