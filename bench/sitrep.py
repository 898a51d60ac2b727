"""Compute the SITREP over a large camp, against one pass over the registry.

    python -m bench.sitrep [--people N] [--database-url URL] [--reset] [--quick]

Builds a camp of N people (the registry of `bench.dashboard`), each with a registration
event ten days ago and, for one in fifty, a change of status in the last day (deaths,
departures, missing, injured), and a ledger of N entries; then computes the SITREP of the
last 24 hours (`haven.sitrep.services.sitrep`, every figure from the events) and prints its
time in ms and SQL queries, as a ratio to a raw `SELECT count(*)` of the people and of the
status events measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import shutil
import time
from datetime import timedelta

from bench.dashboard import build_people, build_stock, open_database, timed

LATER = ["deceased", "departed", "missing", "injured", "present"]


def build_events(count: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from haven.core.bulk import insert_rows
    from haven.people.models import Person, StatusEvent

    now = timezone.now()
    rng = random.Random(5)
    rows = []
    for pk in Person.objects.values_list("pk", flat=True).iterator(chunk_size=20_000):
        registered = now - timedelta(days=10, minutes=rng.randint(0, 600))
        rows.append(
            {
                "person_id": pk,
                "status": "present",
                "previous_status": "",
                "occurred_at": registered,
                "recorded_at": registered,
                "reason": "registered",
            }
        )
        if rng.random() < 0.02:
            moment = now - timedelta(minutes=rng.randint(5, 1400))
            rows.append(
                {
                    "person_id": pk,
                    "status": rng.choice(LATER),
                    "previous_status": "present",
                    "occurred_at": moment,
                    "recorded_at": moment,
                    "reason": "bench",
                }
            )
        if len(rows) >= 20_000:
            insert_rows(StatusEvent, rows)
            rows = []
    if rows:
        insert_rows(StatusEvent, rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--quick", action="store_true", help="10,000 people")
    args = parser.parse_args()
    people = 10_000 if args.quick else args.people
    workdir = open_database("haven-bench-sitrep-", args.database_url, args.reset)
    try:
        started = time.perf_counter()
        build_people(people)
        build_events(people)
        build_stock(people)
        print(f"built {people:,} people and entries in {time.perf_counter() - started:.0f} s")
        from django.db import connection

        from haven.sitrep import services

        def count(table: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {table}")
                cursor.fetchone()

        count_people, _ = timed(lambda: count("people_person"))
        count_events, _ = timed(lambda: count("people_statusevent"))
        services.sitrep()  # warm the database's caches as the baselines are
        best = min((timed(services.sitrep) for _ in range(3)), key=lambda pair: pair[0])
        report = services.sitrep()
        print(
            f"SITREP of 24 h: {best[0]:,.0f} ms, {best[1]} queries "
            f"({report.people.in_camp_end:,} in camp, {report.people.deaths:,} deaths)"
        )
        for label, baseline in (("people", count_people), ("status events", count_events)):
            print(
                f"  = {best[0] / max(baseline, 0.01):,.0f} × a count(*) of the {label} "
                f"({baseline:,.1f} ms)"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
