"""Refusals look like the rest of the site, in the reader's language, with a way forward."""

from __future__ import annotations

import pytest

from services.models import Membership


@pytest.mark.parametrize("debug", [False, True])
def test_403_has_the_site_design_in_both_languages(client, role_users, settings, debug):
    settings.DEBUG = debug
    client.force_login(role_users[Membership.Role.PROVIDER_STAFF])
    response = client.get("/casework/access-log/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "抱歉，您无权打开这个页面" in html
    assert "跳到主要内容" in html  # the site's own layout, not Django's bare page
    assert 'href="/accounts/"' in html
    english = client.get("/en/casework/access-log/").content.decode()
    assert "Sorry, you may not open this page" in english and 'href="/en/accounts/"' in english
