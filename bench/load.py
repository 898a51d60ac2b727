"""Drive `haven serve` over a large camp with a bounded load generator on 127.0.0.1.

    python -m bench.load [--people N] [--clients C] [--seconds S] [--database-url URL]
                         [--workers N [N ...]] [--quick]

Builds the camp of `bench.dashboard` (N people, N ledger entries), starts `haven serve`
(waitress, with its background worker; with `--workers N` of 2 or more, gunicorn with N
processes and one `haven worker`, PostgreSQL only) on a free port, and drives it with a built-in
asyncio HTTP/1.1 client (keep-alive, C connections, each sending its next request when the
last is answered): `/healthz`, the people list, a person page, the dashboard, a write
(a registration through the API), and then writes and dashboards at once. Prints req/s,
p50/p99/max in ms, the ratio of each to `/healthz` and the server's RSS (every process of
it). Several `--workers` values (`--workers 1 2`) measure each on the same camp, one after
the other, and print the ratio of each figure to the first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

Request = Callable[[random.Random], tuple[str, str, bytes]]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _client(
    port: int, make: Request, headers: str, until: float, tally: Tally, seed: int
) -> None:
    rng = random.Random(seed)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            method, path, body = make(rng)
            request = (
                f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            started = time.perf_counter()
            try:
                status = await _one(reader, writer, request)
            except (ConnectionError, asyncio.IncompleteReadError):
                tally.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            tally.latencies.append((time.perf_counter() - started) * 1000)
            if status >= 400:
                tally.errors += 1
    finally:
        writer.close()


async def drive(port: int, phases: list[tuple[Request, str, int]], seconds: float) -> list[Tally]:
    """Run each (request maker, headers, clients) at once for `seconds`."""
    until = time.perf_counter() + seconds
    tallies = [Tally() for _ in phases]
    await asyncio.gather(
        *(
            _client(port, make, headers, until, tally, seed=n * 1000 + c)
            for n, ((make, headers, clients), tally) in enumerate(zip(phases, tallies, strict=True))
            for c in range(clients)
        )
    )
    return tallies


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found += process_tree(int(child))
    return found


def rss_mb_of(pid: int) -> float:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0.0
    for line in lines:
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb(pid: int) -> float:
    """The resident memory of `pid` and its children (gunicorn's workers, `haven worker`)."""
    return sum(rss_mb_of(each) for each in process_tree(pid))


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1],
        help="server processes (1: waitress; 2+: gunicorn, PostgreSQL); several values "
        "measure each on the same camp",
    )
    parser.add_argument("--quick", action="store_true", help="10,000 people, 3 s a phase")
    parser.add_argument("--camp", default="", help="data folder to keep and reuse the camp in")
    args = parser.parse_args()
    if min(args.workers) < 1:
        parser.error("--workers must be 1 or more")
    if max(args.workers) > 1 and not args.database_url:
        parser.error("--workers 2 or more needs PostgreSQL: pass --database-url")
    people = 10_000 if args.quick else args.people
    seconds = 3.0 if args.quick else args.seconds
    if args.clients < 1 or seconds <= 0:
        parser.error("--clients must be at least 1 and --seconds more than 0")

    from bench.dashboard import bench_user, build_or_reuse, open_database

    workdir = open_database("haven-bench-load-", args.database_url, args.reset, args.camp)
    from django.db import connection
    from django.test import Client

    from haven.accounts.services import create_token
    from haven.people.models import Person

    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite WAL"
    print(f"Haven load bench: {people:,} people, {args.clients} clients, {engine}")
    build_or_reuse(people, workdir, args.camp)
    client = Client()
    client.force_login(bench_user())
    cookie = f"Cookie: sessionid={client.cookies['sessionid'].value}\r\n"
    token = create_token(username="bench")
    api = f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    ids = list(Person.objects.values_list("pk", flat=True)[:: max(1, people // 1000)])
    connection.close()

    names = iter(range(10**9))
    results: list[tuple[int, list[tuple[str, Tally]], float, float]] = []
    for workers in args.workers:
        rows, rss = run_server(workers, args.clients, seconds, cookie, api, ids, names)
        results.append((workers, rows, rss, os.getloadavg()[0]))
    for workers, rows, rss, load in results:
        server = "waitress, 1 process" if workers == 1 else f"gunicorn, {workers} processes"
        print(f"  {server} ({seconds:g} s a phase; load average {load:.2f})")
        report(rows, seconds, rss)
    if len(results) > 1:
        first_workers, first, _, _ = results[0]
        for workers, rows, _, _ in results[1:]:
            print(f"  {workers} processes ÷ {first_workers}:  {'req/s':>8} {'p99':>8}")
            for (label, tally), (_, base) in zip(rows, first, strict=True):
                rate = len(tally.latencies) / max(len(base.latencies), 1)
                p99 = percentile(tally.latencies, 99) / (percentile(base.latencies, 99) or 1.0)
                print(f"  {label:<26} {rate:7.2f}× {p99:7.2f}×")
    if not args.camp:
        shutil.rmtree(workdir, ignore_errors=True)


def run_server(
    workers: int,
    clients: int,
    seconds: float,
    cookie: str,
    api: str,
    ids: list[int],
    names: Iterator[int],
) -> tuple[list[tuple[str, Tally]], float]:
    """Start `haven serve` with `workers` processes, drive every phase; rows and RSS (MB)."""
    port = free_port()
    haven = Path(sys.executable).parent / "haven"
    server = subprocess.Popen(
        [str(haven), "serve", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        # A new data folder's first start collects and compresses the static files: minutes
        # on a busy machine.
        started = time.time()
        while time.time() < started + 900:
            if server.poll() is not None:
                raise SystemExit(f"haven serve exited with {server.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise SystemExit("haven serve did not answer within 15 minutes")
        print(f"  ({workers} process(es): the server answered after {time.time() - started:.0f} s)")

        def get(path: str) -> Request:
            return lambda rng: ("GET", path, b"")

        def person(rng: random.Random) -> tuple[str, str, bytes]:
            return "GET", f"/people/{rng.choice(ids)}/", b""

        def register(rng: random.Random) -> tuple[str, str, bytes]:
            body = json.dumps({"full_name": f"Load newcomer {next(names)}", "sex": "f"})
            return "POST", "/api/v1/people/", body.encode()

        asyncio.run(drive(port, [(get("/"), cookie, 1)], 2.0))  # warm up
        waited = wait_until_computed()
        print(f"  ({workers} process(es): the first forecast was current after {waited:.1f} s)")
        rows = []
        for label, phase in [
            ("/healthz", (get("/healthz"), "", clients)),
            ("people list", (get("/people/"), cookie, clients)),
            ("person page", (person, cookie, clients)),
            ("dashboard", (get("/"), cookie, clients)),
            ("write (registration)", (register, api, clients)),
        ]:
            [tally] = asyncio.run(drive(port, [phase], seconds))
            rows.append((label, tally))
        half = max(1, clients // 2)
        mixed = asyncio.run(drive(port, [(register, api, half), (get("/"), cookie, half)], seconds))
        rows += [("write, during dashboards", mixed[0]), ("dashboard, during writes", mixed[1])]
        rss = rss_mb(server.pid)
        each = ", ".join(f"{rss_mb_of(pid):.0f}" for pid in process_tree(server.pid))
        print(f"  ({workers} process(es): RSS MB of each process, the first the server's: {each})")
    finally:
        server.terminate()
        server.wait(timeout=60)
    return rows, rss


def wait_until_computed(timeout: float = 300.0) -> float:
    """Seconds until the worker has computed every result for the camp's present state, so
    the first phases do not share the machine with the first forecast."""
    from django.db import connection

    from haven.core import computed

    started = time.perf_counter()
    try:
        while time.perf_counter() - started < timeout:
            pending = [
                c.name
                for c in computed.computations().values()
                if not computed.latest(c.name, c.state()).current
            ]
            if not pending:
                break
            time.sleep(0.5)
    finally:
        connection.close()
    return time.perf_counter() - started


def report(rows: list[tuple[str, Tally]], seconds: float, rss: float) -> None:
    base = len(rows[0][1].latencies) / seconds or 1.0
    print(f"  {'':<26} {'req/s':>8} {'× healthz':>10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for label, tally in rows:
        done = tally.latencies or [0.0]
        rate = len(tally.latencies) / seconds
        errors = f"  {tally.errors} errors" if tally.errors else ""
        print(
            f"  {label:<26} {rate:8.1f} {rate / base:9.2f}× {statistics.median(done):8.1f} "
            f"{percentile(done, 99):8.1f} {max(done):8.1f}{errors}"
        )
    print(f"  server RSS {rss:,.0f} MB, every process (aim < 250 MB at 1,000,000 people)")


if __name__ == "__main__":
    main()
