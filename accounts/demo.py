"""Demo users: one per role, all with the printed demo password."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from accounts import actions
from accounts.demo_support import DEMO_PASSWORD, DEMO_TOTP_KEY_HEX, DemoContext
from accounts.models import User
from services.models import Membership, Organisation

Role = Membership.Role

# username, role (None: no organisation role, e.g. a volunteer), organisation name
DEMO_USERS = [
    ("bureau", Role.BUREAU_ADMIN, "新密市司法局"),
    ("bureauhead", Role.BUREAU_HEAD, "新密市司法局"),
    ("officer", Role.OFFICE_OFFICER, "青屏街道司法所"),
    ("officehead", Role.OFFICE_HEAD, "青屏街道司法所"),
    ("socialworker", Role.SOCIAL_WORKER, "青屏街道司法所"),
    # A social worker of the agency the bureau buys services from (bureau/demo.py): sees its contract.
    ("agencyworker", Role.SOCIAL_WORKER, "新密市启航社会工作服务中心"),
    ("provider", Role.PROVIDER_STAFF, "新密市职业技能培训中心"),
    ("coordinator", Role.VOLUNTEER_COORDINATOR, "新密市社区矫正志愿者协会"),
    ("editor", Role.CONTENT_EDITOR, "新密市司法局"),
    ("volunteer", None, ""),
]


def _enrol_demo_authenticator(user: User) -> None:
    """Bureau and officer must use two-factor sign-in; in the demo they share one printed key."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.update_or_create(
        user=user, name="demo authenticator", defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True}
    )


def load(ctx: DemoContext) -> None:
    for username, role, organisation_name in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=ctx.faker.name(), email=f"{username}@demo.example.cn")
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role:
            organisation = Organisation.objects.get(name=organisation_name)
            actions.grant_membership(user=user, organisation=organisation, role=role)
            if role in settings.TWO_FACTOR_REQUIRED_ROLES:
                _enrol_demo_authenticator(user)
            ctx.logins.append((username, str(Role(role).label), organisation.name))
        else:
            ctx.logins.append((username, str(_("volunteer")), ""))
