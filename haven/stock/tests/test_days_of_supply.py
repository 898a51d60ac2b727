"""Days of supply: one definition, and the dashboard, the stock table, the item card and
the API all show the same figure for the same state.

Once drinking water lasted 3.6 days on the dashboard, 4.9 in the stock table and 5.5 on
the item card, and Low stock showed 16,109.5 L next to the runway card's 16,170 L.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.people.models import Person
from haven.stock import services
from haven.stock.models import Store
from haven.stock.runway import camp_runway


def morning(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


@pytest.fixture
def water_camp(users: dict[str, Any], store: Store, today: date) -> None:
    """20 people in camp; 1,000 L of tap water and 40 bottles of 1.5 L; 150 L issued a day
    for the last week; 30 bottles in a lot that expired yesterday."""
    Person.objects.bulk_create(Person(full_name=f"P{n}", status="present") for n in range(20))
    week_ago = morning(today - timedelta(days=8))
    services.receive(
        by=None, item="drinking-water", store=store, quantity=2050, source="opening", at=week_ago
    )
    services.receive(
        by=None, item="bottled-water", store=store, quantity=40, source="donation", at=week_ago
    )
    services.receive(
        by=None,
        item="bottled-water",
        store=store,
        quantity=30,
        lot_code="OLD",
        expiry_date=today - timedelta(days=1),
        source="donation",
        accept_expired=True,
        at=week_ago,
    )
    for offset in range(7, 0, -1):
        services.issue(
            by=None,
            item="drinking-water",
            store=store,
            quantity=150,
            purpose="distribution",
            at=morning(today - timedelta(days=offset)),
        )
    services.receive(by=None, item="soap", store=store, quantity=90, source="donation")
    services.issue(
        by=None,
        item="soap",
        store=store,
        quantity=6,
        purpose="distribution",
        at=morning(today - timedelta(days=2)),
    )


def _shown(html: str, attribute: str, key: str) -> set[str]:
    return set(re.findall(rf'data-{attribute}="{re.escape(key)}" data-days="([^"]+)"', html))


def test_water_lasts_usable_stock_over_the_larger_of_standard_and_recent_use(
    water_camp: None, today: date
) -> None:
    water = camp_runway(today=today).need("litres")
    assert water is not None
    # Usable: 1,000 L + 40 × 1.5 L (the expired bottles do not count) = 1,060 L.
    assert water.runway.on_hand == pytest.approx(1060)
    # A day: 20 × 15 L = 300 L by the Sphere standard, more than the 150 L issued lately.
    assert water.runway.planned_daily_need == pytest.approx(300)
    assert water.runway.recent_rate == pytest.approx(150)
    assert water.days == pytest.approx(1060 / 300)
    assert "1,060 L usable (Bottled water (1.5 L) 60, Drinking water 1,000)" in water.explanation


def test_the_four_places_give_the_same_days_of_supply(
    water_camp: None,
    client_as: Callable[[str], Any],
    api_as: Callable[[str], Any],
    today: date,
) -> None:
    expected = f"{1060 / 300:.1f}"
    quartermaster = client_as("quartermaster")
    dashboard = quartermaster.get("/").content.decode()
    table = quartermaster.get("/stock/").content.decode()
    card = quartermaster.get("/stock/items/drinking-water/").content.decode()
    bottles_card = quartermaster.get("/stock/items/bottled-water/").content.decode()
    api = api_as("quartermaster")
    item = api.get("/api/v1/stock/items/drinking-water").json()
    runway = api.get("/api/v1/stock/runway").json()
    [need] = [row for row in runway["needs"] if row["need"] == "litres"]

    assert _shown(dashboard, "need", "litres") == {expected}
    assert _shown(dashboard, "item", "drinking-water") == {expected}  # Low stock
    assert _shown(table, "need", "litres") == {expected}
    assert _shown(table, "item", "drinking-water") == {expected}
    assert _shown(table, "item", "bottled-water") == {expected}
    assert _shown(card, "item", "drinking-water") == {expected}
    assert _shown(bottles_card, "item", "bottled-water") == {expected}
    assert f"{item['days_of_supply']:.1f}" == expected and item["need"] == "litres"
    assert f"{need['days_of_supply']:.1f}" == expected
    assert {
        f"{row['days_of_supply']:.1f}" for row in runway["items"] if row["need"] == "litres"
    } == {expected}


def test_low_stock_and_the_runway_card_print_amounts_alike(
    water_camp: None, client_as: Callable[[str], Any]
) -> None:
    dashboard = client_as("quartermaster").get("/").content.decode()
    assert 'data-item="drinking-water" data-on-hand="1,000"' in dashboard
    assert "1,060 L usable (Bottled water (1.5 L) 60, Drinking water 1,000)" in dashboard


def test_an_item_serving_no_need_lasts_by_its_own_recent_use_everywhere(
    water_camp: None,
    client_as: Callable[[str], Any],
    api_as: Callable[[str], Any],
) -> None:
    expected = f"{84 / (6 / 7):.1f}"  # 84 bars left; 6 issued in the week of recorded days
    quartermaster = client_as("quartermaster")
    assert _shown(quartermaster.get("/stock/").content.decode(), "item", "soap") == {expected}
    card = quartermaster.get("/stock/items/soap/").content.decode()
    assert _shown(card, "item", "soap") == {expected}
    assert "issued lately" in card
    soap = api_as("quartermaster").get("/api/v1/stock/items/soap").json()
    assert f"{soap['days_of_supply']:.1f}" == expected and soap["need"] is None


def test_the_pages_say_what_days_of_supply_means(
    water_camp: None, client_as: Callable[[str], Any]
) -> None:
    quartermaster = client_as("quartermaster")
    for url in ("/stock/", "/stock/items/drinking-water/"):
        assert "lots not expired" in quartermaster.get(url).content.decode()
    assert "lots not expired" in quartermaster.get("/").content.decode()
