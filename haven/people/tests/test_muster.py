"""Musters: who is expected, who is where, and the four figures that always add up."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from haven.core.errors import HavenError
from haven.missions import services as missions
from haven.people import accounting, musters, services
from haven.people.choices import Status
from haven.people.models import Muster, Person
from haven.people.tests.camp import send_on_mission, to_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp(users: dict[str, Any]) -> dict[str, Person]:
    """Five walking, two in the clinic (one triaged, one only injured), two out on a mission
    and one dead."""
    clerk = users["clerk"]
    names = [
        "Amina Yusuf",
        "Omar Haddad",
        "Lina Haddad",
        "Jonas Berg",
        "Sara Ali",
        "Karim Nasser",
        "Hana Saleh",
        "Yusuf Tahir",
        "Mona Idris",
        "Sami Noor",
    ]
    people = {name.split()[0]: services.register_person(by=clerk, full_name=name) for name in names}
    to_clinic(users["medic"], people["Karim"])
    services.change_status(by=users["medic"], person=people["Hana"], status=Status.INJURED)
    send_on_mission(users["quartermaster"], [people["Yusuf"], people["Mona"]])
    services.change_status(by=users["medic"], person=people["Sami"], status=Status.DECEASED)
    return people


def figures(muster: Muster) -> tuple[int, int, dict[str, int], int]:
    """(expected, checked in, {place: count}, unaccounted), checking that they add up."""
    account = accounting.account(muster)
    places = {place.key: place.count for place in account.elsewhere if place.count}
    assert account.expected == account.checked_in + sum(places.values()) + account.unaccounted
    return account.expected, account.checked_in, places, account.unaccounted


def names(people: Any) -> set[str]:
    return {person.full_name.split()[0] for person in people}


def status_of(person: Person) -> str:
    person.refresh_from_db()
    return person.status


def test_everyone_in_camp_is_expected_and_those_who_cannot_answer_are_elsewhere(
    users: dict[str, Any], camp: dict[str, Person]
) -> None:
    muster = musters.open_muster(by=users["clerk"], label="Morning")
    assert figures(muster) == (9, 0, {"clinic": 2, "mission": 2}, 5)
    assert names(accounting.unaccounted(muster)) == {"Amina", "Omar", "Lina", "Jonas", "Sara"}
    assert accounting.account(muster).elsewhere_summary == "2 in the clinic, 2 on mission"
    where = {
        entry.person.full_name.split()[0]: entry.label for entry in accounting.elsewhere(muster)
    }
    assert where == {
        "Yusuf": "on mission",
        "Mona": "on mission",
        "Karim": "in the clinic",
        "Hana": "in the clinic",
    }


def test_the_figures_add_up_while_people_arrive_and_leave_and_are_fixed_at_closing(
    users: dict[str, Any], camp: dict[str, Person]
) -> None:
    clerk = users["clerk"]
    muster = musters.open_muster(by=clerk, label="Evening")
    musters.check_in(by=clerk, muster=muster, person=camp["Amina"])
    assert figures(muster) == (9, 1, {"clinic": 2, "mission": 2}, 4)
    # A newcomer is expected at once; someone who leaves without answering drops out.
    newcomer = services.register_person(by=clerk, full_name="Nadia Farouk")
    assert figures(muster) == (10, 1, {"clinic": 2, "mission": 2}, 5)
    services.record_departure(by=clerk, person=camp["Omar"], reason="to the capital")
    assert figures(muster) == (9, 1, {"clinic": 2, "mission": 2}, 4)
    # Someone who answered and then left still answered.
    services.record_departure(by=clerk, person=camp["Amina"], reason="evacuated")
    assert figures(muster) == (9, 1, {"clinic": 2, "mission": 2}, 4)
    # Taken to the clinic during the muster; the mission team comes back.
    to_clinic(users["medic"], camp["Lina"])
    mission = camp["Yusuf"].mission_memberships.get().mission
    missions.return_mission(by=users["quartermaster"], mission=mission)
    assert figures(muster) == (9, 1, {"clinic": 3}, 5)
    assert names(accounting.unaccounted(muster)) == {"Jonas", "Sara", "Nadia", "Yusuf", "Mona"}

    closed = musters.close_muster(by=clerk, muster=muster)
    assert figures(closed) == (9, 1, {"clinic": 3}, 5)
    assert (closed.expected_count, closed.checked_in_count) == (9, 1)
    assert (closed.elsewhere_count, closed.unaccounted_count) == (3, 5)
    assert closed.elsewhere.count() == 3 and closed.unaccounted.count() == 5
    # What happens after closing does not change a closed muster's figures.
    services.register_person(by=clerk, full_name="Late Arrival")
    to_clinic(users["medic"], newcomer)
    assert figures(closed) == (9, 1, {"clinic": 3}, 5)
    assert names(accounting.unaccounted(closed)) == {"Jonas", "Sara", "Nadia", "Yusuf", "Mona"}


def test_someone_in_two_places_counts_once_and_answering_comes_first(
    users: dict[str, Any], camp: dict[str, Person]
) -> None:
    to_clinic(users["medic"], camp["Amina"])
    send_on_mission(users["quartermaster"], [camp["Amina"]], destination="Spring")
    muster = musters.open_muster(by=users["clerk"])
    assert figures(muster) == (9, 0, {"clinic": 2, "mission": 3}, 4)
    musters.check_in(by=users["clerk"], muster=muster, person=camp["Karim"])
    assert figures(muster) == (9, 1, {"clinic": 1, "mission": 3}, 4)


def test_only_one_muster_is_open_at_a_time(users: dict[str, Any], camp: dict[str, Person]) -> None:
    first = musters.open_muster(by=users["clerk"], label="Morning")
    with pytest.raises(HavenError, match=f"muster {first.pk} \\(Morning\\) is still open"):
        musters.open_muster(by=users["clerk"], label="Again")


def test_a_label_too_long_is_refused(users: dict[str, Any]) -> None:
    with pytest.raises(HavenError, match="label is 121 characters long: at most 120"):
        musters.open_muster(by=users["clerk"], label="x" * 121)
    assert Muster.objects.count() == 0


def test_checking_in_twice_is_harmless(users: dict[str, Any], camp: dict[str, Person]) -> None:
    muster = musters.open_muster(by=users["clerk"])
    assert musters.check_in(by=users["clerk"], muster=muster, person=camp["Amina"]).created
    again = musters.check_in(by=users["scout"], muster=muster, person=camp["Amina"])
    assert not again.created
    assert muster.check_ins.count() == 1


def test_the_dead_cannot_be_checked_in(users: dict[str, Any], camp: dict[str, Person]) -> None:
    muster = musters.open_muster(by=users["clerk"])
    with pytest.raises(HavenError, match="Sami Noor is recorded deceased"):
        musters.check_in(by=users["clerk"], muster=muster, person=camp["Sami"])
    assert muster.check_ins.count() == 0


def test_a_closed_muster_takes_no_check_ins(users: dict[str, Any], camp: dict[str, Person]) -> None:
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    musters.close_muster(by=users["clerk"], muster=muster)
    with pytest.raises(HavenError, match="\\(Noon\\) is closed"):
        musters.check_in(by=users["clerk"], muster=muster, person=camp["Amina"])
    with pytest.raises(HavenError, match="already closed"):
        musters.close_muster(by=users["clerk"], muster=muster)


def closed_muster(users: dict[str, Any], camp: dict[str, Person], *answering: str) -> Muster:
    muster = musters.open_muster(by=users["clerk"], label="Evening roll call", place="Gate")
    for name in answering:
        musters.check_in(by=users["clerk"], muster=muster, person=camp[name])
    return musters.close_muster(by=users["clerk"], muster=muster)


def test_a_chosen_set_is_marked_missing_and_the_events_name_the_muster(
    users: dict[str, Any], camp: dict[str, Person]
) -> None:
    muster = closed_muster(users, camp, "Amina")
    result = musters.mark_missing(
        by=users["clerk"], muster=muster, person_ids=[camp["Lina"].pk, camp["Jonas"].pk]
    )
    assert names(mark.person for mark in result.marks) == {"Lina", "Jonas"}
    assert (status_of(camp["Lina"]), status_of(camp["Jonas"])) == (Status.MISSING,) * 2
    assert (status_of(camp["Omar"]), status_of(camp["Sara"])) == (Status.PRESENT,) * 2
    event = camp["Lina"].status_events.first()
    assert event is not None
    closed_at = timezone.localtime(muster.closed_at)
    assert (
        event.reason == f"not at muster #{muster.pk} 'Evening roll call' closed {closed_at:%H:%M}"
    )
    assert (event.place, event.previous_status) == ("Gate", Status.PRESENT)
    rows = {row.person.full_name.split()[0]: row for row in musters.unaccounted_now(muster)}
    assert rows["Lina"].why_not == f"marked missing in batch #{result.batch.pk}"
    assert rows["Omar"].markable
    # The injured and the mission team were never on the list.
    assert set(rows) == {"Omar", "Lina", "Jonas", "Sara"}


def test_mark_all_leaves_alone_those_who_turned_up_or_went_to_the_clinic(
    users: dict[str, Any], camp: dict[str, Person]
) -> None:
    first = closed_muster(users, camp, "Amina")
    to_clinic(users["medic"], camp["Lina"])
    later = closed_muster(users, camp, "Jonas")
    result = musters.mark_missing(by=users["clerk"], muster=first, note="searched the mill")
    assert names(mark.person for mark in result.marks) == {"Omar", "Sara"}
    assert {str(left) for left in result.left_alone} == {
        "Lina Haddad (now in the clinic)",
        f"Jonas Berg (answered muster #{later.pk} since)",
    }
    assert status_of(camp["Lina"]) == Status.INJURED
    assert camp["Omar"].status_events.first().reason.endswith(": searched the mill")  # type: ignore[union-attr]
    with pytest.raises(HavenError, match="can be marked missing now"):
        musters.mark_missing(by=users["clerk"], muster=first)


@pytest.mark.parametrize(
    ("choose", "message"),
    [
        (lambda camp: [], "choose at least one person"),
        (lambda camp: [camp["Amina"].pk], "not unaccounted for at muster #\\d+"),
        (lambda camp: [camp["Karim"].pk], "not unaccounted for at muster #\\d+"),
        (lambda camp: [999999], "person id 999999"),
        (lambda camp: [camp["Omar"].pk, camp["Lina"].pk], "Lina Haddad \\(now in the clinic\\)"),
    ],
)
def test_a_bad_choice_is_refused_and_changes_nothing(
    users: dict[str, Any], camp: dict[str, Person], choose: Any, message: str
) -> None:
    muster = closed_muster(users, camp, "Amina")
    to_clinic(users["medic"], camp["Lina"])
    with pytest.raises(HavenError, match=message):
        musters.mark_missing(by=users["clerk"], muster=muster, person_ids=choose(camp))
    assert muster.missing_batches.count() == 0
    assert status_of(camp["Omar"]) == Status.PRESENT


def test_an_open_muster_cannot_mark_anyone_missing(
    users: dict[str, Any], camp: dict[str, Person]
) -> None:
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    with pytest.raises(HavenError, match="still open: close it first"):
        musters.mark_missing(by=users["clerk"], muster=muster)
    with pytest.raises(HavenError, match="note is 121 characters long"):
        musters.mark_missing(by=users["clerk"], muster=muster, note="x" * 121)


def test_someone_missing_who_answers_a_later_muster_gets_their_status_back(
    users: dict[str, Any], camp: dict[str, Person]
) -> None:
    muster = closed_muster(users, camp)
    musters.mark_missing(by=users["clerk"], muster=muster, person_ids=[camp["Omar"].pk])
    services.change_status(
        by=users["medic"], person=camp["Hana"], status=Status.MISSING, reason="not in her bed"
    )
    later = musters.open_muster(by=users["clerk"], label="Morning")
    for name in ("Omar", "Hana"):
        result = musters.check_in(by=users["clerk"], muster=later, person=camp[name])
        assert result.status_event is not None
        assert result.status_event.reason == f"answered muster #{later.pk} 'Morning'"
    assert status_of(camp["Omar"]) == Status.PRESENT
    assert status_of(camp["Hana"]) == Status.INJURED


def test_someone_missing_who_is_found_gets_their_status_back(
    users: dict[str, Any], camp: dict[str, Person]
) -> None:
    for name in ("Hana", "Omar"):
        services.change_status(by=users["clerk"], person=camp[name], status=Status.MISSING)
    services.record_return(by=users["clerk"], person=camp["Hana"], note="found by the river")
    services.record_return(by=users["clerk"], person=camp["Omar"], injured=True)
    assert status_of(camp["Hana"]) == Status.INJURED
    assert status_of(camp["Omar"]) == Status.INJURED


def test_a_batch_is_undone_by_corrections_and_those_changed_since_are_left_alone(
    users: dict[str, Any], camp: dict[str, Person]
) -> None:
    muster = closed_muster(users, camp, "Amina")
    result = musters.mark_missing(by=users["clerk"], muster=muster)
    assert names(mark.person for mark in result.marks) == {"Omar", "Lina", "Jonas", "Sara"}
    later = musters.open_muster(by=users["clerk"], label="Morning")
    musters.check_in(by=users["clerk"], muster=later, person=camp["Jonas"])
    events_before = camp["Omar"].status_events.count()

    undone = musters.undo_missing_batch(
        by=users["commander"], batch=result.batch, reason="they were at the water point"
    )
    assert {event.person.full_name for event in undone.restored} == {
        "Omar Haddad",
        "Lina Haddad",
        "Sara Ali",
    }
    assert [left.person.full_name for left in undone.left_alone] == ["Jonas Berg"]
    assert undone.left_alone[0].why.startswith("present since ")
    for name in ("Omar", "Lina", "Sara", "Jonas"):
        assert status_of(camp[name]) == Status.PRESENT
    # History is kept: the mistaken event stays, the undo is a correction after it.
    assert camp["Omar"].status_events.count() == events_before + 1
    correction, mistake = camp["Omar"].status_events.all()[:2]
    assert (mistake.status, correction.status, correction.is_correction) == (
        Status.MISSING,
        Status.PRESENT,
        True,
    )
    assert correction.reason == (
        f"undo of missing batch #{result.batch.pk} at muster #{muster.pk}: "
        "they were at the water point"
    )
    with pytest.raises(HavenError, match=f"batch {result.batch.pk} .* was already undone"):
        musters.undo_missing_batch(by=users["clerk"], batch=result.batch)
    # After an undo, those restored may be marked again, deliberately.
    again = musters.mark_missing(by=users["clerk"], muster=muster, person_ids=[camp["Sara"].pk])
    assert [mark.person_id for mark in again.marks] == [camp["Sara"].pk]


def test_departure_and_return(users: dict[str, Any], camp: dict[str, Person]) -> None:
    amina = camp["Amina"]
    departure = services.record_departure(
        by=users["clerk"],
        person=amina,
        reason="to family in the capital",
        destination="Capital",
        equipment_returned="blanket, jerrycan",
    )
    assert status_of(amina) == Status.DEPARTED
    assert departure.status_event.status == Status.DEPARTED
    with pytest.raises(HavenError, match="only someone present or injured can depart"):
        services.record_departure(by=users["clerk"], person=amina, reason="again")
    back = services.record_return(by=users["clerk"], person=amina, note="came back with food")
    assert status_of(amina) == Status.PRESENT
    assert back.departure == departure
    with pytest.raises(HavenError, match="only someone departed or missing can return"):
        services.record_return(by=users["clerk"], person=amina)


def test_a_departure_needs_a_reason(users: dict[str, Any], camp: dict[str, Person]) -> None:
    with pytest.raises(HavenError, match="departure needs a reason"):
        services.record_departure(by=users["clerk"], person=camp["Amina"], reason=" ")
    assert status_of(camp["Amina"]) == Status.PRESENT


def test_closing_writes_its_record_in_batches(
    users: dict[str, Any], camp: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(musters, "BULK_BATCH", 2)
    for index in range(5):
        services.register_person(by=users["clerk"], full_name=f"Newcomer {index}")
    closed = closed_muster(users, camp, "Amina")
    assert figures(closed) == (14, 1, {"clinic": 2, "mission": 2}, 9)
    assert closed.unaccounted.count() == 9 and closed.elsewhere.count() == 4
