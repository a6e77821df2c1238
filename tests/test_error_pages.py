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


def test_404_has_the_site_design_in_both_languages(client, db, settings):
    # With DEBUG on, Django shows its technical 404 page instead (docs/development.md); this is
    # what everyone else sees.
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "抱歉，找不到这个页面" in html and "跳到主要内容" in html and "site-header" in html
    english = client.get("/en/no-such-page/").content.decode()
    assert "Sorry, we cannot find that page" in english and "Skip to main content" in english


def test_500_has_the_site_design_in_both_languages(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("zh-hans"):
        html = server_error(rf.get("/")).content.decode()
    assert "出错了" in html and "跳到主要内容" in html and "site.css" in html and 'class="site-header"' in html
    with translation.override("en"):
        html = server_error(rf.get("/en/")).content.decode()
    assert "Something went wrong" in html and 'href="/en/"' in html and "Skip to main content" in html
