from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from haven.core.errors import HavenError, NotFoundError
from haven.stock import services
from haven.stock.models import Balance, Item, LedgerEntry, Store


def entries() -> int:
    return LedgerEntry.objects.count()


def test_receipt_creates_lot_and_balance(store: Store, ration: Item) -> None:
    [entry] = services.receive(
        by=None, item=ration, store=store, quantity="12.5", lot_code="A1", source="donation"
    )
    assert entry.kind == "receipt" and entry.quantity == Decimal("12.5")
    assert entry.balance_after == Decimal("12.5")
    assert services.on_hand(ration, store) == Decimal("12.5")


def test_issue_prefers_earliest_expiry(stocked: dict[str, Any], store: Store, ration: Item) -> None:
    taken = services.issue(by=None, item=ration, store=store, quantity=6, purpose="person")
    assert [(e.lot.code, e.quantity) for e in taken] == [
        ("EARLY", Decimal(-5)),
        ("LATE", Decimal(-1)),
    ]
    assert services.on_hand(ration) == 6


def test_issue_from_named_lot(stocked: dict[str, Any], store: Store, ration: Item) -> None:
    [entry] = services.issue(
        by=None, item=ration, store=store, quantity=2, purpose="person", lot=stocked["late"]
    )
    assert entry.lot == stocked["late"]


def test_issuing_more_than_on_hand_fails_and_writes_nothing(
    stocked: dict[str, Any], store: Store, ration: Item
) -> None:
    before = entries()
    with pytest.raises(HavenError) as error:
        services.issue(by=None, item=ration, store=store, quantity=40, purpose="distribution")
    assert str(error.value) == "cannot issue 40 × Ration pack (one day) from Store A: 12 on hand"
    assert entries() == before
    assert services.on_hand(ration, store) == 12


def test_expired_lots_are_not_issued_but_flagged(store: Store, ration: Item, today: date) -> None:
    services.receive(
        by=None,
        item=ration,
        store=store,
        quantity=4,
        lot_code="OLD",
        expiry_date=today - timedelta(days=1),
        source="donation",
        accept_expired=True,
    )
    with pytest.raises(HavenError, match="0 on hand; 4 more in expired lots"):
        services.issue(by=None, item=ration, store=store, quantity=1, purpose="person")
    assert [b.lot.code for b in services.expired_balances()] == ["OLD"]


def test_a_quantity_is_rounded_to_the_ledgers_precision_before_it_is_checked(
    store: Store, ration: Item
) -> None:
    entry = services.receive(
        by=None, item=ration, store=store, quantity="1.0004", source="donation"
    )[0]
    assert entry.quantity == Decimal("1.000")
    with pytest.raises(HavenError, match=r"quantity '0\.0004' must be > 0"):
        services.receive(by=None, item=ration, store=store, quantity="0.0004", source="donation")


@pytest.mark.parametrize("quantity", [-1, 0, "abc", "1e400", "NaN", "0.0004", True])
def test_bad_quantities_are_refused(
    stocked: dict[str, Any], store: Store, ration: Item, quantity: Any
) -> None:
    before = entries()
    with pytest.raises(HavenError, match="quantity"):
        services.issue(by=None, item=ration, store=store, quantity=quantity, purpose="person")
    assert entries() == before


