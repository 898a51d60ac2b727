"""Stock use cases: the only ways stock changes, all through typed ledger entries.

Every write is one function with keyword-only arguments run in one transaction; the web,
the API, the CLI and other apps (health, rations, missions) all call these. Items and
stores may be passed as model instances or as a code/name/id. Quantities are positive
numbers (Decimal, int or a numeric string); the entry's signed quantity says the direction.

Concurrency: the balance rows touched are locked (`select_for_update` on PostgreSQL; on
SQLite every transaction is BEGIN IMMEDIATE, so writers queue) before they are read, and
`Balance` has a CHECK (quantity >= 0), so a balance never goes below zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.trail import audited, read_only
from haven.core.aggregates import Mismatch
from haven.core.aggregates import rebuild as recount
from haven.core.bulk import insert_rows
from haven.core.errors import HavenError, NotFoundError
from haven.core.numbers import to_decimal
from haven.core.services import Author as Author
from haven.core.services import ItemRef as ItemRef
from haven.core.services import StoreRef as StoreRef
from haven.core.services import acting_user, event_time
from haven.core.services import get_item as get_item
from haven.core.services import get_store as get_store
from haven.stock.choices import (
    ADDING_REASONS,
    AdjustmentReason,
    EntryKind,
    IssuePurpose,
    ReceiptSource,
)
from haven.stock.models import (
    Balance,
    DailyIssue,
    Item,
    LedgerEntry,
    Lot,
    Store,
    format_quantity,
)

if TYPE_CHECKING:
    from haven.missions.models import Mission
    from haven.people.models import Person

Number = Decimal | int | float | str


class ExpiredLotError(HavenError):
    """A receipt of a lot already past its expiry, not confirmed: each entry point says
    how to confirm it (a box on the web, --accept-expired, accept_expired)."""


MAX_QUANTITY = Decimal("1e12")
BULK_BATCH = 5000


# --- look-ups -------------------------------------------------------------------------


@read_only
def get_lot(item: ItemRef, code: str) -> Lot:
    """The lot of `item` with `code`; NotFoundError naming both otherwise."""
    item = get_item(item)
    try:
        return Lot.objects.get(item=item, code=code.strip())
    except Lot.DoesNotExist as error:
        raise NotFoundError(
            _("no lot %(code)r of %(name)s") % {"code": code, "name": item.name}
        ) from error


@read_only
def get_entry(entry_id: int) -> LedgerEntry:
    try:
        return LedgerEntry.objects.select_related("item", "store", "lot").get(pk=entry_id)
    except LedgerEntry.DoesNotExist as error:
        raise NotFoundError(
            _("no ledger entry with id %(entry_id)s") % {"entry_id": entry_id}
        ) from error


@read_only
def parse_quantity(value: Any, *, what: str = "quantity", allow_zero: bool = False) -> Decimal:
    """A finite Decimal rounded to the ledger's 3 decimals, then > 0 (≥ 0 with allow_zero),
    else HavenError naming the value: checked as it will be stored."""
    number = to_decimal(value, what=what, places=3, max_digits=16)
    if number < 0 or (number == 0 and not allow_zero):
        shown = format_quantity(value) if isinstance(value, Decimal) else repr(value)
        raise HavenError(
            _("%(what)s %(shown)s must be %(value)s 0")
            % {"what": what, "shown": shown, "value": "≥" if allow_zero else ">"}
        )
    if number > MAX_QUANTITY:
        raise HavenError(
            _("%(what)s %(number)s is too large")
            % {"what": what, "number": format_quantity(number)}
        )
    return number


@read_only
def on_hand(item: ItemRef, store: StoreRef | None = None) -> Decimal:
    """What is on hand of `item`, in one store or in all, expired lots included."""
    balances = Balance.objects.filter(item=get_item(item))
    if store is not None:
        balances = balances.filter(store=get_store(store))
    total = balances.aggregate(total=Sum("quantity"))["total"]
    return Decimal(total or 0)


@read_only
def usable_on_hand(item: ItemRef, store: StoreRef, on: date | None = None) -> Decimal:
    """What can be issued by FEFO: on hand in lots not yet expired."""
    day = on or timezone.localdate()
    total = (
        Balance.objects.filter(item=get_item(item), store=get_store(store))
        .exclude(lot__expiry_date__lt=day)
        .aggregate(total=Sum("quantity"))["total"]
    )
    return Decimal(total or 0)


def _check_reason(value: str, allowed: Iterable[str], what: str) -> str:
    allowed = list(allowed)
    if value not in allowed:
        raise HavenError(
            _("%(what)s %(value)r is not one of %(names)s")
            % {"what": what, "value": value, "names": ", ".join(allowed)}
        )
    return value


# --- posting --------------------------------------------------------------------------


@dataclass(slots=True)
class _Post:
    """What every entry shares beyond kind, lot, store and quantity."""

    by: Author
    at: datetime
    reference: str = ""
    note: str = ""
    person: Person | None = None
    mission: Mission | None = None


def _lock_balance(lot: Lot, store: Store) -> Balance:
    """The balance row of lot × store, created if missing, locked for this transaction."""
    Balance.objects.bulk_create(
        [Balance(item_id=lot.item_id, lot=lot, store=store)], ignore_conflicts=True
    )
    return Balance.objects.select_for_update().get(lot=lot, store=store)


def _post(
    post: _Post,
    *,
    kind: str,
    reason: str,
    lot: Lot,
    store: Store,
    quantity: Decimal,
    balance: Balance | None = None,
    counted: Decimal | None = None,
    reverses: LedgerEntry | None = None,
    accepted_expired: bool = False,
) -> LedgerEntry:
    """Write one entry and move its balance; the caller holds the transaction."""
    balance = balance or _lock_balance(lot, store)
    new_quantity = balance.quantity + quantity
    if new_quantity < 0:
        raise HavenError(
            _(
                "cannot take %(value)s × %(name)s from "
                "%(name_2)s: %(quantity)s on hand in lot %(label)s"
            )
            % {
                "value": format_quantity(-quantity),
                "name": lot.item.name,
                "name_2": store.name,
                "quantity": format_quantity(balance.quantity),
                "label": lot.label,
            }
        )
    balance.quantity = new_quantity
    balance.updated_at = timezone.now()
    balance.save(update_fields=["quantity", "updated_at"])
    day = timezone.localdate(post.at)
    if kind == EntryKind.ISSUE:
        _count_issues({(lot.item_id, day): (quantity, 1)})
    return LedgerEntry.objects.create(
        kind=kind,
        reason=reason,
        item_id=lot.item_id,
        lot=lot,
        store=store,
        quantity=quantity,
        balance_after=new_quantity,
        counted_quantity=counted,
        occurred_at=post.at,
        day=day,
        recorded_by=acting_user(post.by),
        reference=post.reference.strip()[:120],
        note=post.note.strip()[:300],
        person=post.person,
        mission=post.mission,
        reverses=reverses,
        accepted_expired=accepted_expired,
    )


@audited("stock.receiving_lot")
def receiving_lot(item: Item, lot_code: str | None, expiry_date: date | None) -> Lot:
    """The lot stock is received into: by code, else named after its expiry, else unlotted.

    A lot's expiry is never changed once set; a different one is an error.
    """
    code = (lot_code or "").strip()
    if not code and expiry_date is not None:
        code = f"exp-{expiry_date.isoformat()}"
    lot, created = Lot.objects.get_or_create(
        item=item, code=code, defaults={"expiry_date": expiry_date}
    )
    if not created and expiry_date is not None and lot.expiry_date != expiry_date:
        if lot.expiry_date is not None:
            raise HavenError(
                _("lot %(label)s of %(name)s expires %(expiry_date)s, not %(expiry_date_2)s")
                % {
                    "label": lot.label,
                    "name": item.name,
                    "expiry_date": lot.expiry_date.isoformat(),
                    "expiry_date_2": expiry_date.isoformat(),
                }
            )
        lot.expiry_date = expiry_date
        lot.save(update_fields=["expiry_date"])
    return lot


def _take(
    post: _Post,
    *,
    verb: str,
    kind: str,
    reason: str,
    item: Item,
    store: Store,
    quantity: Decimal,
    lot: Lot | None,
    include_expired: bool,
) -> list[LedgerEntry]:
    """Take `quantity` out of a store, first expiry first out across lots unless one is named.

    Balance rows are locked before they are read, so two clerks never both take the last
    units. Nothing is written unless the whole quantity can be taken.
    """
    if lot is not None and lot.item_id != item.pk:
        raise HavenError(
            _("lot %(label)s is a lot of %(name)s, not of %(name_2)s")
            % {"label": lot.label, "name": lot.item.name, "name_2": item.name}
        )
    balances = list(
        Balance.objects.select_for_update()
        .filter(item=item, store=store)
        .select_related("lot")
        .order_by("lot__expiry_date", "lot_id")
    )
    # NULL expiry sorts first on SQLite and last on PostgreSQL: put "never expires" last.
    balances.sort(
        key=lambda b: (b.lot.expiry_date is None, b.lot.expiry_date or date.min, b.lot_id)
    )
    today = timezone.localdate(post.at)
    if lot is not None:
        usable = [b for b in balances if b.lot_id == lot.pk]
    elif include_expired:
        usable = balances
    else:
        usable = [b for b in balances if not b.lot.is_expired(today)]
    available = sum((b.quantity for b in usable), Decimal(0))
    if available < quantity:
        where = f" (lot {lot.label})" if lot is not None else ""
        expired = sum((b.quantity for b in balances if b not in usable), Decimal(0))
        extra = (
            f"; {format_quantity(expired)} more in expired lots"
            if lot is None and expired > 0
            else ""
        )
        raise HavenError(
            _(
                "cannot %(verb)s %(quantity)s × %(name)s from "
                "%(name_2)s%(where)s: %(available)s on hand%(extra)s"
            )
            % {
                "verb": verb,
                "quantity": format_quantity(quantity),
                "name": item.name,
                "name_2": store.name,
                "where": where,
                "available": format_quantity(available),
                "extra": extra,
            }
        )
    entries: list[LedgerEntry] = []
    remaining = quantity
    for balance in usable:
        if remaining <= 0:
            break
        portion = min(remaining, balance.quantity)
        if portion <= 0:
            continue
        entries.append(
            _post(
                post,
                kind=kind,
                reason=reason,
                lot=balance.lot,
                store=store,
                quantity=-portion,
                balance=balance,
            )
        )
        remaining -= portion
    return entries


# --- use cases ------------------------------------------------------------------------


@audited("stock.receive")
@transaction.atomic
def receive(
    *,
    by: Author,
    item: ItemRef,
    store: StoreRef,
    quantity: Number,
    lot_code: str | None = None,
    expiry_date: date | None = None,
    source: str,
    reference: str = "",
    note: str = "",
    mission: Mission | None = None,
    at: datetime | None = None,
    accept_expired: bool = False,
) -> list[LedgerEntry]:
    """Receive stock into a store (source: mission, donation, fabrication, opening, other).

    Without a lot code the stock goes to a lot named after its expiry date, or to the
    item's unlotted stock. A lot already past its expiry on the day received is refused
    unless `accept_expired` confirms it; the entry is then flagged `accepted_expired`.
    Returns the one receipt entry (as a list, like the others).
    """
    item, store = get_item(item), get_store(store)
    amount = parse_quantity(quantity)
    _check_reason(source, ReceiptSource.values, "source")
    if mission is not None and source != ReceiptSource.MISSION:
        raise HavenError(
            _("a receipt linked to a mission has source 'mission', not %(source)r")
            % {"source": source}
        )
    when = event_time(at)
    lot = receiving_lot(item, lot_code, expiry_date)
    expired = lot.expiry_date is not None and lot.expiry_date < timezone.localdate(when)
    if expired and not accept_expired:
        raise ExpiredLotError(
            f"lot {lot.label} of {item.name} expired on {lot.expiry_date:%Y-%m-%d}: "
            "receiving it needs an explicit confirmation that it is expired"
        )
    post = _Post(by=by, at=when, reference=reference, note=note, mission=mission)
    entry = _post(
        post,
        kind=EntryKind.RECEIPT,
        reason=source,
        lot=lot,
        store=store,
        quantity=amount,
        accepted_expired=expired,
    )
    return [entry]


@audited("stock.issue")
@transaction.atomic
def issue(
    *,
    by: Author,
    item: ItemRef,
    store: StoreRef,
    quantity: Number,
    purpose: str,
    reference: str = "",
    person: Person | None = None,
    lot: Lot | None = None,
    note: str = "",
    at: datetime | None = None,
) -> list[LedgerEntry]:
    """Issue stock out of a store (purpose: person, treatment, distribution, fabrication, other).

    First expiry first out across unexpired lots, or from the one `lot` given. Fails with
    "cannot issue 40 × Ration pack from Store A: 12 on hand" and writes nothing when short.
    Returns one entry per lot drawn from.
    """
    item, store = get_item(item), get_store(store)
    amount = parse_quantity(quantity)
    _check_reason(purpose, IssuePurpose.values, "purpose")
    post = _Post(by=by, at=event_time(at), reference=reference, note=note, person=person)
    return _take(
        post,
        verb="issue",
        kind=EntryKind.ISSUE,
        reason=purpose,
        item=item,
        store=store,
        quantity=amount,
        lot=lot,
        include_expired=False,
    )


@audited("stock.transfer")
@transaction.atomic
def transfer(
    *,
    by: Author,
    item: ItemRef,
    from_store: StoreRef,
    to_store: StoreRef,
    quantity: Number,
    lot: Lot | None = None,
    reference: str = "",
    note: str = "",
    at: datetime | None = None,
) -> list[LedgerEntry]:
    """Move stock between stores, lot by lot (FEFO unless a lot is given).

    Returns the legs in pairs: transfer-out, transfer-in, … each naming its counterpart.
    """
    item, source, target = get_item(item), get_store(from_store), get_store(to_store)
    if source.pk == target.pk:
        raise HavenError(_("cannot transfer from %(name)s to itself") % {"name": source.name})
    amount = parse_quantity(quantity)
    post = _Post(by=by, at=event_time(at), reference=reference, note=note)
    outs = _take(
        post,
        verb="transfer",
        kind=EntryKind.TRANSFER_OUT,
        reason="transfer",
        item=item,
        store=source,
        quantity=amount,
        lot=lot,
        include_expired=True,
    )
    legs: list[LedgerEntry] = []
    for out in outs:
        leg = _post(
            post,
            kind=EntryKind.TRANSFER_IN,
            reason="transfer",
            lot=out.lot,
            store=target,
            quantity=-out.quantity,
        )
        leg.counterpart = out
        leg.save(update_fields=["counterpart"])
        out.counterpart = leg
        out.save(update_fields=["counterpart"])
        legs += [out, leg]
    return legs


@audited("stock.adjust")
@transaction.atomic
def adjust(
    *,
    by: Author,
    item: ItemRef,
    store: StoreRef,
    quantity: Number,
    reason: str,
    lot: Lot | None = None,
    lot_code: str | None = None,
    note: str = "",
    at: datetime | None = None,
) -> list[LedgerEntry]:
    """Adjust stock with a reason: "found" adds, damaged/expired/lost/stolen remove.

    A removal without a lot takes the earliest-expiring stock first, expired lots included.
    """
    item, store = get_item(item), get_store(store)
    amount = parse_quantity(quantity)
    _check_reason(reason, AdjustmentReason.values, "reason")
    if lot is None and lot_code:
        lot = get_lot(item, lot_code)
    post = _Post(by=by, at=event_time(at), note=note)
    if reason in ADDING_REASONS:
        target = lot or receiving_lot(item, None, None)
        return [
            _post(
                post,
                kind=EntryKind.ADJUSTMENT,
                reason=reason,
                lot=target,
                store=store,
                quantity=amount,
            )
        ]
    return _take(
        post,
        verb=f"write off ({reason})",
        kind=EntryKind.ADJUSTMENT,
        reason=reason,
        item=item,
        store=store,
        quantity=amount,
        lot=lot,
        include_expired=True,
    )


@audited("stock.count")
@transaction.atomic
def count(
    *,
    by: Author,
    item: ItemRef,
    store: StoreRef,
    counted: Number,
    lot: Lot | None = None,
    lot_code: str | None = None,
    note: str = "",
    at: datetime | None = None,
) -> LedgerEntry:
    """Record a physical count of one lot in a store; the entry posts the difference.

    With several lots of the item in the store, the lot must be named. A count that
    matches the books is still recorded (quantity 0), so the count is on file.
    """
    item, store = get_item(item), get_store(store)
    physical = parse_quantity(counted, what="counted quantity", allow_zero=True)
    if lot is None and lot_code is not None:
        lot = get_lot(item, lot_code)
    if lot is None:
        lots = list(Lot.objects.filter(item=item, balances__store=store, balances__quantity__gt=0))
        if len(lots) > 1:
            codes = ", ".join(sorted(found.label for found in lots))
            raise HavenError(
                _(
                    "%(name)s is kept in %(count)s lots in "
                    "%(name_2)s (%(codes)s): name the lot counted"
                )
                % {"name": item.name, "count": len(lots), "name_2": store.name, "codes": codes}
            )
        lot = lots[0] if lots else receiving_lot(item, None, None)
    elif lot.item_id != item.pk:
        raise HavenError(
            _("lot %(label)s is a lot of %(name)s, not of %(name_2)s")
            % {"label": lot.label, "name": lot.item.name, "name_2": item.name}
        )
    balance = _lock_balance(lot, store)
    post = _Post(by=by, at=event_time(at), note=note)
    return _post(
        post,
        kind=EntryKind.COUNT,
        reason="count",
        lot=lot,
        store=store,
        quantity=physical - balance.quantity,
        balance=balance,
        counted=physical,
    )


@audited("stock.reverse")
@transaction.atomic
def reverse(*, by: Author, entry: LedgerEntry, reason: str) -> list[LedgerEntry]:
    """Correct an entry with one of the opposite quantity that names it; both legs of a transfer.

    An entry is corrected once; a correction is not itself corrected (post a new entry).
    Fails, writing nothing, if the stock a receipt brought in has already gone out.
    """
    reason = reason.strip()
    if not reason:
        raise HavenError(_("a correction needs a reason"))
    originals = [LedgerEntry.objects.select_related("item", "lot", "store").get(pk=entry.pk)]
    if originals[0].counterpart_id is not None:
        originals.append(
            LedgerEntry.objects.select_related("item", "lot", "store").get(
                pk=originals[0].counterpart_id
            )
        )
    post = _Post(by=by, at=timezone.now(), note=reason)
    corrections: list[LedgerEntry] = []
    # Put stock back before taking it away, so a transfer reverses whichever leg is named.
    for original in sorted(originals, key=lambda e: e.quantity):
        if original.reverses_id is not None:
            raise HavenError(
                _(
                    "entry %(pk)s is itself a correction of entry "
                    "%(reverses_id)s: post a new entry instead"
                )
                % {"pk": original.pk, "reverses_id": original.reverses_id}
            )
        already = LedgerEntry.objects.filter(reverses=original).first()
        if already is not None:
            raise HavenError(
                _("entry %(pk)s was already corrected by entry %(pk_2)s")
                % {"pk": original.pk, "pk_2": already.pk}
            )
        post.reference = f"corrects #{original.pk}"
        post.person = original.person
        post.mission = original.mission
        try:
            corrections.append(
                _post(
                    post,
                    kind=original.kind,
                    reason=original.reason,
                    lot=original.lot,
                    store=original.store,
                    quantity=-original.quantity,
                    reverses=original,
                    counted=original.counted_quantity,
                )
            )
        except HavenError as error:
            raise HavenError(
                _("cannot correct entry %(pk)s: %(error)s") % {"pk": original.pk, "error": error}
            ) from error
    return corrections


@audited("stock.produce")
@transaction.atomic
def produce(
    *,
    by: Author,
    store: StoreRef,
    consumed: Sequence[tuple[ItemRef, Number]],
    produced: Sequence[tuple[ItemRef, Number]],
    reference: str = "",
    note: str = "",
    at: datetime | None = None,
) -> list[LedgerEntry]:
    """Fabrication in one step: issue every input (FEFO) and receive every output, or nothing.

    Inputs are issued with purpose "fabrication", outputs received with source
    "fabrication", all with the same reference. Returns the issues then the receipts.
    """
    if not produced:
        raise HavenError(_("a production step must produce something"))
    store = get_store(store)
    when = event_time(at)
    entries: list[LedgerEntry] = []
    for item, quantity in consumed:
        entries += issue(
            by=by,
            item=item,
            store=store,
            quantity=quantity,
            purpose=IssuePurpose.FABRICATION,
            reference=reference,
            note=note,
            at=when,
        )
    for item, quantity in produced:
        entries += receive(
            by=by,
            item=item,
            store=store,
            quantity=quantity,
            source=ReceiptSource.FABRICATION,
            reference=reference,
            note=note,
            at=when,
        )
    return entries


# --- catalogue and stores -------------------------------------------------------------


@audited("stock.create_store")
@transaction.atomic
def create_store(*, by: Author, name: str, kind: str = "warehouse", location: str = "") -> Store:
    """Open a new store."""
    from haven.stock.choices import StoreKind

    name = name.strip()
    if not name:
        raise HavenError(_("a store needs a name"))
    _check_reason(kind, StoreKind.values, "store kind")
    if Store.objects.filter(name__iexact=name).exists():
        raise HavenError(_("a store named %(name)r already exists") % {"name": name})
    return Store.objects.create(name=name, kind=kind, location=location.strip())


@audited("stock.set_levels")
@transaction.atomic
def set_levels(*, by: Author, item: ItemRef, min_level: Number, reorder_level: Number) -> Item:
    """Set an item's minimum and reorder levels (reorder ≥ minimum)."""
    item = get_item(item)
    minimum = parse_quantity(min_level, what="minimum level", allow_zero=True)
    reorder = parse_quantity(reorder_level, what="reorder level", allow_zero=True)
    if reorder < minimum:
        raise HavenError(
            _("reorder level %(reorder)s is below minimum %(minimum)s")
            % {"reorder": format_quantity(reorder), "minimum": format_quantity(minimum)}
        )
    item.min_level, item.reorder_level = minimum, reorder
    item.save(update_fields=["min_level", "reorder_level"])
    return item


