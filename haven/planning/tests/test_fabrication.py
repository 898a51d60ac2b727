from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from haven.planning.errors import PlanningInputError
from haven.planning.fabrication import Recipe, plan_production, validate_recipes

MEDKIT = Recipe(
    recipe_id="medkit",
    name="Med kit",
    inputs={"cloth": 1},
    outputs={"medkit": 1},
    skill="medic",
    batches_per_day_per_worker=4,
)
SMELT = Recipe("smelt", "Smelt scrap", {"scrap": 2}, {"metal": 1}, "smith", 20)
FORGE = Recipe("forge", "Forge tools", {"metal": 1}, {"tool": 1}, "smith", 20)


def test_capacity_binds_at_workers_times_rate_times_days() -> None:
    plan = plan_production([MEDKIT], {"cloth": 100}, {"medkit": 50}, {"medic": 2}, 3)
    batches = plan.batches_for("medkit")
    assert batches.lp_batches == pytest.approx(24)
    assert batches.proposed_batches == 24
    assert batches.limited_by == "limited by 2 medics × 4 batches/day × 3 days"
    assert plan.shortage_coverage["medkit"].covered == 24
    assert plan.inputs_consumed == {"cloth": 24}


def test_stock_binds_when_inputs_run_out_first() -> None:
    plan = plan_production([MEDKIT], {"cloth": 10}, {"medkit": 50}, {"medic": 2}, 3)
    batches = plan.batches_for("medkit")
    assert batches.proposed_batches == 10
    assert batches.limited_by == "limited by stock of cloth: 10 on hand"


def test_makes_no_more_than_the_shortage() -> None:
    plan = plan_production([MEDKIT], {"cloth": 100}, {"medkit": 5}, {"medic": 2}, 3)
    assert plan.batches_for("medkit").proposed_batches == 5
    assert plan.batches_for("medkit").limited_by == "enough to cover the shortage of medkit"
    assert plan.shortage_coverage["medkit"].covered_fraction == 1.0


def test_nothing_is_proposed_when_nothing_is_short() -> None:
    for shortages in ({}, {"medkit": 0.0}):
        plan = plan_production([MEDKIT, SMELT], {"cloth": 100}, shortages, {"medic": 2}, 3)
        assert all(batches.proposed_batches == 0 for batches in plan.recipe_batches)
        assert plan.inputs_consumed == {}
        assert plan.kcal_burned == 0


def test_intermediate_products_made_in_the_plan_feed_later_recipes() -> None:
    plan = plan_production([FORGE, SMELT], {"scrap": 100}, {"tool": 10}, {"smith": 1}, 2)
    assert plan.batches_for("smelt").proposed_batches == 10
    assert plan.batches_for("forge").proposed_batches == 10
    assert plan.inputs_consumed == {"scrap": 20, "metal": 10}
    assert plan.outputs_produced == {"metal": 10, "tool": 10}
    assert (
        plan.batches_for("smelt").limited_by == "makes only what the other recipes in the plan use"
    )


def test_intermediate_limited_by_its_own_input_limits_the_product() -> None:
    plan = plan_production([FORGE, SMELT], {"scrap": 8}, {"tool": 10}, {"smith": 1}, 1)
    assert plan.batches_for("forge").proposed_batches == 4
    assert "stock of metal: 0 on hand + 4 made in the plan" in plan.batches_for("forge").limited_by
    assert plan.batches_for("smelt").limited_by == "limited by stock of scrap: 8 on hand"


def test_whole_batch_proposal_never_uses_more_intermediate_than_was_made() -> None:
    smelt_three = Recipe("smelt", "Smelt scrap", {"scrap": 2}, {"metal": 3}, "smith", 20)
    plan = plan_production([FORGE, smelt_three], {"scrap": 100}, {"tool": 10}, {"smith": 1}, 1)
    assert plan.batches_for("smelt").lp_batches == pytest.approx(10 / 3)
    assert plan.batches_for("smelt").proposed_batches == 3
    assert plan.batches_for("forge").proposed_batches == 9
    assert plan.shortage_coverage["tool"].covered_lp == pytest.approx(10)
    assert plan.shortage_coverage["tool"].covered == 9


