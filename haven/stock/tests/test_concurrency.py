"""Eight clerks issuing from one lot at once: the balance never goes below zero.

On SQLite the test database is a file in WAL mode with IMMEDIATE transactions, so the
threads really contend; on PostgreSQL the balance rows are locked with select_for_update.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from haven.core.errors import HavenError
from haven.stock import services
from haven.stock.models import Balance, LedgerEntry

THREADS = 8
ATTEMPTS = 12
START = Decimal(100)


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_overdraw(catalogue: None) -> None:
    store = services.create_store(by=None, name="Contended store")
    [receipt] = services.receive(
        by=None, item="ration-pack", store=store, quantity=START, lot_code="ONE", source="donation"
    )
    lot = receipt.lot
    acknowledged: list[Decimal] = []
    refused: list[str] = []
    unexpected: list[BaseException] = []
    barrier = threading.Barrier(THREADS)
    guard = threading.Lock()

    def clerk(number: int) -> None:
        try:
            barrier.wait()
            for attempt in range(ATTEMPTS):
                quantity = Decimal(1 + (number + attempt) % 3)
                try:
                    services.issue(
                        by=None,
                        item="ration-pack",
                        store=store,
                        quantity=quantity,
                        purpose="distribution",
                        lot=lot,
                        reference=f"clerk {number}",
                    )
                except HavenError as error:
                    with guard:
                        refused.append(str(error))
                else:
                    with guard:
                        acknowledged.append(quantity)
        except BaseException as error:  # surfaced below: a thread must not fail silently
            with guard:
                unexpected.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert unexpected == []
    issued = sum(acknowledged, Decimal(0))
    assert issued <= START
    balance = Balance.objects.get(lot=lot, store=store).quantity
    assert balance == START - issued
    assert balance >= 0
    assert refused, "more was asked for than there was: some issues must be refused"
    assert LedgerEntry.objects.filter(kind="issue").count() == len(acknowledged)
    assert services.rebuild(by=None) == []
    # The day's issue total is one hot row every clerk upserts: no update is lost.
    assert services.rebuild_daily_issues() == []
