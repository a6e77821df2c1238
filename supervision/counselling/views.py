"""Pages of counselling: a person's counselling page (case staff see the summaries; the counsellor's
organisation also the notes, the assessments and the forms) and the counsellor's list of their cases."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import scoping
from config.errors import form_errors
from coordination.models import Supervisee
from supervision.counselling import actions, forms, policies, selectors
from supervision.counselling.models import CounsellingSession
from supervision.policies import is_case_staff
from supervision.views import requires

PER_PAGE = 25


def _may_open(user) -> bool:
    return is_case_staff(user) or policies.is_counsellor(user)


def _context(request: HttpRequest, supervisee: Supervisee, **bound) -> dict:
    user = request.user
    sessions = list(selectors.sessions(user).filter(supervisee=supervisee))
    return {
        "s": supervisee,
        "staff": is_case_staff(user),
        "sessions": sessions,
        "notes": selectors.notes_by_session(user, [row.pk for row in sessions]),
        "assessments": list(selectors.assessments(user).filter(supervisee=supervisee)),
        "can_record": scoping.policy_for(CounsellingSession).can(user, "record", supervisee),
        "session_form": bound.get("session") or forms.SessionForm(),
        "assessment_form": bound.get("assessment") or forms.AssessmentForm(),
        "note_form": bound.get("note"),
    }


@require_http_methods(["GET", "POST"])
@requires(_may_open)
def counselling(request: HttpRequest, uuid) -> HttpResponse:
    """A person's counselling: sessions with their summaries; for the counsellor's organisation also the
    notes, the assessments, and forms to record a session or an assessment and to edit one's own notes."""
    try:
        supervisee = selectors.supervisee_for_counselling(request.user, uuid)
    except Supervisee.DoesNotExist:
        raise Http404 from None
    if request.method == "GET":
        return render(request, "supervision/counselling/case.html", _context(request, supervisee))
    do = request.POST.get("do", "")
    bound: dict = {}
    try:
        if do == "session":
            form = bound["session"] = forms.SessionForm(request.POST)
            if form.is_valid():
                actions.record_session(supervisee=supervisee, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The counselling session is recorded."))
                return redirect("supervision:counselling", uuid=supervisee.uuid)
        elif do == "assessment":
            form = bound["assessment"] = forms.AssessmentForm(request.POST)
            if form.is_valid():
                actions.record_assessment(supervisee=supervisee, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The assessment is recorded."))
                return redirect("supervision:counselling", uuid=supervisee.uuid)
        elif do == "note":
            form = bound["note"] = forms.NoteForm(request.POST)
            if form.is_valid():
                session = (
                    selectors.sessions(request.user)
                    .filter(supervisee=supervisee, pk=form.cleaned_data["session"])
                    .first()
                )
                if session is None:
                    raise Http404
                actions.edit_note(session=session, actor=request.user, text=form.cleaned_data["text"])
                messages.success(request, _("The notes are saved."))
                return redirect("supervision:counselling", uuid=supervisee.uuid)
        else:
            raise Http404
    except ValidationError as exc:
        form_errors(form, exc)
    return render(request, "supervision/counselling/case.html", _context(request, supervisee, **bound), status=400)


@require_GET
@requires(policies.is_counsellor)
def cases(request: HttpRequest) -> HttpResponse:
    """The counsellor's cases: the people referred to their organisation or on whose team they are."""
    search = forms.SearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(selectors.counselled(request.user, query), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "supervision/counselling/cases.html", {"page": page, "search": search, "q": query})
