"""Pages: the public application and verification, the volunteer's home, the coordinators' pages."""

from __future__ import annotations

import functools
import io
import uuid as uuidlib
from collections.abc import Callable

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import idempotency, scoping
from accounts.localtime import format_local
from config.confirm import confirm_first
from config.errors import form_errors
from volunteers import actions, certificates, feeds, policies, ratelimit, selectors
from volunteers.filters import VolunteerFilter
from volunteers.forms import (
    ApplicationForm,
    CancelForm,
    HourLogForm,
    MentoringForm,
    OpportunityForm,
    ReviewForm,
    ShiftForm,
    TrainingRecordForm,
    TransitionForm,
    VerifyForm,
)
from volunteers.models import Booking, Certificate, HourLog, Opportunity, Shift, Volunteer

APPLY_LIMIT = 5  # applications per client address and hour
APPLY_WINDOW = 60 * 60


def _errors_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def volunteer_required(view: Callable) -> Callable:
    """Signed in with a volunteer profile; the profile is passed as ``volunteer``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        volunteer = policies.own_profile(request.user)
        if volunteer is None:
            messages.info(request, _("You have no volunteer profile yet. Apply to volunteer first."))
            return redirect("volunteers:apply")
        return view(request, *args, volunteer=volunteer, **kwargs)

    return wrapper


def coordinator_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policies.can_coordinate_volunteers(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- public -------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """The volunteer area: signed-in people go to their page; others see how to join."""
    if request.user.is_authenticated:
        if policies.own_profile(request.user) is not None:
            return redirect("volunteers:home")
        if policies.can_coordinate_volunteers(request.user):
            return redirect("volunteers:manage")
    events = selectors.public_feed_shifts().filter(starts_at__gte=timezone.now(), status=Shift.Status.SCHEDULED)[:10]
    return render(request, "volunteers/index.html", {"events": events})


def join_shift(request: HttpRequest, pk: int) -> HttpResponse:
    """Where an event's "volunteer at this event" leads: a volunteer to that shift, a newcomer to the application."""
    if request.user.is_authenticated and policies.own_profile(request.user) is not None:
        return redirect(reverse("volunteers:opportunities") + f"#shift-{pk}")
    if request.user.is_authenticated and policies.can_coordinate_volunteers(request.user):
        return redirect("volunteers:manage_shift", pk=pk)
    return redirect("volunteers:apply")


