"""A request reads the headcount classes once, collapsed in SQL, and every figure made from
that one read equals the figures of the former reads (one query per figure)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.db import connection, models
from django.db.models import Case, F, Q, Sum, Value, When
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.people import aggregates, services
from haven.people.choices import AGE_BANDS, IN_CAMP, Status
from haven.people.models import HeadcountClass, Person, Team

TABLE = f'"{HeadcountClass._meta.db_table}"'


def _class_reads(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if TABLE in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")
    ]


# ------------------------------------------------- the former reads, one query per figure


def _old_status_counts() -> dict[str, int]:
    rows = HeadcountClass.objects.values_list("status").annotate(n=Sum("people")).order_by()
    return {status: int(n) for status, n in rows if n}


def _old_in_camp_totals() -> tuple[int, int]:
    totals = HeadcountClass.objects.filter(status__in=IN_CAMP).aggregate(
        headcount=Sum("people"), extra=Sum(F("people") * F("extra_energy_kcal"))
    )
    return int(totals["headcount"] or 0), int(totals["extra"] or 0)


def _at_least(age: int, today: date) -> Q:
    year = today.year - age
    return Q(birth_year__gt=0) & (
        Q(birth_year__lt=year) | Q(birth_year=year, birth_month__lte=today.month)
    )


def _old_pyramid(today: date) -> dict[tuple[str, str], int]:
    whens = [
        When(birth_year=0, then=Value(aggregates.UNKNOWN_BAND)),
        When(~_at_least(0, today), then=Value(aggregates.FUTURE_BAND)),
    ]
    for label, _, high in AGE_BANDS:
        if high is not None:
            whens.append(When(~_at_least(high, today), then=Value(label)))
        else:
            whens.append(When(birth_year__gt=0, then=Value(label)))
    rows = (
        HeadcountClass.objects.filter(status__in=IN_CAMP)
        .annotate(band=Case(*whens, default=None, output_field=models.CharField()))
        .values_list("band", "sex")
        .annotate(n=Sum("people"))
        .order_by()
    )
    return {(band, sex): int(n) for band, sex, n in rows if n}


def _old_need_classes(today: date) -> Counter[tuple[Any, ...]]:
    age = Case(
        When(birth_year=0, then=None),
        When(birth_month__gt=today.month, then=Value(today.year) - F("birth_year") - Value(1)),
        default=Value(today.year) - F("birth_year"),
        output_field=models.IntegerField(),
    )
    rows = (
        HeadcountClass.objects.filter(status__in=IN_CAMP)
        .annotate(age=age)
        .values_list("status", "sex", "age", "pregnant_or_lactating", "worker", "extra_energy_kcal")
        .annotate(n=Sum("people"))
        .order_by()
    )
    return Counter(
        {(s, x, a, bool(p), bool(w), int(e)): int(n) for s, x, a, p, w, e, n in rows if n}
    )


def _camp() -> None:
    """People of every age band, born on 29 February, and born on this day of the year."""
    now = timezone.localdate()
    team = Team.objects.create(name="Kitchen")
    births = [
        None,
        now,  # born today
        date(now.year - 5, now.month, min(now.day, 28)),
        date(now.year - 18, now.month, min(now.day, 28)),
        date(now.year - 60, now.month, min(now.day, 28)),
        date(2008, 2, 29),
        date(1960, 2, 29),
        date(2021, 6, 15),  # fifth birthday on 2026-06-15
        date(2008, 6, 15),  # eighteenth birthday on 2026-06-15
        date(1966, 6, 15),  # sixtieth birthday on 2026-06-15
        date(2000, 12, 31),
        date(1990, 1, 1),
        date(1940, 7, 15),
    ]
    statuses = [Status.PRESENT, Status.INJURED, Status.MISSING, Status.DEPARTED]
    for index, born in enumerate(births * 2):
        services.register_person(
            by=None,
            full_name=f"Person {index}",
            sex="fmxu"[index % 4],
            date_of_birth=born,
            status=statuses[index % len(statuses)],
            pregnant_or_lactating=index % 5 == 0,
        )
    for index, person in enumerate(Person.objects.order_by("pk")):
        if index % 3 == 0:
            services.update_person(by=None, person=person, team=team, extra_energy_kcal=250)


@pytest.mark.parametrize(
    "today",
    [
        None,  # today: birthdays today
        date(2026, 6, 15),  # birthdays, and some not born yet (the future band)
        date(2028, 2, 29),
        date(2027, 2, 28),
        date(2027, 3, 1),
        date(2026, 12, 31),
    ],
)
def test_every_figure_equals_the_former_reads(db: None, today: date | None) -> None:
    _camp()
    today = today or timezone.localdate()
    with aggregates.shared_reads():
        assert aggregates.status_counts() == _old_status_counts()
        assert aggregates.headcount() == sum(_old_status_counts().values())
        assert aggregates.headcount(Status.MISSING) == _old_status_counts()[Status.MISSING]
        assert aggregates.in_camp_totals() == _old_in_camp_totals()
        assert aggregates.in_camp_by_band_and_sex(today) == _old_pyramid(today)
        need = Counter(
            {
                (
                    c.status,
                    c.sex,
                    c.age_years,
                    c.pregnant_or_lactating,
                    c.worker,
                    c.extra_energy_kcal,
                ): c.people
                for c in aggregates.in_camp_need_classes(today)
            }
        )
        assert need == _old_need_classes(today)
    # Outside a block the counts by status are summed on their own, equal all the same.
    assert aggregates.status_counts() == _old_status_counts()
    assert aggregates.headcount() == sum(_old_status_counts().values())
    assert aggregates.headcount(Status.MISSING) == _old_status_counts()[Status.MISSING]
    assert aggregates.headcount(Status.PRESENT) == _old_status_counts()[Status.PRESENT]
    # People in most bands and in unknown, so the comparison can fail.
    assert len({band for band, _ in _old_pyramid(today)}) >= 4


def test_one_read_is_shared_inside_the_block_and_dropped_by_a_write(db: None) -> None:
    services.register_person(by=None, full_name="A", sex="f", date_of_birth=date(1990, 1, 1))
    with aggregates.shared_reads(), CaptureQueriesContext(connection) as queries:
        assert aggregates.headcount() == 1
        assert aggregates.in_camp_totals() == (1, 0)
        aggregates.in_camp_by_band_and_sex()
        aggregates.in_camp_need_classes()
        assert len(_class_reads(queries)) == 1
        services.register_person(by=None, full_name="B", sex="m", date_of_birth=None)
        assert aggregates.headcount() == 2  # the write dropped the shared read
        assert len(_class_reads(queries)) == 2
    with CaptureQueriesContext(connection) as queries:
        aggregates.headcount()
        aggregates.headcount()
    assert len(_class_reads(queries)) == 2  # outside a block nothing is kept


def test_a_count_outside_a_block_sums_the_statuses_alone(db: None) -> None:
    """The people list and the API show a count only: they read no need classes (no CASE
    per stored class), one small GROUP BY status."""
    services.register_person(by=None, full_name="A", sex="f", date_of_birth=date(1990, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        assert aggregates.headcount() == 1
    [read] = _class_reads(queries)
    assert "CASE" not in read.upper()
