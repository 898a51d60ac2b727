"""Production planning: what to make, from what, with whom, to cover shortages.

A recipe turns inputs into outputs in batches (a workshop turns scrap into tools, a
medic with the ability turns food energy into medical supplies). Each batch needs
worker-time of one skill: a recipe runs `batches_per_day_per_worker` batches per day per
skilled person, and people of a skill are shared by all recipes needing it.

Food energy. Fabrication burns food. Energy is one pseudo-resource, `FOOD_ENERGY`
("kcal"), drawn from the food pool: the kcal content of every food item on hand
(`kcal_per_item`). A recipe draws `worker_kcal_per_batch` (what the fabricator eats to do
the work) plus any explicit "kcal" input (an ability that converts food energy directly).
Food items used as ordinary ingredients draw on the same pool, and food items a recipe
makes add to it. The plan never takes the pool below `food_reserve_kcal`: what people eat
comes first. Which food item is actually eaten by the fabricators is left to rations.

The model is one linear programme (HiGHS through `scipy.optimize.linprog`) over the
whole horizon, solved lexicographically:

1. maximise the smallest coverage fraction among shortages a staffed recipe can make
   (min-max: no shortage is left at 0 % to push another to 100 %);
2. holding that, maximise the sum of coverage fractions (weighted by `priority`);
3. holding that, use the fewest worker-days.

Intermediate products made in the plan may be used by other recipes in the same plan;
the model does not schedule within the horizon, so it assumes the intermediate is made
before it is needed. Stock of an item that is itself short is never used as an input:
it is already spoken for.
"""

from __future__ import annotations

import graphlib
import itertools
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog

from haven.planning.errors import PlanningInputError

__all__ = [
    "FOOD_ENERGY",
    "ProductionPlan",
    "Recipe",
    "RecipeBatches",
    "ShortageCoverage",
    "plan_production",
    "validate_recipes",
]

FOOD_ENERGY = "kcal"

# Slack below which an LP constraint counts as binding, relative to its right-hand side.
_BINDING_TOLERANCE = 1e-6
# Room given when fixing an earlier stage's optimum, so the next stage stays feasible. It
# must exceed the solver's feasibility tolerance: the optimum HiGHS reports may overshoot
# the true one by that much, and with less room the next stage can come out infeasible
# (HiGHS status 8) although the previous stage's solution satisfies it. HiGHS's default
# tolerance (1e-7) would shave that much off every stage, so it is tightened instead.
_SOLVER_TOLERANCE = 1e-9
_HIGHS_OPTIONS = {
    "primal_feasibility_tolerance": _SOLVER_TOLERANCE,
    "dual_feasibility_tolerance": _SOLVER_TOLERANCE,
}
_STAGE_TOLERANCE = 1e-8
# LP batches this close (relatively) to a whole number are that whole number.
_SNAP_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class Recipe:
    """One way of making things: inputs and outputs per batch, and who can run it."""

    recipe_id: str
    name: str
    inputs: Mapping[str, float]
    outputs: Mapping[str, float]
    skill: str
    batches_per_day_per_worker: float
    worker_kcal_per_batch: float = 0.0

    def __post_init__(self) -> None:
        # A recipe is a value: copying the mappings keeps a caller's later edits out of it.
        object.__setattr__(self, "inputs", MappingProxyType(dict(self.inputs)))
        object.__setattr__(self, "outputs", MappingProxyType(dict(self.outputs)))

    @property
    def kcal_per_batch(self) -> float:
        """Food energy one batch draws from the food pool (fabricator plus explicit input)."""
        return self.worker_kcal_per_batch + self.inputs.get(FOOD_ENERGY, 0.0)

    @property
    def material_inputs(self) -> dict[str, float]:
        """Inputs that are stock items (everything but the food-energy pseudo-resource)."""
        return {item: qty for item, qty in self.inputs.items() if item != FOOD_ENERGY}


@dataclass(frozen=True, slots=True)
class RecipeBatches:
    """How many batches of one recipe to run, and what stops it running more."""

    recipe_id: str
    lp_batches: float
    proposed_batches: int
    limited_by: str


