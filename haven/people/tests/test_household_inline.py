"""A household made at registration, told apart from others with the same name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from haven.core.errors import HavenError
from haven.people import services
from haven.people.households import household_labels
from haven.people.models import Household, Person

pytestmark = pytest.mark.django_db


def register(client: Client, **fields: str) -> Any:
    return client.post("/people/add/", {"sex": "u", "extra_energy_kcal": "0", **fields})


def test_a_clerk_registers_someone_in_a_new_household_and_then_the_rest(
    client_as: Callable[[str], Client],
) -> None:
    clerk = client_as("clerk")
    response = register(clerk, full_name="Bola Afonja", new_household="Afonja household")
    bola = Person.objects.get(full_name="Bola Afonja")
    assert response.status_code == 302
    assert bola.household is not None and bola.household.name == "Afonja household"
    page = clerk.get(f"/people/{bola.pk}/").content.decode()
    assert f'href="/people/add/?household={bola.household_id}"' in page
    form = clerk.get(f"/people/add/?household={bola.household_id}").content.decode()
    assert f'<option value="{bola.household_id}" selected>Afonja household — Bola Afonja' in form
    register(clerk, full_name="Tunde Afonja", household=str(bola.household_id))
    assert Person.objects.get(full_name="Tunde Afonja").household == bola.household
    assert Household.objects.count() == 1


def test_a_second_household_of_the_same_name_is_asked_about(
    client_as: Callable[[str], Client], users: dict[str, Any]
) -> None:
    first = services.create_household(name="Afonja household")
    services.register_person(by=users["clerk"], full_name="Bola Afonja", household=first)
    clerk = client_as("clerk")
    response = register(clerk, full_name="Kemi Afonja", new_household="afonja household ")
    assert response.status_code == 200
    assert "There is already a household named afonja household: Afonja household — Bola" in (
        response.content.decode()
    )
    assert not Person.objects.filter(full_name="Kemi Afonja").exists()
    assert Household.objects.count() == 1
    register(clerk, full_name="Kemi Afonja", new_household="Afonja household", same_name_ok="on")
    kemi = Person.objects.get(full_name="Kemi Afonja")
    assert kemi.household is not None and kemi.household != first
    labels = household_labels(Household.objects.all())
    assert labels[first.pk] != labels[kemi.household.pk]


def test_a_household_chosen_and_named_at_once_is_refused(
    client_as: Callable[[str], Client],
) -> None:
    household = services.create_household(name="Okafor household")
    response = register(
        client_as("clerk"),
        full_name="Ngozi Okafor",
        household=str(household.pk),
        new_household="Okafor 2",
    )
    assert "Choose a household or name a new one, not both." in response.content.decode()
    assert not Person.objects.exists()


def test_the_service_refuses_a_same_name_only_when_asked_and_writes_nothing(
    users: dict[str, Any],
) -> None:
    services.create_household(name="Okafor household")
    with pytest.raises(HavenError, match="already a household named 'Okafor household'"):
        services.register_in_new_household(
            by=users["clerk"], household_name="OKAFOR household", full_name="Chidi Okafor"
        )
    assert not Person.objects.exists()
    with pytest.raises(HavenError, match="a person needs a name"):
        services.register_in_new_household(by=users["clerk"], household_name="New household")
    assert Household.objects.count() == 1


def test_a_household_reads_with_its_head_and_shelter(users: dict[str, Any]) -> None:
    from haven.shelter import services as shelter

    household = services.create_household(name="Haddad household")
    head = services.register_person(by=users["clerk"], full_name="Omar Haddad", household=household)
    services.register_person(by=users["clerk"], full_name="Lina Haddad", household=household)
    empty = services.create_household(name="Empty household")
    tent = shelter.add_shelter(by=users["clerk"], name="Tent B-12", covered_area_m2=20)
    shelter.assign(by=users["clerk"], person=head, shelter=tent)
    labels = household_labels([household, empty])
    assert labels == {
        household.pk: "Haddad household — Omar Haddad, Tent B-12",
        empty.pk: "Empty household",
    }


def test_only_who_registers_may_make_a_household(client_as: Callable[[str], Client]) -> None:
    for role in ("medic", "quartermaster", "scout", "member"):
        response = register(client_as(role), full_name="X Y", new_household="Z household")
        assert response.status_code == 403, role
    assert not Household.objects.exists()
