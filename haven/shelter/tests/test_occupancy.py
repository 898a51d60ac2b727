from __future__ import annotations

from typing import Any

import pytest

from haven.core.errors import HavenError
from haven.people import services as people
from haven.people.choices import Status
from haven.shelter import services
from haven.shelter.choices import StayEnd
from haven.shelter.models import Stay

pytestmark = pytest.mark.django_db


def test_a_move_closes_one_stay_and_opens_another(camp: Any, users: dict[str, Any]) -> None:
    person = camp.people[3]
    first = services.assign(by=users["clerk"], person=person, shelter=camp.tent_a)
    second = services.assign(by=users["clerk"], person=person, shelter=camp.tent_b)
    first.refresh_from_db()
    assert (first.end, first.end_note, first.ended_by) == (
        StayEnd.MOVED,
        "to Tent B",
        users["clerk"],
    )
    assert first.shelter == camp.tent_a  # history kept, not overwritten
    assert second.is_open
    assert services.occupancy() == {camp.tent_b.pk: 1}


def test_check_out_leaves_them_unsheltered_with_the_reason(
    camp: Any, users: dict[str, Any]
) -> None:
    person = camp.people[3]
    services.assign(by=users["clerk"], person=person, shelter=camp.tent_a)
    services.check_out(by=users["clerk"], person=person, note="sleeps at the mill")
    reasons = {row.person: row.reason for row in services.unsheltered()}
    assert reasons[person] == "checked out: sleeps at the mill"
    with pytest.raises(HavenError, match=r"Person 3 .* has no shelter to leave"):
        services.check_out(by=users["clerk"], person=person)


def test_over_capacity_is_refused_and_nothing_written(camp: Any, users: dict[str, Any]) -> None:
    for person in camp.people[:4]:
        services.assign(by=users["clerk"], person=person, shelter=camp.tent_a)
    before = Stay.objects.count()
    with pytest.raises(HavenError, match=r"Tent A is full: 4 of 4 places taken \(16 m² at 3.5"):
        services.assign(by=users["clerk"], person=camp.people[5], shelter=camp.tent_a)
    assert Stay.objects.count() == before


@pytest.mark.parametrize("status", [Status.DECEASED, Status.DEPARTED])
def test_the_dead_and_departed_get_no_shelter(
    camp: Any, users: dict[str, Any], status: str
) -> None:
    with pytest.raises(HavenError, match=f"Gone {status} .* is recorded {status}"):
        services.assign(by=users["clerk"], person=camp.gone[status], shelter=camp.tent_a)
    assert not Stay.objects.exists()


def test_destroying_a_shelter_unassigns_and_flags_its_people(
    camp: Any, users: dict[str, Any]
) -> None:
    for person in camp.people[:3]:
        services.assign(by=users["clerk"], person=person, shelter=camp.tent_a)
    services.destroy_shelter(by=users["quartermaster"], shelter=camp.tent_a, note="storm")
    assert services.occupancy() == {}
    reasons = {row.person: row.reason for row in services.unsheltered()}
    assert all(reasons[p] == "shelter Tent A destroyed" for p in camp.people[:3])
    assert camp.tent_a.condition_changes.get().condition == "destroyed"
    with pytest.raises(HavenError, match="Tent A is destroyed: nobody can sleep there"):
        services.assign(by=users["clerk"], person=camp.people[0], shelter=camp.tent_a)
    with pytest.raises(HavenError, match="Tent A is already destroyed"):
        services.destroy_shelter(by=users["clerk"], shelter=camp.tent_a)


def test_people_who_leave_camp_free_their_place(camp: Any, users: dict[str, Any]) -> None:
    person = camp.people[4]
    services.assign(by=users["clerk"], person=person, shelter=camp.tent_b)
    people.record_departure(by=users["clerk"], person=person, reason="to the capital")
    assert services.occupancy() == {}  # not counted while the stay is still open
    assert services.release_people_gone(by=users["clerk"]) == 1
    assert Stay.objects.get(person=person).end == StayEnd.LEFT_CAMP


def test_already_there_is_refused(camp: Any, users: dict[str, Any]) -> None:
    services.assign(by=users["clerk"], person=camp.people[0], shelter=camp.tent_a)
    with pytest.raises(HavenError, match="Person 0 already sleeps in Tent A"):
        services.assign(by=users["clerk"], person=camp.people[0], shelter=camp.tent_a)