def test_food_burned_by_the_fabricator_is_counted() -> None:
    ability = Recipe("heal", "Conjure bandages", {"kcal": 400}, {"bandage": 5}, "healer", 10, 100)
    plan = plan_production(
        [ability], {"rice_kg": 100}, {"bandage": 50}, {"healer": 1}, 2, {"rice_kg": 3500}
    )
    assert plan.batches_for("heal").proposed_batches == 10
    assert plan.kcal_burned == 10 * 500


def test_food_reserve_limits_fabrication() -> None:
    ability = Recipe("heal", "Conjure bandages", {}, {"bandage": 1}, "healer", 100, 1000)
    plan = plan_production(
        [ability],
        {"rice_kg": 10},
        {"bandage": 50},
        {"healer": 1},
        1,
        {"rice_kg": 3500},
        food_reserve_kcal=30_000,
    )
    batches = plan.batches_for("heal")
    assert batches.proposed_batches == 5
    assert batches.limited_by == "limited by food: 5,000 kcal above the reserve of 30,000 kcal"
    assert plan.kcal_burned == 5000


def test_food_used_as_an_ingredient_draws_on_the_same_pool() -> None:
    porridge = Recipe("ration", "Ration bar", {"oats_kg": 1}, {"ration_bar": 10}, "cook", 100, 0)
    plan = plan_production(
        [porridge],
        {"oats_kg": 100},
        {"ration_bar": 1000},
        {"cook": 1},
        1,
        {"oats_kg": 3800, "ration_bar": 0},
        food_reserve_kcal=3800 * 97,
    )
    assert plan.batches_for("ration").proposed_batches == 3


def test_without_food_energy_on_hand_a_hungry_recipe_cannot_run() -> None:
    ability = Recipe("heal", "Conjure bandages", {}, {"bandage": 1}, "healer", 100, 1000)
    plan = plan_production([ability], {}, {"bandage": 50}, {"healer": 1}, 1)
    assert plan.batches_for("heal").proposed_batches == 0
    assert plan.batches_for("heal").limited_by.startswith("limited by food: 0 kcal")


def test_scarce_capacity_is_shared_so_no_shortage_is_left_uncovered() -> None:
    splint = Recipe("splint", "Splint", {}, {"splint": 1}, "medic", 5)
    kit = Recipe("kit", "Med kit", {}, {"medkit": 1}, "medic", 5)
    plan = plan_production([splint, kit], {}, {"splint": 10, "medkit": 10}, {"medic": 1}, 2)
    assert plan.min_coverage_fraction_lp == pytest.approx(0.5)
    assert plan.batches_for("splint").lp_batches == pytest.approx(5)
    assert plan.batches_for("kit").lp_batches == pytest.approx(5)
    assert plan.batches_for("kit").limited_by == (
        "limited by 1 medic × 5 batches/day × 2 days (shared with Splint)"
    )


def test_stock_of_a_short_item_is_not_used_to_make_something_else() -> None:
    bundle = Recipe("bundle", "Family kit", {"soap": 2}, {"family_kit": 1}, "clerk", 100)
    plan = plan_production([bundle], {"soap": 100}, {"soap": 10, "family_kit": 5}, {"clerk": 1}, 1)
    assert plan.batches_for("bundle").proposed_batches == 0
    assert plan.batches_for("bundle").limited_by == (
        "limited by soap, itself short (stock is kept for the shortage)"
    )


def test_recipe_without_a_skilled_worker_is_not_run() -> None:
    plan = plan_production([MEDKIT], {"cloth": 100}, {"medkit": 5}, {"smith": 3}, 3)
    assert plan.batches_for("medkit").proposed_batches == 0
    assert plan.batches_for("medkit").limited_by == "no worker with skill 'medic'"


