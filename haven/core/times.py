"""Times as people read them in a message: the camp's local time, to the minute, the zone
named, month names in the reader's language — never a raw ISO string."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone


def readable(at: datetime) -> str:
    """E.g. "31 Dec 2027 10:00 UTC" (in the camp's TIME_ZONE)."""
    if timezone.is_naive(at):
        return formats.date_format(at, "j M Y H:i")
    local = timezone.localtime(at)
    return f"{formats.date_format(local, 'j M Y H:i')} {local.tzname()}"
