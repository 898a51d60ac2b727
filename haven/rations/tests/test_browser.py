"""In the browser: preview a plan, read the fairness figure and the runway fan chart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from haven.core import computed
from haven.rations.tests.conftest import Camp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path("/tmp/screens")


def test_quartermaster_previews_a_plan_and_sees_fairness_and_fan_chart(
    page_as: Callable[[str], Any], live_server: Any, camp: Camp
) -> None:
    SCREENS.mkdir(exist_ok=True)
    computed.run_once()  # the worker's standing forecast, which the plan's preview shows
    page = page_as("quartermaster")
    page.goto(f"{live_server.url}/rations/")
    page.fill("input[name=horizon_days]", "7")
    page.click("text=Preview plan")
    page.wait_for_url("**/rations/plans/*/")
    fairness = page.locator("#fairness").inner_text()
    assert fairness.endswith("%")
    assert float(fairness.rstrip("%")) < 100
    assert page.locator("text=Who gets less than their need").is_visible()
    assert page.locator(".fan-chart svg polygon").count() >= 2
    assert (
        page.locator(".fan-chart[data-need=kcal] figcaption").inner_text().startswith("Food (kcal)")
    )
    page.screenshot(path=str(SCREENS / "rations-plan.png"), full_page=True)
    page.click("text=Apply this plan")
    page.click("text=Distribution list")
    page.wait_for_url("**/list/")
    assert page.locator(".sign-box").count() == 4
    page.locator(f"#share-h{camp.households[0].pk} button").click()
    assert page.locator(f"#share-h{camp.households[0].pk} .badge").inner_text() == "collected"
    page.screenshot(path=str(SCREENS / "rations-list.png"), full_page=True)
    page.goto(f"{live_server.url}/rations/forecast/?people_arrive=20&horizon_days=21")
    assert page.locator(".forecast-pending").first.is_visible()
    computed.run_once()  # the worker computes the what-if; the page fetches it by itself
    page.locator("#forecast .forecast-age").first.wait_for()
    assert page.locator(".fan-chart svg polygon").count() >= 4
    page.screenshot(path=str(SCREENS / "rations-forecast.png"), full_page=True)
