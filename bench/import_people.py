"""Import 100,000 people from CSV and render the dashboard over them.

    python -m bench.import_people [--rows N] [--database-url URL] [--reset] [--quick]

Prints rows/s of Haven's import (validation, households, status events included) and the
ratio to the raw database writing the same person and status-event rows into the same
schema, measured in this run: `sqlite3.executemany` into an empty copy on SQLite, psycopg's
`COPY … FROM STDIN` into the emptied tables on PostgreSQL; then the dashboard render time on
those people. On PostgreSQL the database must be empty, or `--reset` drops and creates it.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

FIRST = [
    "Amina",
    "Omar",
    "Lina",
    "Jonas",
    "Fatima",
    "Yusuf",
    "Maryam",
    "Ali",
    "Olena",
    "Taras",
    "Chidi",
    "Ngozi",
    "Ayşe",
    "Mehmet",
    "Lucía",
    "Mateo",
    "Nguyen",
    "Linh",
    "Wanjiru",
    "Baraka",
    "Zoë",
    "Hamid",
    "Sara",
    "Ibrahim",
    "Aisha",
    "Pavel",
    "Irina",
    "Kofi",
    "Ama",
    "Ravi",
]
LAST = [
    "Yusuf",
    "Haddad",
    "Berg",
    "Kovalenko",
    "Okafor",
    "Yılmaz",
    "García",
    "Tran",
    "Mwangi",
    "Noor",
    "Rahimi",
    "Mensah",
    "Sharma",
    "Petrenko",
    "Diallo",
    "Hassan",
    "Mutua",
    "Öztürk",
]
STATUSES = ["present"] * 6 + ["injured"] * 3 + ["missing", "deceased"]


def make_csv(path: Path, rows: int, seed: int = 1) -> None:
    """Write the bench's CSV to `path`, a row at a time (the bench measures the import's memory)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "given_name", "family_name", "sex", "age", "household", "status"])
        household = 0
        for index in range(rows):
            if index % 4 == 0:
                household += 1
            writer.writerow(
                [
                    f"bench/{index}",
                    rng.choice(FIRST),
                    rng.choice(LAST),
                    rng.choice("fm"),
                    rng.randint(0, 90),
                    f"Household {household}",
                    rng.choice(STATUSES),
                ]
            )


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_insert(
    db_path: Path,
    person_fields: list[str],
    people: list[tuple[Any, ...]],
    events: list[tuple[Any, ...]],
) -> tuple[float, float]:
    """The same rows written by sqlite3 alone: the floor any ORM import is measured against
    (wall and CPU seconds: SQLite works in this process, so its CPU time is comparable)."""
    connection = sqlite3.connect(db_path)
    # Haven's own connection settings (haven.settings), so both write under the same rules.
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    columns = ", ".join(person_fields)
    started = time.perf_counter()
    cpu = time.process_time()
    with connection:
        connection.executemany(
            f"INSERT INTO people_person ({columns}) VALUES ({', '.join('?' * len(person_fields))})",
            people,
        )
        connection.executemany(
            "INSERT INTO people_statusevent (person_id, previous_status, status, occurred_at, "
            "recorded_at, recorded_by_id, reason, place, is_correction) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            events,
        )
    elapsed = time.perf_counter() - started, time.process_time() - cpu
    connection.close()
    return elapsed


