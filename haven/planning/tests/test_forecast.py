from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.planning import forecast as forecast_module
from haven.planning.errors import PlanningInputError
from haven.planning.forecast import (
    ForecastInputs,
    NeedHistory,
    Scenario,
    apply_scenario,
    compare_scenarios,
    forecast_runway,
)
from haven.planning.threads import ThreadChooser

WATER = NeedHistory("water_l", on_hand=30_000, daily_use_per_person=(14, 16, 15, 13, 17, 15, 15))
FOOD = NeedHistory("food_kcal", 4_000_000, (2000, 2200, 2100, 1900, 2300))
MISSIONS: tuple[dict[str, float], ...] = (
    {"water_l": 5_000, "food_kcal": 300_000},
    {},
    {"water_l": 2_000},
    {},
)


def camp(headcount: int = 100, missions_per_week: float = 2.0) -> ForecastInputs:
    return ForecastInputs(
        needs=(WATER, FOOD),
        headcount=headcount,
        mission_outcomes=MISSIONS,
        missions_per_week=missions_per_week,
    )


def steady(on_hand: float, use_per_person: float, headcount: int) -> ForecastInputs:
    return ForecastInputs((NeedHistory("water_l", on_hand, (use_per_person,) * 3),), headcount)


def test_without_variance_the_stockout_is_a_step_at_stock_over_rate() -> None:
    forecast = forecast_runway(steady(100, 1, 10), horizon_days=20, scenarios=50).for_need(
        "water_l"
    )
    expected = np.array([0.0] * 9 + [1.0] * 11)
    np.testing.assert_array_equal(forecast.stockout_probability, expected)
    assert forecast.median_stockout_day == 10
    np.testing.assert_allclose(forecast.stock_p50, np.maximum(0, 100 - 10 * np.arange(1, 21)))


def test_a_part_day_of_stock_left_runs_out_the_next_day() -> None:
    forecast = forecast_runway(steady(105, 1, 10), horizon_days=20, scenarios=10)
    assert forecast.for_need("water_l").median_stockout_day == 11


def test_stock_that_outlasts_the_horizon_has_no_median_stockout_day() -> None:
    forecast = forecast_runway(steady(1000, 1, 10), horizon_days=30, scenarios=10)
    assert forecast.for_need("water_l").median_stockout_day is None
    assert forecast.for_need("water_l").stockout_probability.max() == 0


def test_more_people_run_out_earlier() -> None:
    base = forecast_runway(camp(100), horizon_days=60, scenarios=2000, seed=7)
    crowded = forecast_runway(camp(140), horizon_days=60, scenarios=2000, seed=7)
    for need in ("water_l", "food_kcal"):
        more = crowded.for_need(need).stockout_probability
        fewer = base.for_need(need).stockout_probability
        assert np.all(more >= fewer)
        assert more.sum() > fewer.sum()


def test_arrivals_scenario_is_the_same_as_a_bigger_camp() -> None:
    arrivals = Scenario(name="convoy arrives", people_arrive=40)
    what_if = forecast_runway(camp(100), horizon_days=30, scenarios=500, scenario=arrivals)
    bigger = forecast_runway(camp(140), horizon_days=30, scenarios=500)
    np.testing.assert_array_equal(
        what_if.for_need("water_l").stockout_probability,
        bigger.for_need("water_l").stockout_probability,
    )
    assert what_if.scenario_name == "convoy arrives"


def test_people_leaving_delays_the_shortage() -> None:
    base = forecast_runway(camp(), horizon_days=60, scenarios=1000).for_need("water_l")
    fewer = forecast_runway(
        camp(), horizon_days=60, scenarios=1000, scenario=Scenario(name="leave", people_leave=30)
    ).for_need("water_l")
    assert np.all(fewer.stockout_probability <= base.stockout_probability)


def test_missions_bringing_nothing_raise_the_chance_of_running_out() -> None:
    failed = Scenario(name="missions fail", missions_bring_nothing=True)
    forecasts = compare_scenarios(camp(), [failed], horizon_days=60, scenarios=2000)
    base = forecasts["base"].for_need("water_l").stockout_probability
    worse = forecasts["missions fail"].for_need("water_l").stockout_probability
    assert np.all(worse >= base)
    assert worse.sum() > base.sum()


def test_losing_half_the_store_halves_a_steady_runway() -> None:
    flood = Scenario(name="flood", stores_lost_fraction={"water_l": 0.5})
    forecast = forecast_runway(steady(100, 1, 10), horizon_days=20, scenarios=10, scenario=flood)
    assert forecast.for_need("water_l").median_stockout_day == 5


