"""Request guards that apply to every view before it runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import bad_request


class RejectNulMiddleware:
    """A NUL character in the path or a query parameter is refused with a 400.

    No identifier, filter or search term holds one, and PostgreSQL refuses it in a
    query (``ValueError``), which would otherwise become a 500 in whichever view
    passes it to the database first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            message = _("The address contains a character that is not allowed.")
            if request.path.startswith("/api/"):
                from config.api_errors import body

                return JsonResponse(body(status=400, code="invalid_character", detail=message), status=400)
            return bad_request(request, ValueError(message))
        return self.get_response(request)
