"""Who is where at a muster: the one definition of expected, checked in, accounted for
elsewhere and unaccounted, used by the services, the pages, the API and the dashboard.

- Expected: everyone in camp (present or injured), and anyone who has checked in.
- Each expected person is in exactly one place, the first that fits: checked in; in the
  first "elsewhere" group that holds them (the clinic, a mission — other apps report these
  through a discovered `<app>/muster.py`, see `ElsewhereGroup`); otherwise unaccounted.

So expected = checked in + accounted for elsewhere + unaccounted, always. While a muster is
open the figures are live: someone who arrives (registered, back from a mission, found) is
expected at once; someone who leaves (departs, dies) and has not answered drops out;
someone taken to the clinic moves to "in the clinic". Closing records where each person
was; a closed muster's figures are those of the moment it closed, and never change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from haven.core.registry import app_modules
from haven.people.choices import IN_CAMP
from haven.people.models import Muster, MusterElsewhere, Person

CHECKED_IN = "checked_in"
UNACCOUNTED = "unaccounted"
RESERVED_KEYS = frozenset({CHECKED_IN, UNACCOUNTED})
# What a discovered `<app>/muster.py` must export.
MUSTER_MODULE_EXPORT = "accounted_elsewhere"


@dataclass(frozen=True, slots=True)
class ElsewhereGroup:
    """People who cannot answer a roll call but are accounted for: who, and where.

    An app offers these from `<app>/muster.py`: `def accounted_elsewhere() ->
    list[ElsewhereGroup]`. `people` is who is there now (a lazy queryset, used as a
    subquery); `label` completes "167 …" ("in the clinic"); lower `order` wins when
    someone is in two groups.
    """

    key: str
    label: str
    people: QuerySet[Person] = field(repr=False)  # a repr would run the query
    order: int = 50


def elsewhere_groups() -> list[ElsewhereGroup]:
    """Every app's groups, in order (ties keep the order of HAVEN_APPS)."""
    groups: list[ElsewhereGroup] = []
    for _, module in app_modules("muster"):
        groups.extend(getattr(module, MUSTER_MODULE_EXPORT)())
    return sorted(groups, key=lambda group: group.order)


def whereabouts(muster: Muster | None, groups: Sequence[ElsewhereGroup]) -> Case:
    """SQL for each person's place at `muster` (or, with None, where they are now)."""
    cases = []
    if muster is not None:
        cases.append(
            When(pk__in=muster.check_ins.values("person_id"), then=Value(CHECKED_IN)),
        )
    cases.extend(When(pk__in=group.people.values("pk"), then=Value(group.key)) for group in groups)
    return Case(*cases, default=Value(UNACCOUNTED), output_field=CharField())


def expected(muster: Muster) -> QuerySet[Person]:
    """Who an open muster expects right now: everyone in camp, and whoever checked in."""
    return Person.objects.filter(
        Q(status__in=IN_CAMP) | Q(pk__in=muster.check_ins.values("person_id"))
    )


def placed(muster: Muster, groups: Sequence[ElsewhereGroup] | None = None) -> QuerySet[Any]:
    """An open muster's expected people, each with `whereabouts` (a group key, or
    CHECKED_IN or UNACCOUNTED)."""
    groups = elsewhere_groups() if groups is None else groups
    return expected(muster).annotate(whereabouts=whereabouts(muster, groups))


@dataclass(frozen=True, slots=True)
class PlaceCount:
    """How many of a muster's expected were in one place ("167 in the clinic")."""

    key: str
    label: str
    count: int

    def __str__(self) -> str:
        # Labels are kept in English (they are stored with a closed muster) and shown in
        # the reader's language.
        return f"{self.count} {gettext(self.label)}"


@dataclass(frozen=True, slots=True)
class MusterAccount:
    """A muster's four figures, counted at `counted_at` (now if open, else when it closed)."""

    muster: Muster
    counted_at: datetime
    checked_in: int
    elsewhere: tuple[PlaceCount, ...]
    unaccounted: int

    @property
    def elsewhere_count(self) -> int:
        return sum(place.count for place in self.elsewhere)

    @property
    def expected(self) -> int:
        return self.checked_in + self.elsewhere_count + self.unaccounted

    @property
    def elsewhere_summary(self) -> str:
        """ "167 in the clinic, 4 on mission" (the places that hold anyone)."""
        return ", ".join(str(place) for place in self.elsewhere if place.count)


