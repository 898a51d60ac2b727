"""A clerk opens the shelter board, previews a plan and applies part of it in a real browser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from haven.people import services as people
from haven.people.choices import Status
from haven.shelter import services
from haven.shelter.choices import Kind, Use
from haven.shelter.models import Stay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path("/tmp/screens")


def test_board_plan_preview_and_apply(
    page_as: Callable[[str], Any], camp: Any, users: dict[str, Any], live_server: Any
) -> None:
    clerk = users["clerk"]
    services.add_shelter(by=clerk, name="Tent C", covered_area_m2=16, zone="South")
    services.add_shelter(
        by=clerk,
        name="School hall",
        covered_area_m2=30,
        kind=Kind.BUILDING,
        zone="South",
        use=Use.FAMILIES,
    )
    for index in range(12):
        people.register_person(by=clerk, full_name=f"Newcomer {index}", status=Status.PRESENT)
    services.assign(by=clerk, person=camp.people[3], shelter=camp.tent_b)
    services.assign(by=clerk, person=camp.people[4], shelter=camp.tent_b)
    services.destroy_shelter(by=clerk, shelter=camp.tent_b, note="storm")
    SCREENS.mkdir(parents=True, exist_ok=True)

    page = page_as("clerk")
    page.goto(f"{live_server.url}/shelter/")
    page.wait_for_selector("#shelters .shelter-row")
    assert page.locator("#unsheltered").inner_text().count("shelter Tent B destroyed") == 2
    page.screenshot(path=str(SCREENS / "shelter-board.png"), full_page=True)

    page.click("text=Plan who sleeps where")
    page.click("text=Make a plan")
    page.wait_for_selector("#changes .change-list")
    boxes = page.locator("input[name=person]")
    total = boxes.count()
    assert total > 2
    page.screenshot(path=str(SCREENS / "shelter-plan.png"), full_page=True)

    boxes.nth(total - 1).uncheck()  # apply all but one
    page.click("text=Apply the chosen changes")
    page.wait_for_selector(f"text=Applied {total - 1} of {total} changes")
    assert Stay.objects.filter(plan__isnull=False).count() <= total - 1
    assert "not applied" in page.locator("#unsheltered").inner_text()
    page.screenshot(path=str(SCREENS / "shelter-applied.png"), full_page=True)

    medic = page_as("medic")
    medic.goto(f"{live_server.url}/shelter/")
    medic.wait_for_selector("#shelters")
    assert "Your role sees how many, not who." in medic.content()
