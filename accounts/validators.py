"""Validators every app shares for input that ends up in a link or a spreadsheet.

``validate_safe_url`` is attached to every URL field and URL block (page models, blocks,
directory websites): only http(s), mailto, tel and site-internal links pass, so no
``javascript:`` or ``data:`` link can be stored and rendered.

``validate_person_name`` is attached to every person-name field (supervisees, volunteers):
a name never starts with a spreadsheet formula character and holds no control characters.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Browsers drop ASCII tab and newlines inside a URL ("java\tscript:") and trim
# leading control characters and spaces, so the scheme is read after doing the same.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would read from this link, lower-case; None for a relative link."""
    match = _SCHEME.match(_IGNORED_IN_URL.sub("", value or ""))
    return match.group(1).lower() if match else None


@deconstructible
class SafeURLValidator:
    """Allow http(s), mailto, tel and links within the site (/path, #anchor, ?query)."""

    message = _("Enter a web address (http:// or https://), a mailto: or tel: link, or a path on this site.")
    code = "unsafe_url"

    def __call__(self, value: str) -> None:
        if not value:
            return
        if _CONTROL.search(value):
            raise ValidationError(self.message, code=self.code)
        scheme = url_scheme(value)
        if scheme is not None and scheme not in SAFE_URL_SCHEMES:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SafeURLValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_safe_url = SafeURLValidator()

# Characters a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@deconstructible
class PersonNameValidator:
    """A person's name: no leading formula character (= + - @), no control characters."""

    message = _("A name cannot start with =, +, - or @ and cannot contain control characters.")
    code = "invalid_name"

    def __call__(self, value: str) -> None:
        if not value:
            return
        if _CONTROL.search(value) or value.lstrip(" ").startswith(FORMULA_PREFIXES):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PersonNameValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_person_name = PersonNameValidator()
