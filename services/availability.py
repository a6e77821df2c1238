"""Free places as the public sees them: a band, never a count (docs/directory.md, "Availability").

An exact count ("7 of 8 places free", ``places_taken``) tells a watcher that one more person,
perhaps a minor they know, was placed. The public directory, the public API, volunteers'
shift lists and HSDS (which publishes no capacity at all) show only the band; staff of an
organisation (any role) see the exact figures in the admin, casework and the API.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Up to this many free places is shown as "few". Small numbers are where one placement is
# noticeable, so they share one band; above it, "places available" says nothing more.
FEW_PLACES_MAX = 3


class Availability(models.TextChoices):
    NONE = "none", _("No places free")
    FEW = "few", _("Few places free")
    AVAILABLE = "available", _("Places available")


def band(free_places: int) -> Availability:
    """The public band for a number of free places."""
    if free_places <= 0:
        return Availability.NONE
    if free_places <= FEW_PLACES_MAX:
        return Availability.FEW
    return Availability.AVAILABLE


EXACT_FIGURES = ("capacity", "places_taken", "vacancies", "places_left")


def public_representation(data: dict, free_places: int) -> dict:
    """An API record without exact figures, with the band instead."""
    for name in EXACT_FIGURES:
        data.pop(name, None)
    data["availability"] = band(free_places).value
    return data
