"""Response headers that protect every page: Content-Security-Policy, Permissions-Policy and
``Cache-Control: no-store`` for personal data (docs/security.md, "Web").

One middleware, so no view can forget them:

- **CSP** (django-csp): the public site, casework and every other page get ``STRICT_POLICY``
  (scripts and styles only from this origin, no inline script, no ``eval``). The content admin,
  the Django admin and the API's interactive docs ship third-party inline scripts, so paths in
  ``settings.CSP_ADMIN_PATH_PREFIXES`` get ``ADMIN_POLICY`` instead.
- **Permissions-Policy**: no page may use the camera, microphone, location, payment or USB.
- **no-store**: a response for a signed-in user, or on a path that serves personal data to
  whoever holds its address (``settings.NO_STORE_PATH_PREFIXES``, e.g. the private calendar
  feed), is never kept by the browser or a proxy.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_supported_language_variant

SELF = "'self'"
NONE = "'none'"

STRICT_POLICY = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],  # nothing inline, the 500 page included (it links site.css)
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "frame-src": [NONE],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}

# Wagtail's admin and drf-spectacular's Swagger/Redoc pages use inline scripts and styles.
ADMIN_POLICY = {
    **STRICT_POLICY,
    "script-src": [SELF, "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:"],
    "frame-src": [SELF],  # live preview
    "worker-src": [SELF, "blob:"],
}

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def _without_language_prefix(path: str) -> str:
    """/en/casework/ -> /casework/ (Chinese has no prefix)."""
    parts = path.split("/", 2)
    if len(parts) == 3 and parts[1]:
        try:
            if get_supported_language_variant(parts[1]) and parts[1] != settings.LANGUAGE_CODE:
                return "/" + parts[2]
        except LookupError:
            pass
    return path


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.CSP_ADMIN_PATH_PREFIXES))


def must_not_store(request: HttpRequest) -> bool:
    """Personal data: anything shown to a signed-in user, and the paths that carry it to anyone with the link."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    return _without_language_prefix(request.path_info).startswith(tuple(settings.NO_STORE_PATH_PREFIXES))


class SecurityHeadersMiddleware(CSPMiddleware):
    """CSP chosen by path, Permissions-Policy, and no-store on personal data."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None:
            parts.config = ADMIN_POLICY if is_admin_path(request.path_info) else STRICT_POLICY
        return parts

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if must_not_store(request):
            add_never_cache_headers(response)
        if is_admin_path(request.path_info):
            response.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response