# --- bulk posting ---------------------------------------------------------------------


@dataclass(slots=True)
class Movement:
    """One row for `post_many`: ids, a signed quantity, and what the entry should say."""

    kind: str
    reason: str
    item_id: int
    lot_id: int
    store_id: int
    quantity: Decimal
    occurred_at: datetime
    reference: str = ""
    note: str = ""
    person_id: int | None = None
    mission_id: int | None = None
    accepted_expired: bool = False


@dataclass(slots=True)
class BulkResult:
    entries: int = 0
    balances: dict[tuple[int, int], Decimal] = field(default_factory=dict)


@audited("stock.post_many")
@transaction.atomic
def post_many(*, by: Author, movements: Iterable[Movement]) -> BulkResult:
    """Post many entries at once (imports, history, benchmarks), balances kept exact.

    Movements are applied in the order given; the balances they touch are locked first,
    a running balance is kept per lot × store, and if any would go below zero nothing is
    written. Transfers posted this way are not paired; use `transfer` for those.
    """
    rows = list(movements)
    keys = {(m.lot_id, m.store_id) for m in rows}
    lot_ids = {lot for lot, _ in keys}
    store_ids = {store for _, store in keys}
    existing: dict[tuple[int, int], Balance] = {}
    for balance in Balance.objects.select_for_update().filter(
        lot_id__in=lot_ids, store_id__in=store_ids
    ):
        existing[(balance.lot_id, balance.store_id)] = balance
    running = {key: existing[key].quantity if key in existing else Decimal(0) for key in keys}
    item_of_lot = dict(Lot.objects.filter(pk__in=lot_ids).values_list("pk", "item_id"))
    author = acting_user(by)
    author_id = author.pk if author is not None else None
    now = timezone.now()
    zone = timezone.get_current_timezone()
    entries: list[dict[str, Any]] = []
    for index, move in enumerate(rows):
        if item_of_lot.get(move.lot_id) != move.item_id:
            raise HavenError(
                _("row %(value)s: lot %(lot_id)s is not a lot of item %(item_id)s")
                % {"value": index + 1, "lot_id": move.lot_id, "item_id": move.item_id}
            )
        key = (move.lot_id, move.store_id)
        after = running[key] + move.quantity
        if after < 0:
            item = Item.objects.get(pk=move.item_id)
            store = Store.objects.get(pk=move.store_id)
            raise HavenError(
                _(
                    "row %(value)s: cannot take %(value_2)s × "
                    "%(name)s from %(name_2)s: %(running)s on hand"
                )
                % {
                    "value": index + 1,
                    "value_2": format_quantity(-move.quantity),
                    "name": item.name,
                    "name_2": store.name,
                    "running": format_quantity(running[key]),
                }
            )
        running[key] = after
        entries.append(
            {
                "kind": move.kind,
                "reason": move.reason,
                "item_id": move.item_id,
                "lot_id": move.lot_id,
                "store_id": move.store_id,
                "quantity": move.quantity,
                "balance_after": after,
                "occurred_at": move.occurred_at,
                "day": (
                    move.occurred_at.astimezone(zone).date()
                    if move.occurred_at.tzinfo is not None
                    else timezone.localdate(move.occurred_at)  # refuses a naive time
                ),
                "recorded_at": now,
                "recorded_by_id": author_id,
                "reference": move.reference[:120],
                "note": move.note[:300],
                "person_id": move.person_id,
                "mission_id": move.mission_id,
                "accepted_expired": move.accepted_expired,
            }
        )
    # Every row is checked above; the model layer would cost more than the database.
    insert_rows(LedgerEntry, entries, batch_size=BULK_BATCH)
    issued: dict[tuple[int, date], tuple[Decimal, int]] = {}
    for entry in entries:
        if entry["kind"] == EntryKind.ISSUE:
            daily = (entry["item_id"], entry["day"])
            total, number = issued.get(daily, (Decimal(0), 0))
            issued[daily] = (total + entry["quantity"], number + 1)
    _count_issues(issued)
    changed, created = [], []
    for key, quantity in running.items():
        if key in existing:
            existing[key].quantity, existing[key].updated_at = quantity, now
            changed.append(existing[key])
        else:
            created.append(
                Balance(
                    item_id=item_of_lot[key[0]], lot_id=key[0], store_id=key[1], quantity=quantity
                )
            )
    _update_balances(changed, now)
    Balance.objects.bulk_create(created, batch_size=BULK_BATCH)
    return BulkResult(entries=len(entries), balances=running)


