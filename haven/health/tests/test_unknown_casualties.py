"""Unknown casualties: registered in one step at triage, triaged at once, identified later."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from haven.core.errors import HavenError
from haven.health import services, unknown
from haven.health.models import Identification, Injury, TriageRecord, UnknownCasualty
from haven.health.tests.conftest import START_RED, START_YELLOW
from haven.people.choices import Sex, Status
from haven.people.models import Person, StatusEvent

pytestmark = pytest.mark.django_db


def casualty_of(users: dict[str, Any], tag: str = "T-17") -> UnknownCasualty:
    return unknown.register_unknown_casualty(
        by=users["medic"],
        tag_number=tag,
        sex=Sex.MALE,
        estimated_age=35,
        features="red jacket, scar over left eye",
        found_place="north road, km 4",
    )


def test_a_medic_registers_an_unknown_casualty_injured_under_the_tag(
    users: dict[str, Any],
) -> None:
    casualty = casualty_of(users)
    person = casualty.person
    assert person.full_name == "Unknown casualty T-17"
    assert (person.status, person.sex, person.birth_date_is_estimate) == (
        Status.INJURED,
        Sex.MALE,
        True,
    )
    assert person.age_years() in (34, 35)
    event = StatusEvent.objects.get(person=person)
    assert (event.status, event.place) == (Status.INJURED, "north road, km 4")
    record = services.record_triage(by=users["medic"], person=person, answers=START_RED)
    assert record.category == "red"


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"tag_number": " "}, "needs a tag number"),
        ({"tag_number": "T" * 41}, "longer than 40"),
        ({"features": ""}, "distinguishing features"),
        ({"estimated_age": 140}, "estimated age 140"),
        ({"sex": "q"}, "unknown sex 'q'"),
    ],
)
def test_bad_input_is_refused_naming_it_and_nothing_written(
    users: dict[str, Any], details: dict[str, Any], message: str
) -> None:
    values = {"tag_number": "T-1", "features": "green scarf", **details}
    with pytest.raises(HavenError, match=message):
        unknown.register_unknown_casualty(by=users["medic"], **values)
    assert not UnknownCasualty.objects.exists()
    assert not Person.objects.exists()


def test_a_tag_number_is_used_once(users: dict[str, Any]) -> None:
    casualty_of(users)
    with pytest.raises(HavenError, match="'T-17' is already on Unknown casualty T-17"):
        casualty_of(users)
    assert Person.objects.count() == 1


def test_identification_moves_the_health_records_and_can_be_undone(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    real = make_person("Karim Haddad", status=Status.MISSING)
    services.record_triage(by=users["medic"], person=real, answers=START_YELLOW)
    casualty = casualty_of(users)
    placeholder = casualty.person
    services.record_triage(by=users["medic"], person=placeholder, answers=START_RED)
    services.record_injury(
        by=users["medic"], person=placeholder, body_region="head", kind="laceration"
    )
    services.record_treatment(by=users["medic"], person=placeholder, what="sutures")

    done = unknown.identify_casualty(by=users["clerk"], casualty=casualty, person=real)
    real.refresh_from_db()
    placeholder.refresh_from_db()
    assert real.status == Status.INJURED  # triaged while missing
    assert placeholder.status == Status.DEPARTED
    assert real.injuries.count() == 1 and real.treatments.count() == 1
    assert TriageRecord.objects.filter(person=real).count() == 2
    # The placeholder's triage was the later one: it is the current one now.
    assert TriageRecord.objects.get(person=real, is_current=True).category == "red"
    assert not TriageRecord.objects.filter(person=placeholder).exists()
    assert set(done.moved) == {"triage", "injury", "treatment", "outcome"}
    with pytest.raises(HavenError, match="already identified as Karim Haddad; undo that first"):
        unknown.identify_casualty(by=users["medic"], casualty=casualty, person=real)

    undone = unknown.undo_identification(by=users["medic"], casualty=casualty, note="wrong man")
    assert undone.undoes == done
    placeholder.refresh_from_db()
    assert placeholder.status == Status.INJURED
    assert TriageRecord.objects.get(person=placeholder, is_current=True).category == "red"
    assert TriageRecord.objects.get(person=real, is_current=True).category == "yellow"
    assert Injury.objects.get().person == placeholder
    assert Identification.objects.count() == 2  # history kept, nothing deleted
    with pytest.raises(HavenError, match="not identified: nothing to undo"):
        unknown.undo_identification(by=users["medic"], casualty=casualty)


def test_identification_refuses_the_dead_and_other_unknowns(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    casualty = casualty_of(users)
    other = casualty_of(users, tag="T-18")
    with pytest.raises(HavenError, match="another unknown casualty"):
        unknown.identify_casualty(by=users["medic"], casualty=casualty, person=other.person)
    dead = make_person("Omar Said", status=Status.DECEASED)
    with pytest.raises(HavenError, match="Omar Said is recorded deceased"):
        unknown.identify_casualty(by=users["medic"], casualty=casualty, person=dead)
    assert not Identification.objects.exists()


@pytest.mark.parametrize(
    ("role", "registers", "identifies"),
    [
        ("medic", True, True),
        ("commander", True, True),
        ("clerk", False, True),
        ("quartermaster", False, False),
        ("scout", False, False),
        ("member", False, False),
    ],
)
def test_who_may_register_and_identify(
    users: dict[str, Any], role: str, registers: bool, identifies: bool
) -> None:
    user = type(users[role]).objects.get(pk=users[role].pk)
    assert user.has_perm("health.register_unknown_casualty") is registers
    assert user.has_perm("health.identify_casualty") is identifies
    # The medic registers an unknown casualty, not anyone else.
    assert user.has_perm("people.add_person") is (role in {"clerk", "commander"})


def test_the_medic_registers_on_one_screen_and_lands_on_the_triage(
    users: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    client = client_as("medic")
    assert b"unknown-casualty-link" in client.get("/health/triage/").content
    response = client.post(
        "/health/unknown/",
        {"tag_number": "T-40", "sex": "f", "estimated_age": "8", "features": "blue dress"},
    )
    casualty = UnknownCasualty.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/health/triage/{casualty.person_id}/"
    # A child: the walker picks JumpSTART from the estimated age.
    walk = client.get(response["Location"])
    assert b"JumpSTART" in walk.content
    again = client.post("/health/unknown/", {"tag_number": "T-40", "sex": "u", "features": "x"})
    assert again.status_code == 200
    assert "already on Unknown casualty T-40" in again.content.decode()
    assert UnknownCasualty.objects.count() == 1


def test_a_clerk_identifies_on_the_web(
    users: dict[str, Any], client_as: Callable[[str], Client], make_person: Callable[..., Person]
) -> None:
    casualty = casualty_of(users)
    real = make_person("Karim Haddad")
    client = client_as("clerk")
    page = client.get(f"/health/person/{casualty.person_id}/identify/?q=Haddad").content.decode()
    assert "Karim Haddad" in page and "scar over left eye" in page
    assert "north road" not in page  # where found is a place: commander only
    assert (
        client.post(f"/health/person/{casualty.person_id}/identify/", {"person": "abc"}).status_code
        == 302
    )
    assert not Identification.objects.exists()
    client.post(f"/health/person/{casualty.person_id}/identify/", {"person": real.pk})
    casualty.refresh_from_db()
    assert casualty.identified_as == real
    assert (
        client_as("member").get(f"/health/person/{casualty.person_id}/identify/").status_code == 403
    )


def test_a_person_merge_leaves_the_unknown_casualty_on_its_placeholder(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    from haven.people.merging import merge_people

    casualty = casualty_of(users)
    services.record_triage(by=users["medic"], person=casualty.person, answers=START_RED)
    real = make_person("Karim Haddad")
    merge_people(by=users["clerk"], kept=real, merged=casualty.person)
    casualty.refresh_from_db()
    assert casualty.person_id != real.pk  # the tag still names the placeholder record
    assert TriageRecord.objects.get(is_current=True).person == real  # the history moved
