"""The period a SITREP covers: `--period 24h` ending `--end` (default now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from haven.accounts.services import parse_duration
from haven.core.errors import HavenError
from haven.core.services import event_time

DEFAULT_PERIOD = "24h"
LONGEST = timedelta(days=92)


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` (excluded) to `end` (included): events at exactly `end` count."""

    start: datetime
    end: datetime
    text: str  # as asked: "24h", "7d"

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400

    @property
    def query(self) -> str:
        """How links name this period: ?period=24h&end=2026-11-30T12:00:00+00:00."""
        from urllib.parse import urlencode

        return urlencode({"period": self.text, "end": self.end.isoformat()})


def parse_end(text: str | None) -> datetime | None:
    """An ISO date and time with a zone (`2026-11-30T12:00+00:00`); None or "" is now."""
    if text is None or not text.strip():
        return None
    try:
        value = parse_datetime(text.strip())
    except ValueError:  # well-formed but impossible: month 13, 25 o'clock
        value = None
    if value is None:
        raise HavenError(f"end {text!r} is not a date and time: write e.g. 2026-11-30T12:00+00:00")
    return value


def period_of(text: str | None = None, end: datetime | str | None = None) -> Period:
    """The period `text` long (h, d or w) ending at `end` (now by default)."""
    text = (text or DEFAULT_PERIOD).strip()
    try:
        span = parse_duration(text)
    except HavenError:
        raise HavenError(
            f"period {text!r} is not a length of time: write e.g. 24h, 7d or 2w"
        ) from None
    if span > LONGEST:
        raise HavenError(f"period {text!r} is longer than {LONGEST.days} days")
    moment = parse_end(end) if isinstance(end, str) else end
    ends = event_time(moment, "end") if moment is not None else timezone.now()
    return Period(start=ends - span, end=ends, text=text)