def test_losing_more_than_is_there_empties_the_store() -> None:
    theft = Scenario(name="theft", stores_lost={"water_l": 500})
    assert apply_scenario(steady(100, 1, 10), theft).needs[0].on_hand == 0
    forecast = forecast_runway(steady(100, 1, 10), horizon_days=5, scenarios=10, scenario=theft)
    np.testing.assert_array_equal(forecast.for_need("water_l").stockout_probability, np.ones(5))


def test_same_seed_gives_the_same_forecast() -> None:
    first = forecast_runway(camp(), horizon_days=40, scenarios=300, seed=11)
    again = forecast_runway(camp(), horizon_days=40, scenarios=300, seed=11)
    other = forecast_runway(camp(), horizon_days=40, scenarios=300, seed=12)
    for need in ("water_l", "food_kcal"):
        np.testing.assert_array_equal(
            first.for_need(need).stock_p50, again.for_need(need).stock_p50
        )
        np.testing.assert_array_equal(
            first.for_need(need).stockout_probability, again.for_need(need).stockout_probability
        )
    assert not np.array_equal(
        first.for_need("water_l").stock_p50, other.for_need("water_l").stock_p50
    )


def test_threads_do_not_change_the_forecast() -> None:
    threaded = forecast_runway(camp(), horizon_days=40, scenarios=300, max_threads=4)
    single = forecast_runway(camp(), horizon_days=40, scenarios=300, max_threads=1)
    for need in ("water_l", "food_kcal"):
        np.testing.assert_array_equal(
            threaded.for_need(need).stock_p10, single.for_need(need).stock_p10
        )