@dataclass(frozen=True, slots=True)
class ShortageCoverage:
    """How much of one shortage the plan covers (LP optimum and the whole-batch proposal)."""

    item_id: str
    shortage: float
    covered_lp: float
    covered: float

    @property
    def covered_fraction(self) -> float:
        """Share of the shortage the whole-batch proposal covers."""
        return self.covered / self.shortage if self.shortage > 0 else 1.0


@dataclass(frozen=True, slots=True)
class ProductionPlan:
    """A production plan; flows and coverage are those of the whole-batch proposal.

    `kcal_burned` is the food energy the fabricators burn (worker energy plus explicit
    "kcal" inputs); food used as an ingredient shows in `inputs_consumed` instead.
    """

    recipe_batches: tuple[RecipeBatches, ...]
    inputs_consumed: Mapping[str, float]
    outputs_produced: Mapping[str, float]
    shortage_coverage: Mapping[str, ShortageCoverage]
    kcal_burned: float
    min_coverage_fraction_lp: float

    def batches_for(self, recipe_id: str) -> RecipeBatches:
        """The batches planned for one recipe."""
        for batches in self.recipe_batches:
            if batches.recipe_id == recipe_id:
                return batches
        raise KeyError(recipe_id)


def _check_quantity(what: str, value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise PlanningInputError(f"{what} {value!r} must be a finite number ≥ 0")


def _recipe_graph(recipes: Sequence[Recipe]) -> dict[str, set[str]]:
    """Recipe id → ids of the recipes whose outputs it takes as inputs."""
    makers: dict[str, set[str]] = {}
    for recipe in recipes:
        for item in recipe.outputs:
            makers.setdefault(item, set()).add(recipe.recipe_id)
    return {
        recipe.recipe_id: {
            maker for item in recipe.material_inputs for maker in makers.get(item, set())
        }
        for recipe in recipes
    }


def _production_order(recipes: Sequence[Recipe]) -> list[str]:
    """Recipe ids, every maker before its users; raises on a cycle, naming it."""
    by_id = {recipe.recipe_id: recipe for recipe in recipes}
    try:
        return list(graphlib.TopologicalSorter(_recipe_graph(recipes)).static_order())
    except graphlib.CycleError as error:
        cycle: list[str] = error.args[1]
        links = []
        for maker, user in itertools.pairwise(cycle):
            shared = sorted(set(by_id[maker].outputs) & set(by_id[user].material_inputs))
            links.append(f"{maker} makes {', '.join(shared)} for {user}")
        raise PlanningInputError(f"recipe cycle {' → '.join(cycle)}: {'; '.join(links)}") from None


def validate_recipes(recipes: Sequence[Recipe], known_items: Collection[str]) -> None:
    """Raise PlanningInputError for unknown items, bad quantities or rates, and cycles.

    `known_items` is the item catalogue; "kcal" (food energy) is always known as an
    input. A cycle is any chain of recipes where one's output is the next one's input
    and the last one's output is the first one's input (a recipe using its own output
    is a cycle of one).
    """
    known = set(known_items)
    seen_ids: set[str] = set()
    for recipe in recipes:
        label = f"recipe {recipe.recipe_id!r}"
        if recipe.recipe_id in seen_ids:
            raise PlanningInputError(f"{label} is listed twice")
        seen_ids.add(recipe.recipe_id)
        if not recipe.outputs:
            raise PlanningInputError(f"{label} makes nothing")
        if FOOD_ENERGY in recipe.outputs:
            raise PlanningInputError(
                f"{label} outputs {FOOD_ENERGY!r}; make a food item with a kcal content instead"
            )
        for role, items in (("input", recipe.inputs), ("output", recipe.outputs)):
            for item, qty in items.items():
                if item not in known and not (role == "input" and item == FOOD_ENERGY):
                    raise PlanningInputError(f"{label} has unknown {role} item {item!r}")
                _check_quantity(f"{label} {role} {item!r} quantity", qty)
        if not math.isfinite(recipe.batches_per_day_per_worker) or (
            recipe.batches_per_day_per_worker <= 0
        ):
            raise PlanningInputError(
                f"{label} batches per day per worker "
                f"{recipe.batches_per_day_per_worker!r} must be > 0"
            )
        _check_quantity(f"{label} worker kcal per batch", recipe.worker_kcal_per_batch)
    _production_order(recipes)


def _format_amount(value: float) -> str:
    rounded = round(value)
    if math.isclose(value, rounded, abs_tol=1e-6):
        return f"{rounded:,}"
    return f"{value:,.2f}"


def _plural(noun: str, count: int) -> str:
    return noun if count == 1 or noun.endswith("s") else f"{noun}s"


def _solve(
    objective: NDArray[np.float64],
    rows: NDArray[np.float64],
    limits: NDArray[np.float64],
    bounds: list[tuple[float, float | None]],
) -> NDArray[np.float64]:
    result = linprog(
        objective,
        A_ub=rows,
        b_ub=limits,
        bounds=bounds,
        method="highs",
        options=_HIGHS_OPTIONS,
    )
    if result.status != 0:
        # Doing nothing is always feasible and every variable is bounded, so this is a
        # solver failure, not bad input.
        raise RuntimeError(f"production LP failed: {result.message}")
    solution: NDArray[np.float64] = np.asarray(result.x, dtype=np.float64)
    return solution


def plan_production(
    recipes: Sequence[Recipe],
    stock: Mapping[str, float],
    shortages: Mapping[str, float],
    workers_by_skill: Mapping[str, int],
    horizon_days: int,
    kcal_per_item: Mapping[str, float] | None = None,
    food_reserve_kcal: float = 0.0,
    *,
    known_items: Collection[str] | None = None,
    priority: Mapping[str, float] | None = None,
) -> ProductionPlan:
    """Choose batches per recipe to cover `shortages` (need beyond stock) within limits.

    Limits: `stock` of each input (plus what the plan makes), worker-days per skill
    (`workers_by_skill` × `horizon_days`), and food energy above `food_reserve_kcal`.
    `known_items`, when given, is the item catalogue recipes are checked against;
    `priority` weighs shortages in the second stage (default 1 each). See the module
    docstring for the model.
    """
    kcal_content = dict(kcal_per_item or {})
    weights = dict(priority or {})
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, int) or horizon_days < 1:
        raise PlanningInputError(f"horizon of {horizon_days!r} days must be a whole number ≥ 1")
    for item, qty in stock.items():
        _check_quantity(f"stock of {item!r}", qty)
    for item, qty in shortages.items():
        _check_quantity(f"shortage of {item!r}", qty)
    for item, kcal in kcal_content.items():
        _check_quantity(f"kcal per {item!r}", kcal)
    for item, weight in weights.items():
        _check_quantity(f"priority of {item!r}", weight)
    for skill, count in workers_by_skill.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise PlanningInputError(f"workers with skill {skill!r} ({count!r}) must be ≥ 0")
    _check_quantity("food reserve kcal", food_reserve_kcal)
    catalogue = (
        set(known_items)
        if known_items is not None
        else {item for recipe in recipes for item in [*recipe.inputs, *recipe.outputs]}
    )
    validate_recipes(recipes, catalogue)
    order = _production_order(recipes)

    short_items = sorted(item for item, qty in shortages.items() if qty > 0)
    recipe_count = len(recipes)
    if not short_items or recipe_count == 0:
        return _nothing_to_make(recipes, shortages, short_items)

    items = sorted(
        {item for recipe in recipes for item in [*recipe.material_inputs, *recipe.outputs]}
        | set(short_items)
    )
    item_index = {item: index for index, item in enumerate(items)}
    uses = np.zeros((len(items), recipe_count))
    makes = np.zeros((len(items), recipe_count))
    for column, recipe in enumerate(recipes):
        for item, qty in recipe.material_inputs.items():
            uses[item_index[item], column] = qty
        for item, qty in recipe.outputs.items():
            makes[item_index[item], column] = qty
    net_use = uses - makes
    kcal_of_item = np.array([kcal_content.get(item, 0.0) for item in items])
    burn = np.array([recipe.kcal_per_batch for recipe in recipes])
    food_draw = burn + kcal_of_item @ net_use
    food_pool = math.fsum(qty * kcal_content.get(item, 0.0) for item, qty in stock.items())
    food_available = max(0.0, food_pool - food_reserve_kcal)
    shortage_amount = np.array([shortages[item] for item in short_items])
    on_hand = np.array([stock.get(item, 0.0) for item in items])
    is_short = np.isin(np.array(items, dtype=object), short_items)
    # Stock of a short item is spoken for; the coverage rows below keep it untouched.
    on_hand_usable = np.where(is_short, 0.0, on_hand)

    skills = sorted({recipe.skill for recipe in recipes})
    worker_days = {skill: workers_by_skill.get(skill, 0) * horizon_days for skill in skills}
    labour = np.array([1.0 / recipe.batches_per_day_per_worker for recipe in recipes])

    # Variables: batches x (one per recipe), coverage fractions f (one per short item), t.
    short_count = len(short_items)
    t_column = recipe_count + short_count
    variable_count = t_column + 1
    rows: list[NDArray[np.float64]] = []
    limits: list[float] = []

    def add_row(coefficients: NDArray[np.float64], limit: float) -> None:
        rows.append(coefficients)
        limits.append(limit)

    for index in range(len(items)):
        if not is_short[index]:
            add_row(np.concatenate([net_use[index], np.zeros(short_count + 1)]), on_hand[index])
    skill_rows: dict[str, int] = {}
    for skill in skills:
        coefficients = np.zeros(variable_count)
        for column, recipe in enumerate(recipes):
            if recipe.skill == skill:
                coefficients[column] = labour[column]
        skill_rows[skill] = len(rows)
        add_row(coefficients, float(worker_days[skill]))
    food_row = len(rows)
    add_row(np.concatenate([food_draw, np.zeros(short_count + 1)]), food_available)
    coverage_rows: dict[str, int] = {}
    for position, item in enumerate(short_items):
        coefficients = np.zeros(variable_count)
        coefficients[:recipe_count] = net_use[item_index[item]]
        coefficients[recipe_count + position] = shortage_amount[position]
        coverage_rows[item] = len(rows)
        add_row(coefficients, 0.0)

    staffed = [worker_days[recipe.skill] > 0 for recipe in recipes]
    makeable = {
        item
        for recipe, has_staff in zip(recipes, staffed, strict=True)
        if has_staff
        for item in recipe.outputs
    }
    for position, item in enumerate(short_items):
        if item in makeable:
            coefficients = np.zeros(variable_count)
            coefficients[t_column] = 1.0
            coefficients[recipe_count + position] = -1.0
            add_row(coefficients, 0.0)

    bounds: list[tuple[float, float | None]] = [
        (0.0, None if has_staff else 0.0) for has_staff in staffed
    ]
    bounds += [(0.0, 1.0)] * short_count + [(0.0, 1.0)]

    # Stage 1: raise the worst-covered makeable shortage as far as it goes.
    objective = np.zeros(variable_count)
    objective[t_column] = -1.0
    solution = _solve(objective, np.array(rows), np.array(limits), bounds)
    min_fraction = float(solution[t_column])
    bounds[t_column] = (max(0.0, min_fraction - _STAGE_TOLERANCE), 1.0)

    # Stage 2: then cover as much as possible in total.
    objective = np.zeros(variable_count)
    objective[recipe_count:t_column] = -np.array([weights.get(item, 1.0) for item in short_items])
    solution = _solve(objective, np.array(rows), np.array(limits), bounds)
    best_total = float(-objective @ solution)
    add_row(objective, -best_total + _STAGE_TOLERANCE * max(1.0, best_total))

    # Stage 3: and do it with the fewest worker-days.
    objective = np.zeros(variable_count)
    objective[:recipe_count] = labour
    solution = _solve(objective, np.array(rows), np.array(limits), bounds)
    lp_batches = np.maximum(solution[:recipe_count], 0.0)
    # The stage tolerances let stage 3 shave a hair off; 23.99999995 batches means 24.
    nearest = np.round(lp_batches)
    snap = np.abs(lp_batches - nearest) <= _SNAP_TOLERANCE * np.maximum(1.0, nearest)
    lp_batches = np.where(snap, nearest, lp_batches)

    proposed = _whole_batches(
        recipes,
        order,
        lp_batches,
        uses,
        makes,
        on_hand_usable,
        item_index,
        kcal_of_item,
        food_available,
    )
    consumed = uses @ proposed
    produced = makes @ proposed
    lp_net = makes @ lp_batches - uses @ lp_batches
    net = produced - consumed
    coverage = {
        item: ShortageCoverage(
            item_id=item,
            shortage=float(shortages[item]),
            covered_lp=float(np.clip(lp_net[item_index[item]], 0.0, shortages[item])),
            covered=float(np.clip(net[item_index[item]], 0.0, shortages[item])),
        )
        for item in short_items
    }
    slack = np.array(limits[: len(limits) - 1]) - np.array(rows[: len(rows) - 1]) @ solution
    limited_by = _explain_limits(
        recipes=recipes,
        lp_batches=lp_batches,
        staffed=staffed,
        workers_by_skill=workers_by_skill,
        horizon_days=horizon_days,
        slack=slack,
        skill_rows=skill_rows,
        food_row=food_row,
        food_available=food_available,
        food_reserve_kcal=food_reserve_kcal,
        food_draw=food_draw,
        items=items,
        is_short=is_short,
        on_hand=on_hand,
        produced_lp=makes @ lp_batches,
        coverage=coverage,
    )
    return ProductionPlan(
        recipe_batches=tuple(
            RecipeBatches(
                recipe_id=recipe.recipe_id,
                lp_batches=float(lp_batches[column]),
                proposed_batches=int(proposed[column]),
                limited_by=limited_by[column],
            )
            for column, recipe in enumerate(recipes)
        ),
        inputs_consumed={
            item: float(consumed[index]) for index, item in enumerate(items) if consumed[index] > 0
        },
        outputs_produced={
            item: float(produced[index]) for index, item in enumerate(items) if produced[index] > 0
        },
        shortage_coverage=coverage,
        kcal_burned=float(burn @ proposed),
        min_coverage_fraction_lp=min_fraction,
    )


