"""axe-core (the engine of Deque's accessibility checker, bundled by axe-playwright-python,
run in Debian's Chromium) finds nothing serious or critical on any page a role opens from
its menu, on a camp with a record of every kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


def violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "resultTypes": ["violations"],
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        },
    )
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(
                f"{page.url}: {violation['id']} ({violation['impact']}, "
                f"{len(violation['nodes'])} nodes) e.g. {targets}"
            )
    return found


def menu_pages(page: Any) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "nav.menu a", "links => links.map(link => link.href)"
    )
    return list(dict.fromkeys(hrefs))


@pytest.fixture
def coloured_camp(camp: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    """The access camp plus what draws in the pale colours: a patient triaged yellow and a
    food runway that is low (amber), each checked to be so."""
    from haven.health import services as health
    from haven.people import services as people
    from haven.people.models import Person
    from haven.planning.runway import RunwayStatus
    from haven.stock import services as stock
    from haven.stock.runway import camp_runway

    patient = people.register_person(by=users["clerk"], full_name="Yasmin Delayed")
    triage = health.record_triage(
        by=users["medic"],
        person=patient,
        answers={
            "walking": "no",
            "breathing": "yes",
            "respiratory_rate": 20,
            "radial_pulse": "yes",
            "obeys_commands": "yes",
        },
    )
    assert triage.colour == "#f9a825"
    store = stock.create_store(by=None, name="Food store")
    packs = Person.objects.in_camp().count() * 8
    stock.receive(by=None, item="ration-pack", store=store, quantity=packs, source="donation")
    food = next(row for row in camp_runway().needs if row.need == "kcal")
    assert food.status == RunwayStatus.LOW, food.runway.days_of_supply
    return camp


@pytest.mark.parametrize(
    "role", ["commander", "quartermaster", "medic", "scout", "clerk", "member"]
)
def test_no_serious_accessibility_violation_on_any_menu_page(
    role: str, coloured_camp: dict[str, Any], page_as: Callable[[str], Any]
) -> None:
    page = page_as(role)
    found = violations(page)
    for url in menu_pages(page):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        found += violations(page)
    assert found == [], "\n".join(found)
