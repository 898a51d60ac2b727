"""The runway forecast from the ledger, with what-if scenarios."""

from __future__ import annotations

from typing import Any

import pytest

from haven.core.errors import HavenError
from haven.rations import adapters, services
from haven.rations.tests.conftest import Camp
from haven.stock import services as stock

pytestmark = pytest.mark.django_db


def test_forecast_uses_the_standard_without_history(camp: Camp) -> None:
    inputs = adapters.forecast_inputs(history_days=14)
    food = next(need for need in inputs.needs if need.need == "kcal")
    assert food.on_hand == pytest.approx(20 * 3500)
    assert inputs.headcount == 6
    result = services.forecast(horizon_days=10, scenarios=200)
    # 70,000 kcal for 6 people at about 2,100 a day lasts about 5–6 days.
    kcal = result.for_need("kcal")
    assert kcal.stockout_probability[1] == 0
    assert kcal.stockout_probability[-1] == 1
    assert result.for_need("litres").stockout_probability[-1] == 0


def test_daily_use_comes_from_ledger_issues(camp: Camp, users: dict[str, Any]) -> None:
    stock.issue(
        by=users["clerk"],
        item="drinking-water",
        store=camp.store,
        quantity=60,
        purpose="distribution",
    )
    inputs = adapters.forecast_inputs(history_days=14)
    water = next(need for need in inputs.needs if need.need == "litres")
    assert water.daily_use_per_person == (10.0,)


def test_mission_receipts_are_mission_yields(camp: Camp, users: dict[str, Any]) -> None:
    stock.receive(by=users["clerk"], item="cereal", store=camp.store, quantity=10, source="mission")
    inputs = adapters.forecast_inputs(history_days=14)
    assert inputs.mission_outcomes == ({"kcal": 35000.0},)
    assert inputs.missions_per_week == pytest.approx(0.5)


def test_losing_the_store_runs_out_at_once(camp: Camp) -> None:
    scenario = services.make_scenario(name="store lost", store_lost=camp.store)
    assert scenario is not None
    result = services.forecast(horizon_days=5, scenarios=100, scenario=scenario)
    assert result.for_need("litres").stockout_probability[0] == 1


def test_more_people_leaving_than_are_here_is_refused(camp: Camp) -> None:
    scenario = services.make_scenario(people_leave=50)
    with pytest.raises(HavenError, match="people_leave 50 exceeds headcount 6"):
        services.forecast(horizon_days=5, scenarios=10, scenario=scenario)


def test_zero_horizon_is_refused(camp: Camp) -> None:
    with pytest.raises(HavenError, match="horizon of 0 days"):
        services.forecast(horizon_days=0)


def test_a_correction_posted_on_a_later_day_counts_that_day_as_no_use(
    camp: Camp, users: dict[str, Any]
) -> None:
    # A correction counts on the day it is posted: with nothing else issued that day, the
    # day's issues sum below zero, which is no use (as the runway has it), not a refusal.
    from datetime import timedelta

    from django.utils import timezone

    yesterday = timezone.now() - timedelta(days=1)
    [wrong, _] = [
        stock.issue(
            by=users["clerk"],
            item="drinking-water",
            store=camp.store,
            quantity=quantity,
            purpose="distribution",
            at=yesterday,
        )[0]
        for quantity in (60, 12)
    ]
    stock.reverse(by=users["clerk"], entry=wrong, reason="recorded twice")
    inputs = adapters.forecast_inputs(history_days=14)
    water = next(need for need in inputs.needs if need.need == "litres")
    assert water.daily_use_per_person == (12.0, 0.0)
    assert services.forecast(horizon_days=10, scenarios=50).for_need("litres")