def _nothing_to_make(
    recipes: Sequence[Recipe], shortages: Mapping[str, float], short_items: Sequence[str]
) -> ProductionPlan:
    reason = "no recipe can help" if short_items else "not needed: nothing is short"
    return ProductionPlan(
        recipe_batches=tuple(RecipeBatches(recipe.recipe_id, 0.0, 0, reason) for recipe in recipes),
        inputs_consumed={},
        outputs_produced={},
        shortage_coverage={
            item: ShortageCoverage(item, float(qty), 0.0, 0.0) for item, qty in shortages.items()
        },
        kcal_burned=0.0,
        min_coverage_fraction_lp=0.0 if short_items else 1.0,
    )


def _whole_batches(
    recipes: Sequence[Recipe],
    order: Sequence[str],
    lp_batches: NDArray[np.float64],
    uses: NDArray[np.float64],
    makes: NDArray[np.float64],
    on_hand_usable: NDArray[np.float64],
    item_index: Mapping[str, int],
    kcal_of_item: NDArray[np.float64],
    food_available: float,
) -> NDArray[np.float64]:
    """Floor the LP batches, makers first, trimming users to what the floored makers made.

    Flooring a maker can leave its users short of the intermediate product, so each
    recipe gets at most what remains after the recipes before it in production order.
    """
    column_of = {recipe.recipe_id: column for column, recipe in enumerate(recipes)}
    remaining = on_hand_usable.astype(np.float64)
    food_left = food_available
    proposed = np.zeros(len(recipes))
    for recipe_id in order:
        column = column_of[recipe_id]
        batches = math.floor(lp_batches[column])
        for item, qty in recipes[column].material_inputs.items():
            if qty > 0:
                available = remaining[item_index[item]] + _BINDING_TOLERANCE
                batches = min(batches, math.floor(available / qty))
        draw = recipes[column].kcal_per_batch + float(kcal_of_item @ uses[:, column])
        if draw > 0:
            batches = min(batches, math.floor((food_left + _BINDING_TOLERANCE) / draw))
        batches = max(batches, 0)
        remaining += (makes[:, column] - uses[:, column]) * batches
        food_left += (float(kcal_of_item @ makes[:, column]) - draw) * batches
        proposed[column] = batches
    return proposed


