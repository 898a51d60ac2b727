"""Places taken in each shelter, kept in the same transaction as every change of a stay or
of a sleeper's status.

The board (and the dashboard's "Shelter tonight") cannot count the open stays joined to the
people on each view at a large camp. `Occupancy` holds how many open stays each shelter has,
by the status of the person in them; the places taken tonight are those of the statuses in
camp (present, injured), so someone recorded departed or dead stops counting at once, as
the old join did, though their stay stays open until `release_people_gone`. Every writer
keeps it exact:

- a stay written through `Stay.save()` (check-in, move, check-out, a destroyed shelter)
  or `Stay.objects` (`bulk_create` of a plan, `update`, the moves of a merge) — the model
  and its queryset count what they change;
- a person's status changed by `Person.save()` (the `post_save` receiver below reads the
  class the headcount's `pre_save` stored) or by a bulk update of people (the headcount's
  `moving(ids)` calls `people_moving` around it).

`rebuild()` compares the table with a full recount (`haven rebuild`, `--fix` rewrites it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet, Sum
from django.db.models.signals import post_save
from django.dispatch import receiver

from haven.core.aggregates import Mismatch
from haven.core.aggregates import rebuild as recount
from haven.people.choices import IN_CAMP
from haven.people.models import Person
from haven.shelter.models import Occupancy, Stay

# shelter id, status of the person in the stay
Key = tuple[int, str]
CHUNK = 500


def counted(stays: QuerySet[Stay]) -> Counter[Key]:
    """The open stays among `stays`, by shelter and the status of the person in them."""
    rows = (
        stays.filter(ended_at__isnull=True)
        .values_list("shelter_id", "person__status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Counter({(shelter, status): n for shelter, status, n in rows})


def counted_ids(ids: Sequence[int]) -> Counter[Key]:
    found: Counter[Key] = Counter()
    for start in range(0, len(ids), CHUNK):
        found.update(counted(Stay.objects.filter(pk__in=ids[start : start + CHUNK])))
    return found


def apply(changes: Mapping[Key, int]) -> None:
    """Add each key's change to its stored count (an upsert; keys in one order, so two
    writers never wait on each other's rows crosswise)."""
    rows = [(shelter, status, n) for (shelter, status), n in sorted(changes.items()) if n]
    if not rows:
        return
    table = connection.ops.quote_name(Occupancy._meta.db_table)
    sql = (
        f'INSERT INTO {table} ("shelter_id", "status", "people") VALUES (%s, %s, %s) '
        f'ON CONFLICT ("shelter_id", "status") DO UPDATE SET people = {table}.people + '
        "excluded.people"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def difference(after: Counter[Key], before: Counter[Key]) -> Counter[Key]:
    change = Counter(after)
    change.subtract(before)
    return change


@contextmanager
def stays_changing(ids: Sequence[int]) -> Iterator[None]:
    """Around a write of these stays: their keys before leave, after arrive."""
    before = counted_ids(ids)
    yield
    apply(difference(counted_ids(ids), before))


def stays_created(stays: Iterable[Stay]) -> None:
    """Count stays just inserted (open ones, by their people's status)."""
    open_stays = [stay for stay in stays if stay.ended_at is None]
    person_ids = sorted({stay.person_id for stay in open_stays})
    status: dict[int, str] = {}
    for start in range(0, len(person_ids), CHUNK):
        status.update(
            Person.objects.filter(pk__in=person_ids[start : start + CHUNK]).values_list(
                "pk", "status"
            )
        )
    apply(Counter((stay.shelter_id, status[stay.person_id]) for stay in open_stays))


@contextmanager
def people_moving(ids: Sequence[int]) -> Iterator[None]:
    """Around a bulk update of these people (their status may change): the open stays they
    sleep in move from their status before to their status after."""

    def stays_of() -> Counter[Key]:
        found: Counter[Key] = Counter()
        for start in range(0, len(ids), CHUNK):
            found.update(counted(Stay.objects.filter(person_id__in=ids[start : start + CHUNK])))
        return found

    before = stays_of()
    yield
    apply(difference(stays_of(), before))


@receiver(post_save, sender=Person, dispatch_uid="occupancy-after-person-save")
def _person_saved(sender: Any, instance: Person, created: bool, **kwargs: Any) -> None:
    if created or kwargs.get("raw") or getattr(instance, "_headcount_skip", False):
        return
    before = getattr(instance, "_headcount_before", None)
    if before is None or before[0] == instance.status:
        return
    shelter = (
        Stay.objects.filter(person_id=instance.pk, ended_at__isnull=True)
        .values_list("shelter_id", flat=True)
        .first()
    )
    if shelter is not None:
        apply({(shelter, before[0]): -1, (shelter, instance.status): 1})


# ------------------------------------------------------------------ reads, O(shelters)


def taken() -> dict[int, int]:
    """Shelter id → people in camp sleeping there tonight, from the kept counts."""
    rows = (
        Occupancy.objects.filter(status__in=IN_CAMP)
        .values("shelter_id")
        .annotate(n=Sum("people"))
        .order_by()
    )
    return {row["shelter_id"]: row["n"] for row in rows if row["n"]}


# ------------------------------------------------------------------ proof and repair


@dataclass(frozen=True, slots=True)
class OccupancyMismatch(Mismatch):
    key: Key
    stored: int
    recounted: int

    def __str__(self) -> str:
        shelter, status = self.key
        return (
            f"shelter {shelter}, people {status}: stored {self.stored}, recounted {self.recounted}"
        )


def rebuild(*, fix: bool = False) -> list[OccupancyMismatch]:
    """Compare the stored counts with a recount of the open stays; with `fix`, rewrite them."""
    return recount(
        Occupancy,
        key=["shelter_id", "status"],
        value=["people"],
        counted=lambda: counted(Stay.objects.all()),
        write=apply,
        mismatch=OccupancyMismatch,
        fix=fix,
    )