def test_unknown_item_and_store(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no item 'unobtainium'"):
        services.receive(by=None, item="unobtainium", store=store, quantity=1, source="donation")
    with pytest.raises(NotFoundError, match="no store 'Nowhere'"):
        services.receive(by=None, item="soap", store="Nowhere", quantity=1, source="donation")


def test_unknown_purpose_and_source(store: Store, ration: Item) -> None:
    with pytest.raises(HavenError, match="source 'gift'"):
        services.receive(by=None, item=ration, store=store, quantity=1, source="gift")
    with pytest.raises(HavenError, match="purpose 'eat'"):
        services.issue(by=None, item=ration, store=store, quantity=1, purpose="eat")


def test_transfer_moves_lots_in_pairs(
    stocked: dict[str, Any], store: Store, other_store: Store, ration: Item
) -> None:
    legs = services.transfer(
        by=None, item=ration, from_store=store, to_store=other_store, quantity=6
    )
    assert [leg.kind for leg in legs] == ["transfer_out", "transfer_in"] * 2
    assert legs[0].counterpart == legs[1]
    assert services.on_hand(ration, store) == 6
    assert services.on_hand(ration, other_store) == 6
    assert services.on_hand(ration) == 12


def test_transfer_to_itself_is_refused(stocked: dict[str, Any], store: Store, ration: Item) -> None:
    with pytest.raises(HavenError, match="to itself"):
        services.transfer(by=None, item=ration, from_store=store, to_store=store, quantity=1)


def test_adjustments_add_or_remove_by_reason(
    stocked: dict[str, Any], store: Store, ration: Item
) -> None:
    services.adjust(by=None, item=ration, store=store, quantity=2, reason="damaged")
    services.adjust(by=None, item=ration, store=store, quantity=1, reason="found")
    assert services.on_hand(ration, store) == 11
    with pytest.raises(HavenError, match="reason 'eaten'"):
        services.adjust(by=None, item=ration, store=store, quantity=1, reason="eaten")
    with pytest.raises(HavenError, match=r"cannot write off \(stolen\) 50"):
        services.adjust(by=None, item=ration, store=store, quantity=50, reason="stolen")


def test_count_posts_the_difference(stocked: dict[str, Any], store: Store, ration: Item) -> None:
    entry = services.count(by=None, item=ration, store=store, counted=3, lot_code="EARLY")
    assert entry.quantity == -2 and entry.counted_quantity == 3
    same = services.count(by=None, item=ration, store=store, counted=3, lot=stocked["early"])
    assert same.quantity == 0
    assert services.on_hand(ration, store) == 10


def test_count_needs_the_lot_when_there_are_several(
    stocked: dict[str, Any], store: Store, ration: Item
) -> None:
    with pytest.raises(HavenError, match="2 lots in Store A"):
        services.count(by=None, item=ration, store=store, counted=3)


def test_count_of_a_missing_lot_is_refused(store: Store, ration: Item) -> None:
    before = entries()
    with pytest.raises(NotFoundError, match="no lot 'X9' of Ration pack"):
        services.count(by=None, item=ration, store=store, counted=3, lot_code="X9")
    assert entries() == before


def test_reversal_names_the_entry_and_happens_once(
    stocked: dict[str, Any], store: Store, ration: Item
) -> None:
    [issued] = services.issue(by=None, item=ration, store=store, quantity=2, purpose="person")
    [correction] = services.reverse(by=None, entry=issued, reason="wrong person")
    assert correction.reverses == issued and correction.quantity == 2
    assert services.on_hand(ration, store) == 12
    with pytest.raises(HavenError, match="already corrected"):
        services.reverse(by=None, entry=issued, reason="again")
    with pytest.raises(HavenError, match="itself a correction"):
        services.reverse(by=None, entry=correction, reason="undo")


def test_reversing_a_transfer_reverses_both_legs(
    stocked: dict[str, Any], store: Store, other_store: Store, ration: Item
) -> None:
    legs = services.transfer(
        by=None, item=ration, from_store=store, to_store=other_store, quantity=2
    )
    corrections = services.reverse(by=None, entry=legs[1], reason="never left")
    assert len(corrections) == 2
    assert services.on_hand(ration, store) == 12 and services.on_hand(ration, other_store) == 0


def test_a_receipt_already_issued_cannot_be_reversed(store: Store, ration: Item) -> None:
    [received] = services.receive(by=None, item=ration, store=store, quantity=3, source="donation")
    services.issue(by=None, item=ration, store=store, quantity=2, purpose="person")
    with pytest.raises(HavenError, match=f"cannot correct entry {received.pk}"):
        services.reverse(by=None, entry=received, reason="typo")
    assert services.on_hand(ration, store) == 1


def test_produce_is_all_or_nothing(store: Store) -> None:
    services.receive(by=None, item="scrap-metal", store=store, quantity=10, source="mission")
    entries_made = services.produce(
        by=None,
        store=store,
        consumed=[("scrap-metal", 4)],
        produced=[("tools", 1)],
        reference="order 1",
    )
    assert [e.kind for e in entries_made] == ["issue", "receipt"]
    assert all(e.reason == "fabrication" for e in entries_made)
    before = entries()
    with pytest.raises(HavenError, match="cannot issue 20 × Scrap metal"):
        services.produce(
            by=None, store=store, consumed=[("scrap-metal", 20)], produced=[("tools", 5)]
        )
    assert entries() == before and services.on_hand("tools") == 1


def test_balances_equal_the_ledger_and_rebuild_finds_tampering(
    stocked: dict[str, Any], store: Store, ration: Item
) -> None:
    services.issue(by=None, item=ration, store=store, quantity=6, purpose="person")
    assert services.rebuild(by=None) == []
    Balance.objects.filter(lot=stocked["late"]).update(quantity=99)
    [mismatch] = services.rebuild(by=None, fix=True)
    assert mismatch.stored == 99 and mismatch.from_ledger == 6
    assert services.rebuild(by=None) == []


def test_bulk_posting_keeps_balances_exact(store: Store, ration: Item) -> None:
    from django.utils import timezone

    lot = services.receive(by=None, item=ration, store=store, quantity=10, source="donation")[0].lot
    now = timezone.now()
    moves = [
        services.Movement("issue", "person", ration.pk, lot.pk, store.pk, Decimal(-1), now)
        for _ in range(4)
    ]
    result = services.post_many(by=None, movements=moves)
    assert result.entries == 4 and services.on_hand(ration) == 6
    assert services.rebuild(by=None) == []
    with pytest.raises(HavenError, match="row 7: cannot take 1 × Ration pack"):
        services.post_many(by=None, movements=moves * 2)
    assert services.on_hand(ration) == 6
