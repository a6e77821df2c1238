"""Every write to the directory: offerings, their capacity, locations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
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
