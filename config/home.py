"""The home page ("today") of everyone who signs in: per role, the counts that need action, each a link.

It lives in ``config`` because it reads every app (accounts may import none). Every count starts from an
app's selector or ``accounts.scoping.scope``, so nobody is shown a count of rows they may not see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import landing, roles, scoping
from accounts import selectors as people_selectors
from accounts.models import User
from bureau import figures as bureau_figures
from bureau import policies as bureau_policies
from bureau import selectors as bureau_selectors
from coordination import policies as case_policies
from coordination import selectors as case_selectors
from coordination.models import Referral
from notifications import selectors as notification_selectors
from services.models import Membership
from supervision.policies import own_record
from volunteers import selectors as volunteer_selectors
from volunteers.models import Booking, HourLog, Volunteer

Role = Membership.Role


@dataclass
class Item:
    """One line of the home page: a count (None: a link only) and where to act on it."""

    key: str
    label: object
    url: str
    count: int | None = None
    warn: bool = False


def optional_url(name: str) -> str | None:
    """The URL of a page that another app may not have built yet (``supervision:today``), or None."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def case_items(user) -> list[Item]:
    """Officers, social workers, office heads and the bureau: today's work, the caseload, late referrals."""
    items = []
    todo = optional_url("supervision:today")
    if todo:
        items.append(Item("todo", _("Today's supervision tasks"), todo))
    overdue = case_selectors.overdue(user).count()
    waiting = case_selectors.referral_list(user).filter(state=Referral.State.SENT).count()
    caseload = reverse("coordination:caseload")
    items += [
        Item("overdue", _("Referrals overdue for an answer"), reverse("coordination:overdue"), overdue, bool(overdue)),
        Item("waiting", _("Referrals sent, waiting for the provider"), caseload, waiting),
        Item("caseload", _("People in my caseload"), caseload, case_selectors.caseload(user).count()),
    ]
    return items


def provider_items(user) -> list[Item]:
    """Provider staff: referrals to answer and those already late."""
    inbox = case_selectors.provider_inbox(user)
    late = inbox.filter(case_selectors.overdue_q()).count()
    return [
        Item(
            "to_answer",
            _("Referrals waiting for your answer"),
            reverse("coordination:inbox"),
            inbox.filter(state=Referral.State.SENT).count(),
        ),
        Item("late", _("Of these, past the answer deadline"), reverse("coordination:inbox"), late, warn=bool(late)),
    ]


def coordinator_items(user) -> list[Item]:
    """Volunteer coordinators: hours to approve and applications to vet."""
    applicants = scoping.scope(user, Volunteer, "coordinate").filter(status=Volunteer.Status.APPLIED).count()
    return [
        Item(
            "hours",
            _("Hour entries to approve"),
            reverse("volunteers:manage_hours"),
            volunteer_selectors.pending_hours(user).count(),
        ),
        Item("applicants", _("Volunteer applications to review"), reverse("volunteers:manage"), applicants),
    ]


def editor_items(user) -> list[Item]:
    """Content editors: pages (stories, news) submitted for review."""
    from wagtail.models import WorkflowState

    waiting = WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).count()
    return [Item("review", _("Pages waiting for review"), reverse("wagtailadmin_home"), waiting)]


def bureau_items(user) -> list[Item]:
    """The bureau: offices without an officer (§二(四)), people and roles."""
    unstaffed = people_selectors.offices_without_officer().count()
    return [
        Item(
            "unstaffed",
            _("Judicial offices without an active corrections officer"),
            reverse("accounts-bureau:people"),
            unstaffed,
            warn=bool(unstaffed),
        ),
    ]


def leadership_items(user) -> list[Item]:
    """The bureau and office staff: open action items of the joint meetings and inspection findings not closed
    (the bureau all; an office its own), each with how many are past their date."""
    items_url = reverse("bureau:action-items")
    findings_url = reverse("bureau:inspections")
    late_items = bureau_selectors.overdue_items_count(user)
    late_findings = bureau_selectors.overdue_findings_count(user)
    return [
        Item(
            "action_items",
            _("Open action items of the joint meetings"),
            f"{items_url}?status=open",
            bureau_selectors.open_items_count(user),
        ),
        Item(
            "action_items_late",
            _("Action items past their date"),
            f"{items_url}?overdue=on",
            late_items,
            warn=bool(late_items),
        ),
        Item("findings", _("Inspection findings not closed"), findings_url, bureau_selectors.open_findings_count(user)),
        Item(
            "findings_late",
            _("Findings not corrected by their deadline"),
            findings_url,
            late_findings,
            warn=bool(late_findings),
        ),
    ]