def test_cycles_are_rejected_naming_the_cycle() -> None:
    melt = Recipe("melt", "Melt tools", {"tool": 1}, {"metal": 1}, "smith", 1)
    with pytest.raises(PlanningInputError, match="recipe cycle") as raised:
        validate_recipes([FORGE, melt], {"metal", "tool"})
    message = str(raised.value)
    assert "forge makes tool for melt" in message
    assert "melt makes metal for forge" in message


def test_long_cycles_are_rejected() -> None:
    recipes = [
        Recipe("a", "A", {"z": 1}, {"x": 1}, "s", 1),
        Recipe("b", "B", {"x": 1}, {"y": 1}, "s", 1),
        Recipe("c", "C", {"y": 1}, {"z": 1}, "s", 1),
    ]
    with pytest.raises(PlanningInputError, match="recipe cycle") as raised:
        plan_production(recipes, {}, {"z": 1}, {"s": 1}, 1)
    assert all(recipe_id in str(raised.value) for recipe_id in "abc")


def test_a_recipe_using_its_own_output_is_a_cycle() -> None:
    sharpen = Recipe("sharpen", "Sharpen", {"knife": 1}, {"knife": 1}, "smith", 1)
    with pytest.raises(PlanningInputError, match="sharpen makes knife for sharpen"):
        validate_recipes([sharpen], {"knife"})


def test_unknown_items_are_rejected_naming_recipe_and_item() -> None:
    with pytest.raises(PlanningInputError, match="recipe 'medkit' has unknown input item 'cloth'"):
        validate_recipes([MEDKIT], {"medkit"})
    with pytest.raises(PlanningInputError, match="unknown output item 'medkit'"):
        plan_production([MEDKIT], {}, {"medkit": 1}, {}, 1, known_items={"cloth"})


def test_food_energy_is_a_known_input() -> None:
    validate_recipes([Recipe("heal", "Heal", {"kcal": 10}, {"bandage": 1}, "h", 1)], {"bandage"})


@pytest.mark.parametrize(
    ("recipe", "message"),
    [
        (Recipe("r", "R", {"cloth": -1}, {"medkit": 1}, "medic", 1), "input 'cloth' quantity -1"),
        (Recipe("r", "R", {}, {"medkit": math.nan}, "medic", 1), "output 'medkit' quantity nan"),
        (Recipe("r", "R", {}, {"medkit": 1}, "medic", 0), "batches per day per worker 0"),
        (Recipe("r", "R", {}, {"medkit": 1}, "medic", 1, -5), "worker kcal per batch -5"),
        (Recipe("r", "R", {}, {}, "medic", 1), "makes nothing"),
    ],
)
def test_bad_recipes_are_rejected(recipe: Recipe, message: str) -> None:
    with pytest.raises(PlanningInputError, match=message):
        validate_recipes([recipe], {"cloth", "medkit"})


def test_bad_plan_inputs_are_rejected() -> None:
    with pytest.raises(PlanningInputError, match="horizon of 0 days"):
        plan_production([MEDKIT], {}, {"medkit": 1}, {"medic": 1}, 0)
    with pytest.raises(PlanningInputError, match="stock of 'cloth' -2"):
        plan_production([MEDKIT], {"cloth": -2}, {"medkit": 1}, {"medic": 1}, 1)
    with pytest.raises(PlanningInputError, match="shortage of 'medkit' -1"):
        plan_production([MEDKIT], {}, {"medkit": -1}, {"medic": 1}, 1)
    with pytest.raises(PlanningInputError, match="skill 'medic' \\(-1\\)"):
        plan_production([MEDKIT], {}, {"medkit": 1}, {"medic": -1}, 1)


