from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from haven.missions import services as missions
from haven.people.models import Person
from haven.stock import services

SCREENS = Path("/tmp/screens")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_stock_page_and_mission_board(
    catalogue: None, page_as: Callable[[str], Any], live_server: Any
) -> None:
    store = services.create_store(by=None, name="Central warehouse")
    services.receive(by=None, item="cereal", store=store, quantity=500, source="opening")
    services.receive(by=None, item="drinking-water", store=store, quantity=900, source="opening")
    runners = [Person.objects.create(full_name=f"Runner {n}") for n in range(2)]
    now = timezone.now()
    late = missions.plan_mission(
        by=None,
        name="Hospital ruins",
        destination="Hospital",
        team=runners,
        planned_departure_at=now - timedelta(hours=10),
        expected_return_at=now - timedelta(hours=1),
    )
    missions.depart(by=None, mission=late)

    SCREENS.mkdir(parents=True, exist_ok=True)
    page = page_as("quartermaster")
    page.goto(f"{live_server.url}/stock/")
    assert page.locator("h1").first.inner_text().startswith("Stock")
    assert page.get_by_text("Food energy").first.is_visible()
    assert page.get_by_role("link", name="Cereal (wheat flour / maize)").first.is_visible()
    page.screenshot(path=str(SCREENS / "stock-index.png"), full_page=True)

    page.get_by_role("link", name="Cereal (wheat flour / maize)").first.click()
    # The issue form is open already: no tap to unfold it.
    assert page.locator("details:has(summary:has-text('Issue'))").get_attribute("open") == ""
    page.select_option("#id_issue-store", label="Central warehouse")
    page.locator("form[action$='/issue/'] input[name=issue-quantity]").fill("20")
    page.locator("form[action$='/issue/'] button[type=submit]").click()
    assert page.get_by_text("Issue of Cereal (wheat flour / maize) posted.").is_visible()
    assert services.on_hand("cereal") == 480

    page.goto(f"{live_server.url}/missions/")
    assert page.get_by_text("Overdue").first.is_visible()
    assert page.get_by_role("link", name="Hospital ruins").is_visible()
    page.screenshot(path=str(SCREENS / "missions-board.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 412
