"""The CAP 1.2 rules an alert must keep before it may be stored, each refusal a HavenError
naming the field and the value. Coordinates are the exception: an error about a circle or
a polygon says what is wrong and where, never the coordinates themselves (they may be the
camp's, and error messages reach logs and screens the location policy does not govern)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db.models import TextChoices
from django.utils import timezone

from haven.core.errors import HavenError

# Markup a receiver would render: a tag, a comment, a processing instruction, an entity.
HTML = re.compile(r"<\s*[A-Za-z!?/]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
# CAP: identifier and sender "MUST NOT include spaces, commas or restricted characters".
RESTRICTED = re.compile(r"[\s,<&]")
SHOWN = 60


def _shown(value: str) -> str:
    return repr(value if len(value) <= SHOWN else value[:SHOWN] + "…")


def plain_text(field: str, value: str, limit: int | None = None) -> str:
    """Text as CAP carries it: no markup (a receiver may render it), within its length."""
    value = (value or "").strip()
    if "\x00" in value:
        raise HavenError(f"{field}: a NUL character is not text")
    if HTML.search(value):
        raise HavenError(f"{field} {_shown(value)} contains HTML or markup: write plain text")
    if limit is not None and len(value) > limit:
        raise HavenError(f"{field} is {len(value)} characters long: at most {limit}")
    return value


def choice(field: str, value: str, choices: type[TextChoices], *, blank: bool = False) -> str:
    if blank and not value:
        return ""
    if value not in choices.values:
        raise HavenError(f"{field} {value!r} is not one of {', '.join(choices.values)}")
    return value


def cap_name(field: str, value: str) -> str:
    value = value.strip()
    if not value or RESTRICTED.search(value):
        raise HavenError(f"{field} {value!r} may not be empty or hold spaces, commas, < or &")
    return value


def _coordinate(text: str, field: str, where: str) -> tuple[Decimal, Decimal]:
    parts = text.split(",")
    if len(parts) != 2:
        raise HavenError(f"{field}: {where} is not written lat,lon")
    try:
        lat, lon = Decimal(parts[0]), Decimal(parts[1])
    except InvalidOperation:
        raise HavenError(f"{field}: {where} is not two numbers lat,lon") from None
    if not (lat.is_finite() and lon.is_finite() and abs(lat) <= 90 and abs(lon) <= 180):
        raise HavenError(f"{field}: {where} is out of range (latitude ±90, longitude ±180)")
    return lat, lon


def circle(text: str) -> str:
    """A CAP circle, "lat,lon radius" with the radius in km; "" for none."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    point, _, radius = text.partition(" ")
    _coordinate(point, "area circle", "its centre")
    try:
        km = Decimal(radius)
    except InvalidOperation:
        raise HavenError("area circle: write the centre and the radius: lat,lon km") from None
    if not km.is_finite() or km < 0:
        raise HavenError("area circle: the radius is not a distance in km (0 or more)")
    return text


def polygon(text: str) -> str:
    """A CAP polygon: at least four lat,lon points, space-separated, the first repeated last
    (closed); "" for none."""
    points = (text or "").split()
    if not points:
        return ""
    for number, point in enumerate(points, start=1):
        _coordinate(point, "area polygon", f"point {number}")
    if len(points) < 4:
        raise HavenError(f"area polygon has {len(points)} points: a closed one needs at least 4")
    if _coordinate(points[0], "", "") != _coordinate(points[-1], "", ""):
        raise HavenError(
            f"area polygon is not closed: its last point (point {len(points)}) "
            "must repeat its first"
        )
    return " ".join(points)


def references(text: str) -> str:
    """CAP references: space-separated `sender,identifier,sent` triples, sent with an offset."""
    triples = (text or "").split()
    for triple in triples:
        parts = triple.split(",")
        if len(parts) != 3 or not all(parts):
            raise HavenError(f"references {triple!r} is not sender,identifier,sent")
        try:
            sent = datetime.fromisoformat(parts[2])
        except ValueError:
            raise HavenError(f"references {triple!r}: {parts[2]!r} is not a time") from None
        if timezone.is_naive(sent) or parts[2].endswith("Z"):
            raise HavenError(f"references {triple!r}: the time needs an offset such as +00:00")
    return " ".join(triples)


def scope(scope_value: str, restriction: str, addresses: str) -> None:
    """Restricted alerts say who may see them (restriction); Private ones list addresses;
    neither is allowed with another scope."""
    if restriction and scope_value != "Restricted":
        raise HavenError(
            f"restriction {_shown(restriction)} needs scope Restricted, not {scope_value}"
        )
    if addresses and scope_value != "Private":
        raise HavenError(f"addresses {_shown(addresses)} need scope Private, not {scope_value}")
    if scope_value == "Restricted" and not restriction:
        raise HavenError("scope Restricted needs a restriction (who may see the alert)")
    if scope_value == "Private" and not addresses:
        raise HavenError("scope Private needs addresses (whom the alert is for)")
