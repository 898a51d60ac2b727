"""Triage records: the engine's category, the person becomes injured, re-triage, the queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.core.errors import HavenError
from haven.health import services
from haven.health.models import TriageRecord
from haven.health.tests.conftest import START_GREEN, START_RED, START_YELLOW
from haven.people.choices import Status
from haven.people.models import Person, StatusEvent

pytestmark = pytest.mark.django_db


def test_triage_records_the_engines_category_and_makes_the_person_injured(
    users: dict[str, Any], person: Person
) -> None:
    record = services.record_triage(by=users["medic"], person=person, answers=START_RED)
    assert (record.algorithm, record.category, record.priority) == ("start", "red", 1)
    assert record.reasons == ["does not walk", "respiratory rate 34/min > 30"]
    assert record.answers == {"walking": False, "breathing": True, "respiratory_rate": 34}
    person.refresh_from_db()
    assert person.status == Status.INJURED
    event = person.status_events.first()
    assert event is not None and event.reason == "triaged Immediate (red)"


def test_a_young_child_gets_jumpstart(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    child = make_person("Kito", age=4)
    record = services.record_triage(
        by=users["medic"],
        person=child,
        answers={"walking": "no", "breathing": "yes", "respiratory_rate": 50},
    )
    assert (record.algorithm, record.category) == ("jumpstart", "red")


def test_salt_can_be_chosen(users: dict[str, Any], person: Person) -> None:
    record = services.record_triage(
        by=users["medic"],
        person=person,
        algorithm="salt",
        answers={"global_sort": "still", "breathing": "no", "breathes_after_airway_opened": "no"},
    )
    assert (record.category, record.priority) == ("dead", 5)
    assert record.retriage_due_at is None


def test_retriage_due_times_come_from_settings(
    users: dict[str, Any], person: Person, settings: Any
) -> None:
    settings.HAVEN_RETRIAGE_RED_MINUTES = 10
    record = services.record_triage(by=users["medic"], person=person, answers=START_RED)
    assert record.retriage_due_at == record.triaged_at + timedelta(minutes=10)
    green = services.record_triage(by=users["medic"], person=person, answers=START_GREEN)
    assert green.retriage_due_at == green.triaged_at + timedelta(minutes=240)


def test_retriage_replaces_the_current_record_and_keeps_the_wait(
    users: dict[str, Any], person: Person
) -> None:
    first_at = timezone.now() - timedelta(hours=2)
    first = services.record_triage(
        by=users["medic"], person=person, answers=START_YELLOW, triaged_at=first_at
    )
    second = services.record_triage(by=users["medic"], person=person, answers=START_RED)
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert second.previous == first
    assert second.waiting_since == first_at
    # Still injured: no second status event.
    assert person.status_events.filter(status=Status.INJURED).count() == 1


def test_queue_orders_by_category_then_waiting_time(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    now = timezone.now()
    medic = users["medic"]
    yellow_long = make_person("Yellow Long")
    red_recent = make_person("Red Recent")
    red_long = make_person("Red Long")
    green = make_person("Green")
    services.record_triage(
        by=medic, person=yellow_long, answers=START_YELLOW, triaged_at=now - timedelta(hours=3)
    )
    services.record_triage(
        by=medic, person=red_recent, answers=START_RED, triaged_at=now - timedelta(minutes=5)
    )
    services.record_triage(
        by=medic, person=red_long, answers=START_RED, triaged_at=now - timedelta(hours=1)
    )
    services.record_triage(by=medic, person=green, answers=START_GREEN)
    names = [r.person.full_name for r in TriageRecord.objects.queue().select_related("person")]
    assert names == ["Red Long", "Red Recent", "Yellow Long", "Green"]
    overdue = {r.person.full_name for r in TriageRecord.objects.overdue()}
    assert overdue == {"Red Long", "Yellow Long"}


@pytest.mark.parametrize(
    ("answers", "vitals", "message"),
    [
        ({**START_RED, "respiratory_rate": 400}, {}, "respiratory rate 400/min is implausible"),
        (START_YELLOW, {"systolic_bp": -5}, "systolic blood pressure -5 mmHg is implausible"),
        (START_YELLOW, {"gcs": 2}, "Glasgow Coma Scale 2 is implausible"),
        (START_YELLOW, {"pulse_rate": 900}, "pulse rate 900/min is implausible"),
        ({"walking": "no"}, {}, "needs breathing"),
        ({"walking": "maybe"}, {}, "answer 'maybe' to walking is not yes or no"),
        ({"flying": "yes"}, {}, "START has no question 'flying'"),
    ],
)
def test_impossible_observations_are_refused_and_nothing_is_written(
    users: dict[str, Any],
    person: Person,
    answers: dict[str, Any],
    vitals: dict[str, Any],
    message: str,
) -> None:
    events = StatusEvent.objects.count()
    with pytest.raises(HavenError, match=message):
        services.record_triage(by=users["medic"], person=person, answers=answers, **vitals)
    assert TriageRecord.objects.count() == 0
    assert StatusEvent.objects.count() == events


def test_revised_trauma_score_is_kept_when_its_vitals_are_given(
    users: dict[str, Any], person: Person
) -> None:
    record = services.record_triage(
        by=users["medic"],
        person=person,
        answers=START_YELLOW,
        systolic_bp=120,
        gcs=15,
        pulse_rate=88,
    )
    assert record.revised_trauma_score == 7.8408


def test_a_deceased_person_cannot_be_triaged(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    dead = make_person("Omar Haddad", status=Status.DECEASED)
    with pytest.raises(HavenError, match="Omar Haddad is recorded deceased"):
        services.record_triage(by=users["medic"], person=dead, answers=START_RED)


def test_a_missing_person_found_hurt_becomes_injured(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    missing = make_person("Found Later", status=Status.MISSING)
    services.record_triage(by=users["medic"], person=missing, answers=START_YELLOW)
    missing.refresh_from_db()
    assert missing.status == Status.INJURED
