"""A small camp for the rations tests: one store short of food, people in households."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from haven.people import services as people
from haven.people.choices import Sex, Status
from haven.people.models import Household, Person, Team
from haven.rations import services
from haven.rations.models import Recipe
from haven.stock import services as stock
from haven.stock.models import Item, Store


@dataclass
class Camp:
    store: Store
    households: list[Household]
    people: list[Person]
    fabricator: Person
    medic: Person
    items: dict[str, Item]


def _person(by: Any, name: str, household: Household | None, **details: Any) -> Person:
    return people.register_person(by=by, full_name=name, household=household, **details)


@pytest.fixture
def camp(users: dict[str, Any]) -> Camp:
    clerk = users["clerk"]
    store = stock.create_store(by=clerk, name="Main store")
    items = {item.code: item for item in Item.objects.all()}
    scrap = Item.objects.get(code="scrap-metal")
    for code, quantity in (
        ("cereal", 20),
        ("drinking-water", 1200),
        ("dressing-kit", 1),
        ("scrap-metal", 50),
    ):
        stock.receive(by=clerk, item=code, store=store, quantity=quantity, source="opening")
    workshop = Team.objects.create(name="Workshop")
    aydin = Household.objects.create(name="Aydin household")
    okafor = Household.objects.create(name="Okafor household")
    everyone = [
        _person(clerk, "Leyla Aydin", aydin, sex=Sex.FEMALE, date_of_birth=date(1990, 1, 1)),
        _person(clerk, "Emre Aydin", aydin, sex=Sex.MALE, date_of_birth=date(2022, 5, 1)),
        _person(
            clerk,
            "Chidi Okafor",
            okafor,
            sex=Sex.MALE,
            date_of_birth=date(1980, 3, 3),
            status=Status.INJURED,
        ),
        _person(clerk, "Ngozi Okafor", okafor, sex=Sex.FEMALE, pregnant_or_lactating=True),
    ]
    fabricator = _person(
        clerk, "Tomasz Nowak", None, sex=Sex.MALE, team=workshop, skills=["fabrication"]
    )
    medic = _person(clerk, "Ana Ruiz", None, sex=Sex.FEMALE, skills=["medic"])
    _person(clerk, "Gone Away", None, status=Status.DEPARTED)
    assert scrap.pk
    return Camp(store, [aydin, okafor], [*everyone, fabricator, medic], fabricator, medic, items)


@pytest.fixture
def recipes(camp: Camp, users: dict[str, Any]) -> dict[str, Recipe]:
    return {
        "tools": services.create_recipe(
            by=users["quartermaster"],
            code="tools-from-scrap",
            name="Tools from scrap metal",
            skill="fabrication",
            batches_per_day_per_worker=2,
            inputs={"scrap-metal": 5},
            outputs={"tools": 1},
            worker_kcal_per_batch=300,
            keep_on_hand={"tools": 4},
        ),
        "dressing": services.create_recipe(
            by=users["quartermaster"],
            code="dressing-from-energy",
            name="Dressing kit from food energy",
            skill="medic",
            batches_per_day_per_worker=1,
            inputs={"kcal": 1000},
            outputs={"dressing-kit": 1},
        ),
    }
