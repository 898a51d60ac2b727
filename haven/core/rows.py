"""One bad record never takes a page down: rows that cannot be read or drawn stand alone.

A row written behind the application's back (an impossible date, an area of 0, a missing
unit) must not turn a list page or the dashboard into an error page for everyone. Pages
read their rows through `read_rows` and build what they show per row through
`build_rows`; a row that fails becomes a `BadRow` that says which record it is and what
is wrong with it, and the error is logged once, with its traceback. The dashboard draws
each panel the same way (`haven.core.dashboard`), and the `{% guard %}` template tag
(`haven.core.templatetags.guard`) does it for a row's markup.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DataError, connection, transaction
from django.db.models import Model, QuerySet

logger = logging.getLogger("haven.rows")

Record = TypeVar("Record")
Built = TypeVar("Built")

# What a value the database holds but Python cannot take raises while a row is read: an
# impossible date (SQLite keeps any text), a malformed decimal or JSON text, a number out
# of range, and psycopg's DataError for a date past year 9999 (raised as the row is
# converted, in Python: the transaction is still good).
UNREADABLE = (ValueError, TypeError, ArithmeticError, DataError)


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row shown as what it is and what is wrong with it, instead of its usual cells."""

    label: str
    problem: str
    pk: Any = None
    is_bad: bool = True


def reference() -> str:
    """A short code shown on the page and written in the log, to find one from the other."""
    return uuid.uuid4().hex[:8]


def log_failure(what: str, ref: str = "") -> str:
    """Log the exception being handled, with its traceback, naming `what` failed."""
    ref = ref or reference()
    logger.exception("%s (ref %s)", what, ref)
    return ref


@contextmanager
def savepoint() -> Iterator[None]:
    """Inside a transaction, let a failed database read roll back alone (PostgreSQL
    refuses every later query of a transaction once one has failed)."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
    else:
        yield


def _label(model: type[Model], pk: Any) -> str:
    return f"{model._meta.verbose_name} {pk}"


def _unreadable_fields(queryset: QuerySet[Any], pk: Any) -> list[str]:
    """Which stored values of row `pk` Python cannot read. The page names the field but
    not the value (the role reading it may not be one that sees it); the log has both."""
    model = queryset.model
    one = model._base_manager.filter(pk=pk)
    problems = []
    for field in model._meta.concrete_fields:
        try:
            list(one.values_list(field.attname))
        except UNREADABLE as error:
            kind = field.get_internal_type().removesuffix("Field").lower()
            valid = {"date": "date", "datetime": "date and time", "decimal": "number"}
            problems.append(f"{field.verbose_name} is not a valid {valid.get(kind, 'value')}")
            logger.warning("%s: %s %s", _label(model, pk), field.attname, error)
    return problems


def _read_one(queryset: QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.filter(pk=pk).get()
    except UNREADABLE:
        problems = _unreadable_fields(queryset, pk) or ["it could not be read"]
        logger.warning("%s could not be read: %s", _label(queryset.model, pk), "; ".join(problems))
        return BadRow(_label(queryset.model, pk), "; ".join(problems), pk)


def read_rows(queryset: Any) -> list[Any]:
    """The rows of a queryset (sliced or not, e.g. a page's object_list); a row Python
    cannot read becomes a BadRow.

    The rows are read in one query as usual; only if that fails are they read again one
    by one (ids first, which never fail), so a page with no bad row costs nothing more.
    """
    # A value Python cannot convert fails in Python, after the query: the transaction is
    # still good, so no savepoint is needed (and none is paid for on every page).
    try:
        return list(queryset)
    except UNREADABLE:
        log_failure(
            f"a {queryset.model._meta.verbose_name} row could not be read; reading one by one"
        )
    ids = list(queryset.values_list("pk", flat=True))
    whole = queryset.all()
    whole.query.clear_limits()
    whole.query.clear_ordering(force=True)
    return [_read_one(whole, pk) for pk in ids]


def read_values(queryset: QuerySet[Any], *fields: str) -> list[tuple[Any, ...]]:
    """`values_list(*fields)` of a queryset; a value Python cannot read comes back as None
    (and is logged), so a planner or a count goes on without that one value."""
    try:
        return list(queryset.values_list(*fields))
    except UNREADABLE:
        what = queryset.model._meta.verbose_name
        log_failure(f"a {what} value could not be read; reading the rows one by one")
    rows: list[tuple[Any, ...]] = []
    whole = queryset.order_by().all()
    for pk in queryset.values_list("pk", flat=True):
        one = whole.filter(pk=pk)
        try:
            rows.extend(one.values_list(*fields))
            continue
        except UNREADABLE:
            pass
        values = []
        for name in fields:
            try:
                values.append(one.values_list(name, flat=True).get())
            except UNREADABLE as error:
                label = _label(queryset.model, pk)
                logger.warning("%s: %s could not be read (%s)", label, name, error)
                values.append(None)
        rows.append(tuple(values))
    return rows


def problem_text(error: BaseException) -> str:
    return str(error) or type(error).__name__


def build_rows(
    records: Iterable[Record],
    build: Callable[[Record], Built],
    label: Callable[[Record], str],
    fallback: Callable[[Record, str], Built] | None = None,
) -> list[Any]:
    """`build(record)` for each record; one it fails on is logged and becomes
    `fallback(record, problem)` (a row that shows what is wrong), else a BadRow."""
    rows: list[Any] = []
    for record in records:
        try:
            rows.append(build(record))
        except Exception as error:
            name = label(record)
            log_failure(f"{name} could not be shown")
            if fallback is not None:
                rows.append(fallback(record, problem_text(error)))
            else:
                rows.append(BadRow(name, problem_text(error), getattr(record, "pk", None)))
    return rows


def good(rows: Iterable[Any]) -> list[Any]:
    """The rows that are not bad (for totals; the bad ones are shown and named apart)."""
    return [row for row in rows if not isinstance(row, BadRow)]
