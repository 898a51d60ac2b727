from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.core.errors import HavenError
from haven.people import services
from haven.people.choices import Status
from haven.people.models import StatusEvent

pytestmark = pytest.mark.django_db


def test_registering_records_a_first_event(users: dict[str, Any]) -> None:
    person = services.register_person(by=users["clerk"], full_name="Amina Yusuf")
    event = person.status_events.get()
    assert (event.previous_status, event.status, event.reason) == ("", "present", "registered")
    assert event.recorded_by == users["clerk"]


def test_a_name_is_required(users: dict[str, Any]) -> None:
    with pytest.raises(HavenError, match="needs a name"):
        services.register_person(by=users["clerk"], full_name="  ")


def test_status_change_is_a_new_event_and_history_is_kept(users: dict[str, Any]) -> None:
    person = services.register_person(by=users["clerk"], full_name="Amina Yusuf")
    services.change_status(by=users["medic"], person=person, status=Status.INJURED, reason="fall")
    services.change_status(by=users["medic"], person=person, status=Status.PRESENT)
    person.refresh_from_db()
    assert person.status == Status.PRESENT
    history = list(person.status_events.values_list("previous_status", "status"))
    assert history == [("injured", "present"), ("present", "injured"), ("", "present")]


def test_deceased_to_present_without_correction_reason_is_refused(users: dict[str, Any]) -> None:
    person = services.register_person(by=users["clerk"], full_name="Omar Haddad")
    services.change_status(by=users["medic"], person=person, status=Status.DECEASED)
    before = StatusEvent.objects.count()
    with pytest.raises(
        HavenError, match="recorded deceased; a change to present must be a correction"
    ):
        services.change_status(by=users["clerk"], person=person, status=Status.PRESENT)
    with pytest.raises(HavenError, match="correction needs a reason"):
        services.change_status(
            by=users["clerk"], person=person, status=Status.PRESENT, correction=True
        )
    assert StatusEvent.objects.count() == before
    person.refresh_from_db()
    assert person.status == Status.DECEASED


def test_deceased_can_be_corrected_with_a_reason(users: dict[str, Any]) -> None:
    person = services.register_person(by=users["clerk"], full_name="Omar Haddad")
    services.change_status(by=users["medic"], person=person, status=Status.DECEASED)
    event = services.change_status(
        by=users["commander"],
        person=person,
        status=Status.PRESENT,
        correction=True,
        reason="misidentified body; Omar found at the clinic",
    )
    assert event.is_correction
    assert person.status_events.count() == 3


def test_same_status_twice_is_refused(users: dict[str, Any]) -> None:
    person = services.register_person(by=users["clerk"], full_name="Omar Haddad")
    with pytest.raises(HavenError, match="Omar Haddad is already present"):
        services.change_status(by=users["clerk"], person=person, status=Status.PRESENT)


def test_future_and_backdated_changes_are_refused(users: dict[str, Any]) -> None:
    person = services.register_person(by=users["clerk"], full_name="Omar Haddad")
    with pytest.raises(HavenError, match="in the future"):
        services.change_status(
            by=users["clerk"],
            person=person,
            status=Status.INJURED,
            occurred_at=timezone.now() + timedelta(hours=2),
        )
    with pytest.raises(HavenError, match="before Omar Haddad's last status change"):
        services.change_status(
            by=users["clerk"],
            person=person,
            status=Status.INJURED,
            occurred_at=timezone.now() - timedelta(days=2),
        )


def test_unknown_status_names_the_value(users: dict[str, Any]) -> None:
    person = services.register_person(by=users["clerk"], full_name="Omar Haddad")
    with pytest.raises(HavenError, match="unknown status 'asleep'"):
        services.change_status(by=users["clerk"], person=person, status="asleep")


def test_edits_keep_the_old_values(users: dict[str, Any]) -> None:
    person = services.register_person(by=users["clerk"], full_name="Omar Hadad")
    services.update_person(by=users["clerk"], person=person, full_name="Omar Haddad", phone="123")
    revision = person.revisions.get()
    assert revision.changes["full_name"] == ["Omar Hadad", "Omar Haddad"]
    assert revision.changes["phone"] == ["", "123"]


def test_estimated_age_gives_an_estimated_birth_date(users: dict[str, Any]) -> None:
    person = services.register_person(by=users["clerk"], full_name="Lina", estimated_age=30)
    assert person.birth_date_is_estimate
    assert person.age_years() in (29, 30)


def test_search_matches_alternate_names_accents_and_ids(users: dict[str, Any]) -> None:
    from haven.people.models import Person

    person = services.register_person(
        by=users["clerk"],
        full_name="Zoë Müller",
        alternate_names="Zozo\nZoe Miller",
        record_id="camp/17",
    )
    for query in ("zoe", "MULLER", "zozo", "miller", f"#{person.pk}", "camp/17", "zo mul"):
        assert list(Person.objects.search(query)) == [person], query
    assert not Person.objects.search("anna").exists()
