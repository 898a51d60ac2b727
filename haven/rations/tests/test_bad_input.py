"""Bad input: clear messages, 4xx JSON from the API, exit 2 from the CLI, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from haven.rations.models import DistributionPlan, ProductionOrder, Recipe
from haven.rations.tests.conftest import Camp

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"horizon_days": 0}, "horizon_days: Input should be greater than or equal to 1"),
        ({"horizon_days": -3}, "horizon_days: Input should be greater than or equal to 1"),
        ({"store": "Atlantis"}, "no store 'Atlantis' (stores: Main store)"),
    ],
)
def test_api_plan_refuses_bad_input(
    api_as: Callable[[str], Any], camp: Camp, payload: dict[str, Any], message: str
) -> None:
    response = api_as("quartermaster").post(
        "/api/v1/rations/plans", payload, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert message in response.json()["detail"]
    assert not DistributionPlan.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"inputs": {"unobtainium": 1}}, 400, "unknown input item 'unobtainium'"),
        ({"inputs": {"scrap-metal": -2}}, 422, "inputs.scrap-metal: Input should be greater than"),
        ({"inputs": {"tools": 1}, "outputs": {"scrap-metal": 1}}, 400, "recipe cycle"),
        ({"skill": "juggling"}, 400, "unknown skill 'juggling'"),
    ],
)
def test_api_recipe_refuses_bad_input(
    api_as: Callable[[str], Any],
    camp: Camp,
    recipes: dict[str, Recipe],
    payload: dict[str, Any],
    status: int,
    message: str,
) -> None:
    body = {
        "code": "bad",
        "skill": "fabrication",
        "batches_per_day_per_worker": 1,
        "inputs": {"scrap-metal": 1},
        "outputs": {"tools": 1},
    } | payload
    response = api_as("quartermaster").post(
        "/api/v1/rations/recipes", body, content_type="application/json"
    )
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert not Recipe.objects.filter(code="bad").exists()


def test_api_forecast_refuses_zero_days(api_as: Callable[[str], Any], camp: Camp) -> None:
    response = api_as("quartermaster").get("/api/v1/rations/forecast?horizon_days=0")
    assert response.status_code == 422
    assert response.json()["detail"] == "horizon_days: Input should be greater than or equal to 1"


def test_api_order_refuses_zero_batches(
    api_as: Callable[[str], Any], camp: Camp, recipes: dict[str, Recipe]
) -> None:
    response = api_as("quartermaster").post(
        "/api/v1/rations/production/orders",
        {
            "recipe": "tools-from-scrap",
            "batches": 0,
            "store": "Main store",
            "fabricator_id": camp.fabricator.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "batches: Input should be greater than or equal to 1"
    assert not ProductionOrder.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rations", "plan", "--days", "0"], "horizon of 0 days"),
        (["fabrication", "plan", "--days", "0"], "horizon of 0 days"),
        (["fabrication", "order", "no-such", "1", "--fabricator", "1"], "no recipe with code"),
        (["forecast", "--days", "0"], "horizon of 0 days"),
        (["forecast", "--scenario", "leave=many"], "needs a whole number, not 'many'"),
        (["forecast", "--scenario", "flood"], "unknown scenario part 'flood'"),
    ],
)
def test_cli_refuses_bad_input_with_exit_2(camp: Camp, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        call_command(*args, stdout=StringIO())
    assert raised.value.returncode == 2
    assert not DistributionPlan.objects.exists()
    assert not ProductionOrder.objects.exists()


def test_cli_plan_apply_and_forecast(camp: Camp, recipes: dict[str, Recipe]) -> None:
    out = StringIO()
    call_command("rations", "plan", "--days", "3", "--apply", stdout=out)
    assert "least served get" in out.getvalue()
    assert DistributionPlan.objects.get().status == "applied"
    out = StringIO()
    call_command("fabrication", "plan", "--days", "7", stdout=out)
    assert "Tools from scrap metal" in out.getvalue()
    out = StringIO()
    call_command(
        "fabrication",
        "order",
        "tools-from-scrap",
        "1",
        "--fabricator",
        str(camp.fabricator.pk),
        stdout=out,
    )
    assert ProductionOrder.objects.count() == 1
    out = StringIO()
    call_command(
        "forecast",
        "--days",
        "10",
        "--scenarios",
        "100",
        "--scenario",
        "leave=2,no-missions",
        stdout=out,
    )
    assert "Food (kcal)" in out.getvalue()
