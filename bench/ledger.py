"""Post 200,000 stock ledger entries and compute the runway over a 1,000,000-entry ledger.

    python -m bench.ledger [--entries N] [--ledger N] [--database-url URL] [--reset] [--quick]

Prints entries/s of Haven's bulk posting path (`stock.services.post_many`: running
balance per lot × store checked never below zero, balances updated) and the ratio to a
raw `sqlite3.executemany` of the same entry rows into an empty copy of the same schema (on
PostgreSQL: psycopg's `COPY … FROM STDIN` of them into the emptied table), measured in this
run; then the time of the supply runway for 500 items (every item's on-hand and recent daily
consumption, every need) over a ledger of 1,000,000 entries.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ITEMS = 500
STORES = 5
DAYS = 180
CHUNK = 20_000
CATEGORIES = ["food", "water", "medical", "shelter", "fuel", "tools", "hygiene", "other"]


def make_movements(
    count: int, lots: list[tuple[int, int]], stores: list[int], start: datetime, seed: int
) -> list[Any]:
    """Receipts and issues in time order over DAYS days, never overdrawing a lot × store."""
    from haven.stock.services import Movement

    rng = random.Random(seed)
    balance: dict[tuple[int, int], int] = {}
    step = timedelta(days=DAYS) / count
    rows = []
    for index in range(count):
        lot_id, item_id = lots[rng.randrange(len(lots))]
        store_id = stores[rng.randrange(len(stores))]
        key = (lot_id, store_id)
        held = balance.get(key, 0)
        when = start + step * index
        if held >= 5 and rng.random() < 0.7:
            quantity = -rng.randint(1, min(held, 20))
            kind, reason = "issue", "distribution"
        else:
            quantity = rng.randint(20, 200)
            kind, reason = "receipt", "donation"
        balance[key] = held + quantity
        rows.append(
            Movement(kind, reason, item_id, lot_id, store_id, Decimal(quantity), when, "bench")
        )
    return rows


ENTRY_FIELDS = [
    "kind",
    "reason",
    "item_id",
    "lot_id",
    "store_id",
    "quantity",
    "balance_after",
    "counted_quantity",
    "occurred_at",
    "day",
    "recorded_at",
    "recorded_by_id",
    "reference",
    "note",
    "person_id",
    "mission_id",
    "counterpart_id",
    "reverses_id",
    "accepted_expired",
]


def entry_rows(since_id: int, native: bool = False) -> list[tuple[Any, ...]]:
    """The entries after `since_id`, with their ids first when `native` (for COPY, which
    takes the values as they are; sqlite3 takes decimals and dates as text)."""
    from haven.stock.models import LedgerEntry

    entries = LedgerEntry.objects.filter(pk__gt=since_id).order_by("pk")
    if native:
        return list(entries.values_list("id", *ENTRY_FIELDS))
    return [
        tuple(
            str(v) if isinstance(v, (Decimal, datetime)) or hasattr(v, "isoformat") else v
            for v in row
        )
        for row in entries.values_list(*ENTRY_FIELDS)
    ]


INSERT = (
    "INSERT INTO stock_ledgerentry (kind, reason, item_id, lot_id, store_id, quantity, "
    "balance_after, counted_quantity, occurred_at, day, recorded_at, recorded_by_id, reference, "
    "note, person_id, mission_id, counterpart_id, reverses_id, accepted_expired) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def raw_insert(db_path: Path, rows: list[tuple[Any, ...]]) -> float:
    """The same rows written by sqlite3 alone, in the same chunks: the floor for the ORM."""
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    started = time.perf_counter()
    for offset in range(0, len(rows), CHUNK):
        with connection:
            connection.executemany(INSERT, rows[offset : offset + CHUNK])
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def raw_copy(url: str, rows: list[tuple[Any, ...]]) -> float:
    """The same rows written by psycopg's COPY alone into the emptied ledger (same indexes),
    in the same chunks, a transaction each: the floor for PostgreSQL."""
    import psycopg

    columns = ", ".join(["id", *ENTRY_FIELDS])
    with psycopg.connect(url) as database:
        database.execute("TRUNCATE stock_ledgerentry CASCADE")
        database.commit()
        started = time.perf_counter()
        for offset in range(0, len(rows), CHUNK):
            with (
                database.transaction(),
                database.cursor() as cursor,
                cursor.copy(f"COPY stock_ledgerentry ({columns}) FROM STDIN") as copy,
            ):
                for row in rows[offset : offset + CHUNK]:
                    copy.write_row(row)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--ledger", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--quick", action="store_true", help="20,000 entries, 100,000 ledger")
    args = parser.parse_args()
    entries = 20_000 if args.quick else args.entries
    ledger_size = max(100_000 if args.quick else args.ledger, entries)

    from bench.dashboard import open_database

    workdir = open_database("haven-bench-ledger-", args.database_url, args.reset)
    from django.db import connection
    from django.utils import timezone

    from haven.people.models import Person
    from haven.stock import services
    from haven.stock.models import Item, LedgerEntry, Lot
    from haven.stock.runway import camp_runway

    postgres = connection.vendor == "postgresql"
    rng = random.Random(7)
    existing = Item.objects.count()
    Item.objects.bulk_create(
        Item(
            code=f"bench-{n}",
            name=f"Bench item {n}",
            category=CATEGORIES[n % len(CATEGORIES)],
            medical_category="trauma" if CATEGORIES[n % len(CATEGORIES)] == "medical" else "",
            unit="kg",
            kcal_per_unit=Decimal(3500) if n % len(CATEGORIES) == 0 else Decimal(0),
            litres_per_unit=Decimal(1) if n % len(CATEGORIES) == 1 else Decimal(0),
            doses_per_unit=Decimal(1) if n % len(CATEGORIES) == 2 else Decimal(0),
        )
        for n in range(ITEMS - existing)
    )
    items = list(Item.objects.all())
    stores = [services.create_store(by=None, name=f"Store {n}").pk for n in range(STORES)]
    today = timezone.localdate()
    Lot.objects.bulk_create(
        Lot(item=item, code=f"L{k}", expiry_date=today + timedelta(days=rng.randint(30, 700)))
        for item in items
        for k in range(2)
    )
    lots = list(Lot.objects.values_list("pk", "item_id"))
    Person.objects.bulk_create(Person(full_name=f"P{n}", status="present") for n in range(2000))
    connection.close()
    empty = workdir / "empty.sqlite3"
    if not postgres:
        shutil.copy(workdir / "haven.sqlite3", empty)

    start = timezone.now() - timedelta(days=DAYS)
    moves = make_movements(entries, lots, stores, start, seed=1)
    print(
        f"Haven ledger bench: {entries:,} entries over {len(items)} items × {len(lots)} lots × "
        f"{STORES} stores, {'PostgreSQL' if postgres else 'SQLite WAL'}"
    )
    started = time.perf_counter()
    for offset in range(0, len(moves), CHUNK):
        services.post_many(by=None, movements=moves[offset : offset + CHUNK])
    haven_seconds = time.perf_counter() - started
    assert LedgerEntry.objects.count() == entries
    assert services.rebuild(by=None) == []

    if postgres:
        connection.close()
        raw_seconds = raw_copy(args.database_url, entry_rows(0, native=True))
        raw_name = "raw COPY"
    else:
        raw_db = workdir / "raw.sqlite3"
        shutil.copy(empty, raw_db)
        raw_seconds = raw_insert(raw_db, entry_rows(0))
        raw_name = "raw executemany"
    print(f"  haven post_many  {haven_seconds:8.2f} s   {entries / haven_seconds:10,.0f} entries/s")
    print(f"  {raw_name:<16} {raw_seconds:8.2f} s   {entries / raw_seconds:10,.0f} entries/s")
    print(
        f"  ratio haven/raw  {haven_seconds / raw_seconds:8.2f}×   (aim ≤ 2× on PostgreSQL; "
        "haven also keeps the running balance, checks it never goes below zero and updates "
        f"balances; load average {os.getloadavg()[0]:.2f})"
    )

    # Grow the ledger to its full size with the same generator, then time the runway.
    remaining = ledger_size - entries
    if remaining > 0:
        more = make_movements(remaining, lots, stores, start, seed=2)
        grown = time.perf_counter()
        for offset in range(0, len(more), CHUNK):
            services.post_many(by=None, movements=more[offset : offset + CHUNK])
        print(
            f"  grew the ledger to {LedgerEntry.objects.count():,} entries in "
            f"{time.perf_counter() - grown:.1f} s"
        )
    connection.cursor().execute("ANALYZE")
    camp_runway()  # warm
    timings = []
    for _ in range(5):
        began = time.perf_counter()
        runway = camp_runway()
        timings.append(time.perf_counter() - began)
    assert len(runway.items) == len(items)
    print(
        f"  runway           {statistics.median(timings) * 1000:8.0f} ms  ({len(runway.items)} "
        f"items, {len(runway.needs)} needs, {LedgerEntry.objects.count():,}-entry ledger, "
        "median of 5; aim < 1 s)"
    )
    began = time.perf_counter()
    assert services.rebuild(by=None) == []
    print(f"  rebuild check    {time.perf_counter() - began:8.2f} s   (balances equal the ledger)")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
