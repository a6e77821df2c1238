"""Site-wide template context. Lives in config (the composition root) because it asks every app's policy."""

from django.http import HttpRequest

from accounts import roles, scoping
from cms.policies import can_edit_content
from coordination.policies import can_use_casework
from notifications.selectors import unread_count
from supervision.counselling.policies import is_counsellor


def navigation(request: HttpRequest) -> dict:
    """What the header shows: the signed-in user's roles and the areas open to them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set()}
    return {
        "nav_roles": roles.roles(user),
        "nav_can_casework": can_use_casework(user),
        "nav_can_match": scoping.can(user, "use", "matching.MatchRun"),
        "nav_can_edit_content": can_edit_content(user),
        "nav_can_manage_directory": roles.has_role(user, roles.Role.PROVIDER_STAFF),
        "nav_is_counsellor": is_counsellor(user),
        "nav_unread": unread_count(user),
    }
