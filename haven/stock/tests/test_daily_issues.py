"""The kept daily issues (item × camp day) equal a recount of the ledger after any sequence
of issues, receipts, transfers, bulk posts and corrections; `haven rebuild` proves and
repairs them, and the runway reads them instead of the ledger."""

from __future__ import annotations

import contextlib
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.core.errors import HavenError
from haven.stock import services
from haven.stock.models import DailyIssue, LedgerEntry, Store
from haven.stock.runway import camp_runway, daily_issues

ITEMS = ("ration-pack", "trauma-kit")
quantities = st.integers(1, 6)
days_ago = st.integers(0, 3)
events = st.one_of(
    st.tuples(st.just("receive"), st.integers(0, 1), st.integers(0, 1), quantities),
    st.tuples(st.just("issue"), st.integers(0, 1), st.integers(0, 1), quantities, days_ago),
    st.tuples(st.just("transfer"), st.integers(0, 1), st.integers(0, 1), quantities),
    st.tuples(st.just("adjust"), st.integers(0, 1), st.integers(0, 1), quantities),
    st.tuples(st.just("correct"), st.integers(0, 50)),
    st.tuples(
        st.just("bulk"),
        st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1), quantities, days_ago), max_size=6),
    ),
)


def _apply(event: tuple[Any, ...], stores: list[Store]) -> None:
    kind = event[0]
    now = timezone.now()
    if kind == "correct":
        entries = list(LedgerEntry.objects.order_by("pk"))
        if entries:
            services.reverse(by=None, entry=entries[event[1] % len(entries)], reason="mistake")
        return
    if kind == "bulk":
        moves = []
        for item_index, store_index, quantity, ago in event[1]:
            [receipt] = services.receive(
                by=None,
                item=ITEMS[item_index],
                store=stores[store_index],
                quantity=quantity,
                source="donation",
            )
            moves.append(
                services.Movement(
                    "issue",
                    "distribution",
                    receipt.item_id,
                    receipt.lot_id,
                    receipt.store_id,
                    Decimal(-quantity),
                    now - timedelta(days=ago),
                )
            )
        services.post_many(by=None, movements=moves)
        return
    item, store, quantity = ITEMS[event[1]], stores[event[2]], event[3]
    if kind == "receive":
        services.receive(by=None, item=item, store=store, quantity=quantity, source="donation")
    elif kind == "issue":
        services.issue(
            by=None,
            item=item,
            store=store,
            quantity=Decimal(quantity) / 2,
            purpose="person",
            at=now - timedelta(days=event[4]),
        )
    elif kind == "transfer":
        services.transfer(
            by=None, item=item, from_store=store, to_store=stores[1 - event[2]], quantity=quantity
        )
    else:
        services.adjust(by=None, item=item, store=store, quantity=quantity, reason="damaged")


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(events, max_size=12))
def test_any_sequence_of_postings_keeps_the_daily_issues_equal_to_a_recount(
    sequence: list[tuple[Any, ...]],
) -> None:
    stores = [Store.objects.get_or_create(name=name)[0] for name in ("Depot A", "Depot B")]
    for event in sequence:
        # A refused posting writes nothing: the totals must still be exact.
        with contextlib.suppress(HavenError):
            _apply(event, stores)
    assert services.rebuild_daily_issues() == []
    kept = {(row.item_id, row.day): (row.quantity, row.entries) for row in DailyIssue.objects.all()}
    assert kept == services.ledger_daily_issues()


def test_rebuild_names_a_difference_exits_1_and_fix_repairs_it(store: Store, ration: Any) -> None:
    services.receive(by=None, item=ration, store=store, quantity=10, source="donation")
    services.issue(by=None, item=ration, store=store, quantity=4, purpose="person")
    services.issue(by=None, item=ration, store=store, quantity=1, purpose="person")
    today = timezone.localdate()
    DailyIssue.objects.filter(item=ration, day=today).update(quantity=-9)
    DailyIssue.objects.create(item=ration, day=today - timedelta(days=2), quantity=-1, entries=1)
    with pytest.raises(CommandError) as refused:
        call_command("rebuild", stdout=io.StringIO())
    assert refused.value.returncode == 1
    out = io.StringIO()
    call_command("rebuild", "--fix", stdout=out)
    assert f"issues of item {ration.pk} on {today}: stored -9 in 2 entries, ledger -5 in 2" in (
        out.getvalue()
    )
    call_command("rebuild", stdout=io.StringIO())
    assert list(DailyIssue.objects.values_list("day", "quantity", "entries")) == [
        (today, Decimal(-5), 2)
    ]


def test_the_runway_reads_the_daily_issues_not_the_ledger(store: Store, ration: Any) -> None:
    services.receive(by=None, item=ration, store=store, quantity=30, source="donation")
    yesterday = timezone.now() - timedelta(days=1)
    [entry] = services.issue(
        by=None, item=ration, store=store, quantity=6, purpose="person", at=yesterday
    )
    services.issue(by=None, item=ration, store=store, quantity=2, purpose="person", at=yesterday)
    services.reverse(by=None, entry=entry, reason="wrong person")
    today = timezone.localdate()
    # As the ledger has it: a correction counts on the day it is posted (today, not in the
    # window that ends yesterday), as the runway counted it when it read the ledger.
    assert daily_issues(today, 3)[ration.pk] == [None, None, 8.0]
    assert daily_issues(today + timedelta(days=1), 2)[ration.pk] == [8.0, 0.0]
    with CaptureQueriesContext(connection) as queries:
        camp_runway()
    ledger = f'"{LedgerEntry._meta.db_table}"'
    assert not [q["sql"] for q in queries.captured_queries if ledger in q["sql"]]