def _explain_limits(
    *,
    recipes: Sequence[Recipe],
    lp_batches: NDArray[np.float64],
    staffed: Sequence[bool],
    workers_by_skill: Mapping[str, int],
    horizon_days: int,
    slack: NDArray[np.float64],
    skill_rows: Mapping[str, int],
    food_row: int,
    food_available: float,
    food_reserve_kcal: float,
    food_draw: NDArray[np.float64],
    items: Sequence[str],
    is_short: NDArray[np.bool_],
    on_hand: NDArray[np.float64],
    produced_lp: NDArray[np.float64],
    coverage: Mapping[str, ShortageCoverage],
) -> list[str]:
    """The constraint holding each recipe back, in words a quartermaster reads."""
    item_rows: dict[str, int] = {}
    row = 0
    for index, item in enumerate(items):
        if not is_short[index]:
            item_rows[item] = row
            row += 1
    item_index = {item: index for index, item in enumerate(items)}

    def is_binding(row: int, limit: float) -> bool:
        return bool(slack[row] <= _BINDING_TOLERANCE * max(1.0, abs(limit)))

    reasons: list[str] = []
    for column, recipe in enumerate(recipes):
        workers = workers_by_skill.get(recipe.skill, 0)
        if not staffed[column]:
            reasons.append(f"no worker with skill {recipe.skill!r}")
            continue
        found: list[str] = []
        if is_binding(skill_rows[recipe.skill], workers * horizon_days):
            sharing = [
                other.name
                for other_column, other in enumerate(recipes)
                if other.skill == recipe.skill
                and other_column != column
                and lp_batches[other_column] > _BINDING_TOLERANCE
            ]
            text = (
                f"{workers} {_plural(recipe.skill, workers)} × "
                f"{_format_amount(recipe.batches_per_day_per_worker)} "
                f"{'batch' if recipe.batches_per_day_per_worker == 1 else 'batches'}/day × "
                f"{horizon_days} {_plural('day', horizon_days)}"
            )
            if len(sharing) > 3:
                text += f" (shared with {len(sharing)} other recipes)"
            elif sharing:
                text += f" (shared with {', '.join(sharing)})"
            found.append(text)
        for item in sorted(recipe.material_inputs):
            index = item_index[item]
            if is_short[index]:
                short = coverage[item]
                if short.covered_lp < short.shortage - _BINDING_TOLERANCE:
                    found.append(f"{item}, itself short (stock is kept for the shortage)")
            elif is_binding(item_rows[item], on_hand[index]):
                text = f"stock of {item}: {_format_amount(on_hand[index])} on hand"
                if produced_lp[index] > _BINDING_TOLERANCE:
                    text += f" + {_format_amount(produced_lp[index])} made in the plan"
                found.append(text)
        if food_draw[column] > 0 and is_binding(food_row, food_available):
            found.append(
                f"food: {_format_amount(food_available)} kcal above the reserve of "
                f"{_format_amount(food_reserve_kcal)} kcal"
            )
        if found:
            reasons.append("limited by " + "; ".join(found))
            continue
        covered = [item for item in recipe.outputs if item in coverage]
        if covered and all(
            coverage[item].covered_lp >= coverage[item].shortage - _BINDING_TOLERANCE
            for item in covered
        ):
            reasons.append(f"enough to cover the shortage of {', '.join(sorted(covered))}")
        elif lp_batches[column] <= _BINDING_TOLERANCE:
            reasons.append("not needed: its outputs are not short or are better made otherwise")
        else:
            reasons.append("makes only what the other recipes in the plan use")
    return reasons
