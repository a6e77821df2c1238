"""Ask before a destructive action: a confirmation page that works without JavaScript.

A destructive button posts its form as usual; the view calls ``confirm_first`` and, unless the
post already carries ``confirmed=yes``, answers with a page that says what will happen and
repeats the same fields with ``confirmed=yes`` behind a red button, next to a way back.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def confirm_first(
    request: HttpRequest, *, title: str, question: str, confirm_label: str, back: str
) -> HttpResponse | None:
    """None when the post is confirmed; otherwise the confirmation page for it."""
    if request.POST.get(CONFIRMED) == "yes":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in values
    ]
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "question": question,
            "confirm_label": confirm_label,
            "back": back,
            "action": request.get_full_path(),
            "fields": fields,
        },
    )
