"""The runway forecast (the dashboard's "Running out" panel, the forecast page) reads its
daily use from the kept daily issues, with the figures the ledger's issues gave."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.core import computed
from haven.rations import adapters
from haven.rations.dashboard import risk_rows
from haven.rations.tests.conftest import Camp
from haven.stock import services as stock
from haven.stock.choices import EntryKind
from haven.stock.models import LedgerEntry

pytestmark = pytest.mark.django_db


def _from_the_ledger(since: date, today: date) -> list[tuple[date, int, Decimal]]:
    """How the forecast counted issues before the daily issues were kept: the ledger."""
    rows = (
        LedgerEntry.objects.filter(kind=EntryKind.ISSUE, day__gt=since, day__lte=today)
        .values_list("day", "item")
        .annotate(total=Sum("quantity"))
        .order_by("day", "item")
    )
    return [(day, item, total) for day, item, total in rows]


def _camp_with_corrections_and_bulk_postings(camp: Camp, clerk: Any) -> None:
    now = timezone.now()
    for code, quantity in (("cereal", 40), ("drinking-water", 600), ("scrap-metal", 20)):
        stock.receive(by=clerk, item=code, store=camp.store, quantity=quantity, source="donation")

    def issue(code: str, quantity: str, days_ago: int) -> Any:
        [entry] = stock.issue(
            by=clerk,
            item=code,
            store=camp.store,
            quantity=Decimal(quantity),
            purpose="distribution",
            at=now - timedelta(days=days_ago),
        )
        return entry

    issue("cereal", "3", 6)
    wrong = issue("cereal", "5", 4)
    issue("drinking-water", "90.5", 4)
    # Scrap feeds no one but its issue opens the history, as it did in the ledger.
    issue("scrap-metal", "2", 9)
    stock.reverse(by=clerk, entry=wrong, reason="counted twice")  # a correction, posted today
    handed_out = issue("drinking-water", "12", 2)
    stock.reverse(by=clerk, entry=handed_out, reason="never handed out")
    # Today has issues as well as the corrections posted today.
    issue("cereal", "6.5", 0)
    issue("drinking-water", "20", 0)
    moves = []
    for code, quantity, days_ago in (
        ("cereal", 2, 3),
        ("cereal", 4, 1),
        ("drinking-water", 45, 3),
        ("drinking-water", 30, 1),
        ("drinking-water", 15, 40),  # outside the history window
    ):
        [receipt] = stock.receive(
            by=clerk, item=code, store=camp.store, quantity=quantity, source="donation"
        )
        moves.append(
            stock.Movement(
                "issue",
                "distribution",
                receipt.item_id,
                receipt.lot_id,
                receipt.store_id,
                Decimal(-quantity),
                now - timedelta(days=days_ago),
            )
        )
    stock.post_many(by=clerk, movements=moves)


def test_the_forecast_reads_the_same_daily_use_from_the_daily_issues_as_from_the_ledger(
    camp: Camp, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _camp_with_corrections_and_bulk_postings(camp, users["clerk"])
    today = timezone.localdate()
    assert adapters.issued_by_day(today - timedelta(days=14), today) == _from_the_ledger(
        today - timedelta(days=14), today
    )
    kept = adapters.forecast_inputs(history_days=14)
    with CaptureQueriesContext(connection) as queries:
        panel = risk_rows()
    # Of the ledger, the panel reads only the receipts missions brought (the mission yields).
    ledger = f'"{LedgerEntry._meta.db_table}"'
    [receipts] = [q["sql"] for q in queries.captured_queries if ledger in q["sql"]]
    assert "'mission'" in receipts
    monkeypatch.setattr(adapters, "issued_by_day", _from_the_ledger)
    assert adapters.forecast_inputs(history_days=14) == kept
    assert risk_rows() == panel
    # The history is a real one: ten days from the scrap issue, corrections netted out.
    water = next(need for need in kept.needs if need.need == "litres")
    assert len(water.daily_use_per_person) == 10
    assert sum(water.daily_use_per_person) * kept.headcount == pytest.approx(90.5 + 45 + 30 + 20)
    assert panel


def test_the_dashboard_reads_no_ledger_entries(
    camp: Camp, users: dict[str, Any], client_as: Any
) -> None:
    """Only the forecast's state marker touches the ledger: the newest entry's id, read
    from the end of the primary key's index (it counts no rows); no entry is read."""
    _camp_with_corrections_and_bulk_postings(camp, users["clerk"])
    computed.run_once()
    table = f'"{LedgerEntry._meta.db_table}"'
    with CaptureQueriesContext(connection) as queries:
        page = client_as("commander").get("/").content.decode()
    assert "Running out" in page and "as of just now" in page
    reads = [q["sql"] for q in queries.captured_queries if table in q["sql"]]
    assert reads == [f'SELECT MAX({table}."id") AS "last" FROM {table}']
