"""Movement pages for officers and heads: a person's requests, prohibition orders and monitoring periods;
a request's page with the steps the user may take (the decision for the routed head); the list of requests
awaiting my decision; the PDFs and uploaded proofs (scoped and logged)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping
from config.errors import form_errors
from coordination.access import logged
from coordination.models import Supervisee
from coordination.selectors import supervisee_for_read
from supervision import policies
from supervision.movement import actions, forms, selectors
from supervision.movement.models import MonitoringPeriod, MovementAttachment, MovementRequest, ProhibitionOrder
from supervision.views import requires

PAGE_SIZE = 20  # requests per page of the decision list (a view choice, not a legal clock)


def _supervisee(request: HttpRequest, uuid) -> Supervisee:
    try:
        return supervisee_for_read(request.user, uuid, purpose="supervision")
    except Supervisee.DoesNotExist:
        raise Http404 from None


def _request(request: HttpRequest, pk: int) -> MovementRequest:
    try:
        return selectors.request_for(request.user, pk)
    except MovementRequest.DoesNotExist:
        raise Http404 from None


@require_GET
@requires(policies.is_case_staff)
def case(request: HttpRequest, uuid) -> HttpResponse:
    """A person's movement requests, prohibition orders and location-monitoring periods."""
    supervisee = _supervisee(request, uuid)
    user = request.user
    return render(
        request,
        "supervision/movement/case.html",
        {
            "s": supervisee,
            "data": selectors.for_case(user, supervisee),
            "can_apply": scoping.policy_for(MovementRequest).can(user, "apply", supervisee),
            "can_record": scoping.policy_for(ProhibitionOrder).can(user, "record", supervisee),
            "can_approve": scoping.policy_for(MonitoringPeriod).can(user, "approve", supervisee),
            # A change of the place of execution to another deployment: the case package (docs/interchange.md).
            "can_export": scoping.policy_for("supervision.ImportedCase").can(user, "export", supervisee),
        },
    )


