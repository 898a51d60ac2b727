"""Render the dashboard over a large camp: first, warm and right after a write.

    python -m bench.dashboard [--people N] [--ledger N] [--database-url URL] [--quick]
                              [--camp DIR] [--no-warm-up]

Builds a camp of N people (the multilingual registry of `bench.camp_people`, with statuses,
teams and special needs) and a ledger of N entries over 40 items in 4 stores (posted
through `stock.services.post_many`), then renders `/` as the commander and prints, in ms
and as a ratio to `/healthz` measured in the same run: the first render (empty cache),
the warm render, and the first render after one registration and one stock issue, each
with the number of SQL queries it made and the CPU this process spent on it (with
PostgreSQL the server's own CPU is not in it). A raw `SELECT count(*)` of the people shows
what one pass over the registry costs on this database.

Before the first request the bench starts up as a serving process does (`haven.wsgi` calls
`haven.core.warmup.warm_up`) and prints what that cost, so the first render is what a
server's first user gets; `--no-warm-up` leaves it out, to see what that user paid without.

On PostgreSQL the database named in the URL must be empty (no tables), or `--reset`
drops and creates it again. `--camp DIR` keeps the data folder (and the PostgreSQL
database) after the run and reuses the camp already built there: a 1,000,000-person camp
takes minutes to build, so it is built once and measured as often as wanted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench.camp_people import generate_camp

ITEMS = 40
STORES = 4
CHUNK = 20_000
AIM_MS = 300
CATEGORIES = ["food", "water", "medical", "hygiene", "fuel"]
STATUSES = ["present"] * 70 + ["injured"] * 10 + ["missing"] * 6 + ["deceased"] * 8
STATUSES += ["departed"] * 6


def prepare_postgres(url: str, reset: bool, reuse: bool = False) -> None:
    """An empty database to build the camp in (dropped and created again with --reset), or
    with `reuse` the one already there."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    maintenance = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url) as database:
        tables = database.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    if tables and tables[0] and not reuse:
        raise SystemExit(f"database {name!r} is not empty: pass --reset to drop and recreate it")


def open_database(prefix: str, database_url: str, reset: bool, camp: str = "") -> Path:
    """A fresh data folder (or the kept folder `camp`), the database (SQLite in it, or
    PostgreSQL at `database_url`), Django set up and migrated; returns the folder, for the
    caller to remove unless it is `camp`."""
    if camp:
        workdir = Path(camp).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["HAVEN_DATA_DIR"] = str(workdir)
    os.environ.pop("HAVEN_DATABASE_URL", None)
    if database_url:
        prepare_postgres(database_url, reset, reuse=bool(camp))
        os.environ["HAVEN_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir


def camp_built() -> bool:
    """Whether the database already holds a bench camp (kept with `--camp`)."""
    from haven.stock.models import Item

    return Item.objects.filter(code__startswith="bench-").exists()


def build_or_reuse(people: int, workdir: Path, keep: str) -> None:
    """The camp of `people` people and ledger entries: the one kept in `workdir` (`--camp`)
    when there is one, else built here and analysed (what `load` and `page_cpu` drive)."""
    from django.db import connection

    if keep and camp_built():
        print(f"  reused the camp kept in {workdir}")
        return
    build_stock(people)
    build_people(people)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bench_user() -> Any:
    """The commander the benches sign in as (made once per camp)."""
    from django.contrib.auth.models import User

    from haven.accounts.services import create_user

    if not User.objects.filter(username="bench").exists():
        create_user(username="bench", password=None, role="commander")
    return User.objects.get(username="bench")


def build_stock(ledger: int) -> None:
    from django.utils import timezone

    from bench.ledger import DAYS, make_movements
    from haven.stock import services
    from haven.stock.models import Item, Lot

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
        for n in range(ITEMS)
    )
    stores = [services.create_store(by=None, name=f"Bench store {n}").pk for n in range(STORES)]
    today = timezone.localdate()
    rng = random.Random(3)
    Lot.objects.bulk_create(
        Lot(item=item, code=f"L{k}", expiry_date=today + timedelta(days=rng.randint(30, 700)))
        for item in Item.objects.filter(code__startswith="bench-")
        for k in range(2)
    )
    lots = list(Lot.objects.filter(code__in=["L0", "L1"]).values_list("pk", "item_id"))
    # Each slice spans the last DAYS days, receiving before it issues.
    start = timezone.now() - timedelta(days=DAYS, minutes=1)
    for offset in range(0, ledger, 200_000):
        moves = make_movements(min(200_000, ledger - offset), lots, stores, start, seed=offset)
        for chunk in range(0, len(moves), CHUNK):
            services.post_many(by=None, movements=moves[chunk : chunk + CHUNK])


