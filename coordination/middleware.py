"""The token-use log: one access-log row for every API request a program made with an API token."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from accounts.security import current_token
from coordination.access import record_token_use


class TokenUseLogMiddleware:
    """After the response, record the API token that authenticated the request, if one did.

    Sits inside ``accounts.middleware.ApiTokenContextMiddleware`` (which forgets the token after the
    response), so the token set by ``accounts.authentication.ApiTokenAuthentication`` is still known.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        token = current_token()
        if token is not None:
            record_token_use(token, method=request.method or "", path=request.path, status=response.status_code)
        return response
