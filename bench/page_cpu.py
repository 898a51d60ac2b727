"""CPU of a signed-in page in-process, per role, as a ratio to `/healthz` in the same run.

    python -m bench.page_cpu [--people N] [--database-url URL] [--camp DIR] [--quick]

What a request costs the server's own Python (and SQLite's, which runs in-process), measured
with `time.process_time` through Django's test client: no HTTP server, no load generator,
so the figure holds on a machine other processes load, where `bench.load`'s req/s swing.
Builds (or, with `--camp`, reuses) the camp of `bench.dashboard`, signs in one user of each
role, and prints for the people list the CPU ms per request, the ratio to `/healthz` and the
queries it makes; then, as the commander, the same for a person's page and the dashboard.
PostgreSQL's own CPU (another process) is not counted: compare runs on the same database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from collections.abc import Callable
from typing import Any

RUNS = 40


def cpu_ms(fetch: Callable[[], Any], runs: int) -> float:
    """CPU ms per call, after one call that fills what a first call fills."""
    fetch()
    began = time.process_time()
    for _ in range(runs):
        fetch()
    return (time.process_time() - began) / runs * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--quick", action="store_true", help="10,000 people")
    parser.add_argument("--camp", default="", help="data folder to keep and reuse the camp in")
    parser.add_argument("--runs", type=int, default=RUNS, help="requests timed per page")
    args = parser.parse_args()
    people = 10_000 if args.quick else args.people

    from bench.dashboard import bench_user, build_or_reuse, open_database

    workdir = open_database("haven-bench-page-cpu-", args.database_url, args.reset, args.camp)
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from haven.accounts.choices import Role
    from haven.accounts.services import create_user
    from haven.people.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite WAL"
    print(f"Haven page CPU bench: {people:,} people, {engine}")
    build_or_reuse(people, workdir, args.camp)

    def measure(client: Client, path: str) -> tuple[float, int]:
        def fetch() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        ms = cpu_ms(fetch, args.runs)
        with CaptureQueriesContext(connection) as queries:
            fetch()
        return ms, len(queries)

    healthz, _ = measure(Client(), "/healthz")
    print(f"  (load average {os.getloadavg()[0]:.2f}; {args.runs} requests a page)")
    print(f"  {'page':<34} {'CPU ms':>8} {'÷ healthz':>10} {'queries':>8}")
    print(f"  {'/healthz (baseline)':<34} {healthz:8.2f} {1.0:9.1f}× {'':>8}")

    def line(label: str, client: Client, path: str) -> None:
        ms, queries = measure(client, path)
        print(f"  {label:<34} {ms:8.2f} {ms / healthz:9.1f}× {queries:8d}")

    commander = Client()
    commander.force_login(bench_user())
    line("people list, commander", commander, "/people/")
    for role in Role:
        if role == Role.COMMANDER:
            continue
        username = f"bench-{role.value}"
        if not User.objects.filter(username=username).exists():
            create_user(username=username, password=None, role=role.value)
        client = Client()
        client.force_login(User.objects.get(username=username))
        line(f"people list, {role.value}", client, "/people/")
    someone = Person.objects.order_by("pk").values_list("pk", flat=True).first()
    if someone is not None:
        line("a person's page, commander", commander, f"/people/{someone}/")
    line("dashboard, commander", commander, "/")
    connection.close()
    if not args.camp:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