def budget_items(user) -> list[Item]:
    """The bureau: this year's budget lines spent past their approved amount; contract holders (and the
    bureau): the purchased-service contracts in force."""
    found = []
    if bureau_policies.may_read_budget(user):
        year = timezone.localdate().year
        overspent = len(bureau_selectors.budget_year(user, year)["overspent"])
        found.append(
            Item(
                "overspent",
                _("Budget lines spent past their approved amount this year"),
                reverse("bureau:budget-year", args=[year]),
                overspent,
                warn=bool(overspent),
            )
        )
    in_force = bureau_selectors.contracts(user, current=True).count()
    found.append(
        Item(
            "contracts",
            _("Purchased-service contracts in force"),
            f"{reverse('bureau:contracts')}?current=on",
            in_force,
        )
    )
    return found


def training_items(user) -> list[Item]:
    """Staff: their own training this year (Xinmi policy §二(四)); the bureau and office heads: their staff's."""
    year = timezone.localdate().year
    items = [
        Item(
            "my_training",
            _("My training records this year"),
            reverse("bureau:training"),
            bureau_selectors.own_trainings_count(user, year),
        )
    ]
    if bureau_policies.may_see_offices(user):
        items.append(Item("staff_training", _("Training hours of the staff"), reverse("bureau:training-offices")))
    return items


def head_items(user) -> list[Item]:
    """Office heads (and the bureau): the people of their organisations."""
    return [
        Item(
            "people",
            _("People and roles"),
            reverse("accounts-bureau:people"),
            scoping.scope(user, User, "manage").filter(is_active=True).count(),
        )
    ]


def volunteer_items(user) -> list[Item]:
    """Volunteers: their coming shifts and hours still waiting for approval."""
    profile = scoping.scope(user, Volunteer, "own").first()
    if profile is None:
        return []
    coming = volunteer_selectors.upcoming_bookings(profile).filter(status=Booking.Status.BOOKED).count()
    pending = volunteer_selectors.own_hours(user).filter(status=HourLog.Status.PENDING).count()
    return [
        Item("shifts", _("My coming shifts"), reverse("volunteers:home"), coming),
        Item("my_hours", _("My hours waiting for approval"), reverse("volunteers:hours"), pending),
    ]


def sections(user) -> list[tuple[object, list[Item]]]:
    """The headed groups of items the user's roles give them, in the order of their work."""
    held = roles.roles(user)
    found: list[tuple[object, list[Item]]] = []
    if Role.BUREAU_ADMIN in held:
        found.append((_("The city"), bureau_items(user)))
    if Role.BUREAU_ADMIN in held or Role.OFFICE_HEAD in held:
        found.append((_("People"), head_items(user)))
    if bureau_figures.may_open(user):
        found.append(
            (
                _("Figures"),
                [
                    Item(
                        "dashboard",
                        _("Dashboard: people in correction, intakes, releases, help given"),
                        reverse("bureau:dashboard"),
                    )
                ],
            )
        )
    if bureau_policies.may_open(user):
        found.append((_("Leadership group and inspections"), leadership_items(user)))
    if bureau_policies.may_open_contracts(user):
        found.append((_("Budget and contracts"), budget_items(user)))
    if case_policies.can_see_case_list(user):
        found.append((_("Casework"), case_items(user)))
    if bureau_policies.is_staff(user):
        found.append((_("Staff training"), training_items(user)))
    if Role.PROVIDER_STAFF in held:
        found.append((_("Referrals received"), provider_items(user)))
    if scoping.can(user, "coordinate", Volunteer):
        found.append((_("Volunteer coordination"), coordinator_items(user)))
    if Role.CONTENT_EDITOR in held:
        found.append((_("Outreach content"), editor_items(user)))
    mine = volunteer_items(user)
    if mine:
        found.append((_("My volunteering"), mine))
    return found


@login_required
def today(request: HttpRequest) -> HttpResponse:
    """Today's page: the counts that need the user's action, grouped by role, and the unread notifications."""
    user = request.user
    if own_record(user) is not None:  # a supervisee's own sign-in has no staff work: their phone page
        return redirect("portal:overview")
    groups = sections(user)
    unread = notification_selectors.unread_count(user)
    return render(
        request,
        "home/today.html",
        {
            "groups": groups,
            "unread": unread,
            "notifications_url": reverse("notifications:inbox"),
            "places": landing.places(user),
            "today": timezone.localdate(),
        },
    )
