"""Stock API: catalogue and levels, stores, the ledger, runway, and every ledger posting."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.core.errors import HavenError
from haven.stock import services
from haven.stock.choices import AdjustmentReason, IssuePurpose, ReceiptSource, StoreKind
from haven.stock.models import Balance, Item, LedgerEntry, Store
from haven.stock.permissions import may_issue
from haven.stock.runway import CampRunway, ItemRunwayRow, camp_runway

router = Router(tags=["stock"])


def _days(value: float) -> float | None:
    """JSON has no infinity: a runway that never ends is null."""
    return None if math.isinf(value) else round(value, 2)


class ItemOut(Schema):
    id: int
    code: str
    name: str
    category: str
    medical_category: str
    unit: str
    kcal_per_unit: Decimal
    litres_per_unit: Decimal
    doses_per_unit: Decimal
    covered_area_m2: Decimal
    expires: bool
    min_level: Decimal
    reorder_level: Decimal
    on_hand: Decimal
    daily_use: float
    days_of_supply: float | None = Field(
        description="Days of supply of the need the item serves (haven.stock.runway), "
        "else on hand ÷ its own daily use; null when it never runs out."
    )
    need: str | None = Field(description="The need it serves: kcal, litres, medical:<category>")
    status: str


class StoreIn(Schema):
    name: str
    kind: StoreKind = StoreKind.WAREHOUSE
    location: str = ""


class StoreOut(Schema):
    id: int
    name: str
    kind: str
    location: str


class BalanceOut(Schema):
    item_id: int
    item: str
    unit: str
    lot: str
    expiry_date: date | None
    expired: bool
    store_id: int
    store: str
    quantity: Decimal


class EntryOut(Schema):
    id: int
    kind: str
    reason: str
    item_id: int
    item: str
    lot: str
    store_id: int
    store: str
    quantity: Decimal
    balance_after: Decimal
    counted_quantity: Decimal | None
    occurred_at: datetime
    recorded_by: str | None
    reference: str
    note: str
    person_id: int | None
    mission_id: int | None
    counterpart_id: int | None
    reverses_id: int | None
    accepted_expired: bool = Field(description="A receipt of a lot already past its expiry")


class ReceiveIn(Schema):
    item: str
    store: str
    quantity: Decimal
    source: ReceiptSource
    lot_code: str | None = None
    expiry_date: date | None = None
    reference: str = ""
    note: str = ""
    accept_expired: bool = Field(
        False, description="Confirm receiving a lot already past its expiry (else refused)"
    )


class IssueIn(Schema):
    item: str
    store: str
    quantity: Decimal
    purpose: IssuePurpose
    lot_code: str | None = None
    person_id: int | None = None
    reference: str = ""
    note: str = ""


class TransferIn(Schema):
    item: str
    from_store: str
    to_store: str
    quantity: Decimal
    lot_code: str | None = None
    reference: str = ""
    note: str = ""


class AdjustIn(Schema):
    item: str
    store: str
    quantity: Decimal
    reason: AdjustmentReason
    lot_code: str | None = None
    note: str = ""


class CountIn(Schema):
    item: str
    store: str
    counted: Decimal
    lot_code: str | None = None
    note: str = ""


class ReverseIn(Schema):
    reason: str


class NeedOut(Schema):
    need: str
    label: str
    unit: str
    on_hand: float
    daily_use: float
    daily_need: float
    days_by_consumption: float | None
    days_by_need: float | None
    days_of_supply: float | None
    status: str


class RunwayOut(Schema):
    today: date
    headcount: int
    window_days: int
    needs: list[NeedOut]
    items: list[ItemOut]


def item_out(row: ItemRunwayRow) -> dict[str, Any]:
    item = row.item
    return {
        "id": item.pk,
        "code": item.code,
        "name": item.name,
        "category": item.category,
        "medical_category": item.medical_category,
        "unit": item.unit,
        "kcal_per_unit": item.kcal_per_unit,
        "litres_per_unit": item.litres_per_unit,
        "doses_per_unit": item.doses_per_unit,
        "covered_area_m2": item.covered_area_m2,
        "expires": item.expires,
        "min_level": item.min_level,
        "reorder_level": item.reorder_level,
        "on_hand": row.on_hand,
        "daily_use": round(row.runway.recent_rate, 3),
        "days_of_supply": _days(row.days_of_supply),
        "need": row.need.need if row.need is not None else None,
        "status": row.status.value,
    }


def balance_out(balance: Balance) -> dict[str, Any]:
    return {
        "item_id": balance.item_id,
        "item": balance.item.name,
        "unit": balance.item.unit,
        "lot": balance.lot.label,
        "expiry_date": balance.lot.expiry_date,
        "expired": balance.lot.is_expired(),
        "store_id": balance.store_id,
        "store": balance.store.name,
        "quantity": balance.quantity,
    }


def entry_out(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "reason": entry.reason,
        "item_id": entry.item_id,
        "item": entry.item.name,
        "lot": entry.lot.label,
        "store_id": entry.store_id,
        "store": entry.store.name,
        "quantity": entry.quantity,
        "balance_after": entry.balance_after,
        "counted_quantity": entry.counted_quantity,
        "occurred_at": entry.occurred_at,
        "recorded_by": entry.recorded_by.get_username() if entry.recorded_by else None,
        "reference": entry.reference,
        "note": entry.note,
        "person_id": entry.person_id,
        "mission_id": entry.mission_id,
        "counterpart_id": entry.counterpart_id,
        "reverses_id": entry.reverses_id,
        "accepted_expired": entry.accepted_expired,
    }


def runway_out(runway: CampRunway) -> dict[str, Any]:
    return {
        "today": runway.today,
        "headcount": runway.headcount,
        "window_days": runway.window_days,
        "needs": [
            {
                "need": row.need,
                "label": row.label,
                "unit": row.unit,
                "on_hand": row.runway.on_hand,
                "daily_use": row.runway.recent_rate,
                "daily_need": row.runway.planned_daily_need,
                "days_by_consumption": _days(row.runway.days_by_consumption),
                "days_by_need": _days(row.runway.days_by_need),
                "days_of_supply": _days(row.runway.days_of_supply),
                "status": row.status.value,
            }
            for row in runway.needs
        ],
        "items": [item_out(row) for row in runway.items],
    }


def _lot(item: str, code: str | None) -> Any:
    return services.get_lot(item, code) if code else None


@router.get("/items", response=list[ItemOut], summary="The catalogue with levels and runway")
def list_items(request: HttpRequest, category: str = "") -> list[dict[str, Any]]:
    require(request.user, "stock.view_item")
    items = Item.objects.all()
    if category:
        items = items.filter(category=category)
    return [item_out(row) for row in camp_runway(items=list(items)).items]


@router.get("/items/{ref}", response=ItemOut, summary="One item with level and runway")
def get_item(request: HttpRequest, ref: str) -> dict[str, Any]:
    require(request.user, "stock.view_item")
    item = services.get_item(ref)
    return item_out(camp_runway(items=[item]).items[0])


@router.get("/items/{ref}/ledger", response=list[EntryOut], summary="An item's ledger")
def item_ledger(
    request: HttpRequest, ref: str, store: str = "", limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    require(request.user, "stock.view_ledgerentry")
    entries = services.ledger_for(ref, store or None)
    limit, offset = min(max(limit, 1), 1000), max(offset, 0)
    return [entry_out(e) for e in entries.select_related("item")[offset : offset + limit]]


@router.get("/runway", response=RunwayOut, summary="Days of supply per need and per item")
def runway(request: HttpRequest) -> dict[str, Any]:
    require(request.user, "stock.view_item")
    return runway_out(camp_runway())


@router.get("/stores", response=list[StoreOut], summary="Stores")
def list_stores(request: HttpRequest) -> Any:
    require(request.user, "stock.view_store")
    return Store.objects.all()


@router.post("/stores", response={201: StoreOut}, summary="Open a store")
def create_store(request: HttpRequest, payload: StoreIn) -> WithStatus[Any]:
    require(request.user, "stock.add_store")
    return WithStatus(201, services.create_store(by=request.user, **payload.dict()))


@router.get("/balances", response=list[BalanceOut], summary="Stock on hand by lot and store")
def list_balances(request: HttpRequest, store: str = "", item: str = "") -> list[dict[str, Any]]:
    require(request.user, "stock.view_balance")
    balances = Balance.objects.filter(quantity__gt=0).select_related("item", "lot", "store")
    if store:
        balances = balances.filter(store=services.get_store(store))
    if item:
        balances = balances.filter(item=services.get_item(item))
    return [balance_out(b) for b in balances]


def _entries(entries: list[LedgerEntry]) -> WithStatus[list[dict[str, Any]]]:
    ids = [e.pk for e in entries]
    fresh = LedgerEntry.objects.filter(pk__in=ids).select_related(
        "item", "lot", "store", "recorded_by"
    )
    return WithStatus(201, [entry_out(e) for e in sorted(fresh, key=lambda e: ids.index(e.pk))])


@router.post("/receive", response={201: list[EntryOut]}, summary="Receive stock")
def receive(request: HttpRequest, payload: ReceiveIn) -> WithStatus[list[dict[str, Any]]]:
    require(request.user, "stock.receive_stock")
    try:
        return _entries(services.receive(by=request.user, **payload.dict()))
    except services.ExpiredLotError as error:
        raise HavenError(f'{error}: send "accept_expired": true to receive it') from error


@router.post("/issue", response={201: list[EntryOut]}, summary="Issue stock (FEFO)")
def issue(request: HttpRequest, payload: IssueIn) -> WithStatus[list[dict[str, Any]]]:
    item = services.get_item(payload.item)
    if not may_issue(request.user, item):
        raise PermissionDenied(f"your role may not issue {item.name}")
    person = None
    if payload.person_id is not None:
        from haven.people.services import get_person

        person = get_person(payload.person_id)
    return _entries(
        services.issue(
            by=request.user,
            item=item,
            store=payload.store,
            quantity=payload.quantity,
            purpose=payload.purpose,
            lot=_lot(payload.item, payload.lot_code),
            person=person,
            reference=payload.reference,
            note=payload.note,
        )
    )


@router.post("/transfer", response={201: list[EntryOut]}, summary="Move stock between stores")
def transfer(request: HttpRequest, payload: TransferIn) -> WithStatus[list[dict[str, Any]]]:
    require(request.user, "stock.transfer_stock")
    values = payload.dict()
    lot = _lot(payload.item, values.pop("lot_code"))
    return _entries(services.transfer(by=request.user, lot=lot, **values))


@router.post("/adjust", response={201: list[EntryOut]}, summary="Adjust stock with a reason")
def adjust(request: HttpRequest, payload: AdjustIn) -> WithStatus[list[dict[str, Any]]]:
    require(request.user, "stock.adjust_stock")
    return _entries(services.adjust(by=request.user, **payload.dict()))


@router.post("/count", response={201: list[EntryOut]}, summary="Post a physical count")
def count(request: HttpRequest, payload: CountIn) -> WithStatus[list[dict[str, Any]]]:
    require(request.user, "stock.count_stock")
    return _entries([services.count(by=request.user, **payload.dict())])


@router.post(
    "/entries/{int:entry_id}/reverse", response={201: list[EntryOut]}, summary="Correct an entry"
)
def reverse(
    request: HttpRequest, entry_id: int, payload: ReverseIn
) -> WithStatus[list[dict[str, Any]]]:
    require(request.user, "stock.reverse_entry")
    entry = services.get_entry(entry_id)
    return _entries(services.reverse(by=request.user, entry=entry, reason=payload.reason))