def build_people(count: int) -> None:
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from haven.core.bulk import insert_rows
    from haven.people.models import Person, Team, fold, person_search_key

    teams = [Team.objects.create(name=f"Bench team {n}").pk for n in range(20)]
    rng = random.Random(11)
    now = timezone.now()
    made = 0
    seed = 0
    while made < count:
        records, _ = generate_camp(min(50_000, count - made), seed=seed, duplicate_share=0.0)
        seed += 1
        rows: list[dict[str, Any]] = []
        for record in records[: count - made]:
            name = f"{record.given_name} {record.family_name}".strip()
            status = rng.choice(STATUSES)
            rows.append(
                {
                    "record_id": f"bench/{made + len(rows)}",
                    "full_name": name,
                    "given_name": record.given_name,
                    "family_name": record.family_name,
                    "sex": record.sex or "u",
                    "date_of_birth": record.date_of_birth,
                    "phone": record.phone,
                    "team_id": rng.choice(teams) if rng.random() < 0.05 else None,
                    "pregnant_or_lactating": record.sex == "f" and rng.random() < 0.03,
                    "extra_energy_kcal": 300 if rng.random() < 0.02 else 0,
                    "status": status,
                    "status_changed_at": now,
                    "created_at": now,
                    "search_text": fold(name),
                    # As every registration and import writes it: the duplicate check and
                    # the forgiving search read it (an empty key finds no namesakes).
                    "search_key": person_search_key(
                        name, record.given_name, record.family_name, ""
                    ),
                }
            )
        with transaction.atomic():
            start_after = Person.objects.aggregate(last=Max("pk"))["last"] or 0
            insert_rows(Person, rows)
            added = _aggregates_hook()
            if added is not None:
                added(start_after)
            _index_names(start_after)
        made += len(rows)


def _aggregates_hook() -> Callable[[int], None] | None:
    """The people aggregates' bulk-insert hook, when this version of Haven keeps them."""
    try:
        aggregates = importlib.import_module("haven.people.aggregates")
    except ImportError:
        return None
    hook: Callable[[int], None] | None = getattr(aggregates, "people_inserted", None)
    return hook


def _index_names(start_after: int) -> None:
    """Index the names of the people just inserted, as the importer does, when this version
    of Haven keeps a name-token index (the duplicate check reads it)."""
    try:
        nametokens = importlib.import_module("haven.people.nametokens")
    except ImportError:
        return
    from haven.people.models import Person

    written = Person.objects.filter(pk__gt=start_after).values_list("pk", "search_key")
    nametokens.add(written.iterator(chunk_size=10_000))


def timed(get: Callable[[], Any]) -> tuple[float, int]:
    """Milliseconds and SQL queries of one call."""
    elapsed, _cpu, queries = timed_cpu(get)
    return elapsed, queries


