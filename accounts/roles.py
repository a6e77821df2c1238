"""Django groups that each role brings with it (Wagtail admin permissions hang off groups).

Roles are the source of truth; groups are derived and re-synced whenever a
membership changes, so nobody edits group membership by hand.
"""

from services.models import Membership

Role = Membership.Role

# Wagtail creates the "Editors" and "Moderators" groups in its own migrations.
# services migration 0004 creates the "Directory ..." groups with the directory's admin permissions.
ROLE_GROUPS: dict[str, tuple[str, ...]] = {
    Role.BUREAU_ADMIN: ("Moderators", "Directory managers"),
    Role.CONTENT_EDITOR: ("Editors",),
    Role.PROVIDER_STAFF: ("Directory providers",),
}


def managed_group_names() -> set[str]:
    return {name for names in ROLE_GROUPS.values() for name in names}
