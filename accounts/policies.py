"""Who sees user accounts and manages people. Lists of other users (team candidates, coordinators'
volunteers) come from the owning apps' policies; this one covers the accounts themselves and the
people and roles pages (accounts/people_views.py, the people API)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts import scoping
from accounts.models import AccountChange, User
from accounts.roles import OFFICE_HEAD_GRANTS, Role, has_role, is_bureau_admin, organisation_ids
from services.models import Membership


class UserPolicy(scoping.BasePolicy):
    model = User

    def rows_view(self, user: Any) -> QuerySet[User]:
        """A signed-in user sees their own account."""
        if not getattr(user, "is_authenticated", False):
            return User.objects.none()
        if is_bureau_admin(user):
            return User.objects.all()
        return User.objects.filter(pk=user.pk) | self.rows_manage(user)

    def rows_manage(self, user: Any) -> QuerySet[User]:
        """People and roles: the bureau (administrators and the bureau head) manages every user; an office
        head manages the people who hold or held a role in their own office."""
        if is_bureau_admin(user):
            return User.objects.all()
        offices = organisation_ids(user, Role.OFFICE_HEAD)
        if not offices:
            return User.objects.none()
        return User.objects.filter(pk__in=Membership.objects.filter(organisation_id__in=offices).values("user_id"))

    def allow_manage_people(self, user: Any, obj: Any = None) -> bool:
        """Open the people and roles pages and invite people: the bureau and office heads."""
        return has_role(user, Role.BUREAU_ADMIN, Role.OFFICE_HEAD)

    def allow_see_staffing(self, user: Any, obj: Any = None) -> bool:
        """See which judicial offices have no active officer (§二(四)): the bureau."""
        return is_bureau_admin(user)

    def allow_deactivate(self, user: Any, obj: User | None) -> bool:
        """Deactivate (or reactivate) an account: never one's own; the bureau any other; an office head only
        someone whose every active role is one they may grant, in their own office."""
        if obj is None or obj.pk == getattr(user, "pk", None) or not getattr(user, "is_authenticated", False):
            return False
        if is_bureau_admin(user):
            return True
        if obj.is_superuser:
            return False
        offices = organisation_ids(user, Role.OFFICE_HEAD)
        held = list(Membership.objects.filter(user=obj, is_active=True).values_list("organisation_id", "role"))
        if not offices or not self.rows_manage(user).filter(pk=obj.pk).exists():
            return False
        return all(org in offices and role in OFFICE_HEAD_GRANTS for org, role in held)


class AccountChangePolicy(scoping.BasePolicy):
    model = AccountChange

    def rows_view(self, user: Any) -> QuerySet[AccountChange]:
        """The record of invitations, role changes and deactivations: the bureau sees all; an office head
        the record of the people they manage; everyone the record of their own account."""
        if not getattr(user, "is_authenticated", False):
            return AccountChange.objects.none()
        people = scoping.scope(user, User, "manage").values("pk")
        return AccountChange.objects.filter(user_id__in=people) | AccountChange.objects.filter(user_id=user.pk)


def register() -> None:
    scoping.register(User, UserPolicy())
    scoping.register(AccountChange, AccountChangePolicy())
