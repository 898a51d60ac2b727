"""Injuries, treatments (consuming medical stock through the ledger) and outcomes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from haven.core.errors import HavenError
from haven.health import services
from haven.health.models import DeathRecord, Treatment, TriageRecord
from haven.health.tests.conftest import START_RED
from haven.people.choices import Status
from haven.people.models import Person
from haven.stock import services as stock
from haven.stock.models import LedgerEntry, Store

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(users: dict[str, Any]) -> Store:
    store = stock.create_store(by=users["quartermaster"], name="Clinic", kind="tent")
    stock.receive(
        by=users["quartermaster"], item="splint", store=store, quantity=3, source="donation"
    )
    return store


def test_a_burn_needs_its_body_surface_percentage(users: dict[str, Any], person: Person) -> None:
    with pytest.raises(HavenError, match="a burn needs the % of body surface area burned"):
        services.record_injury(by=users["medic"], person=person, body_region="chest", kind="burn")
    with pytest.raises(HavenError, match="burned body surface 140% is not between 1 and 100"):
        services.record_injury(
            by=users["medic"],
            person=person,
            body_region="chest",
            kind="burn",
            burn_body_surface_percent=140,
        )
    with pytest.raises(HavenError, match="body surface % is for burns only, not a fracture"):
        services.record_injury(
            by=users["medic"],
            person=person,
            body_region="left_leg",
            kind="fracture",
            burn_body_surface_percent=10,
        )
    burn = services.record_injury(
        by=users["medic"],
        person=person,
        body_region="chest",
        kind="burn",
        burn_body_surface_percent=18,
        cause="fire",
    )
    assert str(burn) == "Burn of the chest"


def test_a_treatment_issues_medical_stock_through_the_ledger(
    users: dict[str, Any], person: Person, clinic: Store
) -> None:
    injury = services.record_injury(
        by=users["medic"], person=person, body_region="left_leg", kind="fracture"
    )
    treatment = services.record_treatment(
        by=users["medic"],
        person=person,
        injury=injury,
        what="Splinted",
        item="splint",
        store=clinic,
        quantity=2,
    )
    assert treatment.quantity == Decimal(2)
    entry = treatment.ledger_entries.get()
    assert (entry.kind, entry.reason, entry.quantity) == ("issue", "treatment", Decimal(-2))
    assert entry.reference == f"health/treatment/{treatment.pk}"
    assert stock.on_hand("splint", clinic) == Decimal(1)


def test_a_treatment_the_store_cannot_supply_writes_nothing(
    users: dict[str, Any], person: Person, clinic: Store
) -> None:
    with pytest.raises(HavenError, match=r"cannot issue 5 × Splint from Clinic: 3 on hand"):
        services.record_treatment(
            by=users["medic"],
            person=person,
            what="Splinted",
            item="splint",
            store=clinic,
            quantity=5,
        )
    assert Treatment.objects.count() == 0
    assert LedgerEntry.objects.filter(kind="issue").count() == 0


def test_a_treatment_uses_medical_stock_only(
    users: dict[str, Any], person: Person, clinic: Store
) -> None:
    with pytest.raises(HavenError, match=r"Ration pack .* is food stock, not medical"):
        services.record_treatment(
            by=users["medic"],
            person=person,
            what="Fed",
            item="ration-pack",
            store=clinic,
            quantity=1,
        )
    assert Treatment.objects.count() == 0


def test_a_treatment_on_a_deceased_person_is_refused(
    users: dict[str, Any], make_person: Any
) -> None:
    dead = make_person("Omar Haddad", status=Status.DECEASED)
    with pytest.raises(HavenError, match="Omar Haddad is recorded deceased: cannot record"):
        services.record_treatment(by=users["medic"], person=dead, what="Dressing")
    assert Treatment.objects.count() == 0


def test_recovered_returns_the_person_to_present_and_leaves_the_queue(
    users: dict[str, Any], person: Person
) -> None:
    services.record_triage(by=users["medic"], person=person, answers=START_RED)
    services.record_outcome(by=users["medic"], person=person, outcome="recovered")
    person.refresh_from_db()
    assert person.status == Status.PRESENT
    assert not TriageRecord.objects.queue().exists()


def test_recovering_keeps_the_person_in_the_queue(users: dict[str, Any], person: Person) -> None:
    services.record_triage(by=users["medic"], person=person, answers=START_RED)
    services.record_outcome(by=users["medic"], person=person, outcome="recovering")
    person.refresh_from_db()
    assert person.status == Status.INJURED
    assert TriageRecord.objects.queue().count() == 1


def test_died_opens_a_death_record_and_makes_the_person_deceased(
    users: dict[str, Any], person: Person
) -> None:
    services.record_triage(by=users["medic"], person=person, answers=START_RED)
    outcome = services.record_outcome(
        by=users["medic"],
        person=person,
        outcome="died",
        note="haemorrhage",
        death={"cause": "gunshot"},
    )
    person.refresh_from_db()
    record = DeathRecord.objects.get()
    assert person.status == Status.DECEASED
    assert (record.cause, record.cause_detail, record.is_confirmed) == (
        "gunshot",
        "haemorrhage",
        False,
    )
    assert outcome.status_event == record.status_event
    assert not TriageRecord.objects.queue().exists()


def test_transferred_records_a_departure(users: dict[str, Any], person: Person) -> None:
    services.record_triage(by=users["medic"], person=person, answers=START_RED)
    with pytest.raises(HavenError, match="needs a destination"):
        services.record_outcome(by=users["medic"], person=person, outcome="transferred")
    services.record_outcome(
        by=users["medic"], person=person, outcome="transferred", destination="Regional hospital"
    )
    person.refresh_from_db()
    assert person.status == Status.DEPARTED
    assert person.departures.get().destination == "Regional hospital"


def test_the_treatment_form_issues_stock_or_explains_why_not(
    client_as: Any, person: Person, clinic: Store
) -> None:
    from haven.stock.models import Item

    splint = Item.objects.get(code="splint")
    form = {"what": "Splinted", "item": splint.pk, "store": clinic.pk, "quantity": "1"}
    medic = client_as("medic")
    response = medic.post(f"/health/person/{person.pk}/treatment/", form)
    assert response.status_code == 302
    assert stock.on_hand("splint", clinic) == Decimal(2)
    short = medic.post(
        f"/health/person/{person.pk}/treatment/", {**form, "quantity": "9"}, follow=True
    )
    assert "cannot issue 9 × Splint from Clinic: 2 on hand" in short.content.decode()
    assert Treatment.objects.count() == 1
