"""The proof and repair of a kept aggregate: its stored rows against a recount.

A figure a page shows at a large camp is a table kept in the writers' own transactions
(the headcount classes, the shelters' places taken, the daily issues of stock); each has a
rebuild that proves it equals a recount of what it counts and, with `fix`, rewrites it
(`haven rebuild [--fix]`). The steps are the same for every one, so they live here once:

- on PostgreSQL the table is locked against writers (SHARE ROW EXCLUSIVE: reads go on), so
  no posting lands between the read of the stored rows and the recount, nor during a fix;
- the stored rows are read as {key: value}, the key and the value each named by fields;
- every key where the two differ is a mismatch (a missing row counts as zero);
- a fix deletes every row and writes the recount, all inside the one transaction.

An area gives its table, the fields of its key and of its value, its recount, its writer
(the same upsert its writers use) and a mismatch class that names a difference to a clerk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models, transaction

M = TypeVar("M", bound="Mismatch")


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A key whose stored value is not its recount; an area subclasses it to say which."""

    key: Any
    stored: Any
    recounted: Any

    def __str__(self) -> str:
        return f"{self.key}: stored {self.stored}, recounted {self.recounted}"


def rebuild(
    model: type[models.Model],
    *,
    key: Sequence[str],
    value: Sequence[str],
    counted: Callable[[], Mapping[Any, Any]],
    write: Callable[[Mapping[Any, Any]], None],
    mismatch: Callable[[Any, Any, Any], M],
    fix: bool = False,
    order: Callable[[Any], Any] | None = None,
) -> list[M]:
    """Compare the rows of `model` with `counted()`; with `fix`, replace them by `write`.

    The stored rows are read as {tuple of the `key` fields: the `value` field, or a tuple
    of them when there are several}, which is how `counted()` must answer and `write` take
    them. Returns one `mismatch(key, stored, recounted)` per key that differs, in the order
    of the keys (or of `order(key)`); none means the table equals the recount.
    """
    zero: Any = 0 if len(value) == 1 else (0,) * len(value)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        have = _stored(model, key, value)
        truth = counted()
        keys = sorted(set(have) | set(truth), key=order)
        mismatches = [
            mismatch(k, have.get(k, zero), truth.get(k, zero))
            for k in keys
            if have.get(k, zero) != truth.get(k, zero)
        ]
        if fix and mismatches:
            model._default_manager.all().delete()
            write(truth)
    return mismatches


def _stored(model: type[models.Model], key: Sequence[str], value: Sequence[str]) -> dict[Any, Any]:
    rows = model._default_manager.order_by().values_list(*key, *value)
    width = len(key)
    if len(value) == 1:
        return {tuple(row[:width]): row[width] for row in rows}
    return {tuple(row[:width]): tuple(row[width:]) for row in rows}