def _update_balances(balances: list[Balance], now: datetime) -> None:
    """Write the new quantities of locked balance rows (bulk_update's CASE is slow here)."""
    if not balances:
        return
    ops = connection.ops
    table = ops.quote_name(Balance._meta.db_table)
    stamp = ops.adapt_datetimefield_value(now)
    if connection.vendor == "postgresql":
        # One statement for the lot: an UPDATE per balance is a round trip each (thousands
        # per chunk of a bulk posting).
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS b SET quantity = v.quantity, updated_at = %s "
                "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, quantity) WHERE b.id = v.id",
                [stamp, [b.pk for b in balances], [b.quantity for b in balances]],
            )
        return
    sql = f"UPDATE {table} SET quantity = %s, updated_at = %s WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [(ops.adapt_decimalfield_value(b.quantity, 16, 3), stamp, b.pk) for b in balances],
        )


def _count_issues(issued: Mapping[tuple[int, date], tuple[Decimal, int]]) -> None:
    """Add issues to the kept daily totals: {(item id, day): (signed quantity, entries)}.

    One upsert (INSERT … ON CONFLICT DO UPDATE, PostgreSQL and SQLite alike) per batch, in
    the caller's transaction: two clerks issuing the same item the same day both count,
    the second waiting on the first's row lock instead of overwriting it. Rows are written
    in (day, item) order so two bulk posts never lock them in opposite orders.
    """
    if not issued:
        return
    ops = connection.ops
    table = ops.quote_name(DailyIssue._meta.db_table)
    rows = sorted(issued.items(), key=lambda pair: (pair[0][1], pair[0][0]))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for (item_id, day), (quantity, number) in chunk:
                params += [
                    item_id,
                    ops.adapt_datefield_value(day),
                    ops.adapt_decimalfield_value(quantity, 16, 3),
                    number,
                ]
            cursor.execute(
                f"INSERT INTO {table} (item_id, day, quantity, entries) VALUES {values} "
                "ON CONFLICT (day, item_id) DO UPDATE SET "
                f"quantity = {table}.quantity + excluded.quantity, "
                f"entries = {table}.entries + excluded.entries",
                params,
            )


