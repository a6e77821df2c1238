"""Telling people of the same name apart in lists: age and township after the name."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def who(supervisee) -> str:
    """ " (34岁 · 青屏街道)" after a listed name; only fields the list already loaded (no extra query)."""
    parts = []
    born = getattr(supervisee, "date_of_birth", None)
    if born:
        today = timezone.localdate()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        parts.append(_("%(age)s years old") % {"age": age})
    township = getattr(supervisee, "township", None)
    if township is not None:
        parts.append(township.display_name)
    if not parts:
        return ""
    return format_html(' <span class="muted who">({})</span>', " · ".join(parts))
