"""Quantities people can hand out: a fair plan rounded to whole hand-out steps.

A plan's fair share of an item for a household is a real number (0.022 kit, 73.537 L);
what a storekeeper can hand over is a whole number of steps (a kit, a litre, a half-kilo
scoop). ``round_to_steps`` rounds every share of one item at once:

1. each share is floored to whole steps (so nobody gets more than their fair share yet);
2. the steps still in stock (``available`` floored to steps, less what step 1 gave) go one
   each to the shares that fall furthest short *relative to their fair share* (largest
   ``shortfall / fair``; ties to the larger shortfall, then the earlier share), never to a
   share already met, never more than the stock holds.

Each share ends within one step of its fair share, and the total never exceeds the stock:
the classic largest-remainder apportionment (Hamilton's method), with the remainders
ranked relative to need so that a household owed 0.9 kit comes before one owed 5.3 L.
Should the fair shares already floor to more steps than the stock holds (float noise in a
plan), steps are taken back from the shares best served first.

``min_fraction_met`` measures a set of hand-outs the way the planner does (the smallest
fraction of any need met), so a rounded plan can be compared with the LP optimum.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from haven.planning.errors import PlanningInputError
from haven.planning.rations import GROUP_PREFIX, RationPlan, RationRequest

# Fair shares within this many steps of a whole step count as that step (float noise:
# 2.9999999999 steps is 3).
_STEP_TOLERANCE = 1e-9


def round_to_steps(
    fair: Sequence[float] | NDArray[np.float64], *, step: float, available: float
) -> NDArray[np.int64]:
    """Whole steps per share: within one step of ``fair``, in total at most ``available``.

    ``fair`` are the plan's shares of one item (in the item's unit), ``step`` the smallest
    amount handed out (1 kit, 0.5 kg), ``available`` what the plan may draw on. Returns the
    number of steps each share gets; multiply by ``step`` for the quantity.
    """
    if not math.isfinite(step) or step <= 0:
        raise PlanningInputError(f"hand-out step {step!r} must be a finite number > 0")
    if not math.isfinite(available) or available < 0:
        raise PlanningInputError(f"available {available!r} must be a finite number ≥ 0")
    shares = np.asarray(fair, dtype=np.float64)
    if shares.size and (not np.all(np.isfinite(shares)) or shares.min() < 0):
        raise PlanningInputError("fair shares must be finite numbers ≥ 0")
    in_steps = shares / step
    steps = np.floor(in_steps + _STEP_TOLERANCE).astype(np.int64)
    budget = math.floor(available / step + _STEP_TOLERANCE)
    spare = budget - int(steps.sum())
    if spare < 0:
        _take_back(steps, in_steps, -spare)
        return steps
    shortfall = in_steps - steps
    short = np.flatnonzero(shortfall > _STEP_TOLERANCE)
    if spare == 0 or short.size == 0:
        return steps
    relative = shortfall[short] / in_steps[short]
    # lexsort: the last key sorts first; stable, so equal keys keep the shares' order.
    order = np.lexsort((short, -shortfall[short], -relative))
    steps[short[order[:spare]]] += 1
    return steps


def _take_back(steps: NDArray[np.int64], in_steps: NDArray[np.float64], count: int) -> None:
    """Remove ``count`` steps, one at a time from the share best served relative to need."""
    for _ in range(count):
        served = np.where(steps > 0, steps / np.maximum(in_steps, _STEP_TOLERANCE), -np.inf)
        steps[int(np.argmax(served))] -= 1


def min_fraction_met(quantities: ArrayLike, content: ArrayLike, need: ArrayLike) -> float:
    """The smallest fraction of any need met (capped at 1), over shares with a need.

    ``quantities[h, i]`` units of item *i* for share *h*; ``content[i, k]`` what one unit of
    item *i* gives of need *k* (kcal, litres, doses); ``need[h, k]`` what share *h* needs
    of *k* over the same period. A need of 0 is met whatever is handed out.
    """
    given = np.asarray(quantities, dtype=np.float64) @ np.asarray(content, dtype=np.float64)
    needed = np.asarray(need, dtype=np.float64)
    if given.shape != needed.shape:
        raise PlanningInputError(f"quantities give {given.shape} needs, need is {needed.shape}")
    owed = needed > 0
    if not owed.any():
        return 1.0
    return float(np.minimum(given[owed] / needed[owed], 1.0).min())


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundedShares:
    """A plan's shares per household rounded to hand-out steps, and what it costs in fairness.

    ``fair[h, i]`` and ``quantities[h, i]`` are units of ``item_ids[i]`` for household *h*
    over the horizon, before and after rounding. The min fractions are over households and
    the needs items meet directly (kcal, litres, doses; a commodity group met through a
    substitution is not counted), before (the LP optimum, pooled per household), after, and
    after the naive rounding (every share floored to a step: within stock, spare left over).
    ``min_fraction_by_need`` gives (LP, rounded) per need.
    """

    item_ids: tuple[str, ...]
    fair: NDArray[np.float64]
    quantities: NDArray[np.float64]
    lp_min_fraction: float
    rounded_min_fraction: float
    floor_min_fraction: float
    min_fraction_by_need: Mapping[str, tuple[float, float]]


def round_households(
    plan: RationPlan,
    request: RationRequest,
    households: Sequence[Mapping[str, int]],
    steps: Mapping[str, float],
) -> RoundedShares:
    """Round ``plan``'s shares for ``households`` (class id → members) to ``steps`` per item.

    Each item is rounded by ``round_to_steps`` within what the plan may draw on (its
    ``available``); an item without a step keeps the ledger's precision (0.001).
    """
    class_index = {class_id: c for c, class_id in enumerate(plan.class_ids)}
    members = np.zeros((len(households), len(plan.class_ids)))
    for h, household in enumerate(households):
        for class_id, count in household.items():
            if class_id not in class_index:
                raise PlanningInputError(f"class {class_id!r} is not in this plan")
            members[h, class_index[class_id]] += count
    fair = members @ plan.per_person_daily * plan.horizon_days
    quantities = np.zeros_like(fair)
    floored = np.zeros_like(fair)
    for i, item_id in enumerate(plan.item_ids):
        step = steps.get(item_id, 0.001)
        given = round_to_steps(fair[:, i], step=step, available=plan.available[item_id])
        quantities[:, i] = given * step
        floored[:, i] = np.floor(fair[:, i] / step + _STEP_TOLERANCE) * step
    need_classes = {need_class.class_id: need_class for need_class in request.classes}
    keys = sorted(
        {
            key
            for need_class in request.classes
            for key in need_class.daily_need
            if not key.startswith(GROUP_PREFIX)
        }
    )
    need_by_class = np.array(
        [
            [need_classes[class_id].daily_need.get(key, 0.0) for key in keys]
            for class_id in plan.class_ids
        ]
    ).reshape(len(plan.class_ids), len(keys))
    need = members @ need_by_class * plan.horizon_days
    items = {item.item_id: item for item in request.items}
    content = np.array(
        [[items[item_id].content.get(key, 0.0) for key in keys] for item_id in plan.item_ids]
    ).reshape(len(plan.item_ids), len(keys))
    by_need = {
        key: (
            min_fraction_met(fair, content[:, [k]], need[:, [k]]),
            min_fraction_met(quantities, content[:, [k]], need[:, [k]]),
        )
        for k, key in enumerate(keys)
    }
    return RoundedShares(
        item_ids=plan.item_ids,
        fair=fair,
        quantities=quantities,
        lp_min_fraction=min_fraction_met(fair, content, need),
        rounded_min_fraction=min_fraction_met(quantities, content, need),
        floor_min_fraction=min_fraction_met(floored, content, need),
        min_fraction_by_need=by_need,
    )
