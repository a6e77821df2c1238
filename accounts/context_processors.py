from django.http import HttpRequest

from accounts import visibility


def navigation(request: HttpRequest) -> dict:
    """What the header shows: the signed-in user's roles and the areas open to them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set()}
    return {
        "nav_roles": visibility.roles(user),
        "nav_can_casework": visibility.can_use_casework(user),
        "nav_can_match": visibility.can_use_matching(user),
        "nav_can_edit_content": visibility.can_edit_content(user),
        "nav_can_manage_directory": visibility.has_role(user, visibility.Role.PROVIDER_STAFF),
    }