def test_a_recipe_is_not_changed_by_later_edits_to_its_inputs() -> None:
    inputs = {"cloth": 1.0}
    recipe = Recipe("r", "R", inputs, {"medkit": 1}, "medic", 1)
    inputs["cloth"] = 99.0
    assert recipe.inputs["cloth"] == 1.0


@st.composite
def chains(draw: st.DrawFn) -> tuple[list[Recipe], dict[str, float], dict[str, float], int]:
    length = draw(st.integers(min_value=1, max_value=4))
    quantity = st.integers(min_value=1, max_value=4)
    recipes = [
        Recipe(
            f"step{step}",
            f"Step {step}",
            {f"item{step}": draw(quantity)},
            {f"item{step + 1}": draw(quantity)},
            draw(st.sampled_from(["smith", "medic"])),
            draw(st.sampled_from([0.5, 1.0, 3.0])),
            draw(st.sampled_from([0.0, 100.0])),
        )
        for step in range(length)
    ]
    stock = {"item0": float(draw(st.integers(min_value=0, max_value=50))), "rice": 10.0}
    shortages = {f"item{length}": float(draw(st.integers(min_value=0, max_value=30)))}
    return recipes, stock, shortages, draw(st.integers(min_value=1, max_value=5))


# Found by Hypothesis: with the stage optimum fixed to within 1e-9 (below HiGHS's 1e-7
# feasibility tolerance), the third stage came out infeasible.
STAGE_ROUNDING_CHAIN = (
    [
        Recipe("step0", "Step 0", {"item0": 1}, {"item1": 4}, "smith", 3.0),
        Recipe("step1", "Step 1", {"item1": 3}, {"item2": 1}, "smith", 1.0),
        Recipe("step2", "Step 2", {"item2": 2}, {"item3": 4}, "medic", 1.0),
        Recipe("step3", "Step 3", {"item3": 2}, {"item4": 1}, "medic", 0.5),
    ],
    {"item0": 1.0, "rice": 10.0},
    {"item4": 2.0},
    1,
)


@settings(max_examples=60, deadline=None)
@given(chains())
@example(STAGE_ROUNDING_CHAIN)
def test_proposal_stays_within_stock_capacity_and_food(
    case: tuple[list[Recipe], dict[str, float], dict[str, float], int],
) -> None:
    recipes, stock, shortages, horizon_days = case
    workers = {"smith": 1, "medic": 2}
    plan = plan_production(recipes, stock, shortages, workers, horizon_days, {"rice": 300})
    batches = {b.recipe_id: b.proposed_batches for b in plan.recipe_batches}
    for recipe in plan.recipe_batches:
        assert 0 <= recipe.proposed_batches <= recipe.lp_batches + 1e-6
    for item, used in plan.inputs_consumed.items():
        assert used <= stock.get(item, 0.0) + plan.outputs_produced.get(item, 0.0) + 1e-9
    for skill, count in workers.items():
        worker_days = sum(
            batches[r.recipe_id] / r.batches_per_day_per_worker for r in recipes if r.skill == skill
        )
        assert worker_days <= count * horizon_days + 1e-6
    assert plan.kcal_burned <= 3000 + 1e-6
    for coverage in plan.shortage_coverage.values():
        assert 0 <= coverage.covered <= coverage.covered_lp + 1e-6 <= coverage.shortage + 2e-6


def test_a_skill_shared_by_many_recipes_is_summarised() -> None:
    recipes = [Recipe(f"r{n}", f"Part {n}", {}, {f"part{n}": 1}, "smith", 1) for n in range(6)]
    shortages = {f"part{n}": 10.0 for n in range(6)}
    plan = plan_production(recipes, {}, shortages, {"smith": 1}, 3)
    assert plan.batches_for("r0").limited_by == (
        "limited by 1 smith × 1 batch/day × 3 days (shared with 5 other recipes)"
    )
    assert sum(b.lp_batches for b in plan.recipe_batches) == pytest.approx(3)
