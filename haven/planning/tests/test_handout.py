"""Rounding a fair plan to quantities people can hand out: specs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.planning.errors import PlanningInputError
from haven.planning.handout import min_fraction_met, round_households, round_to_steps
from haven.planning.rations import NeedClass, RationItem, RationRequest, plan_rations


def test_a_kit_goes_whole_to_the_share_furthest_short_of_its_fair_share() -> None:
    # Three households owed 0.2, 0.9 and 0.5 kit; one kit in stock.
    assert round_to_steps([0.2, 0.9, 0.5], step=1, available=1).tolist() == [0, 1, 0]


def test_shortfall_is_ranked_relative_to_the_fair_share() -> None:
    # 0.4 short of 10.4 (4 %) waits behind 0.3 short of 0.3 (100 %).
    assert round_to_steps([10.4, 0.3], step=1, available=11).tolist() == [10, 1]


def test_scoops_of_rice_floor_then_spare_scoops_to_the_largest_shortfalls() -> None:
    # 1.2 kg, 0.7 kg, 2.45 kg in 0.5 kg scoops, 4.0 kg in stock: floors 2 + 1 + 4 = 7 scoops,
    # one scoop spare goes to 0.7 (0.2/0.7 short) before 2.45 (0.45/2.45) and 1.2 (0.2/1.2).
    assert round_to_steps([1.2, 0.7, 2.45], step=0.5, available=4.0).tolist() == [2, 2, 4]


def test_a_met_share_gets_no_spare_step() -> None:
    assert round_to_steps([2.0, 3.0], step=1, available=100).tolist() == [2, 3]


def test_float_noise_does_not_lose_a_step() -> None:
    assert round_to_steps([2.9999999999, 0.1 + 0.2], step=0.1, available=3.3).tolist() == [30, 3]


def test_fair_shares_over_the_stock_give_steps_back_from_the_best_served() -> None:
    steps = round_to_steps([3.0, 1.0, 2.0], step=1, available=5)
    assert steps.tolist() == [2, 1, 2]


@pytest.mark.parametrize(
    ("fair", "step", "available", "message"),
    [
        ([1.0], 0, 1, "step 0"),
        ([1.0], -0.5, 1, "step -0.5"),
        ([1.0], math.nan, 1, "step nan"),
        ([1.0], 1, -1, "available -1"),
        ([-1.0], 1, 1, "fair shares"),
        ([math.inf], 1, 1, "fair shares"),
    ],
)
def test_bad_input_is_refused_naming_it(
    fair: list[float], step: float, available: float, message: str
) -> None:
    with pytest.raises(PlanningInputError, match=message):
        round_to_steps(fair, step=step, available=available)


@settings(max_examples=200, deadline=None)
@given(
    fair=st.lists(st.floats(min_value=0, max_value=50, allow_nan=False), max_size=40),
    step=st.sampled_from([0.05, 0.25, 0.5, 1.0, 2.0]),
    slack=st.floats(min_value=-0.5, max_value=3.0),
)
def test_within_one_step_of_fair_and_never_over_stock(
    fair: list[float], step: float, slack: float
) -> None:
    available = max(0.0, sum(fair) * (1 + slack))
    steps = round_to_steps(fair, step=step, available=available)
    given_out = steps * step
    assert steps.min(initial=0) >= 0
    assert given_out.sum() <= available + 1e-9
    if available >= sum(fair):
        # Enough stock: everyone within one step below, at most one step above, their share.
        assert np.all(given_out > np.asarray(fair) - step - 1e-9)
    assert np.all(given_out < np.asarray(fair) + step + 1e-9)


def test_min_fraction_met_counts_only_needs_owed() -> None:
    content = [[1.0, 0.0], [0.0, 1.0]]  # item 0 gives kcal, item 1 litres
    quantities = [[2.0, 0.0], [1.0, 4.0]]
    need = [[4.0, 0.0], [1.0, 8.0]]
    assert min_fraction_met(quantities, content, need) == 0.5


def camp() -> tuple[RationRequest, list[dict[str, int]]]:
    """40 households of 1–6 people in three classes; kits whole, water by the litre."""
    classes = [
        NeedClass(class_id="adult", people=0, daily_need={"kcal": 2100.0, "litres": 15.0}),
        NeedClass(
            class_id="injured",
            people=0,
            daily_need={"kcal": 2300.0, "litres": 15.0, "doses:trauma": 0.2},
            priority=2.0,
        ),
        NeedClass(class_id="child", people=0, daily_need={"kcal": 1300.0, "litres": 10.0}),
    ]
    rng = np.random.default_rng(7)
    households = []
    for _ in range(40):
        size = int(rng.integers(1, 7))
        kinds = rng.choice(["adult", "injured", "child"], size=size, p=[0.5, 0.1, 0.4])
        households.append({kind: int((kinds == kind).sum()) for kind in set(kinds.tolist())})
    counts = {c.class_id: sum(h.get(c.class_id, 0) for h in households) for c in classes}
    classes = [
        NeedClass(
            class_id=c.class_id,
            people=counts[c.class_id],
            daily_need=c.daily_need,
            priority=c.priority,
        )
        for c in classes
    ]
    items = [
        RationItem(item_id="rice", name="rice, kg", on_hand=900.0, content={"kcal": 3600.0}),
        RationItem(item_id="water", name="water, L", on_hand=9000.0, content={"litres": 1.0}),
        RationItem(item_id="kit", name="trauma kit", on_hand=6.0, content={"doses:trauma": 10.0}),
    ]
    return RationRequest(classes=classes, items=items, horizon_days=7.0), households


def test_a_rounded_plan_stays_within_stock_and_close_to_the_lp_optimum() -> None:
    request, households = camp()
    plan = plan_rations(request)
    rounded = round_households(plan, request, households, {"rice": 0.5, "water": 1.0, "kit": 1.0})
    for i, item_id in enumerate(rounded.item_ids):
        assert rounded.quantities[:, i].sum() <= plan.available[item_id] + 1e-9
    # Whole steps only.
    assert np.allclose(rounded.quantities[:, 0] * 2, np.round(rounded.quantities[:, 0] * 2))
    assert np.allclose(rounded.quantities[:, 2], np.round(rounded.quantities[:, 2]))
    # Food and water are divisible enough to stay within a few percent of the optimum ...
    lp_kcal, rounded_kcal = rounded.min_fraction_by_need["kcal"]
    lp_water, rounded_water = rounded.min_fraction_by_need["litres"]
    assert rounded_kcal >= lp_kcal - 0.05
    assert rounded_water >= lp_water - 0.05
    # ... while six whole kits cannot reach every injured household: the max–min share is
    # what rounding costs, and floor-only rounding would have handed out no kit at all.
    floor_only = np.floor(rounded.fair[:, 2])
    assert floor_only.sum() == 0
    assert rounded.quantities[:, 2].sum() == 6
    assert rounded.rounded_min_fraction <= rounded.lp_min_fraction
    # Never worse than flooring every share: the spare steps only add.
    assert rounded.rounded_min_fraction >= rounded.floor_min_fraction
    steps = np.array([0.5, 1.0, 1.0])
    floored = np.floor(rounded.fair / steps + 1e-9) * steps
    assert np.all(rounded.quantities >= floored - 1e-9)
