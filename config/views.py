from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, get_language_from_path, override
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST


def api_docs_guard(view):
    """The API schema and docs for signed-in users only, unless API_DOCS_PUBLIC (default: DEBUG)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        if not settings.API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. It checks no service, so a Redis or database outage never
    makes the supervisor restart healthy web workers; readiness is ``/readyz`` (operations/health.py)."""
    return JsonResponse({"status": "ok"})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language: remember it in the cookie and go to the same page in that language.

    Django's own ``set_language`` translates ``next`` in the language of the POST request, which
    (the switch is not under a language prefix) is the cookie's or the browser's, not the page's;
    and the Wagtail catch-all route then matches "/en/directory/" as a page path, so the reader
    stays on the English page. Here ``next`` is resolved in the language of its own prefix.
    """
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if check_for_language(language):
        source = get_language_from_path(next_url) or settings.LANGUAGE_CODE
        with override(source):
            response = HttpResponseRedirect(translate_url(next_url, language))
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