def test_threads_chosen_by_measuring_do_not_change_the_forecast(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    many = ForecastInputs(
        needs=tuple(NeedHistory(f"need_{n}", 1000.0 * n, (1, 2, 3)) for n in range(1, 17)),
        headcount=50,
        mission_outcomes=({"need_1": 400.0, "need_8": 900.0}, {}),
        missions_per_week=3.0,
    )
    monkeypatch.setattr(forecast_module, "_chooser", ThreadChooser())
    measured = forecast_runway(many, horizon_days=30, scenarios=200, seed=4)
    # 16 needs are enough to measure both ways and choose.
    assert forecast_module.measured_threads() in (1, os.cpu_count())
    single = forecast_runway(many, horizon_days=30, scenarios=200, seed=4, max_threads=1)
    assert [need.need for need in measured.needs] == [need.need for need in single.needs]
    for ours, theirs in zip(measured.needs, single.needs, strict=True):
        np.testing.assert_array_equal(ours.stockout_probability, theirs.stockout_probability)
        np.testing.assert_array_equal(ours.stock_p90, theirs.stock_p90)


def test_missions_that_bring_none_of_the_needs_change_nothing() -> None:
    with_empty = ForecastInputs((WATER,), 100, ({"water_l": 5_000}, {"fuel_l": 30.0}), 7.0)
    reference = forecast_runway(with_empty, horizon_days=40, scenarios=500, seed=3)
    assert reference.for_need("water_l").stockout_probability.max() > 0
    without_fuel = ForecastInputs((WATER,), 100, ({"water_l": 5_000}, {}), 7.0)
    np.testing.assert_array_equal(
        forecast_runway(without_fuel, horizon_days=40, scenarios=500, seed=3)
        .for_need("water_l")
        .stock_p50,
        reference.for_need("water_l").stock_p50,
    )


def test_fan_chart_is_read_from_the_scenarios_at_its_ranks() -> None:
    # p10/p50/p90 are the 100th, 500th and 900th smallest of 1,000 end-of-day stocks:
    # the forecast computes them in single precision, so it is checked against its own
    # stock paths recomputed here.
    inputs = camp(150)
    forecast = forecast_runway(inputs, horizon_days=50, scenarios=1000, seed=9)
    missions = forecast_module._mission_arrivals(inputs, 50, 1000, 9)
    noise = forecast_module._day_noise(50, 1000, 9)
    water = inputs.needs[0]
    net = forecast_module._negated_use(water, inputs.headcount, noise, 9)
    brought = np.array([outcome.get("water_l", 0.0) for outcome in MISSIONS], dtype=np.float32)
    np.add.at(net.reshape(-1), missions.cells, brought[missions.outcomes])
    net[0] += np.float32(water.on_hand)
    forecast_module._walk_days(net, 0.0)
    stock = np.sort(net, axis=1)
    np.testing.assert_array_equal(forecast.for_need("water_l").stock_p10, stock[:, 99])
    np.testing.assert_array_equal(forecast.for_need("water_l").stock_p50, stock[:, 499])
    np.testing.assert_array_equal(forecast.for_need("water_l").stock_p90, stock[:, 899])
    assert np.all(stock >= 0)


def test_a_need_forecast_does_not_depend_on_the_other_needs_listed() -> None:
    alone = ForecastInputs((FOOD,), 100, MISSIONS, 2.0)
    both = forecast_runway(camp(), horizon_days=40, scenarios=300).for_need("food_kcal")
    single = forecast_runway(alone, horizon_days=40, scenarios=300).for_need("food_kcal")
    np.testing.assert_array_equal(both.stockout_probability, single.stockout_probability)


def test_fan_chart_is_ordered_and_never_below_zero() -> None:
    forecast = forecast_runway(camp(200), horizon_days=90, scenarios=1000).for_need("water_l")
    assert np.all(forecast.stock_p10 >= 0)
    assert np.all(forecast.stock_p10 <= forecast.stock_p50)
    assert np.all(forecast.stock_p50 <= forecast.stock_p90)


def test_missions_restock_an_empty_store() -> None:
    inputs = ForecastInputs(
        (NeedHistory("water_l", 0, (1.0, 1.0)),), 10, ({"water_l": 1000},), missions_per_week=7
    )
    forecast = forecast_runway(inputs, horizon_days=30, scenarios=500).for_need("water_l")
    assert forecast.stockout_probability[0] > 0
    assert forecast.stock_p90[-1] > 0


@settings(max_examples=40, deadline=None)
@given(
    on_hand=st.floats(min_value=0, max_value=5000),
    history=st.lists(st.floats(min_value=0, max_value=10), min_size=1, max_size=10),
    headcount=st.integers(min_value=0, max_value=300),
    missions_per_week=st.sampled_from([0.0, 1.0, 5.0]),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_chance_of_running_out_never_falls_as_days_pass(
    on_hand: float, history: list[float], headcount: int, missions_per_week: float, seed: int
) -> None:
    inputs = ForecastInputs(
        (NeedHistory("water_l", on_hand, tuple(history)),),
        headcount,
        ({"water_l": 300.0}, {}),
        missions_per_week,
    )
    forecast = forecast_runway(inputs, horizon_days=30, scenarios=200, seed=seed)
    probability = forecast.for_need("water_l").stockout_probability
    assert probability.shape == (30,)
    assert np.all(np.diff(probability) >= 0)
    assert np.all((probability >= 0) & (probability <= 1))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"horizon_days": 0}, "horizon in days 0"),
        ({"horizon_days": 10, "scenarios": 0}, "number of scenarios 0"),
        ({"horizon_days": 10, "seed": -1}, "seed -1"),
    ],
)
def test_bad_run_settings_are_rejected(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(PlanningInputError, match=message):
        forecast_runway(camp(), **arguments)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (ForecastInputs((NeedHistory("water_l", -5, (1.0,)),), 10), "stock of 'water_l' -5"),
        (ForecastInputs((NeedHistory("water_l", 5, ()),), 10), "no daily use history"),
        (ForecastInputs((NeedHistory("water_l", 5, (1.0, -2.0)),), 10), "on day 2"),
        (ForecastInputs((WATER,), -1), "headcount -1"),
        (ForecastInputs((WATER, WATER), 1), "listed twice"),
        (ForecastInputs((), 1), "no needs"),
        (ForecastInputs((WATER,), 1, (), 3.0), "no past mission outcomes"),
        (ForecastInputs((WATER,), 1, ({"water_l": -1},), 1.0), "mission 1 yield"),
    ],
)
def test_bad_inputs_are_rejected(inputs: ForecastInputs, message: str) -> None:
    with pytest.raises(PlanningInputError, match=message):
        forecast_runway(inputs, horizon_days=10, scenarios=10)


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (Scenario(name="exodus", people_leave=101), "people_leave 101 exceeds headcount 100"),
        (Scenario(name="fire", stores_lost_fraction={"water_l": 1.5}), "1.5 must be within"),
        (Scenario(name="fire", stores_lost_fraction={"fuel": 0.5}), "unknown need 'fuel'"),
        (Scenario(name="theft", stores_lost={"water_l": -3}), "'water_l' lost -3"),
    ],
)
def test_bad_scenarios_are_rejected(scenario: Scenario, message: str) -> None:
    with pytest.raises(PlanningInputError, match=message):
        apply_scenario(camp(), scenario)


def test_scenario_names_must_differ() -> None:
    with pytest.raises(PlanningInputError, match="'base' is used twice"):
        compare_scenarios(camp(), [Scenario(name="base")], horizon_days=5, scenarios=5)