def _open_account(muster: Muster) -> MusterAccount:
    groups = elsewhere_groups()
    counts = dict(
        placed(muster, groups)
        .values_list("whereabouts")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("whereabouts", "n")
    )
    return MusterAccount(
        muster=muster,
        counted_at=timezone.now(),
        checked_in=counts.get(CHECKED_IN, 0),
        elsewhere=tuple(
            sorted(
                (PlaceCount(g.key, g.label, counts.get(g.key, 0)) for g in groups),
                key=lambda place: (-place.count, place.key),
            )
        ),
        unaccounted=counts.get(UNACCOUNTED, 0),
    )


def accounts(musters: Iterable[Muster]) -> dict[int, MusterAccount]:
    """The account of each muster: live for an open one, as recorded for closed ones.
    A constant number of queries however many musters."""
    musters = list(musters)
    closed = [m for m in musters if not m.is_open]
    places: dict[int, list[PlaceCount]] = {m.pk: [] for m in closed}
    rows = (
        MusterElsewhere.objects.filter(muster__in=closed)
        .values_list("muster_id", "group", "label")
        .annotate(n=Count("id"))
        .order_by("muster_id", "-n", "group")  # largest first, as an open muster's
    )
    for muster_id, key, label, count in rows:
        places[muster_id].append(PlaceCount(key, label, count))
    result: dict[int, MusterAccount] = {}
    for muster in musters:
        if muster.is_open:
            result[muster.pk] = _open_account(muster)
            continue
        assert muster.closed_at is not None
        result[muster.pk] = MusterAccount(
            muster=muster,
            counted_at=muster.closed_at,
            checked_in=muster.checked_in_count or 0,
            elsewhere=tuple(places[muster.pk]),
            unaccounted=muster.unaccounted_count or 0,
        )
    return result


def account(muster: Muster) -> MusterAccount:
    return accounts([muster])[muster.pk]


def unaccounted(muster: Muster) -> QuerySet[Person]:
    """Who has not answered and is not accounted for elsewhere: live while the muster is
    open, as recorded once it is closed."""
    if muster.is_open:
        return placed(muster).filter(whereabouts=UNACCOUNTED)
    return Person.objects.filter(pk__in=muster.unaccounted.values("person_id"))


@dataclass(frozen=True, slots=True)
class Elsewhere:
    person: Person
    key: str
    label: str


def elsewhere(muster: Muster, limit: int | None = None) -> list[Elsewhere]:
    """Who was accounted for elsewhere (live while open), by place then name; at most
    `limit` per place. One query per place."""
    if muster.is_open:
        groups = elsewhere_groups()
        places = [(group.key, group.label) for group in groups]
        everyone = placed(muster, groups)
    else:
        places = list(muster.elsewhere.values_list("group", "label").distinct().order_by("group"))
        everyone = Person.objects.filter(pk__in=muster.elsewhere.values("person_id"))
    found: list[Elsewhere] = []
    for key, label in places:
        if muster.is_open:
            people = everyone.filter(whereabouts=key)
        else:
            people = everyone.filter(pk__in=muster.elsewhere.filter(group=key).values("person_id"))
        people = people.order_by("full_name", "pk")
        found.extend(
            Elsewhere(person, key, label)
            for person in (people[:limit] if limit is not None else people)
        )
    return found


def where_now(person_ids: QuerySet[Any] | Sequence[int]) -> dict[int, str]:
    """{person id: label} for those of `person_ids` who are accounted for elsewhere now."""
    groups = elsewhere_groups()
    labels = {group.key: group.label for group in groups}
    people: QuerySet[Any] = Person.objects.filter(pk__in=person_ids)
    rows = (
        people.annotate(whereabouts=whereabouts(None, groups))
        .exclude(whereabouts=UNACCOUNTED)
        .values_list("pk", "whereabouts")
    )
    return {pk: labels[key] for pk, key in rows}
