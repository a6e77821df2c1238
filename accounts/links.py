"""Absolute links (e-mails, PDFs, calendar files, feeds): one way to build them.

With a request, the link uses the host and port the user reached the site by; without one
(tasks, e-mails sent from actions), it uses ``settings.SITE_URL``, which ``make run`` sets
from ``HOST`` and ``PORT``. Wagtail's ``get_full_url`` is not used for this: it takes the host
from the Wagtail ``Site`` row (``localhost:80`` in the demo), not from the request.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (site-relative, or already absolute) as a full URL."""
    if path.startswith(("http://", "https://")):
        return path
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def page_url(page, request: HttpRequest | None = None) -> str:
    """The full URL of a Wagtail page, on the host the request came by."""
    return absolute_url(page.get_url(request), request)
