"""Every write to the directory: offerings, their capacity, locations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from services.models import CapacityChange, Location, Organisation, ServiceOffering, Township

if TYPE_CHECKING:
    from accounts.models import User

# Fields the referral actions own (places_taken) or publish_capacity owns (capacity): a form
# or API save of the other fields must never write back a stale copy of them.
_GUARDED_FIELDS = {"id", "uuid", "capacity", "places_taken", "created_at"}


def _editable_field_names() -> list[str]:
    return [
        f.name for f in ServiceOffering._meta.concrete_fields if f.name not in _GUARDED_FIELDS and not f.many_to_many
    ]


@transaction.atomic
def publish_capacity(*, offering: ServiceOffering, capacity: int, user: User | None, note: str = "") -> CapacityChange:
    """Set an offering's number of places and record who changed it, refusing fewer places than are taken."""
    if capacity < 0:
        raise ValidationError({"capacity": _("Capacity cannot be negative.")})
    locked = ServiceOffering.objects.select_for_update().get(pk=offering.pk)
    if capacity < locked.places_taken:
        raise ValidationError(
            {
                "capacity": _(
                    "Capacity cannot be set below the %(taken)d places already taken; "
                    "close or withdraw referrals first."
                )
                % {"taken": locked.places_taken}
            },
            code="below_places_taken",
        )
    change = CapacityChange.objects.create(
        offering=locked,
        changed_by=user,
        old_capacity=locked.capacity,
        new_capacity=capacity,
        places_taken=locked.places_taken,
        note=note,
    )
    ServiceOffering.objects.filter(pk=locked.pk).update(capacity=capacity)
    offering.capacity = capacity
    offering.places_taken = locked.places_taken
    return change


@transaction.atomic
def save_offering(
    *,
    offering: ServiceOffering,
    capacity: int,
    user: User | None,
    service_townships: Iterable[Township] | None = None,
    locations: Iterable[Location] | None = None,
    note: str = "",
) -> ServiceOffering:
    """Create or update an offering from validated input; capacity goes through ``publish_capacity``.

    ``None`` for a many-to-many argument leaves it unchanged.
    """
    if offering.pk is None:
        offering.capacity = 0
        offering.places_taken = 0
        offering.full_clean(exclude=["capacity"])
        offering.save()
    else:
        offering.full_clean(exclude=["capacity", "places_taken"], validate_constraints=False)
        offering.save(update_fields=_editable_field_names())
    if service_townships is not None:
        offering.service_townships.set(service_townships)
    if locations is not None:
        offering.locations.set(locations)
    current = ServiceOffering.objects.values_list("capacity", flat=True).get(pk=offering.pk)
    if capacity != current:
        publish_capacity(offering=offering, capacity=capacity, user=user, note=note)
    else:
        offering.capacity = current
    return offering


@transaction.atomic
def save_location(*, location: Location) -> Location:
    """Create or update a location from validated input."""
    location.full_clean()
    location.save()
    return location


@transaction.atomic
def save_organisation(*, organisation: Organisation) -> Organisation:
    """Create or update an organisation from validated input."""
    organisation.full_clean()
    organisation.save()
    return organisation


class Disposition:
    """What deactivating a provider does with its open referrals."""

    WITHDRAW, REASSIGN = "withdraw", "reassign"
    ALL = (WITHDRAW, REASSIGN)


def open_referrals_of(organisation: Organisation):
    """The organisation's referrals that are still open (draft, sent, accepted, in service)."""
    from coordination.models import Referral

    return (
        Referral.objects.filter(offering__organisation=organisation, state__in=Referral.OPEN_STATES)
        .select_related("need__supervisee", "need__category", "offering")
        .order_by("offering__name", "pk")
    )


@transaction.atomic
def deactivate_organisation(
    *,
    organisation: Organisation,
    actor: User,
    disposition: str,
    reason: str,
    reassign_to: dict[int, ServiceOffering] | None = None,
) -> dict[str, int]:
    """Deactivate a provider: close or move its open referrals, deactivate its offerings, tell the case staff.

    ``disposition``: ``withdraw`` ends every open referral (withdrawn, the place released, the
    reason recorded on the referral and sent to its case staff); ``reassign`` does the same and
    drafts a new referral of the same need to ``reassign_to[offering id]`` (an active offering of
    the same category of another organisation), which the case staff then send. Each case staff
    member is notified once through the outbox. Only the justice bureau deactivates.
    """
    from accounts import roles
    from coordination import actions as coordination_actions
    from coordination.models import Referral

    if not roles.is_bureau_admin(actor):
        raise PermissionDenied(_("Only the justice bureau can change this."))
    reason = (reason or "").strip()
    errors = {}
    if disposition not in Disposition.ALL:
        errors["open_referrals"] = _("Choose what happens to the open referrals: withdraw or reassign.")
    if not reason:
        errors["reason"] = _("Say why the organisation is deactivated; the case staff will see it.")
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not locked.is_active:
        errors.setdefault("is_active", _("This organisation is already inactive."))
    referrals = list(open_referrals_of(locked).select_for_update(of=("self",)))
    reassign_to = reassign_to or {}
    if disposition == Disposition.REASSIGN:
        for referral in referrals:
            target = reassign_to.get(referral.offering_id)
            if target is None:
                errors["reassign"] = _("Choose another service for every service with open referrals.")
            elif (
                target.category_id != referral.offering.category_id
                or not target.is_active
                or target.organisation_id == locked.pk
                or not target.organisation.is_active
            ):
                errors["reassign"] = _("Choose an active service of the same category at another organisation.")
    if errors:
        raise ValidationError(errors, code="invalid")
    note = str(_("Provider deactivated: %(org)s")) % {"org": locked.name} + f" — {reason}"
    moved = 0
    for referral in referrals:
        coordination_actions.transition(referral=referral, to=Referral.State.WITHDRAWN, actor=actor, note=note)
        if disposition == Disposition.REASSIGN:
            referral.need.refresh_from_db()
            coordination_actions.create_referral(
                need=referral.need, offering=reassign_to[referral.offering_id], actor=actor, message=reason
            )
            moved += 1
    offerings = ServiceOffering.objects.filter(organisation=locked, is_active=True).update(is_active=False)
    Organisation.objects.filter(pk=locked.pk).update(is_active=False)
    organisation.is_active = False
    notified = coordination_actions.notify_provider_deactivated(
        organisation_name=locked.name, referrals=referrals, reason=reason
    )
    return {"withdrawn": len(referrals), "reassigned": moved, "offerings": offerings, "notifications": len(notified)}
