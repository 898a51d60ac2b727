"""The duplicate check's namesakes: the token index against the old substring search.

    python -m bench.namesakes [--people N] [--database-url URL] [--reset] [--camp DIR]
                              [--lookups K] [--old-lookups J]

Builds a registry of N people (the multilingual registry of `bench.camp_people`), keys
and name tokens written as the import writes them, and keeps out the second registrations
of some of them. Each kept-out registration is then looked up as the duplicate check does
(`haven.people.duplicates`): its namesakes from the token index (now), and from
`Person.objects.search` over `search_key` (`LIKE '%word%'`, the check before), in the same
run on the same registrations. Prints for each the median and total CPU seconds of this
process (`time.process_time`: SQLite's work is in it, PostgreSQL's is not) and wall
seconds, their ratio, and how often the true duplicate was among the namesakes and among
the warnings of the whole check (`possible_duplicates`).

`--camp DIR` keeps the data folder (and the PostgreSQL database) and reuses the registry
built there.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from bench.camp_people import REFERENCE_DATE, generate_camp
from bench.dashboard import open_database

CHUNK = 50_000
SHARE_TWICE = 0.05
PREFIX = "bench-namesakes"


@dataclass
class Timing:
    """CPU and wall seconds of each lookup, and how many found the true duplicate."""

    cpu: list[float]
    wall: list[float]
    found: int = 0

    def line(self, what: str) -> str:
        return (
            f"  {what:<38} median {statistics.median(self.cpu) * 1000:8.1f} ms CPU "
            f"{statistics.median(self.wall) * 1000:8.1f} ms wall "
            f"(max {max(self.wall) * 1000:.0f}); total "
            f"{sum(self.cpu):7.2f} s CPU {sum(self.wall):7.2f} s wall; "
            f"true duplicate found {self.found}/{len(self.cpu)}"
        )


def _born(record: Any) -> tuple[date | None, bool]:
    if record.date_of_birth is not None:
        return record.date_of_birth, False
    if record.age_years is not None:
        return REFERENCE_DATE - timedelta(days=int(record.age_years * 365.25)), True
    return None, False


def build_registry(people: int) -> None:
    """N people written in batches as the import writes them: person rows, then the tokens
    of their keys, the headcount classes counted."""
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from haven.core.bulk import insert_rows
    from haven.people import aggregates, nametokens
    from haven.people.models import Person, fold, person_search_key

    now = timezone.now()
    made, seed = 0, 0
    while made < people:
        records, _ = generate_camp(min(CHUNK, people - made), seed=seed, duplicate_share=0.0)
        rows = []
        for record in records[: people - made]:
            name = f"{record.given_name} {record.family_name}".strip()
            born, estimate = _born(record)
            rows.append(
                {
                    "record_id": f"{PREFIX}/{seed}/{record.record_id}",
                    "full_name": name,
                    "given_name": record.given_name,
                    "family_name": record.family_name,
                    "sex": record.sex or "u",
                    "date_of_birth": born,
                    "birth_date_is_estimate": estimate,
                    "phone": record.phone,
                    "status": "present",
                    "status_changed_at": now,
                    "created_at": now,
                    "search_text": fold(name),
                    "search_key": person_search_key(
                        name, record.given_name, record.family_name, ""
                    ),
                }
            )
        with transaction.atomic():
            start_after = Person.objects.aggregate(last=Max("pk"))["last"] or 0
            insert_rows(Person, rows)
            nametokens.add(
                Person.objects.filter(pk__gt=start_after)
                .order_by("pk")
                .values_list("pk", "search_key")
            )
            aggregates.people_inserted(start_after)
        made += len(rows)
        seed += 1
        print(f"  … {made:,} people", flush=True)


def second_registrations(count: int, people: int) -> list[tuple[Any, str]]:
    """Registrations of people already in the registry, written as a desk writes a second
    one (another spelling or script, a typo, swapped names …), with the first one's id.
    The first batch of the registry again (the same people: a share of duplicates draws
    after every original is made), now with its second registrations."""
    records, pairs = generate_camp(min(CHUNK, people), seed=0, duplicate_share=0.1)
    by_id = {record.record_id: record for record in records}
    found = []
    for first, second in sorted(pairs):
        original, again = (first, second) if "-" not in first else (second, first)
        if "-" in original:
            continue
        found.append((by_id[again], f"{PREFIX}/0/{original}"))
    random.Random(5).shuffle(found)
    return found[:count]


def old_namesakes(record: Any, exclude: Iterable[int]) -> list[Any]:
    """The duplicate check's namesakes before the token index: the forgiving search."""
    from haven.people.choices import Status
    from haven.people.duplicates import CANDIDATES
    from haven.people.models import Person

    names = (
        " ".join(part for part in (record.given_name, record.family_name) if part.strip())
        or record.full_name
    )
    if not names.strip():
        return []
    found = Person.objects.search(names).exclude(status=Status.MERGED).exclude(pk__in=exclude)
    return list(found[:CANDIDATES])


