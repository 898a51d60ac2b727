"""Fast bulk inserts for imports: one executemany per batch, in the ORM's columns and types.

`QuerySet.bulk_create` builds a model instance per row and prepares every value of every
field, and on SQLite splits batches at 999 parameters. Imports of 100,000 rows use this
instead: rows are plain dicts keyed by field attname (missing fields take the field's
default), only dates, decimals and JSON are adapted, and each batch is one `executemany`
on SQLite, one `COPY … FROM STDIN` on PostgreSQL (several times faster than INSERTs there).
"""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models

Adapter = Callable[[Any], Any]


def _adapter(field: models.Field[Any, Any], copying: bool) -> Adapter | None:
    ops = connection.ops
    if copying and isinstance(field, (models.DateField, models.DecimalField)):
        # COPY takes dates, datetimes and decimals as they are (the PostgreSQL backend's
        # adapt_* return them unchanged): a call per value saved on every row.
        return None
    if isinstance(field, models.DateTimeField):
        convert: Adapter = ops.adapt_datetimefield_value
    elif isinstance(field, models.DateField):
        convert = ops.adapt_datefield_value
    elif isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    elif isinstance(field, models.JSONField):
        if copying:
            # COPY takes the column's text form; the encoder is the field's own.
            return lambda value: json.dumps(value, cls=field.encoder)
        return lambda value: field.get_db_prep_save(value, connection)
    else:
        return None
    # Imports stamp thousands of rows with the same moment; adapt each value once.
    cache: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        if value not in cache:
            cache[value] = convert(value)
        return cache[value]

    return cached


def insert_rows(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, batch_size: int = 10_000
) -> None:
    """INSERT rows given as {attname: value} (primary key left to the database)."""
    if not rows:
        return
    copying = connection.vendor == "postgresql"
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    adapters = [
        (index, adapt)
        for index, f in enumerate(fields)
        if (adapt := _adapter(f, copying)) is not None
    ]
    # The row's values in the table's column order, its defaults filled in, read in C.
    names = [f.attname for f in fields]
    pick = operator.itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    values = []
    for row in rows:
        line = list(pick({**defaults, **row}))
        for index, adapt in adapters:
            if line[index] is not None:
                line[index] = adapt(line[index])
        values.append(line)
    insert_values(model, names, values, batch_size=batch_size)


def insert_values(
    model: type[models.Model],
    attnames: Sequence[str],
    values: Iterable[Sequence[Any]],
    *,
    batch_size: int = 10_000,
) -> None:
    """INSERT rows already in the database's types (ints, str, Decimal, None), in the
    columns `attnames`: for writers that build their rows column-wise (NumPy), with no
    dict or adapter per row. `values` may be a generator: it is read a batch at a time."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = {f.attname: f.column for f in model._meta.concrete_fields}
    columns = ", ".join(quote(str(column[name])) for name in attnames)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for line in values:
                    copy.write_row(line)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(attnames))})"
        rows = iter(values)
        while batch := list(itertools.islice(rows, batch_size)):
            cursor.executemany(sql, batch)


def lock_for_append(model: type[models.Model]) -> None:
    """Keep other writers out of a table while ids are read back after a bulk insert.

    SQLite transactions here are IMMEDIATE (one writer at a time) already; PostgreSQL
    needs a lock so that the ids above the old maximum are exactly the rows just inserted.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
