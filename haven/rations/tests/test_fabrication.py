"""Recipes, the production proposal and production orders."""

from __future__ import annotations

from typing import Any

import pytest

from haven.core.errors import HavenError
from haven.people import services as people
from haven.people.choices import Status
from haven.rations import services
from haven.rations.models import ProductionOrder, Recipe
from haven.rations.tests.conftest import Camp
from haven.stock import services as stock
from haven.stock.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_proposal_covers_shortages_within_skills_and_food(
    camp: Camp, recipes: dict[str, Recipe]
) -> None:
    proposal = services.propose_production(store=camp.store, horizon_days=7)
    # Tools: keep 4 on hand, none held. Dressings: the injured need 7 trauma doses, 20 held.
    assert proposal.shortages == {"tools": 4}
    assert proposal.plan.batches_for("tools-from-scrap").proposed_batches == 4
    assert proposal.workers == {"fabrication": 1, "medic": 1}


def test_proposal_burns_no_food_below_the_reserve(
    camp: Camp, recipes: dict[str, Recipe], users: dict[str, Any], settings: Any
) -> None:
    for person in (camp.people[0], camp.people[1], camp.people[3]):
        people.change_status(by=users["medic"], person=person, status=Status.INJURED)
    stock.issue(
        by=users["clerk"], item="dressing-kit", store=camp.store, quantity=1, purpose="other"
    )
    proposal = services.propose_production(store=camp.store, horizon_days=7)
    # 4 injured × 7 days × 1 trauma dose, none held: 28 doses = 2 kits of 20.
    assert proposal.shortages["dressing-kit"] == 2
    assert proposal.plan.batches_for("dressing-from-energy").proposed_batches == 2
    assert proposal.plan.kcal_burned <= proposal.food_pool_kcal - proposal.food_reserve_kcal
    # 20 kg cereal (70,000 kcal) is less than 6 days of food for 6 people: none to burn.
    settings.HAVEN_FABRICATION_FOOD_RESERVE_DAYS = 6
    proposal = services.propose_production(store=camp.store, horizon_days=7)
    assert proposal.food_pool_kcal < proposal.food_reserve_kcal
    assert proposal.plan.batches_for("dressing-from-energy").proposed_batches == 0
    assert proposal.plan.batches_for("tools-from-scrap").proposed_batches == 0


def test_order_consumes_and_receives_in_one_ledger_step(
    camp: Camp, recipes: dict[str, Recipe], users: dict[str, Any]
) -> None:
    order = services.order_production(
        by=users["quartermaster"],
        recipe=recipes["tools"],
        batches=2,
        store=camp.store,
        fabricator=camp.fabricator,
    )
    assert stock.on_hand("tools", camp.store) == 2
    assert stock.on_hand("scrap-metal", camp.store) == 40
    # 2 batches × 300 kcal the fabricator eats, drawn from cereal (3,500 kcal/kg).
    assert order.kcal_burned == 600
    assert order.consumed["cereal"] == "0.172"
    assert LedgerEntry.objects.filter(reference=order.reference).count() == 3


def test_order_beyond_a_days_capacity_is_refused(
    camp: Camp, recipes: dict[str, Recipe], users: dict[str, Any]
) -> None:
    services.order_production(
        by=users["quartermaster"],
        recipe=recipes["tools"],
        batches=1,
        store=camp.store,
        fabricator=camp.fabricator,
    )
    before = LedgerEntry.objects.count()
    with pytest.raises(HavenError, match=r"can make 1 more batch\(es\)"):
        services.order_production(
            by=users["quartermaster"],
            recipe=recipes["tools"],
            batches=2,
            store=camp.store,
            fabricator=camp.fabricator,
        )
    assert LedgerEntry.objects.count() == before


def test_order_needs_the_skill(
    camp: Camp, recipes: dict[str, Recipe], users: dict[str, Any]
) -> None:
    with pytest.raises(HavenError, match="lacks the skill 'fabrication'"):
        services.order_production(
            by=users["quartermaster"],
            recipe=recipes["tools"],
            batches=1,
            store=camp.store,
            fabricator=camp.medic,
        )
    assert not ProductionOrder.objects.exists()


def test_order_short_of_inputs_writes_nothing(
    camp: Camp, recipes: dict[str, Recipe], users: dict[str, Any]
) -> None:
    stock.issue(
        by=users["clerk"], item="scrap-metal", store=camp.store, quantity=48, purpose="other"
    )
    before = LedgerEntry.objects.count()
    with pytest.raises(HavenError, match="cannot"):
        services.order_production(
            by=users["quartermaster"],
            recipe=recipes["tools"],
            batches=1,
            store=camp.store,
            fabricator=camp.fabricator,
        )
    assert LedgerEntry.objects.count() == before
    assert not ProductionOrder.objects.exists()


@pytest.mark.parametrize(
    ("inputs", "outputs", "message"),
    [
        ({"unobtainium": 1}, {"tools": 1}, "unknown input item 'unobtainium'"),
        ({"scrap-metal": -1}, {"tools": 1}, "quantity -1 must be a finite number"),
        ({"tools": 1}, {"scrap-metal": 2}, "recipe cycle"),
    ],
)
def test_bad_recipes_are_refused(
    camp: Camp,
    recipes: dict[str, Recipe],
    users: dict[str, Any],
    inputs: dict[str, float],
    outputs: dict[str, float],
    message: str,
) -> None:
    with pytest.raises(HavenError, match=message):
        services.create_recipe(
            by=users["quartermaster"],
            code="bad",
            name="Bad",
            skill="fabrication",
            batches_per_day_per_worker=1,
            inputs=inputs,
            outputs=outputs,
        )
    assert not Recipe.objects.filter(code="bad").exists()
