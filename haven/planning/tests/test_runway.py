from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.planning.errors import PlanningInputError
from haven.planning.runway import (
    RunwayBasis,
    RunwayStatus,
    consumption_rate,
    days_of_supply,
    item_runway,
    need_runway,
)

SPHERE = {"kcal": 2100.0, "litres": 15.0}


def test_days_of_supply_is_stock_over_daily_need() -> None:
    assert days_of_supply(300, 20) == 15


def test_nothing_needed_lasts_forever() -> None:
    assert days_of_supply(10, 0) == math.inf


def test_empty_store_lasts_zero_days() -> None:
    assert days_of_supply(0, 5) == 0


@pytest.mark.parametrize(("on_hand", "need"), [(-1, 5), (5, -1), (math.nan, 1), (1, math.inf)])
def test_days_of_supply_rejects_bad_numbers(on_hand: float, need: float) -> None:
    with pytest.raises(PlanningInputError):
        days_of_supply(on_hand, need)


def test_need_runway_uses_sphere_standards_per_person() -> None:
    runway = need_runway({"kcal": 2100 * 100 * 10, "litres": 15 * 100 * 3}, 100, SPHERE)
    assert runway == {"kcal": 10.0, "litres": 3.0}


def test_special_needs_are_added_to_the_daily_need() -> None:
    runway = need_runway({"litres": 1600}, 100, SPHERE, extra_daily={"litres": 100})
    assert runway["litres"] == 1.0


def test_need_with_demand_but_no_stock_lasts_zero_days() -> None:
    assert need_runway({}, 10, SPHERE) == {"kcal": 0.0, "litres": 0.0}


def test_stock_with_no_demand_lasts_forever() -> None:
    assert need_runway({"soap_g": 500}, 10, SPHERE)["soap_g"] == math.inf


def test_a_special_need_without_a_standard_is_still_counted() -> None:
    assert need_runway({"insulin_units": 400}, 50, SPHERE, {"insulin_units": 40}) == {
        "kcal": 0.0,
        "litres": 0.0,
        "insulin_units": 10.0,
    }


def test_need_runway_rejects_negative_headcount() -> None:
    with pytest.raises(PlanningInputError, match="headcount -3"):
        need_runway({}, -3, SPHERE)


def test_need_runway_names_the_negative_stock() -> None:
    with pytest.raises(PlanningInputError, match="stock of 'kcal'"):
        need_runway({"kcal": -1}, 3, SPHERE)


def test_consumption_rate_averages_the_last_window() -> None:
    history = [100.0] * 10 + [10.0] * 7
    assert consumption_rate(history, window_days=7) == 10.0


def test_gaps_are_not_read_as_zero_consumption() -> None:
    history = [10.0, None, 20.0, math.nan, 30.0]
    assert consumption_rate(history, window_days=5) == 20.0


def test_a_recorded_zero_counts_as_a_day_with_nothing_issued() -> None:
    assert consumption_rate([10.0, 0.0], window_days=2) == 5.0


def test_window_entirely_in_a_gap_falls_back_to_the_last_recorded_days() -> None:
    history: list[float | None] = [4.0, 6.0, 8.0, None, None, None]
    assert consumption_rate(history, window_days=2) == 7.0


def test_short_history_is_averaged_over_the_days_there_are() -> None:
    assert consumption_rate([3.0, 5.0], window_days=7) == 4.0


def test_no_history_means_no_measured_consumption() -> None:
    assert consumption_rate([], window_days=7) == 0.0


def test_consumption_rate_rejects_negative_issues_and_bad_windows() -> None:
    with pytest.raises(PlanningInputError, match="day 2"):
        consumption_rate([1.0, -1.0])
    with pytest.raises(PlanningInputError, match="window"):
        consumption_rate([1.0], window_days=0)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)),
        max_size=40,
    ),
    st.integers(min_value=1, max_value=30),
)
def test_consumption_rate_stays_within_the_recorded_range(
    history: list[float | None], window_days: int
) -> None:
    rate = consumption_rate(history, window_days)
    recorded = [quantity for quantity in history if quantity is not None]
    if recorded:
        assert min(recorded) - 1e-9 <= rate <= max(recorded) + 1e-9
    else:
        assert rate == 0.0


def test_item_runway_takes_the_lower_of_consumption_and_need() -> None:
    runway = item_runway(100, recent_rate=20, planned_daily_need=10, min_days=2, reorder_days=7)
    assert runway.days_by_consumption == 5
    assert runway.days_by_need == 10
    assert runway.days_of_supply == 5
    assert runway.basis is RunwayBasis.CONSUMPTION
    assert runway.status is RunwayStatus.LOW


def test_rationing_below_standard_does_not_hide_a_shortage() -> None:
    runway = item_runway(100, recent_rate=5, planned_daily_need=50, min_days=3, reorder_days=7)
    assert runway.days_of_supply == 2
    assert runway.basis is RunwayBasis.NEED
    assert runway.status is RunwayStatus.CRITICAL


def test_item_above_reorder_level_is_ok() -> None:
    runway = item_runway(100, recent_rate=1, planned_daily_need=1, min_days=3, reorder_days=7)
    assert runway.status is RunwayStatus.OK


def test_exactly_at_a_threshold_is_not_below_it() -> None:
    assert item_runway(30, 10, 0, min_days=3, reorder_days=7).status is RunwayStatus.LOW
    assert item_runway(70, 10, 0, min_days=3, reorder_days=7).status is RunwayStatus.OK


def test_unused_item_with_no_planned_need_is_ok() -> None:
    runway = item_runway(0, 0, 0, min_days=3, reorder_days=7)
    assert runway.days_of_supply == math.inf
    assert runway.status is RunwayStatus.OK


def test_thresholds_in_the_wrong_order_are_rejected() -> None:
    with pytest.raises(PlanningInputError, match="min_days 10"):
        item_runway(1, 1, 1, min_days=10, reorder_days=7)
