"""Errors an action raises, and the one way the API and the pages show them.

Actions raise ``ActionError`` (or a subclass) when a rule refuses a write. Its ``code``
says why and decides the HTTP status (``status_for``): the API's exception handler
(``config.api_errors``) turns it into the one JSON error body of docs/api.md, and pages
put it on their form with ``form_errors``.

It subclasses Django's ``ValidationError`` so a model's ``full_clean`` error, a field
error dict and a page's ``form.add_error`` keep working unchanged.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

# Codes whose refusal is not about the input: who asks, what exists, or the current state.
STATUS_BY_CODE: dict[str, int] = {
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "transition": 409,  # not allowed from the current state
    "no_place": 409,  # the service is full
    "already_decided": 409,  # somebody else decided first
}


def status_for(code: str | None) -> int:
    """The HTTP status of an action error's code: 400 unless the code says otherwise."""
    return STATUS_BY_CODE.get(code or "", 400)


class ActionError(ValidationError):
    """A rule refused the write; the message says why in the user's language, ``code`` says which rule."""

    def __init__(self, message, code: str | None = None, params=None):
        super().__init__(message, code, params)
        # Django keeps the code only for a single message; keep it for a field dict too.
        if code is not None or not hasattr(self, "code"):
            self.code = code

    @property
    def status_code(self) -> int:
        return status_for(self.code)


def form_errors(form: forms.BaseForm, exc: ValidationError) -> forms.BaseForm:
    """Put an action's refusal on ``form``: field messages under their field, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
    return form


__all__ = ["NON_FIELD_ERRORS", "STATUS_BY_CODE", "ActionError", "form_errors", "status_for"]