def raw_copy(
    url: str,
    person_fields: list[str],
    people: list[tuple[Any, ...]],
    event_fields: list[str],
    events: list[tuple[Any, ...]],
) -> float:
    """The same rows written by psycopg's COPY alone into the emptied tables (same indexes,
    households kept for the foreign keys): the floor a PostgreSQL import is measured against."""
    import psycopg

    with psycopg.connect(url) as database:
        database.execute("TRUNCATE people_statusevent, people_person_skills, people_person CASCADE")
        database.commit()
        started = time.perf_counter()
        with database.transaction(), database.cursor() as cursor:
            with cursor.copy(f"COPY people_person ({', '.join(person_fields)}) FROM STDIN") as copy:
                for row in people:
                    copy.write_row(row)
            with cursor.copy(
                f"COPY people_statusevent ({', '.join(event_fields)}) FROM STDIN"
            ) as copy:
                for row in events:
                    copy.write_row(row)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--quick", action="store_true", help="10,000 rows")
    args = parser.parse_args()
    rows = 10_000 if args.quick else args.rows

    from bench.dashboard import open_database

    workdir = open_database("haven-bench-", args.database_url, args.reset)
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from haven.accounts.services import create_user
    from haven.people import importing
    from haven.people.models import Household, Person, StatusEvent

    postgres = connection.vendor == "postgresql"
    connection.close()
    empty = workdir / "empty.sqlite3"
    if not postgres:
        shutil.copy(workdir / "haven.sqlite3", empty)

    source = workdir / "people.csv"
    make_csv(source, rows)
    size = source.stat().st_size / 1e6
    engine = "PostgreSQL" if postgres else "SQLite WAL"
    print(f"Haven import bench: {rows:,} people from a CSV file ({size:.1f} MB), {engine}")

    before_rss = peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    with source.open("rb") as stream:
        result = importing.import_people(by=None, stream=stream)
    haven_seconds, haven_cpu = time.perf_counter() - started, time.process_time() - cpu
    import_rss = peak_rss_mb()
    assert result.imported == rows

    # The same rows as Haven wrote them, replayed through sqlite3 into an empty copy
    # (households included up front so the foreign keys hold).
    # Every column of the table (as the model has them), so the raw write is the same row.
    person_fields = [f.attname for f in Person._meta.concrete_fields if not f.primary_key]

    def plain(row: tuple[Any, ...]) -> tuple[Any, ...]:
        # sqlite3 takes dates as text; psycopg's COPY takes the values as they are.
        return row if postgres else tuple(str(v) if hasattr(v, "isoformat") else v for v in row)

    people = [plain(row) for row in Person.objects.order_by("pk").values_list(*person_fields)]
    event_fields = [
        "person_id",
        "previous_status",
        "status",
        "occurred_at",
        "recorded_at",
        "recorded_by_id",
        "reason",
        "place",
        "is_correction",
    ]
    events = [plain(row) for row in StatusEvent.objects.order_by("pk").values_list(*event_fields)]
    if postgres:
        # With their ids, which the events name (the emptied table's sequence has moved on).
        ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
        people = [(pk, *row) for pk, row in zip(ids, people, strict=True)]
        raw_seconds = raw_copy(
            args.database_url, ["id", *person_fields], people, event_fields, events
        )
        raw_cpu = 0.0  # the server's CPU time is not this process's
    else:
        households = list(Household.objects.values_list("pk", "name", "notes", "created_at"))
        raw_db = workdir / "raw.sqlite3"
        shutil.copy(empty, raw_db)
        with sqlite3.connect(raw_db) as setup:
            setup.executemany(
                "INSERT INTO people_household (id, name, notes, created_at) VALUES (?, ?, ?, ?)",
                [(pk, name, notes, str(at)) for pk, name, notes, at in households],
            )
        raw_seconds, raw_cpu = raw_insert(raw_db, person_fields, people, events)
    raw_name = "raw COPY" if postgres else "raw executemany"

    print(f"  haven import     {haven_seconds:8.2f} s   {rows / haven_seconds:10,.0f} rows/s")
    print(
        f"  peak RSS         {import_rss:8.0f} MB  (after the import, streamed from the file; "
        f"{before_rss:.0f} MB before it; aim < 300 MB)"
    )
    print(f"  {raw_name:<16} {raw_seconds:8.2f} s   {rows / raw_seconds:10,.0f} rows/s")
    print(
        f"  ratio haven/raw  {haven_seconds / raw_seconds:8.2f}×   (aim ≤ 2×; haven also parses "
        f"and validates the CSV; load average {os.getloadavg()[0]:.2f})"
    )
    if raw_cpu:
        # On a busy machine wall time is mostly waiting for a core or the disk; both sides
        # run in this process on SQLite, so their CPU seconds compare the work itself.
        print(
            f"  ratio in CPU s   {haven_cpu / raw_cpu:8.2f}×   ({haven_cpu:.1f} s against "
            f"{raw_cpu:.1f} s)"
        )

    create_user(username="bench", password=None, role="commander")
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    client.get("/")  # warm caches and templates
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        response = client.get("/")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    print(
        f"  dashboard render {statistics.median(timings) * 1000:8.0f} ms  "
        f"(all panels, median of 5 over {Person.objects.count():,} people; aim < 300 ms)"
    )
    from haven.people import dashboard

    people_timings = []
    for _ in range(5):
        started = time.perf_counter()
        dashboard.headcount()
        dashboard.age_sex_pyramid()
        dashboard.last_muster_summary()
        people_timings.append(time.perf_counter() - started)
    print(
        f"  people panels    {statistics.median(people_timings) * 1000:8.0f} ms  "
        "(headcount, age and sex, last muster queries)"
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