def apply(request: HttpRequest) -> HttpResponse:
    """The public application form with separate consent, duplicate check, rate limit and honeypot."""
    if request.user.is_authenticated and policies.own_profile(request.user) is not None:
        return redirect("volunteers:home")
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.hit(request, scope="volunteer-apply", limit=APPLY_LIMIT, window_seconds=APPLY_WINDOW):
            form.add_error(None, _("Too many applications from your connection. Please try again in an hour."))
            return render(request, "volunteers/apply.html", {"form": form}, status=429)
        if form.is_spam():
            # Pretend success so the bot learns nothing; store nothing.
            return redirect("volunteers:apply_done")
        if form.is_valid():
            data = form.cleaned_data
            if selectors.duplicate_application(phone=data["phone"], email=data["email"]):
                # The same answer as a new application, so the form tells nobody who is
                # registered; the person on file is told by e-mail instead.
                actions.notify_duplicate_application(phone=data["phone"], email=data["email"])
                return _applied(data)
            try:
                actions.submit_application(
                    full_name=data["full_name"],
                    phone=data["phone"],
                    email=data["email"],
                    organisation=data["organisation"],
                    township=data["township"],
                    skills=data["skills"],
                    languages=data["languages"],
                    availability=data["availability"],
                    motivation=data["motivation"],
                    user=request.user if request.user.is_authenticated else None,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _applied(data)
    return render(request, "volunteers/apply.html", {"form": form}, status=400 if form.errors else 200)


def _applied(data: dict) -> HttpResponse:
    """The thank-you page; it says the confirmation went by SMS when the applicant gave no e-mail (the
    same answer for a new and a duplicate application, so it tells nobody who is registered)."""
    return redirect(reverse("volunteers:apply_done") + ("" if data["email"] else "?by=sms"))


def apply_done(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/apply_done.html", {"by_sms": request.GET.get("by") == "sms"})


def verify(request: HttpRequest) -> HttpResponse:
    """Public check of a certificate code: confirms it, the masked name, hours and date; nothing more."""
    try:
        # A certificate issued through the document service carries its public id: its own check page.
        document = uuidlib.UUID(request.GET.get("code", "").strip())
    except ValueError:
        pass
    else:
        return redirect("records:verify", uuid=document)
    form = VerifyForm(request.GET or None)
    certificate = None
    checked = False
    if form.is_bound and form.is_valid():
        checked = True
        certificate = scoping.scope(request.user, Certificate, "verify").filter(code=form.cleaned_data["code"]).first()
    masked = ""
    if certificate:
        name = certificate.snapshot.get("full_name", "")
        masked = name[:1] + "*" * max(len(name) - 1, 1)
    return render(
        request,
        "volunteers/verify.html",
        {"form": form, "certificate": certificate, "checked": checked, "masked_name": masked},
        status=400 if form.is_bound and form.errors else 200,
    )


def public_feed(request: HttpRequest) -> HttpResponse:
    shifts = selectors.public_feed_shifts()
    version, last = selectors.feed_version(shifts)
    return feeds.calendar_response(
        request,
        lambda: feeds.shifts_feed(list(shifts), name=_("Public volunteer events")),
        version="public|" + version,
        last_modified=last,
    )


def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The volunteer's own calendar at a secret address (revoked by issuing a new one)."""
    # Only an active volunteer's feed answers: leaving active service ends it at once.
    volunteer = Volunteer.objects.filter(feed_token=token, status=Volunteer.Status.ACTIVE).first()
    if volunteer is None:
        raise Http404
    bookings = selectors.feed_bookings(volunteer)
    version, last = selectors.feed_version(bookings, shift_prefix="shift__")
    return feeds.calendar_response(
        request,
        lambda: feeds.volunteer_feed(list(bookings)),
        version=f"volunteer|{volunteer.pk}|{version}",
        last_modified=last,
    )


def shift_ics(request: HttpRequest, uuid) -> HttpResponse:
    """One shift as an .ics download: public events for anyone, others for their volunteers and coordinators."""
    shift = get_object_or_404(Shift.objects.select_related("opportunity"), uuid=uuid)
    allowed = shift.opportunity.is_public or (
        request.user.is_authenticated
        and (
            scoping.scope(request.user, Booking, "own")
            .filter(shift=shift, status__in=Booking.LIVE, volunteer__status=Volunteer.Status.ACTIVE)
            .exists()
            or scoping.scope(request.user, Shift, "coordinate").filter(pk=shift.pk).exists()
        )
    )
    if not allowed:
        raise Http404
    return feeds.calendar_response(
        request,
        lambda: feeds.shifts_feed([shift], name=shift.opportunity.neutral_title),
        version=f"shift|{shift.pk}|{shift.sequence}|{shift.updated_at.isoformat()}",
        last_modified=shift.updated_at,
        filename=f"shift-{shift.uuid}.ics",
    )


# --- volunteer ------------------------------------------------------------------------------------


@volunteer_required
def home(request: HttpRequest, volunteer: Volunteer) -> HttpResponse:
    """Upcoming shifts, hours this year, status, calendar link, certificate, mentees."""
    feed_url = request.build_absolute_uri(reverse("volunteers:private_feed", args=[volunteer.feed_token]))
    # Undo of a cancellation just made: offered while the shift is still open to this volunteer.
    undo = request.GET.get("rebook", "")
    rebook = (
        selectors.open_shifts(request.user)
        .filter(pk=int(undo))
        .exclude(bookings__volunteer=volunteer, bookings__status__in=Booking.LIVE)
        .first()
        if undo.isdigit()
        else None
    )
    return render(
        request,
        "volunteers/home.html",
        {
            "volunteer": volunteer,
            "rebook": rebook,
            "bookings": selectors.upcoming_bookings(volunteer, limit=10),
            "hours": selectors.hours_in_year(volunteer),
            "year": timezone.localdate().year,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
            "history": volunteer.status_changes.all(),
            "training": selectors.training_overview(volunteer),
            "mentees": selectors.mentees_for(volunteer),
            "certificates": selectors.certificates_of(volunteer)[:5],
            "status_steps": [
                s for s in Volunteer.Status if s not in (Volunteer.Status.SUSPENDED, Volunteer.Status.WITHDRAWN)
            ],
        },
    )


@volunteer_required
def opportunities(request: HttpRequest, volunteer: Volunteer) -> HttpResponse:
    """Shifts open to the volunteer, with their own booking state and any training that blocks them."""
    shifts = list(selectors.open_shifts(request.user)[:100])
    mine = selectors.my_bookings_by_shift(request.user, [s.pk for s in shifts])
    records = selectors.training_records_by_course(volunteer)
    rows = []
    for shift in shifts:
        problems = selectors.training_problems(
            volunteer, shift.opportunity, timezone.localdate(shift.starts_at), records=records
        )
        rows.append({"shift": shift, "booking": mine.get(shift.pk), "problems": problems})
    return render(request, "volunteers/opportunities.html", {"rows": rows, "volunteer": volunteer})


@require_POST
@volunteer_required
def book(request: HttpRequest, pk: int, volunteer: Volunteer) -> HttpResponse:
    shift = get_object_or_404(selectors.open_shifts(request.user), pk=pk)
    try:
        booking = actions.book_shift(volunteer=volunteer, shift=shift, actor=request.user)
    except ValidationError as exc:
        for message in _errors_of(exc):
            messages.error(request, message)
    else:
        if booking.status == Booking.Status.BOOKED:
            messages.success(request, _("Booked. A confirmation has been sent to you."))
        else:
            messages.success(request, _("The shift is full: you are on the waitlist."))
    return redirect("volunteers:opportunities")


@require_POST
@volunteer_required
def cancel_my_booking(request: HttpRequest, pk: int, volunteer: Volunteer) -> HttpResponse:
    booking = get_object_or_404(scoping.scope(request.user, Booking, "own").select_related("shift__opportunity"), pk=pk)
    asked = confirm_first(
        request,
        title=_("Cancel this booking?"),
        question=_("Your place on %(title)s, %(when)s, goes to the next person on the waitlist.")
        % {
            "title": booking.shift.opportunity.neutral_title,
            "when": format_local(booking.shift.starts_at, "Y-m-d H:i"),
        },
        confirm_label=_("Yes, cancel the booking"),
        back=reverse("volunteers:home"),
    )
    if asked:
        return asked
    actions.cancel_booking(booking=booking, actor=request.user)
    messages.success(request, _("Your booking was cancelled."))
    return redirect(reverse("volunteers:home") + f"?rebook={booking.shift_id}")


@volunteer_required
def hours(request: HttpRequest, volunteer: Volunteer) -> HttpResponse:
    """The volunteer's hour entries and the form to log more."""
    form = HourLogForm(request.POST or None, shifts=selectors.loggable_shifts(volunteer))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                _entry, created = actions.log_hours(
                    volunteer=volunteer,
                    shift=data["shift"],
                    activity=data["activity"],
                    date=data["date"],
                    hours=data["hours"],
                    client_token=data["client_token"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("Hours logged; a coordinator will review them.")
                    if created
                    else _("These hours were already logged."),
                )
                return redirect("volunteers:hours")
        else:
            status = 400
    entries = selectors.own_hours(request.user)[:200]
    return render(
        request,
        "volunteers/hours.html",
        {"form": form, "entries": entries, "totals": selectors.hours_in_year(volunteer), "volunteer": volunteer},
        status=status,
    )


@require_POST
@volunteer_required
def rotate_feed(request: HttpRequest, volunteer: Volunteer) -> HttpResponse:
    actions.rotate_feed_token(volunteer=volunteer, actor=request.user)
    messages.success(request, _("Your old calendar address no longer works. Subscribe again with the new one."))
    return redirect("volunteers:home")


@require_POST
@volunteer_required
def issue_certificate(request: HttpRequest, volunteer: Volunteer) -> HttpResponse:
    """Issue (or, while the record is unchanged, return) the certificate through the document service."""
    try:
        document = actions.issue_certificate(volunteer=volunteer, actor=request.user, request=request)
    except ValidationError as exc:
        for message in _errors_of(exc):
            messages.error(request, message)
        return redirect("volunteers:home")
    return redirect("volunteers:certificate_pdf", code=str(document.uuid))


@volunteer_required
def certificate_pdf(request: HttpRequest, code: str, volunteer: Volunteer) -> HttpResponse:
    """One of the volunteer's own certificates: one issued through the document service (by its public id,
    the stored bytes) or one issued before it (by its code, drawn from its snapshot)."""
    document = selectors.own_certificate_document(volunteer, code)
    if document is not None:
        with document.pdf.open("rb") as stored:
            content = stored.read()
        filename = f"certificate-{document.year}-{document.sequence}.pdf"
    else:
        certificate = get_object_or_404(Certificate, code=code, volunteer=volunteer)
        content = certificates.legacy_pdf(certificate, request)
        filename = f"certificate-{certificate.code}.pdf"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@volunteer_required
def check(request: HttpRequest, pk: int, code: str, volunteer: Volunteer) -> HttpResponse:
    """The page the venue's QR code opens: one button to check in, later to check out.

    Shown only to a volunteer booked on the shift who holds its code: anyone else gets the same
    404 as for a shift that does not exist, so the page reveals no shift's time or place.
    """
    shift = get_object_or_404(Shift.objects.select_related("opportunity"), pk=pk)
    booking = scoping.scope(request.user, Booking, "own").filter(shift=shift, status=Booking.Status.BOOKED).first()
    if booking is None or not constant_time_compare(code, shift.checkin_code):
        raise Http404
    if request.method == "POST":
        try:
            booking, entry = actions.check_in_or_out(volunteer=volunteer, shift=shift, code=code, actor=request.user)
        except ValidationError as exc:
            for message in _errors_of(exc):
                messages.error(request, message)
        else:
            if entry is None:
                messages.success(request, _("Checked in. Scan again when you leave."))
            else:
                messages.success(request, _("Checked out: %(hours)s hours logged for review.") % {"hours": entry.hours})
        return redirect("volunteers:check", pk=pk, code=code)
    return render(request, "volunteers/check.html", {"shift": shift, "booking": booking})


@require_POST
@volunteer_required
def withdraw(request: HttpRequest, volunteer: Volunteer) -> HttpResponse:
    try:
        actions.transition(
            volunteer=volunteer,
            to_status=Volunteer.Status.WITHDRAWN,
            actor=request.user,
            note=_("Withdrawn by the volunteer."),
        )
    except ValidationError as exc:
        for message in _errors_of(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("You have withdrawn. Thank you for your service."))
    return redirect("volunteers:home")


# --- coordinators ---------------------------------------------------------------------------------


@coordinator_required
def manage(request: HttpRequest) -> HttpResponse:
    """Applicants and volunteers with search, filter, sort and paging."""
    filterset = VolunteerFilter(request.GET or None, queryset=selectors.volunteer_list(request.user))
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset.order_by("-created_at")
    if not qs.ordered:
        qs = qs.order_by("-created_at")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "volunteers/manage/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode(), "status_choices": Volunteer.Status.choices},
        status=400 if filterset.is_bound and not filterset.is_valid() else 200,
    )


@coordinator_required
def manage_volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = selectors.volunteer_detail(request.user, pk)
    if volunteer is None:
        raise Http404
    transition_form = TransitionForm(volunteer=volunteer, prefix="t")
    training_form = TrainingRecordForm(prefix="c")
    mentoring_form = MentoringForm(
        prefix="m",
        initial={
            "sex": volunteer.sex,
            "max_mentees": volunteer.max_mentees,
            "cleared_for_minors": volunteer.cleared_for_minors,
            "language_codes": volunteer.language_codes,
        },
    )
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "transition":
            transition_form = TransitionForm(request.POST, volunteer=volunteer, prefix="t")
            if transition_form.is_valid():
                try:
                    actions.transition(
                        volunteer=volunteer,
                        to_status=transition_form.cleaned_data["to_status"],
                        note=transition_form.cleaned_data["note"],
                        actor=request.user,
                    )
                except ValidationError as exc:
                    form_errors(transition_form, exc)
                else:
                    messages.success(request, _("Status updated."))
                    return redirect("volunteers:manage_volunteer", pk=pk)
        elif which == "mentoring":
            mentoring_form = MentoringForm(request.POST, prefix="m")
            if mentoring_form.is_valid():
                try:
                    actions.set_mentoring(volunteer=volunteer, actor=request.user, **mentoring_form.cleaned_data)
                except ValidationError as exc:
                    form_errors(mentoring_form, exc)
                else:
                    messages.success(request, _("Mentoring saved."))
                    return redirect("volunteers:manage_volunteer", pk=pk)
        elif which == "training":
            training_form = TrainingRecordForm(request.POST, prefix="c")
            if training_form.is_valid():
                try:
                    actions.record_training(
                        volunteer=volunteer,
                        course=training_form.cleaned_data["course"],
                        completed_on=training_form.cleaned_data["completed_on"],
                        actor=request.user,
                    )
                except ValidationError as exc:
                    form_errors(training_form, exc)
                else:
                    messages.success(request, _("Training recorded."))
                    return redirect("volunteers:manage_volunteer", pk=pk)
        status = 400
    return render(
        request,
        "volunteers/manage/volunteer.html",
        {
            "volunteer": volunteer,
            "transition_form": transition_form,
            "training_form": training_form,
            "mentoring_form": mentoring_form,
            "hours": selectors.hours_in_year(volunteer),
            "bookings": selectors.upcoming_bookings(volunteer),
        },
        status=status,
    )


@coordinator_required
def manage_shifts(request: HttpRequest) -> HttpResponse:
    """The team's shifts, and the form to publish a new one."""
    opportunities = scoping.scope(request.user, Opportunity, "coordinate").filter(is_active=True)
    form = ShiftForm(request.POST or None, opportunities=opportunities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _shift, created = idempotency.once(
                user=request.user,
                endpoint="volunteers.shift.publish",
                key=data[idempotency.FORM_FIELD],
                create=lambda: actions.create_shift(
                    opportunity=data["opportunity"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    place=data["place"],
                    capacity=data["capacity"],
                    actor=request.user,
                ),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            if created:
                messages.success(request, _("Shift published."))
            return redirect("volunteers:manage_shifts")
    page = Paginator(selectors.coordinated_shift_list(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request, "volunteers/manage/shifts.html", {"form": form, "page": page}, status=400 if form.errors else 200
    )


@coordinator_required
def manage_opportunity_new(request: HttpRequest) -> HttpResponse:
    organisations = policies.coordinated_organisations(request.user)
    form = OpportunityForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.create_opportunity(
            organisation=data["organisation"],
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            required_courses=data["required_courses"],
            is_public=data["is_public"],
            actor=request.user,
        )
        messages.success(request, _("Opportunity published."))
        return redirect("volunteers:manage_shifts")
    return render(
        request, "volunteers/manage/opportunity_form.html", {"form": form}, status=400 if form.errors else 200
    )


@coordinator_required
def manage_shift(request: HttpRequest, pk: int) -> HttpResponse:
    """A shift's roster and waitlist, reschedule, cancel, and the check-in QR code."""
    shift = get_object_or_404(scoping.scope(request.user, Shift, "coordinate").select_related("opportunity"), pk=pk)
    initial = {
        "starts_at": timezone.localtime(shift.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(shift.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "place": shift.place,
        "capacity": shift.capacity,
    }
    form = ShiftForm(initial=initial, fixed_opportunity=True, prefix="r")
    checkin_url = request.build_absolute_uri(reverse("volunteers:check", args=[shift.pk, shift.checkin_code]))
    cancel_form = CancelForm(prefix="x")
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "reschedule":
            form = ShiftForm(request.POST, fixed_opportunity=True, prefix="r")
            if form.is_valid():
                try:
                    actions.reschedule_shift(shift=shift, actor=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    form_errors(form, exc)
                else:
                    messages.success(request, _("Shift updated; booked volunteers were told."))
                    return redirect("volunteers:manage_shift", pk=pk)
        elif which == "cancel":
            cancel_form = CancelForm(request.POST, prefix="x")
            if cancel_form.is_valid():
                asked = confirm_first(
                    request,
                    title=_("Cancel this shift?"),
                    question=_("Every booking of %(title)s, %(when)s, ends and all booked volunteers are told.")
                    % {"title": shift.opportunity.title, "when": format_local(shift.starts_at, "Y-m-d H:i")},
                    confirm_label=_("Yes, cancel the shift"),
                    back=reverse("volunteers:manage_shift", args=[pk]),
                )
                if asked:
                    return asked
                actions.cancel_shift(shift=shift, actor=request.user, reason=cancel_form.cleaned_data["reason"])
                messages.success(request, _("Shift cancelled; booked volunteers were told."))
                return redirect("volunteers:manage_shift", pk=pk)
        elif which == "cancel_booking":
            booking_id = request.POST.get("booking", "")
            booking = get_object_or_404(
                Booking.objects.select_related("volunteer"),
                pk=int(booking_id) if booking_id.isdigit() else 0,
                shift=shift,
            )
            asked = confirm_first(
                request,
                title=_("Cancel this booking?"),
                question=_("%(name)s loses the place on this shift and is told.")
                % {"name": booking.volunteer.full_name},
                confirm_label=_("Yes, cancel the booking"),
                back=reverse("volunteers:manage_shift", args=[pk]),
            )
            if asked:
                return asked
            actions.cancel_booking(booking=booking, actor=request.user, reason=request.POST.get("reason", "")[:500])
            messages.success(request, _("Booking cancelled; the volunteer was told."))
            return redirect("volunteers:manage_shift", pk=pk)
        status = 400
    return render(
        request,
        "volunteers/manage/shift.html",
        {
            "shift": shift,
            "roster": selectors.shift_roster(shift),
            "form": form,
            "cancel_form": cancel_form,
            "checkin_url": checkin_url,
            "qr_svg": segno.make(checkin_url, error="m").svg_inline(scale=5),
        },
        status=status,
    )


@coordinator_required
def manage_shift_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code to print or show at the venue: it opens the check-in page of this shift."""
    shift = get_object_or_404(scoping.scope(request.user, Shift, "coordinate"), pk=pk)
    url = request.build_absolute_uri(reverse("volunteers:check", args=[shift.pk, shift.checkin_code]))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, title=str(_("Check-in code")))
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@coordinator_required
def manage_hours(request: HttpRequest) -> HttpResponse:
    """Pending hour entries to approve or reject one by one or together, and the totals."""
    pending = selectors.pending_hours(request.user)
    form = ReviewForm(request.POST or None, entries=pending)
    if request.method == "POST" and form.is_valid():
        try:
            n = actions.review_hours(
                # Not narrowed to pending here: the action refuses entries someone else decided meanwhile.
                entries=scoping.scope(request.user, HourLog, "coordinate").filter(
                    pk__in=[e.pk for e in form.cleaned_data["entries"]]
                ),
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("%(n)s entries reviewed.") % {"n": n})
            return redirect("volunteers:manage_hours")
    totals = selectors.hour_totals(scoping.scope(request.user, HourLog, "coordinate"))
    last_review = scoping.scope(request.user, HourLog, "coordinate").aggregate(last=Max("reviewed_at"))["last"]
    shown = list(pending[:200])
    clashes = selectors.same_time_entries(shown)
    rows = [{"entry": e, "clashes": clashes.get(e.pk, [])} for e in shown]
    return render(
        request,
        "volunteers/manage/hours.html",
        {
            "form": form,
            "pending": rows,
            "has_clashes": bool(clashes),
            "totals": totals,
            "last_review": last_review,
        },
        status=400 if form.errors else 200,
    )