# --- rebuild --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BalanceMismatch:
    lot_id: int
    store_id: int
    stored: Decimal
    from_ledger: Decimal


@read_only
def ledger_balances() -> dict[tuple[int, int], Decimal]:
    """Balance of every lot × store summed from the ledger alone."""
    return {
        (lot, store): Decimal(total)
        for lot, store, total in LedgerEntry.objects.values_list("lot_id", "store_id")
        .annotate(total=Sum("quantity"))
        .values_list("lot_id", "store_id", "total")
        .order_by()
    }


@audited("stock.rebuild")
@transaction.atomic
def rebuild(*, by: Author, fix: bool = False) -> list[BalanceMismatch]:
    """Compare stored balances with the ledger; with `fix`, rewrite them from the ledger.

    Returns the mismatches found (empty when the balances equal the ledger).
    """
    stored = {(b.lot_id, b.store_id): b for b in Balance.objects.select_for_update().order_by()}
    derived = ledger_balances()
    mismatches = [
        BalanceMismatch(
            lot_id=key[0],
            store_id=key[1],
            stored=stored[key].quantity if key in stored else Decimal(0),
            from_ledger=derived.get(key, Decimal(0)),
        )
        for key in sorted(set(stored) | set(derived))
        if (stored[key].quantity if key in stored else Decimal(0)) != derived.get(key, Decimal(0))
    ]
    if fix and mismatches:
        items = dict(Lot.objects.values_list("pk", "item_id"))
        for mismatch in mismatches:
            if mismatch.from_ledger < 0:
                raise HavenError(
                    _(
                        "the ledger sums to %(from_ledger)s for lot "
                        "%(lot_id)s in store %(store_id)s: cannot rebuild"
                    )
                    % {
                        "from_ledger": format_quantity(mismatch.from_ledger),
                        "lot_id": mismatch.lot_id,
                        "store_id": mismatch.store_id,
                    }
                )
            Balance.objects.update_or_create(
                lot_id=mismatch.lot_id,
                store_id=mismatch.store_id,
                defaults={
                    "item_id": items[mismatch.lot_id],
                    "quantity": mismatch.from_ledger,
                    "updated_at": timezone.now(),
                },
            )
    return mismatches


