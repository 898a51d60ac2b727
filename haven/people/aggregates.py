"""The registry counted by class, kept in the same transaction as every change of a person.

A dashboard at a million people cannot count the registry on each view. `HeadcountClass`
holds how many people share a status, a sex, a month of birth and a need class (pregnant
or lactating, on a team, extra kcal). Every writer keeps it exact:

- a `Person.save()` (registration, an edit of sex, date of birth or needs, the demo) through
  the `pre_save`/`post_save` signals below, and a delete through `post_delete`;
- `Person.objects` bulk writes (`bulk_create`, `update`, `bulk_update` of a class field:
  the status changes of departures, returns, musters and the clinic) through
  `PersonQuerySet`, which wraps them in `moving(ids)` or counts what it created;
- a raw bulk insert calls `people_inserted(start_after)`, or, as the CSV import does, counts
  the rows it wrote with `key_of_values` and `apply`s the counts.

Reads cost O(classes): headcount by status, the age–sex pyramid (the band is worked out
on the day it is read, so birthdays move people on), the in-camp totals of the runway,
and the need classes of the forecast. Ages read from classes count a birthday from the
first day of its month (`age_on`): a class per day of birth would make a class per
person at 100,000 people, and a planning figure is not moved by the days in between.
`rebuild()` compares the table with a full recount and can rewrite it (`haven rebuild`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, models
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from haven.core.aggregates import Mismatch
from haven.core.aggregates import rebuild as recount
from haven.people.choices import AGE_BANDS, IN_CAMP
from haven.people.models import HeadcountClass, Person

# status, sex, birth year, birth month, pregnant or lactating, worker, extra kcal
ClassKey = tuple[str, str, int, int, bool, bool, int]
KEY_FIELDS = (
    "status",
    "sex",
    "birth_year",
    "birth_month",
    "pregnant_or_lactating",
    "worker",
    "extra_energy_kcal",
)
# The Person fields a class is made of: a save that touches none of them changes no count.
PERSON_FIELDS = frozenset(
    {"status", "sex", "date_of_birth", "pregnant_or_lactating", "team", "extra_energy_kcal"}
)
CHUNK = 500


CLASS_ATTNAMES = (
    "status",
    "sex",
    "date_of_birth",
    "pregnant_or_lactating",
    "team_id",
    "extra_energy_kcal",
)


def key_of(person: Person) -> ClassKey:
    return key_of_values({name: getattr(person, name) for name in CLASS_ATTNAMES})


def key_of_values(values: Any) -> ClassKey:
    """The class of a person given as {attname: value} (a model's `__dict__`, an import's row)."""
    born = values["date_of_birth"]
    return (
        values["status"],
        values["sex"],
        born.year if born else 0,
        born.month if born else 0,
        bool(values.get("pregnant_or_lactating")),
        values.get("team_id") is not None,
        int(values.get("extra_energy_kcal") or 0),
    )


def age_on(born: date, today: date) -> int:
    """Age in whole years as the classes count it: a birthday from the 1st of its month."""
    return today.year - born.year - (born.month > today.month)


def _class_rows(people: models.QuerySet[Any]) -> Iterator[tuple[ClassKey, int]]:
    """(class, count) of a queryset of people, counted by the database in one GROUP BY."""
    rows = (
        people.order_by()
        .annotate(
            c_year=Coalesce(ExtractYear("date_of_birth"), Value(0)),
            c_month=Coalesce(ExtractMonth("date_of_birth"), Value(0)),
            c_worker=Case(When(team__isnull=False, then=Value(True)), default=Value(False)),
        )
        .values_list(
            "status",
            "sex",
            "c_year",
            "c_month",
            "pregnant_or_lactating",
            "c_worker",
            "extra_energy_kcal",
        )
        .annotate(n=Count("id"))
    )
    for status, sex, year, month, pregnant, worker, extra, n in rows:
        yield (status, sex, int(year), int(month), bool(pregnant), bool(worker), extra), n


def counted(people: models.QuerySet[Any]) -> Counter[ClassKey]:
    return Counter(dict(_class_rows(people)))


def apply(changes: Mapping[ClassKey, int]) -> None:
    """Add each class's change to its stored count (an upsert; keys in one order, so two
    writers never wait on each other's rows crosswise)."""
    rows = [(*key, n) for key, n in sorted(changes.items()) if n]
    if not rows:
        return
    _forget_shared()
    table = connection.ops.quote_name(HeadcountClass._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in KEY_FIELDS)
    sql = (
        f"INSERT INTO {table} ({columns}, people) VALUES ({', '.join(['%s'] * 8)}) "
        f"ON CONFLICT ({columns}) DO UPDATE SET people = {table}.people + excluded.people"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# ------------------------------------------------------------------ the writers' hooks


@receiver(pre_save, sender=Person, dispatch_uid="headcount-before-save")
def _before_save(sender: Any, instance: Person, update_fields: Any = None, **kwargs: Any) -> None:
    instance._headcount_before = None  # type: ignore[attr-defined]
    if update_fields is not None and not PERSON_FIELDS & set(update_fields):
        instance._headcount_skip = True  # type: ignore[attr-defined]
        return
    instance._headcount_skip = False  # type: ignore[attr-defined]
    if instance.pk is not None and not instance._state.adding:
        stored = Person.objects.filter(pk=instance.pk).only(*PERSON_FIELDS).first()
        before = key_of(stored) if stored is not None else None
        instance._headcount_before = before  # type: ignore[attr-defined]


@receiver(post_save, sender=Person, dispatch_uid="headcount-after-save")
def _after_save(sender: Any, instance: Person, created: bool, **kwargs: Any) -> None:
    if getattr(instance, "_headcount_skip", False) or kwargs.get("raw"):
        return
    before: ClassKey | None = getattr(instance, "_headcount_before", None)
    after = key_of(instance)
    if before != after:
        change: Counter[ClassKey] = Counter({after: 1})
        if before is not None:
            change[before] -= 1
        apply(change)


@receiver(post_delete, sender=Person, dispatch_uid="headcount-after-delete")
def _after_delete(sender: Any, instance: Person, **kwargs: Any) -> None:
    apply({key_of(instance): -1})


def people_inserted(start_after: int) -> None:
    """Count the people a bulk insert just added (every id above `start_after`)."""
    apply(counted(Person.objects.filter(pk__gt=start_after)))


# Aggregates of other areas that follow people's classes (the shelters' places taken, by
# the status of who sleeps there) register here; `moving` runs each around a bulk update.
FOLLOWERS: list[Callable[[Sequence[int]], AbstractContextManager[None]]] = []


@contextmanager
def moving(ids: Sequence[int]) -> Iterator[None]:
    """Around a bulk update of these people: their classes before leave, after arrive."""
    before: Counter[ClassKey] = Counter()
    for start in range(0, len(ids), CHUNK):
        before.update(counted(Person.objects.filter(pk__in=ids[start : start + CHUNK])))
    with ExitStack() as followers:
        for follower in FOLLOWERS:
            followers.enter_context(follower(ids))
        yield
    after: Counter[ClassKey] = Counter()
    for start in range(0, len(ids), CHUNK):
        after.update(counted(Person.objects.filter(pk__in=ids[start : start + CHUNK])))
    after.subtract(before)
    apply(after)


# ------------------------------------------------------------------ proof and repair


@dataclass(frozen=True, slots=True)
class ClassMismatch(Mismatch):
    key: ClassKey
    stored: int
    recounted: int

    def __str__(self) -> str:
        status, sex, year, month, pregnant, worker, extra = self.key
        born = f"{year:04d}-{month:02d}" if year else "unknown"
        needs = [
            *(["pregnant or lactating"] if pregnant else []),
            *(["on a team"] if worker else []),
            *([f"+{extra} kcal"] if extra else []),
        ]
        return (
            f"{status}, sex {sex}, born {born}{', ' + ', '.join(needs) if needs else ''}: "
            f"stored {self.stored}, recounted {self.recounted}"
        )


def rebuild(*, fix: bool = False) -> list[ClassMismatch]:
    """Compare the stored classes with a recount of the registry; with `fix`, rewrite them.
    Returns the differences found (none: the aggregates equal the registry)."""
    return recount(
        HeadcountClass,
        key=KEY_FIELDS,
        value=["people"],
        counted=lambda: counted(Person.objects.all()),
        write=apply,
        mismatch=ClassMismatch,
        fix=fix,
    )


# ------------------------------------------------------------------ reads, O(classes)
#
# A request that shows several figures (the dashboard: headcount, pyramid, key figures,
# runway, forecast) reads the classes once: `snapshot()` collapses them in one GROUP BY
# into (status, sex, age today, needs) — a few hundred rows, not the tens of thousands of
# stored classes — and every read below is worked out from it. Inside `shared_reads()` the
# snapshot is kept for the rest of that block (one request) and dropped by any write of
# the classes; outside it, each read makes its own snapshot, except the counts by status,
# which sum the statuses alone. Nothing is kept across requests.


@dataclass(frozen=True, slots=True)
class NeedClass:
    """People in camp who need the same: the forecast and the runway plan one per class."""

    status: str
    sex: str
    age_years: int | None
    pregnant_or_lactating: bool
    worker: bool
    extra_energy_kcal: int
    people: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The classes as of `today`: people by status (everyone) and the in-camp need classes."""

    today: date
    by_status: dict[str, int]
    in_camp: tuple[NeedClass, ...]


_shared: ContextVar[dict[tuple[str, date], Snapshot] | None] = ContextVar(
    "headcount_shared", default=None
)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within this block the classes are read at most once a day and database (until a
    write of them): wrap one request's gathering of figures in it, never longer."""
    if _shared.get() is not None:  # inside another block: share its read
        yield
        return
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _forget_shared() -> None:
    memo = _shared.get()
    if memo:
        memo.clear()


def _age_today(today: date) -> Case:
    """`age_on` worked out in SQL from a class's birth year and month (None: unknown)."""
    return Case(
        When(birth_year=0, then=None),
        When(
            birth_month__gt=today.month,
            then=Value(today.year) - F("birth_year") - Value(1),
        ),
        default=Value(today.year) - F("birth_year"),
        output_field=models.IntegerField(),
    )


def _read_snapshot(today: date) -> Snapshot:
    in_camp = Q(status__in=IN_CAMP)
    # Outside the camp only the status counts: age and needs collapse to one row per status.
    rows = (
        HeadcountClass.objects.annotate(
            s_sex=Case(
                When(in_camp, then=F("sex")), default=Value(""), output_field=models.CharField()
            ),
            s_age=Case(
                When(in_camp, then=_age_today(today)),
                default=None,
                output_field=models.IntegerField(),
            ),
            s_pregnant=Case(
                When(in_camp, then=F("pregnant_or_lactating")),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            s_worker=Case(
                When(in_camp, then=F("worker")),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            s_extra=Case(
                When(in_camp, then=F("extra_energy_kcal")),
                default=Value(0),
                output_field=models.IntegerField(),
            ),
        )
        .values_list("status", "s_sex", "s_age", "s_pregnant", "s_worker", "s_extra")
        .annotate(n=Sum("people"))
        .order_by()
    )
    by_status: Counter[str] = Counter()
    classes = []
    for status, sex, age, pregnant, worker, extra, n in rows:
        if not n:
            continue
        by_status[status] += int(n)
        if status in IN_CAMP:
            classes.append(
                NeedClass(status, sex, age, bool(pregnant), bool(worker), int(extra), int(n))
            )
    # One order whatever the database's, so the classes can name a state (`runway_state`).
    classes.sort(
        key=lambda c: (
            c.status,
            c.sex,
            c.age_years is None,
            c.age_years or 0,
            c.pregnant_or_lactating,
            c.worker,
            c.extra_energy_kcal,
        )
    )
    return Snapshot(today, dict(by_status), tuple(classes))


def snapshot(today: date | None = None) -> Snapshot:
    """The classes collapsed as of `today` (one query; shared inside `shared_reads()`)."""
    today = today or timezone.localdate()
    memo = _shared.get()
    if memo is None:
        return _read_snapshot(today)
    key = (connection.alias, today)
    if key not in memo:
        memo[key] = _read_snapshot(today)
    return memo[key]


def status_counts() -> dict[str, int]:
    """People by status. Inside `shared_reads()` from the block's one snapshot; outside it
    (the people list, the API) only the statuses are summed: a page that shows a count
    needs no need classes, which cost a CASE per stored class and an object per class."""
    if _shared.get() is not None:
        return dict(snapshot().by_status)
    rows = HeadcountClass.objects.values_list("status").annotate(n=Sum("people")).order_by()
    return {status: int(n) for status, n in rows if n}


def headcount(status: str | None = None) -> int:
    """Everyone in the registry, or everyone with this status: the list's count, O(classes).
    Outside `shared_reads()` one bare SUM, not `status_counts()`: grouping 13,000 classes by
    status cost SQLite 1.5 ms of a people list's CPU at 100,000 people, a plain sum 0.5 ms."""
    if _shared.get() is not None:
        counts = status_counts()
        return sum(counts.values()) if status is None else counts.get(status, 0)
    classes = (
        HeadcountClass.objects.all()
        if status is None
        else HeadcountClass.objects.filter(status=status)
    )
    total = classes.aggregate(n=Sum("people"))["n"]
    return int(total or 0)


def in_camp_totals() -> tuple[int, int]:
    """People in camp, and the extra kcal a day their special needs add up to."""
    classes = snapshot().in_camp
    return (
        sum(c.people for c in classes),
        sum(c.people * c.extra_energy_kcal for c in classes),
    )


UNKNOWN_BAND = "unknown"
FUTURE_BAND = "born in the future"


def band_of(age: int | None) -> str:
    """The age band label of an age in years (None: unknown; below 0: born in the future)."""
    if age is None:
        return UNKNOWN_BAND
    if age < 0:
        return FUTURE_BAND
    for label, _, high in AGE_BANDS:
        if high is None or age < high:
            return label
    raise AssertionError("AGE_BANDS ends open")  # pragma: no cover


def in_camp_by_band_and_sex(today: date | None = None) -> dict[tuple[str, str], int]:
    """(age band label, sex) → people in camp, the band as of `today`; an unknown date of
    birth is in UNKNOWN_BAND, one in the future (a typing mistake) in FUTURE_BAND."""
    counts: Counter[tuple[str, str]] = Counter()
    for c in snapshot(today).in_camp:
        counts[band_of(c.age_years), c.sex] += c.people
    return dict(counts)


def in_camp_need_classes(today: date | None = None) -> list[NeedClass]:
    """The people in camp by need class, their age worked out as of `today`."""
    return list(snapshot(today).in_camp)
