"""The API's one error body, and a JSON parser that refuses what would crash it.

Every error the API answers has this body (docs/api.md)::

    {"status": 409, "code": "transition", "detail": "…", "errors": {"reason": ["…"]}}

``status`` repeats the HTTP status, ``code`` is a stable machine word, ``detail`` one
sentence for a person (in the request's language), ``errors`` the messages per input field
(empty when the error is not about a field; nested fields are joined with dots).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from config.errors import status_for

logger = logging.getLogger("django.request")


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a body too large or nested too deeply is a client error, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise PayloadTooLarge
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge
        try:
            data = json.loads(raw.decode(encoding), parse_constant=self._reject_constant)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None
        except ValueError as exc:
            raise exceptions.ParseError(_("The body is not valid JSON.")) from exc
        if _has_nul(data):
            # No field holds one, and PostgreSQL refuses it in text and in lookups (a 500 otherwise).
            raise exceptions.ParseError(_("The body contains a character that is not allowed."))
        return data

    @staticmethod
    def _reject_constant(name: str):
        # NaN and Infinity are not JSON; DRF refuses them too (strict mode).
        raise ValueError(f"{name} is not valid JSON")


def _has_nul(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field.sub": [messages]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out.setdefault(prefix, []).extend(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                name = f"{prefix}.{index}" if prefix else str(index)
                for field, messages in _flatten(item, name).items():
                    out.setdefault(field, []).extend(messages)
    else:
        out.setdefault(prefix, []).append(str(detail))
    return out


def _from_django(exc: DjangoValidationError) -> exceptions.APIException:
    """An action's (or a model's) ValidationError as the DRF error of its status."""
    code = getattr(exc, "code", None)
    detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    error = exceptions.ValidationError(detail)
    error.status_code = status_for(code)
    error.default_code = code or "invalid"
    error.action_code = code or "invalid"
    return error


def body(*, status: int, code: str, detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The one error body (also used by views that answer an error themselves)."""
    return {"status": status, "code": code, "detail": detail, "errors": errors or {}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: every error of every API view gets the one body."""
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(_("The request could not be read."))
    elif isinstance(exc, RecursionError):
        exc = exceptions.ParseError(_("The JSON is nested too deeply."))
    response = drf_exception_handler(exc, context)
    if response is None:
        if settings.DEBUG:
            return None  # Django's debug page shows the traceback
        request = context.get("request")
        logger.error(
            "Internal Server Error: %s",
            getattr(request, "path", "?"),
            exc_info=(type(exc), exc, exc.__traceback__),
            extra={"status_code": 500, "request": getattr(request, "_request", None)},
        )
        set_rollback()
        message = _("Something went wrong on our side. Please try again later.")
        return Response(body(status=500, code="server_error", detail=message), status=500)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(response.data)
        general = fields.pop(NON_FIELD_ERRORS, []) + fields.pop("non_field_errors", []) + fields.pop("", [])
        code = getattr(exc, "action_code", "invalid")
        detail = " ".join(general) or _("Some of the input is not valid.")
        response.data = body(status=response.status_code, code=code, detail=detail, errors=fields)
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else str(response.data)
        response.data = body(status=response.status_code, code=str(code), detail=str(detail))
    return response