def timed_cpu(get: Callable[[], Any]) -> tuple[float, float, int]:
    """Milliseconds, milliseconds of this process's CPU, and SQL queries of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        get()
        elapsed = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
    return elapsed, cpu_ms, len(queries.captured_queries)


def panel_costs(client: Any) -> tuple[tuple[float, int], list[tuple[str, float, int]]]:
    """Each area's `panels(request)` as the signed-in commander: (area, median ms of 3,
    queries), costliest first — what to look at when the dashboard is slow. As in
    `collect_panels`, the headcount classes are read once for every area: that read comes
    first, (ms, queries), and is not counted again in any area's."""
    from django.contrib.auth import get_user
    from django.test import RequestFactory

    from haven.core.registry import app_modules
    from haven.people.aggregates import shared_reads, snapshot

    request = RequestFactory().get("/")
    request.session = client.session
    request.user = get_user(request)
    costs = []
    with shared_reads():
        shared = timed(snapshot)
        for label, module in app_modules("dashboard"):
            runs = [timed(partial(module.panels, request)) for _ in range(3)]
            costs.append((label, statistics.median(ms for ms, _ in runs), runs[-1][1]))
    return shared, sorted(costs, key=lambda cost: -cost[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ledger", type=int, default=None, help="entries (default: --people)")
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--quick", action="store_true", help="10,000 people and entries")
    parser.add_argument("--camp", default="", help="data folder to keep and reuse the camp in")
    parser.add_argument(
        "--no-warm-up", action="store_true", help="leave out the serving process's warm-up"
    )
    args = parser.parse_args()
    people = 10_000 if args.quick else args.people
    ledger = people if args.ledger is None else args.ledger
    if args.quick and args.ledger is None:
        ledger = 10_000

    workdir = open_database("haven-bench-dashboard-", args.database_url, args.reset, args.camp)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from haven.people.models import Person
    from haven.people.services import register_person
    from haven.stock import services as stock
    from haven.stock.models import Item, Store

    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite WAL"
    print(f"Haven dashboard bench: {people:,} people, {ledger:,} ledger entries, {engine}")
    if args.camp and camp_built():
        print(f"  reused the camp kept in {workdir}")
    else:
        began = time.perf_counter()
        build_stock(ledger)
        print(f"  built the ledger in {time.perf_counter() - began:.0f} s")
        began = time.perf_counter()
        build_people(people)
        print(f"  built the registry in {time.perf_counter() - began:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client()
    client.force_login(bench_user())
    if args.no_warm_up:
        warm_up_ms = warm_up_cpu = None
        warm_up_queries = 0
    else:
        from haven.core.warmup import warm_up

        warm_up_ms, warm_up_cpu, warm_up_queries = timed_cpu(warm_up)

    def get(path: str) -> Callable[[], None]:
        def fetch() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return fetch

    def count_people() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM people_person")
            cursor.fetchone()

    get("/healthz")()
    healthz = statistics.median(timed(get("/healthz"))[0] for _ in range(9))
    scan = statistics.median(timed(count_people)[0] for _ in range(3))

    cache.clear()
    first, first_cpu, first_queries = timed_cpu(get("/"))
    warm_runs = [timed_cpu(get("/")) for _ in range(5)]
    warm = statistics.median(ms for ms, _, _ in warm_runs)
    warm_cpu = statistics.median(cpu for _, cpu, _ in warm_runs)
    warm_queries = warm_runs[-1][2]

    food = Item.objects.filter(category="food").order_by("code").first()
    store = Store.objects.order_by("pk").first()
    after_runs = []
    for n in range(3):
        register_person(by=None, full_name=f"Bench newcomer {n}", sex="f")
        if food is not None and store is not None and stock.on_hand(food, store) >= 1:
            stock.issue(by=None, item=food, store=store, quantity=1, purpose="distribution")
        after_runs.append(timed_cpu(get("/")))
    after = statistics.median(ms for ms, _, _ in after_runs)
    after_cpu = statistics.median(cpu for _, cpu, _ in after_runs)
    after_queries = after_runs[-1][2]

    def line(
        what: str,
        ms: float,
        queries: int | None = None,
        aim: bool = True,
        cpu: float | None = None,
    ) -> None:
        shown = f"{queries:4d} queries" if queries is not None else " " * 12
        spent = f"CPU {cpu:7.1f} ms" if cpu is not None else " " * 14
        mark = ("ok" if ms < AIM_MS else f"over {AIM_MS} ms") if aim else ""
        print(f"  {what:<28} {ms:9.1f} ms  {ms / healthz:8.1f}× /healthz  {shown}  {spent}  {mark}")

    (shared_ms, shared_queries), per_panel = panel_costs(client)
    print(f"  ({Person.objects.count():,} people; load average {os.getloadavg()[0]:.2f})")
    line("/healthz (baseline)", healthz, aim=False)
    line("SELECT count(*) of people", scan, aim=False)
    if warm_up_ms is None or warm_up_cpu is None:
        print("  no warm-up: the first render pays the process's start-up (--no-warm-up)")
    else:
        line("warm-up, before serving", warm_up_ms, warm_up_queries, aim=False, cpu=warm_up_cpu)
    line("dashboard, first render", first, first_queries, cpu=first_cpu)
    line("dashboard, warm", warm, warm_queries, cpu=warm_cpu)
    line("dashboard, after a write", after, after_queries, cpu=after_cpu)
    print("  each area's panels, gathered (warm; drawing them not counted):")
    print(f"    {'headcount classes, shared':<26} {shared_ms:9.1f} ms  {shared_queries:4d} queries")
    for label, ms, queries in per_panel:
        print(f"    {label:<26} {ms:9.1f} ms  {queries:4d} queries")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS {rss:,.0f} MB (bench and server in one process)")
    connection.close()
    if not args.camp:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
