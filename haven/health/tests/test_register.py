"""The casualty register: recording a death, confirmation locks, corrections are new entries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.core.errors import HavenError
from haven.health import services
from haven.health.figures import casualty_figures
from haven.health.models import DeathRecord, TriageRecord
from haven.health.tests.conftest import START_RED
from haven.people.choices import Status
from haven.people.models import Person, StatusEvent

pytestmark = pytest.mark.django_db


def _death(users: dict[str, Any], person: Person, **extra: Any) -> DeathRecord:
    values: dict[str, Any] = {
        "died_at": timezone.now() - timedelta(hours=2),
        "cause": "explosion",
        "confidence": "confirmed",
        "place": "Market square",
        "disposition": "buried",
        "disposition_place": "East cemetery",
        "next_of_kin": "Yusuf Ali",
        "next_of_kin_told": True,
        **extra,
    }
    return services.record_death(by=users["medic"], person=person, **values)


def test_recording_a_death_makes_the_person_deceased_through_the_people_service(
    users: dict[str, Any], person: Person
) -> None:
    services.record_triage(by=users["medic"], person=person, answers=START_RED)
    record = _death(users, person)
    person.refresh_from_db()
    assert person.status == Status.DECEASED
    assert record.status_event is not None
    assert record.status_event.status == Status.DECEASED
    assert not record.is_confirmed
    assert not TriageRecord.objects.filter(person=person, is_current=True).exists()


def test_a_second_death_record_is_refused_and_nothing_written(
    users: dict[str, Any], person: Person
) -> None:
    first = _death(users, person)
    with pytest.raises(HavenError, match=f"Amina Yusuf is already recorded dead .*{first.pk}"):
        _death(users, person)
    assert DeathRecord.objects.count() == 1


def test_someone_already_deceased_in_the_registry_gets_a_record_without_a_new_event(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    dead = make_person("Omar Haddad", status=Status.DECEASED)
    events = StatusEvent.objects.count()
    record = _death(users, dead, confirm=True)
    assert record.status_event is None and record.is_confirmed
    assert StatusEvent.objects.count() == events


def test_confirmation_locks_and_corrections_are_new_entries(
    users: dict[str, Any], person: Person
) -> None:
    record = _death(users, person)
    services.update_death_record(by=users["medic"], record=record, place="School")
    services.confirm_death_record(by=users["medic"], record=record)
    with pytest.raises(HavenError, match="is confirmed and locked: record a correction"):
        services.update_death_record(by=users["medic"], record=record, place="Mill")
    with pytest.raises(HavenError, match="a correction needs a reason"):
        services.correct_death_record(by=users["medic"], record=record, reason=" ", place="Mill")
    corrected = services.correct_death_record(
        by=users["commander"], record=record, reason="witness saw it at the mill", place="Mill"
    )
    record.refresh_from_db()
    assert record.place == "School"  # the confirmed entry is untouched
    assert corrected.corrects == record and corrected.place == "Mill"
    assert corrected.is_confirmed and corrected.next_of_kin == "Yusuf Ali"
    assert list(DeathRecord.objects.current()) == [corrected]
    with pytest.raises(HavenError, match="already been corrected"):
        services.correct_death_record(by=users["medic"], record=record, reason="x", place="X")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"cause": "dragons"}, "unknown cause of death 'dragons'"),
        ({"disposition": "lost"}, "unknown disposition 'lost'"),
        ({"confidence": "sure"}, "unknown identification confidence 'sure'"),
        ({"died_at": timezone.now() + timedelta(days=1)}, "time of death .* is in the future"),
    ],
)
def test_bad_death_records_are_refused(
    users: dict[str, Any], person: Person, extra: dict[str, Any], message: str
) -> None:
    with pytest.raises(HavenError, match=message):
        _death(users, person, **extra)
    person.refresh_from_db()
    assert person.status == Status.PRESENT
    assert DeathRecord.objects.count() == 0


def test_figures_count_dead_injured_missing_and_the_share_of_the_population(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    services.set_starting_population(by=users["commander"], count=40)
    _death(users, make_person("A Dead"), cause="gunshot")
    _death(users, make_person("B Dead"), cause="explosion")
    services.record_triage(by=users["medic"], person=make_person("C Hurt"), answers=START_RED)
    make_person("D Gone", status=Status.MISSING)
    make_person("E Fine")
    figures = casualty_figures()
    assert (figures.killed, figures.injured, figures.missing) == (2, 1, 1)
    assert figures.killed_percent == 5.0
    causes = {row.cause: row.killed for row in figures.by_cause}
    assert causes["gunshot"] == 1 and causes["explosion"] == 1


def test_starting_population_must_be_positive(users: dict[str, Any]) -> None:
    with pytest.raises(HavenError, match="starting population 0 is not a positive"):
        services.set_starting_population(by=users["commander"], count=0)
