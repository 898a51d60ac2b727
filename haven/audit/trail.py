"""What services declare: `@audited("stock.issue")` on every write, `@read_only` on every
pure read helper. A test imports every services module and fails on a public function
that is neither, so a new write cannot slip past the audit log.

An audited call runs in one transaction with its audit event: if the write fails, no
event; if the event cannot be appended, no write. A service called by another audited
service (a mission's return receiving its yield) is part of the outer event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from decimal import Decimal
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model

Func = TypeVar("Func", bound=Callable[..., Any])

# Argument names whose values never reach the log.
SECRET_WORDS = ("password", "passphrase", "secret", "token", "key_hash", "otp", "session")
HIDDEN = "(secret)"
MAX_TEXT = 200
MAX_ITEMS = 20
MAX_KEYS = 40

_inside: ContextVar[bool] = ContextVar("haven_audit_inside", default=False)


def audited(action: str) -> Callable[[Func], Func]:
    """Record each successful call of a write service as one audit event named `action`."""
    group = action.split(".", 1)[0]

    def decorate(func: Func) -> Func:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if _inside.get():
                return func(*args, **kwargs)
            token = _inside.set(True)
            try:
                with transaction.atomic():
                    result = func(*args, **kwargs)
                    _record(action, group, args, kwargs, result)
                return result
            finally:
                _inside.reset(token)

        wrapper.__audit_action__ = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def read_only(func: Func) -> Func:
    """Mark a public service function that writes nothing (a look-up, a computation)."""
    func.__read_only__ = True  # type: ignore[attr-defined]
    return func


def is_marked(func: Callable[..., Any]) -> bool:
    return hasattr(func, "__audit_action__") or getattr(func, "__read_only__", False)


def _record(
    action: str, group: str, args: tuple[Any, ...], kwargs: dict[str, Any], result: Any
) -> None:
    from haven.audit.log import append

    records = [*model_refs([*args, *kwargs.values()]), *model_refs([result])]
    summary = {name: plain(value, name) for name, value in kwargs.items() if name != "by"}
    if args:
        summary["args"] = [plain(value) for value in args]
    append(
        kind="write",
        action=action,
        group=group,
        user=kwargs.get("by"),
        records=records,
        summary=summary,
    )


def record_ref(instance: Model) -> str:
    """ "people.person:12" — how the log names a record."""
    return f"{instance._meta.label_lower}:{instance.pk}"


def model_refs(values: list[Any], depth: int = 0) -> Iterator[str]:
    """The saved records among values, lists of them, and fields of result dataclasses."""
    for value in values:
        if isinstance(value, Model):
            if value.pk is not None and not isinstance(value, AbstractBaseUser):
                yield record_ref(value)
        elif depth < 2 and isinstance(value, list | tuple | set | frozenset):
            yield from model_refs(list(value), depth + 1)
        elif depth < 2 and dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = [getattr(value, field.name) for field in dataclasses.fields(value)]
            yield from model_refs(fields, depth + 1)


def _secret(name: str) -> bool:
    lowered = name.lower()
    if lowered.endswith(("_id", "_ids")):
        return False  # a token's or session's number names it; it does not open anything
    return any(word in lowered for word in SECRET_WORDS)


def plain(value: Any, name: str = "", depth: int = 0) -> Any:
    """A JSON-ready, bounded summary of an argument; secrets are hidden by their name.
    Iterators are not consumed (the service still needs them)."""
    if name and _secret(name):
        return HIDDEN
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + "…"
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, AbstractBaseUser):
        return value.get_username()
    if isinstance(value, Model):
        return record_ref(value) if value.pk is not None else str(value)[:MAX_TEXT]
    if depth >= 3:
        return type(value).__name__
    if isinstance(value, Mapping):
        items = list(value.items())[:MAX_KEYS]
        return {str(key): plain(item, str(key), depth + 1) for key, item in items}
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        shown = [plain(item, "", depth + 1) for item in items[:MAX_ITEMS]]
        if len(items) > MAX_ITEMS:
            return {"count": len(items), "first": shown}
        return shown
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
        return plain(fields, "", depth + 1)
    return type(value).__name__