def measure(lookup: Callable[[Any], list[int]], probes: list[tuple[Any, int]]) -> Timing:
    timing = Timing([], [])
    for record, true_id in probes:
        cpu, wall = time.process_time(), time.perf_counter()
        found = lookup(record)
        timing.cpu.append(time.process_time() - cpu)
        timing.wall.append(time.perf_counter() - wall)
        timing.found += true_id in found
    return timing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--camp", default="", help="data folder to keep and reuse the registry")
    parser.add_argument("--lookups", type=int, default=200, help="registrations checked")
    parser.add_argument(
        "--old-lookups", type=int, default=20, help="of those, checked the old way too"
    )
    args = parser.parse_args()

    workdir = open_database("haven-bench-namesakes-", args.database_url, args.reset, args.camp)
    from django.db import connection

    from haven.people import duplicates
    from haven.people.models import NameToken, Person

    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite WAL"
    print(f"Haven namesakes bench: {args.people:,} people, {engine}, load {os.getloadavg()}")
    if Person.objects.filter(record_id__startswith=PREFIX).exists():
        print(f"  reused the registry kept in {workdir}")
    else:
        began = time.perf_counter()
        build_registry(args.people)
        with connection.cursor() as cursor:
            # What autovacuum does soon after a bulk load of a running camp: statistics, and
            # on PostgreSQL the visibility map that lets the token index answer alone.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"  built the registry in {time.perf_counter() - began:.0f} s")
    print(f"  {Person.objects.count():,} people, {NameToken.objects.count():,} name tokens")

    wanted = second_registrations(args.lookups, args.people)
    ids = dict(
        Person.objects.filter(record_id__in=[first for _, first in wanted]).values_list(
            "record_id", "pk"
        )
    )
    probes = [(replace(record, record_id="new"), ids[first]) for record, first in wanted]

    def now(record: Any) -> list[int]:
        return [person.pk for person in duplicates._namesakes(record, ())]

    def before(record: Any) -> list[int]:
        return [person.pk for person in old_namesakes(record, ())]

    def check(record: Any) -> list[int]:
        return [item.person.pk for item in duplicates.possible_duplicates(record)]

    def check_before(record: Any) -> list[int]:
        indexed = duplicates._namesakes
        duplicates._namesakes = old_namesakes
        try:
            return check(record)
        finally:
            duplicates._namesakes = indexed

    few = probes[: args.old_lookups]
    measure(now, probes[:5])  # warm the caches of both ways alike
    measure(before, probes[:2])
    rows = [
        ("namesakes, token index", measure(now, few)),
        ("namesakes, LIKE search (before)", measure(before, few)),
        ("possible_duplicates, token index", measure(check, few)),
        ("possible_duplicates, LIKE (before)", measure(check_before, few)),
    ]
    print(f"  {len(few)} second registrations looked up both ways, load {os.getloadavg()}")
    for what, timing in rows:
        print(timing.line(what))
    for (what, new), (_, old) in ((rows[0], rows[1]), (rows[2], rows[3])):
        ratio_cpu = sum(old.cpu) / max(sum(new.cpu), 1e-9)
        ratio_wall = sum(old.wall) / max(sum(new.wall), 1e-9)
        print(f"  {what}: before / now = {ratio_cpu:.0f}× CPU, {ratio_wall:.0f}× wall")
    recall = measure(now, probes)
    warned = measure(check, probes)
    print(f"  all {len(probes)} registrations, token index:")
    print(recall.line("namesakes"))
    print(warned.line("possible_duplicates (warned)"))
    if not args.camp:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
