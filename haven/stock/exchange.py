"""Stock lists in and out: CSV import of a stock list, HXL-tagged CSV export of levels.

The export's second row carries HXL hashtags (https://hxlstandard.org) so humanitarian
tools (and `libhxl`) read the columns by meaning, not by header text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError
from haven.core.services import event_time
from haven.core.tabular import read_table, write_csv
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
    "item name": "item",
    "#item+name": "item",
    "item code": "item_code",
    "#item+code": "item_code",
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
REQUIRED = ("store", "quantity")
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
    return write_csv(out, export_rows(store)) - 2


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


def _parse_date(text: str, line: int) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise HavenError(
            _("line %(line)s: expiry %(text)r is not a date (YYYY-MM-DD)")
            % {"line": line, "text": text}
        ) from error


def _column_name(header: str) -> str | None:
    return IMPORT_ALIASES.get(header.strip().lower())


def _hashtag_row(cells: list[str]) -> bool:
    return bool(cells) and cells[0].startswith("#")


@read_only
def read_stock_list(stream: IO[bytes] | IO[str]) -> list[ImportLine]:
    """Check every row of a stock list before anything is written; all problems at once.

    The file itself (encoding, CSV, columns) is checked by `haven.core.tabular`."""
    table = read_table(stream, name_of=_column_name, what="the stock list", skip=_hashtag_row)
    columns = {name for name in table.names if name}
    missing = [name for name in REQUIRED if name not in columns]
    if not columns & {"item", "item_code"}:
        missing.insert(0, "item")
    if missing:
        raise HavenError(
            _("the stock list has no column %(names)s") % {"names": ", ".join(missing)}
        )
    items = {i.code.lower(): i for i in Item.objects.all()}
    items.update({i.name.lower(): i for i in items.values()})
    stores = {s.name.lower(): s for s in Store.objects.all()}
    lines: list[ImportLine] = []
    problems: list[str] = []
    for number, raw in table.mapped():

        def cell(name: str, raw: dict[str, str] = raw) -> str:
            return raw.get(name, "").strip()

        try:
            wanted = cell("item_code") or cell("item")
            item = items.get(wanted.lower())
            if item is None:
                raise HavenError(
                    _("line %(number)s: no item %(wanted)r in the catalogue")
                    % {"number": number, "wanted": wanted}
                )
            store = stores.get(cell("store").lower())
            if store is None:
                raise HavenError(
                    _("line %(number)s: no store %(cell)r")
                    % {"number": number, "cell": cell("store")}
                )
            quantity = services.parse_quantity(cell("quantity"), what=f"line {number}: quantity")
            source = cell("source") or ReceiptSource.OPENING
            if source not in ReceiptSource.values:
                raise HavenError(
                    _("line %(number)s: source %(source)r is not a receipt source")
                    % {"number": number, "source": source}
                )
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
        raise HavenError(
            _("stock list not imported (%(count)s bad rows): %(shown)s")
            % {"count": len(problems), "shown": shown}
        )
    return lines


@audited("stock.import_stock_list")
@transaction.atomic
def import_stock_list(
    *,
    by: services.Author,
    lines: list[ImportLine],
    at: datetime | None = None,
    accept_expired: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Receive every line of a checked stock list in one transaction; returns entries posted.

    Like a single receipt, a lot already past its expiry on the day received is refused
    unless `accept_expired` confirms it (every such line is named); its entry is flagged."""
    when = event_time(at)
    today = timezone.localdate(when)
    movements: list[services.Movement] = []
    expired: list[str] = []
    for done, line in enumerate(lines, start=1):
        lot = services.receiving_lot(line.item, line.lot or None, line.expiry)
        is_expired = lot.expiry_date is not None and lot.expiry_date < today
        if is_expired:
            expired.append(
                f"line {line.row}: lot {lot.label} of {line.item.name} expired on "
                f"{lot.expiry_date:%Y-%m-%d}"
            )
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
                accepted_expired=is_expired,
            )
        )
        if progress is not None:
            progress(done)
    if expired and not accept_expired:
        more = len(expired) - MAX_ERRORS_SHOWN
        shown = "; ".join(expired[:MAX_ERRORS_SHOWN]) + (f"; and {more} more" if more > 0 else "")
        raise services.ExpiredLotError(
            f"stock list not imported: {shown} — receiving an expired lot needs an explicit "
            "confirmation that it is expired"
        )
    return services.post_many(by=by, movements=movements).entries
