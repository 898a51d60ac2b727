"""The camp's own location: set by the commander (page and `haven camp set-location`),
read only through the access policy (it is the location group's first secret)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError
from haven.core.models import CampLocation
from haven.core.services import Author, acting_user

NAME_MAX = CampLocation._meta.get_field("name").max_length or 120
DESCRIPTION_MAX = 2000


def _coordinate(value: Any, what: str, limit: int) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise HavenError(_("the %(what)s is not a number") % {"what": what}) from None
    if not number.is_finite() or abs(number) > limit:
        raise HavenError(
            _("the %(what)s is out of range: between -%(limit)s and %(limit)s")
            % {"what": what, "limit": limit}
        )
    return number.quantize(Decimal("0.000001"))


@read_only
def camp_location() -> CampLocation | None:
    return CampLocation.objects.order_by("-updated_at", "-pk").first()


@audited("core.set_camp_location")
@transaction.atomic
def set_camp_location(
    *,
    by: Author,
    name: str,
    latitude: Any = None,
    longitude: Any = None,
    description: str = "",
) -> CampLocation:
    """Set where the camp is. Errors name the field but never echo a value given for the
    place: a message may be logged, or read over a shoulder."""
    name = name.strip()
    if not name:
        raise HavenError(_("the camp's location needs a name"))
    if len(name) > NAME_MAX:
        raise HavenError(
            _("the location's name is %(count)s characters long: at most %(name_max)s")
            % {"count": len(name), "name_max": NAME_MAX}
        )
    if len(description) > DESCRIPTION_MAX:
        raise HavenError(
            _("the description is %(count)s characters long: at most %(description_max)s")
            % {"count": f"{len(description):,}", "description_max": f"{DESCRIPTION_MAX:,}"}
        )
    lat = _coordinate(latitude, "latitude", 90)
    lon = _coordinate(longitude, "longitude", 180)
    if (lat is None) != (lon is None):
        raise HavenError(_("give both latitude and longitude, or neither"))
    location = camp_location() or CampLocation()
    location.name = name
    location.latitude = lat
    location.longitude = lon
    location.description = description.strip()
    location.updated_at = timezone.now()
    location.updated_by = acting_user(by)
    location.save()
    return location
