"""What the audit chain's head-row lock costs concurrent writers.

    python -m bench.audit_lock [--writes N] [--threads T ...] [--database-url URL] [--reset]

Every write appends its audit event after the chain's head, which it locks from the append
to its commit, so writers take turns for that stretch. This registers N people through
`people.services.register_person` with T writer threads (each its own connection), once as
Haven does and once with the append replaced by nothing (the floor the lock is measured
against), and prints writes/s of both, their ratio, and (with one thread, where no other
thread's wait for the interpreter lands in it) the share of a write's time from getting the
head lock to its commit. On PostgreSQL the database must be empty, or `--reset` recreates it.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from functools import partial
from typing import Any


def run(threads: int, writes: int, tag: str) -> tuple[float, float]:
    """(seconds for `writes` registrations over `threads` threads, seconds under the lock)."""
    from django.db import connection, transaction

    from haven.people import services

    held: list[float] = []
    lock = threading.Lock()
    per_thread = writes // threads

    def writer(number: int) -> None:
        try:
            for n in range(per_thread):
                services.register_person(by=None, full_name=f"Audit {tag} {number}-{n}")
        finally:
            connection.close()

    from haven.audit import log

    real_lock = log._lock_head

    def timed_lock() -> Any:
        head = real_lock()
        transaction.on_commit(partial(_note, time.perf_counter()))
        return head

    def _note(started: float) -> None:
        with lock:
            held.append(time.perf_counter() - started)

    log._lock_head = timed_lock
    try:
        began = time.perf_counter()
        workers = [threading.Thread(target=writer, args=(k,)) for k in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return time.perf_counter() - began, sum(held)
    finally:
        log._lock_head = real_lock


def without_append(threads: int, writes: int, tag: str) -> tuple[float, float]:
    from haven.audit import log

    real_append = log.append
    setattr(log, "append", lambda **kwargs: None)  # noqa: B010 (a stand-in of another type)
    try:
        return run(threads, writes, tag)
    finally:
        log.append = real_append


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=400)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    args = parser.parse_args()

    from bench.dashboard import open_database

    open_database("haven-bench-audit-", args.database_url, args.reset)
    from django.db import connection

    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite WAL"
    print(f"Haven audit lock bench: {args.writes} registrations a run, {engine}")
    print(f"  {'threads':>7} {'with chain':>11} {'without':>9} {'ratio':>7} {'lock held':>10}")
    for threads in args.threads:
        with_chain, held = run(threads, args.writes, f"a{threads}")
        bare, _ = without_append(threads, args.writes, f"b{threads}")
        done = args.writes // threads * threads
        print(
            f"  {threads:>7} {done / with_chain:9.1f}/s {done / bare:7.1f}/s "
            f"{bare / with_chain:6.2f}× "
            + (f"{100 * held / with_chain:8.1f} %" if threads == 1 else f"{'—':>10}")
        )
    print(
        "  (ratio: writes/s with the chain ÷ without it; lock held: share of a write's time "
        "from getting the head lock to its commit, which other writers wait out; load average "
        f"{os.getloadavg()[0]:.2f})"
    )


if __name__ == "__main__":
    main()
