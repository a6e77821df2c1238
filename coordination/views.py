"""The casework workbench: staff pages outside the Wagtail admin.

Each view checks the role through the policies (accounts.scoping), reads through a selector and
writes through an action. Out-of-scope records answer 404, wrong roles 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from accounts import attachments, idempotency, roles, scoping, spreadsheet
from config.confirm import confirm_first
from config.errors import form_errors
from coordination import actions, policies, selectors
from coordination.filters import AccessLogFilter, SuperviseeFilter
from coordination.forms import (
    CloseNeedForm,
    ConsentForm,
    NeedForm,
    NoteForm,
    ReferralForm,
    SuperviseeForm,
    TeamMemberForm,
    TransitionForm,
)
from coordination.models import AccessLog, CorrectionTeamMember, Referral, Supervisee
from coordination.serializers import display_rows
from records.models import DocumentKind, IssuedDocument
from records.policies import Issuing

PAGE_SIZE = 25


def requires(predicate: Callable) -> Callable:
    """Signed in (else the login page) and allowed by a policy predicate (else 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _supervisee_or_404(user, uuid, purpose: str = "casework") -> Supervisee:
    """The record, its read logged by the selector with ``purpose``."""
    try:
        return selectors.supervisee_for_read(user, uuid, purpose=purpose)
    except Supervisee.DoesNotExist:
        raise Http404 from None


@require_GET
@requires(lambda u: policies.can_see_case_list(u) or policies.can_use_provider_inbox(u))
def index(request: HttpRequest) -> HttpResponse:
    if policies.can_see_case_list(request.user):
        return redirect("coordination:caseload")
    return redirect("coordination:inbox")


def _filtered_caseload(request: HttpRequest):
    sort = request.GET.get("sort", "name")
    filterset = SuperviseeFilter(request.GET or None, queryset=selectors.caseload(request.user, sort=sort))
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return filterset, queryset, sort


@require_GET
@requires(policies.can_see_case_list)
def caseload(request: HttpRequest) -> HttpResponse:
    filterset, queryset, sort = _filtered_caseload(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "coordination/caseload.html",
        {
            "filter": filterset,
            "page": page,
            "sort": sort,
            "sorts": [
                ("name", pgettext("person", "Name")),
                ("risk", _("Risk, highest first")),
                ("needs", _("Most open needs")),
                ("end", _("Correction ends soonest")),
                ("updated", _("Recently updated")),
            ],
            "query": query.urlencode(),
            "filtered": bool(request.GET.get("q") or any(k in request.GET for k in filterset.filters)),
            "can_register": scoping.can(request.user, "register", Supervisee),
            "today": timezone.localdate(),
        },
    )


class _Echo:
    def write(self, value):
        return value


@require_GET
@requires(policies.can_see_case_list)
def caseload_export(request: HttpRequest) -> HttpResponse:
    """The filtered caseload as CSV (masked ID numbers); the export is logged."""
    _filterset, queryset, _sort = _filtered_caseload(request)
    actions.log_access(
        user=request.user,
        action=AccessLog.Action.EXPORT,
        object_type="caseload",
        object_id="",
        purpose=request.GET.urlencode()[:200],
        path=request.path,
    )
    writer = spreadsheet.writer(_Echo())
    header = [
        capfirst(Supervisee._meta.get_field("case_number").verbose_name),
        pgettext("person", "Name"),
        _("Township"),
        _("Judicial office"),
        _("Risk level"),
        _("Status"),
        _("Open needs"),
    ]

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for s in queryset.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    s.case_number,
                    s.name,
                    s.township.name,
                    s.judicial_office.name,
                    s.get_risk_level_display(),
                    s.get_status_display(),
                    s.open_needs,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="caseload.csv"'
    return response


@require_GET
@requires(policies.can_see_case_list)
def supervisee_detail(request: HttpRequest, uuid) -> HttpResponse:
    supervisee = _supervisee_or_404(request.user, uuid)  # logged by the selector
    referrals = selectors.referrals_of_supervisee(supervisee)
    fields = scoping.fields(request.user, supervisee)
    return render(
        request,
        "coordination/supervisee.html",
        {
            "s": supervisee,
            "rows": display_rows(supervisee, fields),
            "referrals": referrals,
            "timeline": selectors.timeline(supervisee, referrals),
            "note_form": NoteForm(),
            "consent_form": ConsentForm(),
            "can_edit": scoping.can(request.user, "edit", supervisee),
            "can_change": scoping.can(request.user, "change", supervisee),
            "can_manage_team": scoping.can(request.user, "manage_team", supervisee),
            "can_match": scoping.can(request.user, "use", "matching.MatchRun"),
            "team_form": TeamMemberForm(candidates=policies.supervisees().team_candidates(request.user, supervisee)),
            "close_form": CloseNeedForm(),
        },
    )


SUPERVISEE_FIELDS = [name for name in SuperviseeForm.base_fields if name != "resident_id"]
FORM_GROUPS = [
    (
        "Person",
        ["name", "given_name", "sex", "date_of_birth", "resident_id", "id_change_note", "phone", "preferred_language"],
    ),
    ("Residence", ["household_type", "township", "address"]),
    (
        "Correction",
        [
            "judicial_office",
            "status",
            "sentence_type",
            "offence_category",
            "correction_start",
            "correction_end",
            "risk_level",
            "supervision_level",
        ],
    ),
]


def _render_supervisee_form(request: HttpRequest, form: SuperviseeForm, supervisee: Supervisee | None):
    legends = {"Person": _("Person"), "Residence": _("Residence"), "Correction": _("Correction")}
    groups = [(legends[key], [form[name] for name in names if name in form.fields]) for key, names in FORM_GROUPS]
    return render(request, "coordination/supervisee_form.html", {"form": form, "s": supervisee, "groups": groups})


@requires(lambda u: scoping.can(u, "register", Supervisee))
def supervisee_create(request: HttpRequest) -> HttpResponse:
    """Intake (接收): register a supervisee for an office the user works for."""
    form = SuperviseeForm(request.POST or None, offices=policies.intake_offices(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            supervisee = actions.create_supervisee(actor=request.user, resident_id=data.pop("resident_id"), **data)
        except ValidationError as exc:
            form_errors(form, exc)
        except PermissionDenied:
            form.add_error("judicial_office", _("You may not register supervisees for this office."))
        else:
            messages.success(request, _("Supervisee registered. Now form the correction team."))
            return redirect("coordination:supervisee", uuid=supervisee.uuid)
    return _render_supervisee_form(request, form, None)


@requires(policies.can_see_case_list)
def supervisee_edit(request: HttpRequest, uuid) -> HttpResponse:
    supervisee = _supervisee_or_404(request.user, uuid, "edit")
    if not scoping.can(request.user, "change", supervisee):
        raise PermissionDenied(_("A sealed record can be read during an opening, never changed."))
    offices = policies.intake_offices(request.user)
    initial = {name: getattr(supervisee, name) for name in SUPERVISEE_FIELDS if name != "id_change_note"}
    initial["township"] = supervisee.township_id
    initial["judicial_office"] = supervisee.judicial_office_id
    form = SuperviseeForm(request.POST or None, initial=initial, offices=offices, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.update_supervisee(
                supervisee=supervisee,
                actor=request.user,
                resident_id=data.pop("resident_id") or "",
                id_change_note=data.pop("id_change_note", ""),
                **data,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        except PermissionDenied:
            form.add_error("judicial_office", _("You may not move the record to this office."))
        else:
            messages.success(request, _("Record saved."))
            return redirect("coordination:supervisee", uuid=supervisee.uuid)
    return _render_supervisee_form(request, form, supervisee)


@requires(policies.can_see_case_list)
def team_add(request: HttpRequest, uuid) -> HttpResponse:
    supervisee = _supervisee_or_404(request.user, uuid, "team")
    if not scoping.can(request.user, "edit", supervisee):
        raise PermissionDenied
    form = TeamMemberForm(
        request.POST or None, candidates=policies.supervisees().team_candidates(request.user, supervisee)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_team_member(supervisee=supervisee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Team member added."))
            return redirect(reverse("coordination:supervisee", kwargs={"uuid": supervisee.uuid}) + "#h-team")
    return render(request, "coordination/team_form.html", {"form": form, "s": supervisee})


@require_POST
@requires(policies.can_see_case_list)
def team_remove(request: HttpRequest, uuid, pk: int) -> HttpResponse:
    supervisee = _supervisee_or_404(request.user, uuid)
    if not scoping.can(request.user, "edit", supervisee):
        raise PermissionDenied
    member = get_object_or_404(CorrectionTeamMember, supervisee=supervisee, pk=pk, is_active=True)
    asked = confirm_first(
        request,
        title=_("Take this person off the team?"),
        question=_("%(name)s will no longer be on the correction team of %(person)s.")
        % {"name": member.name, "person": supervisee.name},
        confirm_label=_("Yes, take them off the team"),
        back=reverse("coordination:supervisee", kwargs={"uuid": supervisee.uuid}) + "#h-team",
    )
    if asked:
        return asked
    try:
        actions.remove_team_member(member=member, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s was taken off the team.") % {"name": member.name})
    return redirect(reverse("coordination:supervisee", kwargs={"uuid": supervisee.uuid}) + "#h-team")


@require_POST
@requires(policies.can_see_case_list)
def need_close(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(selectors.needs_list(request.user), pk=pk)
    form = CloseNeedForm(request.POST)
    form.is_valid()  # only a length limit: the action owns the rules
    try:
        actions.close_need(need=need, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Need closed."))
    return redirect(reverse("coordination:supervisee", kwargs={"uuid": need.supervisee.uuid}) + "#h-needs")


@requires(policies.can_see_case_list)
def need_create(request: HttpRequest, uuid) -> HttpResponse:
    supervisee = _supervisee_or_404(request.user, uuid)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        need = actions.record_need(supervisee=supervisee, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Need recorded. Now send it to a service."))
        return redirect("coordination:referral-create", pk=need.pk)
    return render(request, "coordination/need_form.html", {"s": supervisee, "form": form})


@require_POST
@requires(policies.can_see_case_list)
def note_create(request: HttpRequest, uuid) -> HttpResponse:
    supervisee = _supervisee_or_404(request.user, uuid)
    form = NoteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("coordination:supervisee", uuid=supervisee.uuid)
    try:
        actions.add_note(supervisee=supervisee, author=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Note added."))
    return redirect("coordination:supervisee", uuid=supervisee.uuid)


@require_POST
@requires(policies.can_see_case_list)
def consent_withdraw(request: HttpRequest, uuid, pk: int) -> HttpResponse:
    """The supervisee withdraws a consent (PIPL Art. 15); referrals not yet accepted are withdrawn."""
    supervisee = _supervisee_or_404(request.user, uuid)
    consent = get_object_or_404(supervisee.consents.all(), pk=pk)
    try:
        actions.withdraw_consent(consent=consent, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Consent withdrawn; referrals not yet accepted were withdrawn."))
    return redirect("coordination:supervisee", uuid=supervisee.uuid)


@require_POST
@requires(policies.can_see_case_list)
def consent_create(request: HttpRequest, uuid) -> HttpResponse:
    supervisee = _supervisee_or_404(request.user, uuid)
    form = ConsentForm(request.POST)
    if form.is_valid():
        actions.record_consent(supervisee=supervisee, recorded_by=request.user, **form.cleaned_data)
        messages.success(request, _("Consent recorded."))
    else:
        messages.error(request, _("The consent was not saved: choose an organisation."))
    return redirect("coordination:supervisee", uuid=supervisee.uuid)


@requires(policies.can_see_case_list)
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(selectors.needs_list(request.user), pk=pk)
    supervisee = need.supervisee
    can_override = scoping.can(request.user, "override_consent", supervisee)
    offerings = selectors.offerings_for_need(need)
    consented = selectors.consented_organisation_ids(supervisee)
    form = ReferralForm(request.POST or None, offerings=offerings, can_override=can_override, consented=consented)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        send = data["send_now"]
        try:
            referral, created = idempotency.once(
                user=request.user,
                endpoint=actions.REFERRAL_CREATE,
                key=data[idempotency.FORM_FIELD],
                create=lambda: actions.create_referral(
                    need=need,
                    offering=data["offering"],
                    actor=request.user,
                    message=data["message"],
                    send=send,
                    **(
                        {
                            "override_consent": data.get("override_consent", False),
                            "note": data.get("override_reason", ""),
                        }
                        if send
                        else {}
                    ),
                ),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            if created:
                messages.success(request, _("Referral sent.") if send else _("Referral saved as a draft."))
            return redirect("coordination:referral", uuid=referral.uuid)
    return render(
        request,
        "coordination/referral_form.html",
        {"need": need, "s": supervisee, "form": form, "has_offerings": offerings.exists()},
    )


def _referral_or_404(user, uuid) -> Referral:
    try:
        return selectors.referral_for_read(user, uuid)
    except Referral.DoesNotExist:
        raise Http404 from None


@require_GET
@requires(lambda u: policies.can_see_case_list(u) or policies.can_use_provider_inbox(u))
def referral_detail(request: HttpRequest, uuid) -> HttpResponse:
    referral = _referral_or_404(request.user, uuid)  # the selector logs the read (coordination/access.py)
    supervisee = referral.need.supervisee
    policy = policies.referrals()
    side = policy.side(request.user, referral)
    fields = policy.fields(request.user, referral, side=side)
    return render(
        request,
        "coordination/referral.html",
        {
            "r": referral,
            "side": side,
            "rows": display_rows(supervisee, fields),
            "verbs": actions.allowed_verbs(referral, side),
            "can_print_letter": side == "case"
            and referral.state in actions.LETTER_STATES
            and scoping.policy_for(IssuedDocument).can(
                request.user,
                "issue",
                Issuing(kind=DocumentKind.REFERRAL_LETTER, office=supervisee.judicial_office, source=referral),
            ),
            "form": TransitionForm(),
            "now": timezone.now(),
        },
    )


@require_GET
@requires(policies.can_see_case_list)
def referral_letter(request: HttpRequest, uuid) -> HttpResponse:
    """The referral letter (转介函) to print: the valid letter issued from the referral or one issued now, its
    stored bytes (case staff who issue the office's documents)."""
    referral = _referral_or_404(request.user, uuid)  # the selector logs the read
    try:
        document = actions.referral_letter(referral=referral, actor=request.user, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("coordination:referral", uuid=referral.uuid)
    return attachments.serve(document.pdf, download_name=f"referral-letter-{document.year}-{document.sequence}")


@require_POST
@requires(lambda u: policies.can_see_case_list(u) or policies.can_use_provider_inbox(u))
def referral_transition(request: HttpRequest, uuid, verb: str) -> HttpResponse:
    referral = _referral_or_404(request.user, uuid)
    if verb not in actions.VERBS or verb == "expire":
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        data = form.cleaned_data
        side = policies.referrals().side(request.user, referral)
        if verb == "withdraw" and verb in actions.allowed_verbs(referral, side):
            asked = confirm_first(
                request,
                title=_("Withdraw this referral?"),
                question=_(
                    "%(service)s will no longer be asked to help %(person)s. A withdrawn referral cannot be sent again."
                )
                % {"service": referral.offering.name, "person": referral.need.supervisee.name},
                confirm_label=_("Yes, withdraw it"),
                back=reverse("coordination:referral", kwargs={"uuid": referral.uuid}),
            )
            if asked:
                return asked
        try:
            actions.apply_verb(
                referral=referral,
                verb=verb,
                actor=request.user,
                note=data["note"],
                reason=data["reason"],
                grade=data["grade"],
                for_provider=data["for_provider"],
            )
        except actions.ReferralError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Referral updated."))
    next_url = request.POST.get("next", "")
    if next_url == "inbox":
        return redirect("coordination:inbox")
    return redirect("coordination:referral", uuid=referral.uuid)


@require_GET
@requires(policies.can_use_provider_inbox)
def provider_inbox(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    queryset = selectors.provider_inbox(request.user)
    if state == "open":
        queryset = selectors.provider_open_work(request.user)
    elif state in Referral.State.values:
        queryset = queryset.filter(state=state)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    policy = policies.referrals()
    for referral in page.object_list:
        # Each person named only as far as the provider may see them (a minor: given name only).
        referral.person_fields = policy.fields(request.user, referral, side="provider")
    return render(
        request,
        "coordination/inbox.html",
        {
            "page": page,
            "state": state,
            "states": Referral.State.choices,
            "form": TransitionForm(),
            "now": timezone.now(),
        },
    )


@require_GET
@requires(policies.can_see_case_list)
def overdue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.overdue(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "coordination/overdue.html", {"page": page, "now": timezone.now()})


@require_GET
@login_required
def mentees(request: HttpRequest) -> HttpResponse:
    return render(request, "coordination/mentees.html", {"rows": list(selectors.mentees(request.user))})


@require_GET
@requires(roles.is_bureau_admin)
def access_log(request: HttpRequest) -> HttpResponse:
    """The access log, filtered by person, record, reader, date and purpose; ``?show=id-probes``: the
    ID-number checks that matched a record in another office; ``?show=token-uses``: every request made
    with an API token."""
    show = request.GET.get("show")
    probes, token_uses = show == "id-probes", show == "token-uses"
    if probes:
        rows = selectors.id_probes_elsewhere(request.user)
    elif token_uses:
        rows = selectors.token_uses(request.user)
    else:
        rows = selectors.access_log(request.user)
    # Bound only by a filter: the view switch (?show=) and the page number are not filters, so they
    # neither offer "Clear filters" nor say "no entry matches these filters".
    filtering = any(key not in ("show", "page") and value for key, value in request.GET.items())
    filters = AccessLogFilter(request.GET if filtering else None, queryset=rows)
    if filters.is_bound and filters.is_valid():
        rows = filters.qs
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    if any(entry.supervisee_id for entry in page.object_list):
        # The page names the people in its entries: the review itself is recorded, once per page shown
        # (one row, not one per entry, so reading the log does not push its own pages along).
        actions.log_access(
            user=request.user,
            action=AccessLog.Action.READ,
            object_type="access log",
            object_id=f"{show or 'all'} p{page.number}",
            purpose="audit review",
            path=request.get_full_path()[:500],
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "coordination/access_log.html",
        {"page": page, "probes": probes, "token_uses": token_uses, "filters": filters, "query": query.urlencode()},
    )
