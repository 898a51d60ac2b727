"""The headcount classes equal a recount of the registry after any sequence of events."""

from __future__ import annotations

import contextlib
import io
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.core.errors import HavenError
from haven.people import aggregates, importing, services
from haven.people.choices import AGE_BANDS, IN_CAMP, Status
from haven.people.models import HeadcountClass, Person, Team

TODAY = date(2026, 6, 15)

births = st.one_of(st.none(), st.dates(min_value=date(1920, 1, 1), max_value=TODAY))
sexes = st.sampled_from(["f", "m", "x", "u"])
statuses = st.sampled_from(list(Status.values))
events = st.one_of(
    st.tuples(st.just("register"), sexes, births, statuses, st.booleans()),
    st.tuples(st.just("edit"), st.integers(0, 50), sexes, births, st.integers(0, 600)),
    st.tuples(st.just("team"), st.integers(0, 50), st.booleans()),
    st.tuples(st.just("status"), st.integers(0, 50), statuses),
    st.tuples(st.just("depart"), st.integers(0, 50)),
    st.tuples(st.just("return"), st.integers(0, 50), st.booleans()),
    st.tuples(st.just("import"), st.lists(st.tuples(sexes, births, statuses), max_size=4)),
    st.tuples(st.just("bulk status"), st.lists(st.integers(0, 50), max_size=5), statuses),
)


def _someone(index: int) -> Person | None:
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    return Person.objects.get(pk=people[index % len(people)]) if people else None


def _apply(event: tuple[Any, ...], team: Team) -> None:
    kind = event[0]
    if kind == "register":
        _, sex, born, status, pregnant = event
        services.register_person(
            by=None,
            full_name="Someone",
            sex=sex,
            date_of_birth=born,
            status=status,
            pregnant_or_lactating=pregnant,
        )
        return
    if kind == "import":
        lines = ["given_name,sex,date_of_birth,status"]
        for sex, born, status in event[1]:
            lines.append(f"Imported,{sex},{born.isoformat() if born else ''},{status}")
        importing.import_people(by=None, stream=io.StringIO("\n".join(lines) + "\n"))
        return
    if kind == "bulk status":
        ids = [p.pk for i in event[1] if (p := _someone(i)) is not None]
        changes = [(pk, event[2]) for pk in dict.fromkeys(ids)]
        services.change_statuses(by=None, changes=changes, reason="roll call", correction=True)
        return
    person = _someone(event[1])
    if person is None:
        return
    if kind == "edit":
        _, _, sex, born, kcal = event
        services.update_person(
            by=None, person=person, sex=sex, date_of_birth=born, extra_energy_kcal=kcal
        )
    elif kind == "team":
        services.update_person(by=None, person=person, team=team if event[2] else None)
    elif kind == "status":
        services.change_status(
            by=None, person=person, status=event[2], reason="corrected", correction=True
        )
    elif kind == "depart":
        services.record_departure(by=None, person=person, reason="went home")
    elif kind == "return":
        services.record_return(by=None, person=person, injured=event[2])


def _pyramid_by_hand(today: date) -> Counter[tuple[str, str]]:
    """The age–sex counts worked out person by person, the slow way."""
    counted: Counter[tuple[str, str]] = Counter()
    for person in Person.objects.filter(status__in=IN_CAMP):
        age = (
            None if person.date_of_birth is None else aggregates.age_on(person.date_of_birth, today)
        )
        if age is None:
            counted[aggregates.UNKNOWN_BAND, person.sex] += 1
        elif age < 0:
            counted[aggregates.FUTURE_BAND, person.sex] += 1
        else:
            band = next(
                label
                for label, low, high in AGE_BANDS
                if age >= low and (high is None or age < high)
            )
            counted[band, person.sex] += 1
    return counted


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(events, max_size=8))
def test_any_sequence_of_events_keeps_the_classes_equal_to_a_recount(
    sequence: list[tuple[Any, ...]],
) -> None:
    team, _ = Team.objects.get_or_create(name="Kitchen")
    for event in sequence:
        # A refused event changes nothing: the classes must still be exact.
        with contextlib.suppress(HavenError):
            _apply(event, team)
    assert aggregates.rebuild() == []
    in_camp = Person.objects.filter(status__in=IN_CAMP)
    assert aggregates.in_camp_totals() == (
        in_camp.count(),
        sum(p.extra_energy_kcal for p in in_camp),
    )
    for today in (TODAY, date(2031, 2, 28)):
        assert Counter(aggregates.in_camp_by_band_and_sex(today)) == _pyramid_by_hand(today)
        by_class: Counter[tuple[str, str, int | None]] = Counter()
        for need in aggregates.in_camp_need_classes(today):
            by_class[need.status, need.sex, need.age_years] += need.people
        by_hand: Counter[tuple[str, str, int | None]] = Counter()
        for person in in_camp:
            born = person.date_of_birth
            age = None if born is None else aggregates.age_on(born, today)
            by_hand[person.status, person.sex, age] += 1
        assert +by_class == +by_hand


def test_a_birthday_moves_someone_into_the_next_band(db: None) -> None:
    born = date(2021, 6, 16)
    services.register_person(by=None, full_name="Child", sex="f", date_of_birth=born)
    # Classes count a birthday from the first of its month.
    assert aggregates.in_camp_by_band_and_sex(date(2026, 5, 31)) == {("0–4", "f"): 1}
    assert aggregates.in_camp_by_band_and_sex(date(2026, 6, 1)) == {("5–17", "f"): 1}


def test_rebuild_names_a_difference_exits_1_and_fix_repairs_it(db: None) -> None:
    services.register_person(by=None, full_name="Amina", sex="f", date_of_birth=date(1990, 3, 4))
    HeadcountClass.objects.update(people=5)  # written around the services
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("rebuild", stdout=out)
    assert raised.value.returncode == 1
    assert "present, sex f, born 1990-03: stored 5, recounted 1" in out.getvalue()
    call_command("rebuild", "--fix", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild", stdout=out)
    assert "equal a recount" in out.getvalue()
    assert aggregates.status_counts() == {"present": 1}


def test_the_figures_of_the_dashboard_and_forecast_never_read_the_people(db: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from haven.people.dashboard import age_sex_pyramid, headcount
    from haven.rations.adapters import forecast_inputs
    from haven.shelter.services import board
    from haven.stock.runway import camp_runway

    for n in range(3):
        services.register_person(
            by=None, full_name=f"P{n}", sex="m", date_of_birth=TODAY - timedelta(days=3650 * n)
        )
    with CaptureQueriesContext(connection) as queries:
        assert headcount()["in_camp"] == 3
        assert sum(band["male"] for band in age_sex_pyramid()["bands"]) == 3
        assert camp_runway().headcount == 3
        assert forecast_inputs(history_days=7).headcount == 3
        assert board().in_camp == 3  # its places taken are kept by shelter too
    table = Person._meta.db_table
    assert not [q["sql"] for q in queries.captured_queries if f'"{table}"' in q["sql"]]
