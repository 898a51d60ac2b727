"""The shelters' kept places taken equal a recount of the open stays after any sequence of
stays and of changes to the people in them; `haven rebuild` proves and repairs them."""

from __future__ import annotations

import contextlib
import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.core.errors import HavenError
from haven.people import merging
from haven.people.choices import IN_CAMP
from haven.people.models import Person, Team
from haven.people.tests.test_aggregates import _apply as apply_people_event
from haven.people.tests.test_aggregates import events as people_events
from haven.shelter import occupancy, services
from haven.shelter.models import Occupancy, Shelter, Stay

shelter_events = st.one_of(
    st.tuples(st.just("assign"), st.integers(0, 50), st.integers(0, 2)),
    st.tuples(st.just("check out"), st.integers(0, 50)),
    st.tuples(st.just("destroy"), st.integers(0, 2)),
    st.tuples(st.just("repair"), st.integers(0, 2)),
    st.tuples(st.just("release gone")),
    st.tuples(st.just("merge"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("plan")),
)

SHELTER_KINDS = {"assign", "check out", "destroy", "repair", "release gone", "merge", "plan"}


def _someone(index: int) -> Person | None:
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    return Person.objects.get(pk=people[index % len(people)]) if people else None


def _shelter(index: int) -> Shelter:
    shelters = list(Shelter.objects.order_by("pk"))
    return shelters[index % len(shelters)]


def _apply(event: tuple[Any, ...]) -> None:
    kind = event[0]
    if kind == "release gone":
        services.release_people_gone(by=None)
    elif kind == "destroy":
        services.destroy_shelter(by=None, shelter=_shelter(event[1]))
    elif kind == "repair":
        services.set_condition(by=None, shelter=_shelter(event[1]), condition="usable")
    elif kind == "plan":
        plan = services.make_plan(by=None)
        services.apply_plan(by=None, plan=plan)
    elif kind == "merge":
        kept, merged = _someone(event[1]), _someone(event[2])
        if kept is not None and merged is not None:
            merging.merge_people(by=None, kept=kept, merged=merged, reason="same person")
    else:
        person = _someone(event[1])
        if person is None:
            return
        if kind == "assign":
            services.assign(by=None, person=person, shelter=_shelter(event[2]))
        else:
            services.check_out(by=None, person=person)


def _taken_by_hand() -> dict[int, int]:
    """Places taken the slow way: the open stays of people in camp, joined."""
    rows = Stay.objects.filter(ended_at__isnull=True, person__status__in=IN_CAMP)
    return dict(Counter(rows.values_list("shelter_id", flat=True)))


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(st.one_of(people_events, shelter_events), max_size=10))
def test_any_sequence_of_events_keeps_the_places_taken_equal_to_a_recount(
    sequence: list[tuple[Any, ...]],
) -> None:
    team, _ = Team.objects.get_or_create(name="Kitchen")
    for name in ("Tent A", "Tent B", "Tent C"):
        if not Shelter.objects.filter(name=name).exists():
            services.add_shelter(by=None, name=name, covered_area_m2=10)
    for event in sequence:
        # A refused event changes nothing: the counts must still be exact.
        with contextlib.suppress(HavenError):
            if event[0] in SHELTER_KINDS:
                _apply(event)
            else:
                apply_people_event(event, team)
    assert occupancy.rebuild() == []
    assert services.occupancy() == _taken_by_hand()


def test_rebuild_names_a_difference_exits_1_and_fix_repairs_it(camp: Any) -> None:
    services.assign(by=None, person=camp.people[0], shelter=camp.tent_a)
    Occupancy.objects.filter(shelter=camp.tent_a).update(people=7)
    with pytest.raises(CommandError) as refused:
        call_command("rebuild", stdout=io.StringIO())
    assert refused.value.returncode == 1
    out = io.StringIO()
    call_command("rebuild", "--fix", stdout=out)
    assert "occupancy of shelter" in out.getvalue()
    assert "stored 7, recounted 1" in out.getvalue()
    call_command("rebuild", stdout=io.StringIO())
    assert services.occupancy() == {camp.tent_a.pk: 1}


def test_the_board_counts_places_without_reading_the_stays(camp: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.assign(by=None, person=camp.people[0], shelter=camp.tent_a)
    services.assign(by=None, person=camp.people[1], shelter=camp.tent_b)
    with CaptureQueriesContext(connection) as queries:
        board = services.board()
    assert board.occupied == 2
    tables = (f'"{Stay._meta.db_table}"', f'"{Person._meta.db_table}"')
    assert not [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in tables)]
