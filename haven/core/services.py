"""Helpers every app's services share: who acts, when it happened, and the look-ups.

One definition each, so that the people, stock, health, shelter, rations and missions
services agree: a time without a zone is refused everywhere (not guessed as local time),
a time in the future beyond `HAVEN_FUTURE_TOLERANCE_MINUTES` is refused everywhere, and a
record that is not found is named with what would have been found instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.trail import read_only
from haven.core.errors import HavenError, NotFoundError
from haven.core.times import readable
from haven.people.models import Person
from haven.stock.models import Item, Store

Author = AbstractBaseUser | AnonymousUser | None
ItemRef = Item | str | int
StoreRef = Store | str | int

# The largest id a database row can have (64-bit); a larger number names no row.
MAX_ID = 2**63 - 1
KNOWN_STORES_SHOWN = 12
CLOSE_ITEMS_SHOWN = 5


@read_only
def acting_user(by: Author) -> User | None:
    """The user to record as author of a write; None for the system (CLI, demo, imports)."""
    return by if isinstance(by, User) else None


@read_only
def future_tolerance() -> timedelta:
    """How far ahead of this machine's clock a time may be: phones and laptops drift."""
    return timedelta(minutes=float(settings.HAVEN_FUTURE_TOLERANCE_MINUTES))


@read_only
def event_time(at: datetime | None, what: str = "time") -> datetime:
    """When something happened: now if not given; a time with a zone, not in the future.

    A time without a zone is refused rather than guessed: "10:00" on a phone set to
    another zone would otherwise be filed hours off. A time ahead of now by more than the
    tolerance is refused: events are recorded after they happen.
    """
    now = timezone.now()
    if at is None:
        return now
    if not isinstance(at, datetime):
        raise HavenError(_("%(what)s %(at)r is not a date and time") % {"what": what, "at": at})
    if timezone.is_naive(at):
        raise HavenError(
            _("%(what)s %(at)s has no time zone (add e.g. +00:00)")
            % {"what": what, "at": at.isoformat()}
        )
    if at > now + future_tolerance():
        raise HavenError(_("%(what)s %(at)s is in the future") % {"what": what, "at": readable(at)})
    return at


@read_only
def planned_time(at: datetime, what: str = "time") -> datetime:
    """A time something is planned for: it may lie ahead, but it must carry a zone."""
    if not isinstance(at, datetime):
        raise HavenError(_("%(what)s %(at)r is not a date and time") % {"what": what, "at": at})
    if timezone.is_naive(at):
        raise HavenError(
            _("%(what)s %(at)s has no time zone (add e.g. +00:00)")
            % {"what": what, "at": at.isoformat()}
        )
    return at


@read_only
def record_id(value: Any, what: str) -> int:
    """A database id from an int or digits; NotFoundError naming `what` otherwise."""
    text = str(value).strip().lstrip("#")
    if isinstance(value, bool) or not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise NotFoundError(_("no %(what)s with id %(value)r") % {"what": what, "value": value})
    return int(text)


@read_only
def get_record(records: type[Model] | QuerySet[Any], pk: Any, what: str) -> Any:
    """One row by id from a model or queryset; NotFoundError "no {what} with id N" otherwise."""
    number = record_id(pk, what)
    queryset = records if isinstance(records, QuerySet) else records._default_manager.all()
    found = queryset.filter(pk=number).first()
    if found is None:
        raise NotFoundError(_("no %(what)s with id %(number)s") % {"what": what, "number": number})
    return found


@read_only
def get_person(person_id: int | str) -> Person:
    """A person by id; NotFoundError "no person with id N" otherwise."""
    person: Person = get_record(Person, person_id, "person")
    return person


@read_only
def get_people(person_ids: Iterable[int | str]) -> list[Person]:
    """People by id, in the order given; NotFoundError naming every id not found."""
    ids = [record_id(pk, "person") for pk in person_ids]
    found = Person.objects.in_bulk(ids)
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise NotFoundError(_("no person with id %(names)s") % {"names": ", ".join(missing)})
    return [found[pk] for pk in ids]


@read_only
def get_store(ref: StoreRef) -> Store:
    """A store by instance, id or name (case ignored); else NotFoundError listing the stores."""
    if isinstance(ref, Store):
        return ref
    text = str(ref).strip()
    query = Q(name__iexact=text)
    if text.isdigit() and int(text) <= MAX_ID:
        query |= Q(pk=int(text))
    found = Store.objects.filter(query).order_by("pk").first()
    if found is None:
        names = list(
            Store.objects.order_by("name").values_list("name", flat=True)[: KNOWN_STORES_SHOWN + 1]
        )
        if not names:
            known = " (no stores yet)"
        else:
            more = ", …" if len(names) > KNOWN_STORES_SHOWN else ""
            known = f" (stores: {', '.join(names[:KNOWN_STORES_SHOWN])}{more})"
        raise NotFoundError(_("no store %(text)r%(known)s") % {"text": text, "known": known})
    return found


@read_only
def get_item(ref: ItemRef) -> Item:
    """An item by instance, id, code or name (case ignored); else NotFoundError with the
    closest codes ("did you mean …?")."""
    if isinstance(ref, Item):
        return ref
    text = str(ref).strip()
    query = Q(code__iexact=text) | Q(name__iexact=text)
    if text.isdigit() and int(text) <= MAX_ID:
        query |= Q(pk=int(text))
    found = Item.objects.filter(query).order_by("pk").first()
    if found is None:
        like = close_item_codes(text)
        hint = f" (did you mean {', '.join(like)}?)" if like else ""
        raise NotFoundError(
            _("no item %(text)r in the catalogue%(hint)s") % {"text": text, "hint": hint}
        )
    return found


@read_only
def close_item_codes(text: str) -> list[str]:
    """Item codes that look like `text`: similar spelling first, then codes containing it."""
    if not text:
        return []
    wanted = text.lower()
    names = dict(Item.objects.values_list("code", "name"))
    by_code = difflib.get_close_matches(wanted, list(names), n=CLOSE_ITEMS_SHOWN, cutoff=0.6)
    by_name = difflib.get_close_matches(
        wanted, [name.lower() for name in names.values()], n=CLOSE_ITEMS_SHOWN, cutoff=0.6
    )
    code_of_name = {name.lower(): code for code, name in names.items()}
    containing = sorted(
        code for code, name in names.items() if wanted in code or wanted in name.lower()
    )
    close: list[str] = []
    for code in [*by_code, *(code_of_name[name] for name in by_name), *containing]:
        if code not in close:
            close.append(code)
    return close[:CLOSE_ITEMS_SHOWN]