def _form_page(request, *, template_title, form, back, context=None):
    return render(
        request,
        "supervision/movement/form.html",
        {"title": template_title, "form": form, "back": back, **(context or {})},
    )


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def apply(request: HttpRequest, uuid) -> HttpResponse:
    """An officer applies on the person's behalf (the person applies on their own phone page)."""
    supervisee = _supervisee(request, uuid)
    if not scoping.policy_for(MovementRequest).can(request.user, "apply", supervisee):
        raise PermissionDenied
    orders = ProhibitionOrder.objects.filter(supervisee=supervisee)
    form = forms.ApplyForm(request.POST or None, request.FILES or None, orders=orders)
    back = reverse("supervision:movement-case", args=[supervisee.uuid])
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.apply(supervisee=supervisee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The request is sent to %(who)s.") % {"who": made.get_route_display()})
            return redirect("supervision:movement-request", pk=made.pk)
    return _form_page(request, template_title=_("Apply for %(name)s") % {"name": supervisee.name}, form=form, back=back)


def _steps(user, row: MovementRequest) -> dict:
    """The step forms this user may use on this request now."""
    policy = scoping.policy_for(MovementRequest)
    sides = policy.side(user, row)
    steps: dict = {}
    open_ = row.state in actions.OPEN_STATES
    decider = "decider" in sides and row.applied_by_id != user.pk
    if open_ and decider:
        if row.route == MovementRequest.Route.UPPER and row.state == MovementRequest.State.SUBMITTED:
            steps["refer"] = forms.ReferForm()
        else:
            steps["decide"] = forms.DecideForm()
    if "office" in sides:
        if row.kind == MovementRequest.Kind.RELOCATION and open_:
            steps["consultation"] = forms.ConsultationForm()
        if row.kind == MovementRequest.Kind.RELOCATION and row.state == MovementRequest.State.APPROVED:
            steps["hand-over"] = forms.HandOverForm()
        if row.kind in (MovementRequest.Kind.CONTACT, MovementRequest.Kind.ENTRY) and row.decided_by_id:
            steps["notice"] = forms.NoticeForm()
    if "applicant" in sides:
        if row.kind == MovementRequest.Kind.TRAVEL and row.state in (
            MovementRequest.State.APPROVED,
            MovementRequest.State.OVERDUE,
        ):
            steps["report-back"] = forms.ReportBackForm()
        if open_:
            steps["withdraw"] = None
    return steps


STEP_TITLES = {
    "decide": gettext_lazy("Decide"),
    "refer": gettext_lazy("Refer to the level above"),
    "consultation": gettext_lazy("Consultation with the receiving county"),
    "hand-over": gettext_lazy("Hand over the case"),
    "notice": gettext_lazy("Notice to the court or procuratorate"),
    "report-back": gettext_lazy("Report back (销假)"),
    "withdraw": gettext_lazy("Withdraw the request"),
}


@require_GET
@requires(policies.is_case_staff)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: what was asked, the route and why, the documents, and the steps the user may take."""
    row = _request(request, pk)
    steps = _steps(request.user, row)
    refusal = None
    if row.state in actions.OPEN_STATES and not ("decide" in steps or "refer" in steps):
        try:
            actions.check_decider(request=row, actor=request.user)
        except ValidationError as exc:
            refusal = exc.messages[0]
    return render(
        request,
        "supervision/movement/request.html",
        {
            "r": row,
            "steps": [(name, STEP_TITLES[name], form) for name, form in steps.items()],
            "refusal": refusal,
            "attachments": list(row.attachments.all()),
            "report_by": actions.report_by(row),
            "is_travel_approved": row.kind == MovementRequest.Kind.TRAVEL
            and row.decided_by_id
            and row.state != "refused",
        },
    )


def _do_step(step: str, row: MovementRequest, user, data: dict) -> MovementRequest:
    if step == "decide":
        return actions.decide(request=row, actor=user, approve=data["decision"] == "approve", note=data["note"])
    if step == "refer":
        return actions.refer(request=row, actor=user, referred_on=data["referred_on"])
    if step == "consultation":
        return actions.record_consultation(
            request=row, actor=user, consulted_on=data["consulted_on"], reply_on=data["reply_on"], agrees=data["agrees"]
        )
    if step == "hand-over":
        return actions.hand_over(request=row, actor=user, handed_over_on=data["handed_over_on"])
    if step == "notice":
        return actions.record_notice(request=row, actor=user, recipient=data["recipient"], sent_on=data["sent_on"])
    if step == "report-back":
        return actions.report_back(request=row, actor=user, returned_on=data["returned_on"])
    return actions.withdraw(request=row, actor=user)


STEP_FORMS = {
    "decide": forms.DecideForm,
    "refer": forms.ReferForm,
    "consultation": forms.ConsultationForm,
    "hand-over": forms.HandOverForm,
    "notice": forms.NoticeForm,
    "report-back": forms.ReportBackForm,
    "withdraw": None,
}


@require_POST
@requires(policies.is_case_staff)
def step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Post one step of a request; a refusal shows on the step's form with the action's own message."""
    if step not in STEP_FORMS:
        raise Http404
    row = _request(request, pk)
    form_class = STEP_FORMS[step]
    form = form_class(request.POST) if form_class else None
    back = reverse("supervision:movement-request", args=[row.pk])
    if form is None or form.is_valid():
        try:
            _do_step(step, row, request.user, form.cleaned_data if form else {})
        except ValidationError as exc:
            if getattr(exc, "code", None) == "forbidden":
                raise PermissionDenied(" ".join(exc.messages)) from exc
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect(back)
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return _form_page(request, template_title=STEP_TITLES[step], form=form, back=back)


@require_GET
@requires(policies.is_case_staff)
def awaiting(request: HttpRequest) -> HttpResponse:
    """The requests awaiting my decision: filter by kind and level, search by name, sort, page."""
    kind = request.GET.get("kind", "")
    route = request.GET.get("route", "")
    sort = request.GET.get("sort", "applied")
    q = request.GET.get("q", "")[:50]
    rows = selectors.awaiting_decision(
        request.user,
        kind=kind if kind in MovementRequest.Kind.values else "",
        route=route if route in MovementRequest.Route.values else "",
        q=q,
        sort=sort if sort in selectors.SORTS else "applied",
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/movement/awaiting.html",
        {
            "page": page,
            "kinds": MovementRequest.Kind.choices,
            "routes": MovementRequest.Route.choices,
            "filters": {"kind": kind, "route": route, "sort": sort, "q": q},
        },
    )


def _pdf(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _readable_request(request: HttpRequest, pk: int) -> MovementRequest:
    """A request the case staff see, or the person's own request (their own sign-in); reads are logged."""
    own = policies.own_record(request.user)
    if own is not None:
        rows = MovementRequest.objects.filter(supervisee=own).select_related(
            "supervisee__judicial_office", "decided_by"
        )
        rows = logged(rows, user=request.user, object_type="movement_request", supervisee_id=lambda r: r.supervisee_id)
        try:
            return rows.get(pk=pk)
        except MovementRequest.DoesNotExist:
            raise Http404 from None
    if not policies.is_case_staff(request.user):
        raise PermissionDenied
    return _request(request, pk)


@require_GET
@login_required
def approval_form(request: HttpRequest, pk: int) -> HttpResponse:
    """审批表 of a request (case staff)."""
    if not policies.is_case_staff(request.user):
        raise PermissionDenied
    row = _request(request, pk)
    if not row.decided_by_id:
        raise Http404
    # Issued once through the document service (numbered, hashed, kept); the stored bytes are served.
    document = actions.approval_form(request=row, http_request=request)
    with document.pdf.open("rb") as stored:
        return _pdf(stored.read(), f"approval-{row.pk}.pdf")


@require_GET
@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """外出证明 of an approved travel (case staff, and the person on their own sign-in)."""
    row = _readable_request(request, pk)
    if row.kind != MovementRequest.Kind.TRAVEL or not row.decided_by_id or row.state == MovementRequest.State.REFUSED:
        raise Http404
    # Issued once through the document service (numbered, hashed, kept); the stored bytes are served.
    document = actions.travel_certificate(request=row, http_request=request)
    with document.pdf.open("rb") as stored:
        return _pdf(stored.read(), f"travel-{row.pk}.pdf")


@require_GET
@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded proof, only through this scoped and logged view (never a public media address)."""
    if not (policies.is_case_staff(request.user) or policies.own_record(request.user)):
        raise PermissionDenied
    try:
        row = selectors.attachment_for(request.user, pk)
    except MovementAttachment.DoesNotExist:
        raise Http404 from None
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["Content-Disposition"] = f'inline; filename="attachment-{row.pk}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- prohibition orders and monitoring ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def order_new(request: HttpRequest, uuid) -> HttpResponse:
    supervisee = _supervisee(request, uuid)
    if not scoping.policy_for(ProhibitionOrder).can(request.user, "record", supervisee):
        raise PermissionDenied
    form = forms.OrderForm(request.POST or None)
    back = reverse("supervision:movement-case", args=[supervisee.uuid])
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_order(supervisee=supervisee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return _form_page(request, template_title=_("Record a prohibition order"), form=form, back=back)


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def breach_new(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        order = selectors.orders(request.user).get(pk=pk)
    except ProhibitionOrder.DoesNotExist:
        raise Http404 from None
    if not scoping.policy_for(ProhibitionOrder).can(request.user, "record", order.supervisee):
        raise PermissionDenied
    form = forms.BreachForm(request.POST or None)
    back = reverse("supervision:movement-case", args=[order.supervisee.uuid])
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_breach(order=order, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The breach and its sanction ground are recorded."))
            return redirect(back)
    return _form_page(request, template_title=_("Record a breach of the order"), form=form, back=back)


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def monitoring_new(request: HttpRequest, uuid) -> HttpResponse:
    """The bureau head approves a period of location monitoring or its extension."""
    supervisee = _supervisee(request, uuid)
    if not scoping.policy_for(MonitoringPeriod).can(request.user, "approve", supervisee):
        raise PermissionDenied
    periods = MonitoringPeriod.objects.filter(supervisee=supervisee, ended_on__isnull=True, extension__isnull=True)
    form = forms.MonitoringForm(request.POST or None, periods=periods)
    back = reverse("supervision:movement-case", args=[supervisee.uuid])
    if request.method == "POST" and form.is_valid():
        try:
            actions.approve_monitoring(supervisee=supervisee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return _form_page(request, template_title=_("Approve location monitoring"), form=form, back=back)


@require_http_methods(["GET", "POST"])
@requires(policies.is_case_staff)
def monitoring(request: HttpRequest, pk: int) -> HttpResponse:
    """One period: its clock, the notice to the person and the device, an early end, and the record of
    accesses to location data held elsewhere."""
    try:
        period = selectors.monitoring(request.user).get(pk=pk)
    except MonitoringPeriod.DoesNotExist:
        raise Http404 from None
    can_record = scoping.policy_for(MonitoringPeriod).can(request.user, "record", period.supervisee)
    which = request.POST.get("step", "")
    bound = {which: request.POST} if request.method == "POST" else {}
    step_forms = {
        "end": forms.EndMonitoringForm(bound.get("end"), prefix="end"),
        "access": forms.LocationAccessForm(bound.get("access"), prefix="access"),
    }
    if request.method == "POST":
        if not can_record or which not in step_forms:
            raise PermissionDenied
        form = step_forms[which]
        if form.is_valid():
            try:
                if which == "end":
                    actions.end_monitoring(period=period, actor=request.user, **form.cleaned_data)
                else:
                    actions.record_location_access(period=period, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("supervision:movement-monitoring", pk=period.pk)
    return render(
        request,
        "supervision/movement/monitoring.html",
        {
            "p": period,
            "can_record": can_record,
            "forms": step_forms,
            "accesses": list(selectors.location_accesses(request.user, period)),
        },
        status=400 if request.method == "POST" else 200,
    )
