"""Where each role lands after signing in, and the links its workspace offers.

URLs are reversed by name (no imports from the other apps), so accounts stays generic.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles, scoping
from services.models import Membership

Role = Membership.Role

# Everyone with a role or a volunteer profile lands on the home page ("today", config/home.py): the
# counts that need their action, each linking to the place below where they act on it. These are the
# places each role's work happens, best first, linked from the home page and the workspace.
PLACES: list[tuple[str, str, object]] = [
    (Role.BUREAU_ADMIN, "accounts-bureau:people", _("People and roles")),
    (Role.OFFICE_HEAD, "accounts-bureau:people", _("People and roles")),
    (Role.BUREAU_ADMIN, "coordination:caseload", _("My caseload")),
    (Role.OFFICE_OFFICER, "coordination:caseload", _("My caseload")),
    (Role.SOCIAL_WORKER, "coordination:caseload", _("My caseload")),
    (Role.BUREAU_ADMIN, "bureau:training-offices", _("Staff training")),
    (Role.OFFICE_HEAD, "bureau:training-offices", _("Staff training")),
    (Role.OFFICE_OFFICER, "bureau:training", _("My training")),
    (Role.SOCIAL_WORKER, "bureau:training", _("My training")),
    (Role.PROVIDER_STAFF, "coordination:inbox", _("Referrals received")),
    (Role.VOLUNTEER_COORDINATOR, "volunteers:manage", _("Volunteer coordination")),
    (Role.CONTENT_EDITOR, "wagtailadmin_home", _("Edit outreach content")),
    ("volunteer", "volunteers:home", _("My volunteering")),
]


def places(user) -> list[tuple[str, object]]:
    """The (url, label) of every place the user's roles give them, best first, without repeats."""
    held = set(roles.roles(user))
    if scoping.scope(user, "volunteers.Volunteer", "own").exists():
        held.add("volunteer")
    found: list[tuple[str, object]] = []
    for role, url_name, label in PLACES:
        if role in held:
            url = reverse(url_name)
            if url not in {u for u, _label in found}:
                found.append((url, label))
    return found


def landing_url(user) -> str:
    """The page a user goes to after signing in: a supervisee's own sign-in goes to their phone page (it holds
    no role); the home page when any role (or volunteering) gives them work, else their workspace (which says
    how to get a role)."""
    if getattr(user, "supervisee_self", None) is not None:  # the reverse of Supervisee.account, read by name
        return reverse("portal:overview")
    return reverse("today") if places(user) else reverse("accounts:home")
