"""Stock API: catalogue and levels, stores, the ledger, runway, and every ledger posting."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.core.api import ApiRouter
from haven.core.errors import HavenError
from haven.core.pagination import PageQuery, page_of, paginate
from haven.core.policy_schema import PolicySchema
from haven.core.schemas import Id, column
from haven.stock import services
from haven.stock.choices import AdjustmentReason, Category, IssuePurpose, ReceiptSource, StoreKind
from haven.stock.models import Balance, Item, LedgerEntry, Lot, Store
from haven.stock.permissions import may_issue
from haven.stock.runway import CampRunway, ItemRunwayRow, NeedRunwayRow, camp_runway

router = ApiRouter(tags=["stock"])

# An item or a store named by id, code or name.
ItemRef = Annotated[str, column(Item, "name", min_length=1)]
StoreRef = Annotated[str, column(Store, "name", min_length=1)]


def _days(value: float) -> float | None:
    """JSON has no infinity: a runway that never ends is null."""
    return None if math.isinf(value) else round(value, 2)


class ItemOut(Schema):
    """An item of the catalogue with its level and runway (read from a runway row)."""

    id: int = Field(alias="item.pk")
    code: str = Field(alias="item.code")
    name: str = Field(alias="item.name")
    category: str = Field(alias="item.category")
    medical_category: str = Field(alias="item.medical_category")
    unit: str = Field(alias="item.unit")
    kcal_per_unit: Decimal = Field(alias="item.kcal_per_unit")
    litres_per_unit: Decimal = Field(alias="item.litres_per_unit")
    doses_per_unit: Decimal = Field(alias="item.doses_per_unit")
    covered_area_m2: Decimal = Field(alias="item.covered_area_m2")
    expires: bool = Field(alias="item.expires")
    min_level: Decimal = Field(alias="item.min_level")
    reorder_level: Decimal = Field(alias="item.reorder_level")
    handout_step: Decimal = Field(
        alias="item.handout_step", description="The smallest amount handed out, in the unit."
    )
    handout_unit: str = Field(alias="item.handout_unit", description="What one step is called.")
    on_hand: Decimal
    daily_use: float
    days_of_supply: float | None = Field(
        description="Days of supply of the need the item serves (haven.stock.runway), "
        "else on hand ÷ its own daily use; null when it never runs out."
    )
    need: str | None = Field(description="The need it serves: kcal, litres, medical:<category>")
    status: str

    @staticmethod
    def resolve_daily_use(row: ItemRunwayRow) -> float:
        return round(row.runway.recent_rate, 3)

    @staticmethod
    def resolve_days_of_supply(row: ItemRunwayRow) -> float | None:
        return _days(row.days_of_supply)

    @staticmethod
    def resolve_need(row: ItemRunwayRow) -> str | None:
        return row.need.need if row.need is not None else None

    @staticmethod
    def resolve_status(row: ItemRunwayRow) -> str:
        return row.status.value


class StoreIn(Schema):
    name: str = column(Store, "name")
    kind: StoreKind = StoreKind.WAREHOUSE
    location: str = column(Store, "location", "")


class StoreOut(PolicySchema):
    """A store; its location reads "hidden" unless the reader may see locations."""

    policy_model = "stock.store"

    id: int
    name: str
    kind: str
    location: str


class BalanceOut(Schema):
    item_id: int
    item: str = Field(alias="item.name")
    unit: str = Field(alias="item.unit")
    lot: str = Field(alias="lot.label")
    expiry_date: date | None = Field(alias="lot.expiry_date")
    expired: bool
    store_id: int
    store: str = Field(alias="store.name")
    quantity: Decimal

    @staticmethod
    def resolve_expired(balance: Balance) -> bool:
        return balance.lot.is_expired()


class EntryOut(Schema):
    id: int
    kind: str
    reason: str
    item_id: int
    item: str = Field(alias="item.name")
    lot: str = Field(alias="lot.label")
    store_id: int
    store: str = Field(alias="store.name")
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

    @staticmethod
    def resolve_recorded_by(entry: LedgerEntry) -> str | None:
        return entry.recorded_by.get_username() if entry.recorded_by else None


def _quantity(default: Any = ...) -> Any:
    return column(LedgerEntry, "quantity", default)


def _lot_code() -> Any:
    return column(Lot, "code", None)


class ReceiveIn(Schema):
    item: ItemRef
    store: StoreRef
    quantity: Decimal = _quantity()
    source: ReceiptSource
    lot_code: str | None = _lot_code()
    expiry_date: date | None = None
    accept_expired: bool = Field(
        False, description="Confirm receiving a lot already past its expiry (else refused)"
    )
    reference: str = column(LedgerEntry, "reference", "")
    note: str = column(LedgerEntry, "note", "")


class IssueIn(Schema):
    item: ItemRef
    store: StoreRef
    quantity: Decimal = _quantity()
    purpose: IssuePurpose
    lot_code: str | None = _lot_code()
    person_id: Id | None = None
    reference: str = column(LedgerEntry, "reference", "")
    note: str = column(LedgerEntry, "note", "")


class StockTransferIn(Schema):
    item: ItemRef
    from_store: StoreRef
    to_store: StoreRef
    quantity: Decimal = _quantity()
    lot_code: str | None = _lot_code()
    reference: str = column(LedgerEntry, "reference", "")
    note: str = column(LedgerEntry, "note", "")


class AdjustIn(Schema):
    item: ItemRef
    store: StoreRef
    quantity: Decimal = _quantity()
    reason: AdjustmentReason
    lot_code: str | None = _lot_code()
    note: str = column(LedgerEntry, "note", "")


class CountIn(Schema):
    item: ItemRef
    store: StoreRef
    counted: Decimal = column(LedgerEntry, "counted_quantity")
    lot_code: str | None = _lot_code()
    note: str = column(LedgerEntry, "note", "")


class ReverseIn(Schema):
    reason: str = column(LedgerEntry, "note")


class NeedOut(Schema):
    need: str
    label: str
    unit: str
    on_hand: float = Field(alias="runway.on_hand")
    daily_use: float = Field(alias="runway.recent_rate")
    daily_need: float = Field(alias="runway.planned_daily_need")
    days_by_consumption: float | None
    days_by_need: float | None
    days_of_supply: float | None
    status: str

    @staticmethod
    def resolve_days_by_consumption(row: NeedRunwayRow) -> float | None:
        return _days(row.runway.days_by_consumption)

    @staticmethod
    def resolve_days_by_need(row: NeedRunwayRow) -> float | None:
        return _days(row.runway.days_by_need)

    @staticmethod
    def resolve_days_of_supply(row: NeedRunwayRow) -> float | None:
        return _days(row.runway.days_of_supply)

    @staticmethod
    def resolve_status(row: NeedRunwayRow) -> str:
        return row.status.value


class RunwayOut(Schema):
    today: date
    headcount: int
    window_days: int
    needs: list[NeedOut]
    items: list[ItemOut]


def _lot(item: str, code: str | None) -> Any:
    return services.get_lot(item, code) if code else None


@router.get("/items", response=page_of(ItemOut), summary="The catalogue with levels and runway")
def list_items(
    request: HttpRequest, page: Query[PageQuery], category: Category | None = None
) -> dict[str, Any]:
    require(request.user, "stock.view_item")
    items = Item.objects.all()
    if category is not None:
        items = items.filter(category=category)
    result = paginate(items, page)
    result["items"] = camp_runway(items=result["items"]).items
    return result


@router.get("/items/{ref}", response=ItemOut, summary="One item with level and runway")
def get_item(request: HttpRequest, ref: ItemRef) -> ItemRunwayRow:
    require(request.user, "stock.view_item")
    return camp_runway(items=[services.get_item(ref)]).items[0]


@router.get("/items/{ref}/ledger", response=page_of(EntryOut), summary="An item's ledger")
def item_ledger(
    request: HttpRequest, ref: ItemRef, page: Query[PageQuery], store: StoreRef | None = None
) -> dict[str, Any]:
    require(request.user, "stock.view_ledgerentry")
    entries = services.ledger_for(ref, store or None).select_related("item")
    return paginate(entries, page)


@router.get("/runway", response=RunwayOut, summary="Days of supply per need and per item")
def runway(request: HttpRequest) -> CampRunway:
    require(request.user, "stock.view_item")
    return camp_runway()


@router.get("/stores", response=page_of(StoreOut), summary="Stores")
def list_stores(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "stock.view_store")
    return paginate(Store.objects.all(), page)


@router.post("/stores", response={201: StoreOut}, summary="Open a store")
def create_store(request: HttpRequest, payload: StoreIn) -> WithStatus[Store]:
    require(request.user, "stock.add_store")
    return WithStatus(201, services.create_store(by=request.user, **payload.dict()))


@router.get("/balances", response=page_of(BalanceOut), summary="Stock on hand by lot and store")
def list_balances(
    request: HttpRequest,
    page: Query[PageQuery],
    store: StoreRef | None = None,
    item: ItemRef | None = None,
) -> dict[str, Any]:
    require(request.user, "stock.view_balance")
    balances = Balance.objects.filter(quantity__gt=0).select_related("item", "lot", "store")
    if store:
        balances = balances.filter(store=services.get_store(store))
    if item:
        balances = balances.filter(item=services.get_item(item))
    return paginate(balances, page)


def _entries(entries: list[LedgerEntry]) -> WithStatus[list[LedgerEntry]]:
    ids = [e.pk for e in entries]
    fresh = LedgerEntry.objects.filter(pk__in=ids).select_related(
        "item", "lot", "store", "recorded_by"
    )
    return WithStatus(201, sorted(fresh, key=lambda e: ids.index(e.pk)))


@router.post("/receive", response={201: list[EntryOut]}, summary="Receive stock")
def receive(request: HttpRequest, payload: ReceiveIn) -> WithStatus[list[LedgerEntry]]:
    require(request.user, "stock.receive_stock")
    try:
        return _entries(services.receive(by=request.user, **payload.dict()))
    except services.ExpiredLotError as error:
        raise HavenError(
            _('%(error)s: send "accept_expired": true to receive it') % {"error": error}
        ) from error


@router.post("/issue", response={201: list[EntryOut]}, summary="Issue stock (FEFO)")
def issue(request: HttpRequest, payload: IssueIn) -> WithStatus[list[LedgerEntry]]:
    item = services.get_item(payload.item)
    if not may_issue(request.user, item):
        raise PermissionDenied(_("your role may not issue %(name)s") % {"name": item.name})
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
def transfer(request: HttpRequest, payload: StockTransferIn) -> WithStatus[list[LedgerEntry]]:
    require(request.user, "stock.transfer_stock")
    values = payload.dict()
    lot = _lot(payload.item, values.pop("lot_code"))
    return _entries(services.transfer(by=request.user, lot=lot, **values))


@router.post("/adjust", response={201: list[EntryOut]}, summary="Adjust stock with a reason")
def adjust(request: HttpRequest, payload: AdjustIn) -> WithStatus[list[LedgerEntry]]:
    require(request.user, "stock.adjust_stock")
    return _entries(services.adjust(by=request.user, **payload.dict()))


@router.post("/count", response={201: list[EntryOut]}, summary="Post a physical count")
def count(request: HttpRequest, payload: CountIn) -> WithStatus[list[LedgerEntry]]:
    require(request.user, "stock.count_stock")
    return _entries([services.count(by=request.user, **payload.dict())])


@router.post(
    "/entries/{int:entry_id}/reverse", response={201: list[EntryOut]}, summary="Correct an entry"
)
def reverse(
    request: HttpRequest, entry_id: Id, payload: ReverseIn
) -> WithStatus[list[LedgerEntry]]:
    require(request.user, "stock.reverse_entry")
    entry = services.get_entry(entry_id)
    return _entries(services.reverse(by=request.user, entry=entry, reason=payload.reason))
