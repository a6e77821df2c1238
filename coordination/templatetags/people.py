"""Telling people of the same name apart in lists: age, township and case-number tail after the name."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from coordination import naming

register = template.Library()


@register.simple_tag
def who(supervisee, fields=None) -> str:
    """ " (34岁 · 青屏街道 · 矫正编号…0042)" after a listed name (``coordination.naming``).

    ``fields``: what the reader may see of the person (the policy's field set); omitted, the whole case
    record. Uses only fields the list already loaded (no extra query)."""
    parts = naming.disambiguator(supervisee, fields)
    if not parts:
        return ""
    return format_html(' <span class="muted who">({})</span>', " · ".join(parts))


@register.simple_tag
def person(supervisee, fields=None) -> str:
    """The name as the reader may see it, followed by ``who``."""
    return format_html("{}{}", naming.name_of(supervisee, fields), who(supervisee, fields))


@register.simple_tag
def name_of(supervisee, fields=None) -> str:
    """The full name if the reader may see it, else the given name."""
    return naming.name_of(supervisee, fields)