@dataclass(frozen=True, slots=True)
class DailyIssueMismatch(Mismatch):
    key: tuple[int, date]  # item id, day
    stored: tuple[Decimal, int]  # (quantity, entries); (0, 0) when there is no row
    recounted: tuple[Decimal, int]  # the same, from the ledger

    @property
    def item_id(self) -> int:
        return self.key[0]

    @property
    def day(self) -> date:
        return self.key[1]

    @property
    def from_ledger(self) -> tuple[Decimal, int]:
        return self.recounted

    def __str__(self) -> str:
        return (
            f"issues of item {self.item_id} on {self.day}: stored "
            f"{format_quantity(self.stored[0])} in {self.stored[1]} entries, ledger "
            f"{format_quantity(self.from_ledger[0])} in {self.from_ledger[1]} entries"
        )


@read_only
def ledger_daily_issues() -> dict[tuple[int, date], tuple[Decimal, int]]:
    """Issues per item × day recounted from the ledger alone: (signed sum, entries)."""
    return {
        (item, day): (Decimal(total), number)
        for item, day, total, number in LedgerEntry.objects.filter(kind=EntryKind.ISSUE)
        .values_list("item_id", "day")
        .annotate(total=Sum("quantity"), number=Count("id"))
        .values_list("item_id", "day", "total", "number")
        .order_by()
    }


