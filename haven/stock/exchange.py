"""Stock lists in and out: CSV import of a stock list, HXL-tagged CSV export of levels.

The export's second row carries HXL hashtags (https://hxlstandard.org) so humanitarian
tools (and `libhxl`) read the columns by meaning, not by header text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError
from haven.stock import services
from haven.stock.choices import EntryKind, ReceiptSource
from haven.stock.models import Balance, Item, Store, format_quantity

EXPORT_COLUMNS = (
    ("Item code", "#item+code"),
    ("Item", "#item+name"),
    ("Category", "#item+type"),
    ("Store", "#loc+name"),
    ("Store kind", "#loc+type"),
    ("Lot", "#meta+lot"),
    ("Expiry date", "#date+expiry"),
    ("Quantity", "#value+quantity"),
    ("Unit", "#meta+unit"),
    ("Reported", "#date+reported"),
)

IMPORT_ALIASES = {
    "item": "item",
    "item code": "item",
    "#item+code": "item",
    "#item+name": "item",
    "store": "store",
    "#loc+name": "store",
    "quantity": "quantity",
    "#value+quantity": "quantity",
    "lot": "lot",
    "lot code": "lot",
    "#meta+lot": "lot",
    "expiry": "expiry",
    "expiry date": "expiry",
    "#date+expiry": "expiry",
    "source": "source",
    "reference": "reference",
    "note": "note",
}
REQUIRED = ("item", "store", "quantity")
MAX_ERRORS_SHOWN = 5


@read_only
def export_rows(store: Store | None = None) -> Iterable[list[str]]:
    """Header row, HXL hashtag row, then one row per lot × store with stock on hand."""
    yield [header for header, _ in EXPORT_COLUMNS]
    yield [tag for _, tag in EXPORT_COLUMNS]
    today = timezone.localdate().isoformat()
    balances = Balance.objects.filter(quantity__gt=0).select_related("item", "lot", "store")
    if store is not None:
        balances = balances.filter(store=store)
    for balance in balances.order_by("item__name", "store__name", "lot__code"):
        yield [
            balance.item.code,
            balance.item.name,
            balance.item.category,
            balance.store.name,
            balance.store.kind,
            balance.lot.code,
            balance.lot.expiry_date.isoformat() if balance.lot.expiry_date else "",
            format_quantity(balance.quantity),
            balance.item.unit,
            today,
        ]


@read_only
def export_csv(out: IO[str], store: Store | None = None) -> int:
    writer = csv.writer(out)
    rows = 0
    for row in export_rows(store):
        writer.writerow(row)
        rows += 1
    return rows - 2


@dataclass(frozen=True, slots=True)
class ImportLine:
    row: int
    item: Item
    store: Store
    quantity: Any
    lot: str
    expiry: date | None
    source: str
    reference: str
    note: str


def _parse_date(text: str, row: int) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise HavenError(f"row {row}: expiry {text!r} is not a date (YYYY-MM-DD)") from error


@read_only
def read_stock_list(stream: IO[str]) -> list[ImportLine]:
    """Check every row of a stock list before anything is written; all problems at once."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration as error:
        raise HavenError("the stock list is empty") from error
    columns = {IMPORT_ALIASES.get(name.strip().lower()): i for i, name in enumerate(header)}
    columns.pop(None, None)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise HavenError(f"the stock list has no column {', '.join(missing)}")
    items = {i.code.lower(): i for i in Item.objects.all()}
    items.update({i.name.lower(): i for i in items.values()})
    stores = {s.name.lower(): s for s in Store.objects.all()}
    lines: list[ImportLine] = []
    problems: list[str] = []
    for number, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw) or raw[0].startswith("#"):
            continue  # blank rows and an HXL hashtag row

        def cell(name: str, raw: list[str] = raw) -> str:
            index = columns.get(name)
            return raw[index].strip() if index is not None and index < len(raw) else ""

        try:
            item = items.get(cell("item").lower())
            if item is None:
                raise HavenError(f"row {number}: no item {cell('item')!r} in the catalogue")
            store = stores.get(cell("store").lower())
            if store is None:
                raise HavenError(f"row {number}: no store {cell('store')!r}")
            quantity = services.parse_quantity(cell("quantity"), what=f"row {number}: quantity")
            source = cell("source") or ReceiptSource.OPENING
            if source not in ReceiptSource.values:
                raise HavenError(f"row {number}: source {source!r} is not a receipt source")
            lines.append(
                ImportLine(
                    row=number,
                    item=item,
                    store=store,
                    quantity=quantity,
                    lot=cell("lot"),
                    expiry=_parse_date(cell("expiry"), number),
                    source=source,
                    reference=cell("reference"),
                    note=cell("note"),
                )
            )
        except HavenError as error:
            problems.append(str(error))
    if problems:
        more = len(problems) - MAX_ERRORS_SHOWN
        shown = "; ".join(problems[:MAX_ERRORS_SHOWN]) + (f"; and {more} more" if more > 0 else "")
        raise HavenError(f"stock list not imported ({len(problems)} bad rows): {shown}")
    return lines


@audited("stock.import_stock_list")
@transaction.atomic
def import_stock_list(
    *,
    by: services.Author,
    lines: list[ImportLine],
    at: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Receive every line of a checked stock list in one transaction; returns entries posted."""
    when = at or timezone.now()
    movements: list[services.Movement] = []
    for done, line in enumerate(lines, start=1):
        lot = services.receiving_lot(line.item, line.lot or None, line.expiry)
        movements.append(
            services.Movement(
                kind=EntryKind.RECEIPT,
                reason=line.source,
                item_id=line.item.pk,
                lot_id=lot.pk,
                store_id=line.store.pk,
                quantity=line.quantity,
                occurred_at=when,
                reference=line.reference or "stock list import",
                note=line.note,
            )
        )
        if progress is not None:
            progress(done)
    return services.post_many(by=by, movements=movements).entries
