from __future__ import annotations

from typing import Any

import pytest

from haven.core.errors import HavenError
from haven.people import services
from haven.people.choices import Status
from haven.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp(users: dict[str, Any]) -> list[Person]:
    names = ["Amina Yusuf", "Omar Haddad", "Lina Haddad", "Jonas Berg"]
    people = [services.register_person(by=users["clerk"], full_name=name) for name in names]
    services.change_status(by=users["medic"], person=people[1], status=Status.INJURED)
    dead = services.register_person(by=users["clerk"], full_name="Sami Noor")
    services.change_status(by=users["medic"], person=dead, status=Status.DECEASED)
    return people


def test_muster_expects_the_present_and_injured(users: dict[str, Any], camp: list[Person]) -> None:
    muster = services.open_muster(by=users["clerk"], label="Morning")
    assert muster.expected_count == 4
    assert set(services.unaccounted(muster)) == set(camp)


def test_only_one_muster_is_open_at_a_time(users: dict[str, Any], camp: list[Person]) -> None:
    first = services.open_muster(by=users["clerk"], label="Morning")
    with pytest.raises(HavenError, match=f"muster {first.pk} \\(Morning\\) is still open"):
        services.open_muster(by=users["clerk"], label="Again")


def test_checking_in_twice_is_harmless(users: dict[str, Any], camp: list[Person]) -> None:
    muster = services.open_muster(by=users["clerk"])
    assert services.check_in(by=users["clerk"], muster=muster, person=camp[0]).created
    again = services.check_in(by=users["scout"], muster=muster, person=camp[0])
    assert not again.created
    assert muster.check_ins.count() == 1


def test_close_lists_the_unaccounted_and_marks_them_missing(
    users: dict[str, Any], camp: list[Person]
) -> None:
    muster = services.open_muster(by=users["clerk"], place="Assembly point")
    services.check_in(by=users["clerk"], muster=muster, person=camp[0])
    services.check_in(by=users["medic"], muster=muster, person=camp[1])
    muster = services.close_muster(by=users["clerk"], muster=muster)
    assert {p.full_name for p in services.unaccounted(muster)} == {"Lina Haddad", "Jonas Berg"}
    events = services.mark_unaccounted_missing(by=users["commander"], muster=muster)
    assert len(events) == 2
    for person in camp[2:]:
        person.refresh_from_db()
        assert person.status == Status.MISSING
    # The closed muster still shows who was unaccounted for, now marked missing.
    assert services.unaccounted(muster).count() == 2
    assert services.mark_unaccounted_missing(by=users["commander"], muster=muster) == []


def test_a_missing_person_who_answers_is_present_again(
    users: dict[str, Any], camp: list[Person]
) -> None:
    services.change_status(by=users["clerk"], person=camp[3], status=Status.MISSING)
    muster = services.open_muster(by=users["clerk"])
    result = services.check_in(by=users["clerk"], muster=muster, person=camp[3])
    assert result.status_event is not None
    camp[3].refresh_from_db()
    assert camp[3].status == Status.PRESENT


def test_the_dead_cannot_be_checked_in(users: dict[str, Any], camp: list[Person]) -> None:
    muster = services.open_muster(by=users["clerk"])
    dead = Person.objects.get(full_name="Sami Noor")
    with pytest.raises(HavenError, match="Sami Noor is recorded deceased"):
        services.check_in(by=users["clerk"], muster=muster, person=dead)
    assert muster.check_ins.count() == 0


def test_a_closed_muster_takes_no_check_ins(users: dict[str, Any], camp: list[Person]) -> None:
    muster = services.open_muster(by=users["clerk"], label="Noon")
    services.close_muster(by=users["clerk"], muster=muster)
    with pytest.raises(HavenError, match="\\(Noon\\) is closed"):
        services.check_in(by=users["clerk"], muster=muster, person=camp[0])
    with pytest.raises(HavenError, match="already closed"):
        services.close_muster(by=users["clerk"], muster=muster)


def test_departure_and_return(users: dict[str, Any], camp: list[Person]) -> None:
    departure = services.record_departure(
        by=users["clerk"],
        person=camp[0],
        reason="to family in the capital",
        destination="Capital",
        equipment_returned="blanket, jerrycan",
    )
    camp[0].refresh_from_db()
    assert camp[0].status == Status.DEPARTED
    assert departure.status_event.status == Status.DEPARTED
    with pytest.raises(HavenError, match="only someone present or injured can depart"):
        services.record_departure(by=users["clerk"], person=camp[0], reason="again")
    back = services.record_return(by=users["clerk"], person=camp[0], note="came back with food")
    camp[0].refresh_from_db()
    assert camp[0].status == Status.PRESENT
    assert back.departure == departure
    with pytest.raises(HavenError, match="only someone departed or missing can return"):
        services.record_return(by=users["clerk"], person=camp[0])


def test_a_departure_needs_a_reason(users: dict[str, Any], camp: list[Person]) -> None:
    with pytest.raises(HavenError, match="departure needs a reason"):
        services.record_departure(by=users["clerk"], person=camp[0], reason=" ")
    camp[0].refresh_from_db()
    assert camp[0].status == Status.PRESENT