@audited("stock.rebuild_daily_issues")
@transaction.atomic
def rebuild_daily_issues(*, fix: bool = False) -> list[DailyIssueMismatch]:
    """Compare the kept daily issues with a recount of the ledger; with `fix`, rewrite
    them from it (days the ledger has no issue for are dropped)."""
    return recount(
        DailyIssue,
        key=["item_id", "day"],
        value=["quantity", "entries"],
        counted=ledger_daily_issues,
        write=_count_issues,
        mismatch=DailyIssueMismatch,
        fix=fix,
        order=lambda key: (key[1], key[0]),
    )


@read_only
def ledger_for(item: ItemRef, store: StoreRef | None = None) -> Any:
    """An item's ledger, newest first, with what each entry names."""
    entries = LedgerEntry.objects.filter(item=get_item(item)).select_related(
        "store", "lot", "recorded_by", "person", "mission"
    )
    if store is not None:
        entries = entries.filter(store=get_store(store))
    return entries


@read_only
def expired_balances(on: date | None = None) -> Any:
    """Stock still on hand in lots past their expiry date."""
    day = on or timezone.localdate()
    return Balance.objects.filter(quantity__gt=0, lot__expiry_date__lt=day).select_related(
        "item", "lot", "store"
    )


@read_only
def balances_by_store(store: StoreRef) -> Any:
    return (
        Balance.objects.filter(store=get_store(store), quantity__gt=0)
        .select_related("item", "lot")
        .order_by("item__category", "item__name", "lot__expiry_date")
    )


@audited("stock.receive_many")
def receive_many(
    *,
    by: Author,
    store: StoreRef,
    lines: Sequence[tuple[ItemRef, Number]],
    source: str,
    reference: str = "",
    note: str = "",
    mission: Mission | None = None,
    at: datetime | None = None,
) -> list[LedgerEntry]:
    """Receive several items into one store in one step (a mission's yield, a convoy)."""
    with transaction.atomic():
        entries: list[LedgerEntry] = []
        for item, quantity in lines:
            entries += receive(
                by=by,
                item=item,
                store=store,
                quantity=quantity,
                source=source,
                reference=reference,
                note=note,
                mission=mission,
                at=at,
            )
        return entries
