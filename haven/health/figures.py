"""Casualty figures: the dead, injured and missing by date, cause and place.

Counted from the registers as they stand: the dead from current death records (and anyone
recorded deceased without one yet), the injured from everyone who has ever been injured
and is alive, the missing from who is missing now.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from haven.health.choices import Cause
from haven.health.models import DeathRecord, Injury
from haven.health.services import starting_population
from haven.people.choices import Status
from haven.people.models import Person, StatusEvent

KINDS = ("killed", "injured", "missing")


@dataclass(frozen=True, slots=True)
class Casualty:
    kind: str
    day: date
    cause: str
    place: str


@dataclass(frozen=True, slots=True)
class FigureRow:
    day: date
    cause: str
    place: str
    killed: int
    injured: int
    missing: int

    @property
    def cause_label(self) -> str:
        return cause_label(self.cause)


@dataclass(frozen=True, slots=True)
class Figures:
    killed: int
    injured: int
    missing: int
    starting_population: int | None
    rows: list[FigureRow]
    by_date: list[FigureRow]
    by_cause: list[FigureRow]

    def share(self, count: int) -> float | None:
        """Percent of the starting population, or None if it is not known."""
        if not self.starting_population:
            return None
        return round(100 * count / self.starting_population, 1)

    @property
    def killed_percent(self) -> float | None:
        return self.share(self.killed)

    @property
    def injured_percent(self) -> float | None:
        return self.share(self.injured)

    @property
    def missing_percent(self) -> float | None:
        return self.share(self.missing)


def _day(moment: datetime) -> date:
    return timezone.localdate(moment)


def casualties() -> list[Casualty]:
    """One entry per person killed, injured (alive) or missing."""
    found: list[Casualty] = []
    recorded_dead: set[int] = set()
    for person_id, died_at, cause, place in DeathRecord.objects.current().values_list(
        "person_id", "died_at", "cause", "place"
    ):
        recorded_dead.add(person_id)
        found.append(Casualty("killed", _day(died_at), cause, place))
    deceased = Person.objects.filter(status=Status.DECEASED)
    for person_id, changed_at in deceased.values_list("pk", "status_changed_at"):
        if person_id not in recorded_dead:
            found.append(Casualty("killed", _day(changed_at), Cause.UNKNOWN, ""))
    first_injury: dict[int, tuple[datetime, str, str]] = {}
    for person_id, hurt_at, cause, place in Injury.objects.order_by(
        "occurred_at", "id"
    ).values_list("person_id", "occurred_at", "cause", "place"):
        first_injury.setdefault(person_id, (hurt_at, cause, place))
    injured_at: dict[int, tuple[datetime, str]] = {}
    events = StatusEvent.objects.filter(status=Status.INJURED).exclude(
        person__status=Status.DECEASED
    )
    for person_id, occurred_at, place in events.order_by("occurred_at", "id").values_list(
        "person_id", "occurred_at", "place"
    ):
        injured_at.setdefault(person_id, (occurred_at, place))
    for person_id, (occurred_at, event_place) in injured_at.items():
        # The injury's own time and place when recorded, else when they were found hurt.
        hurt_at, cause, place = first_injury.get(
            person_id, (occurred_at, Cause.UNKNOWN, event_place)
        )
        found.append(Casualty("injured", _day(hurt_at), cause, place or event_place))
    for changed_at in Person.objects.filter(status=Status.MISSING).values_list(
        "status_changed_at", flat=True
    ):
        found.append(Casualty("missing", _day(changed_at), Cause.UNKNOWN, ""))
    return found


def _rows(counter: Counter[tuple[date, str, str, str]]) -> list[FigureRow]:
    keys = sorted({(day, cause, place) for day, cause, place, _ in counter})
    return [
        FigureRow(
            day,
            cause,
            place,
            counter[(day, cause, place, "killed")],
            counter[(day, cause, place, "injured")],
            counter[(day, cause, place, "missing")],
        )
        for day, cause, place in keys
    ]


def casualty_figures() -> Figures:
    """Totals, shares of the starting population, and rows by date, cause and place."""
    found = casualties()
    detailed: Counter[tuple[date, str, str, str]] = Counter()
    by_date: Counter[tuple[date, str, str, str]] = Counter()
    by_cause: Counter[tuple[date, str, str, str]] = Counter()
    for casualty in found:
        detailed[(casualty.day, casualty.cause, casualty.place, casualty.kind)] += 1
        by_date[(casualty.day, "", "", casualty.kind)] += 1
        by_cause[(date.min, casualty.cause, "", casualty.kind)] += 1
    totals = Counter(casualty.kind for casualty in found)
    cause_rows = sorted(_rows(by_cause), key=lambda r: (-r.killed - r.injured, r.cause))
    return Figures(
        killed=totals["killed"],
        injured=totals["injured"],
        missing=totals["missing"],
        starting_population=starting_population(),
        rows=_rows(detailed),
        by_date=_rows(by_date),
        by_cause=cause_rows,
    )


def cause_label(cause: str) -> str:
    return str(Cause(cause).label) if cause in Cause.values else cause
