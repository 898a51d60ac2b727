from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from haven.people.models import Person
from haven.planning.runway import RunwayStatus
from haven.stock import services
from haven.stock.models import Store
from haven.stock.runway import camp_runway


def morning(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


@pytest.fixture
def people(db: None) -> None:
    Person.objects.bulk_create(
        [Person(full_name=f"P{n}", status="present") for n in range(9)]
        + [Person(full_name="Hurt", status="injured", extra_energy_kcal=900)]
        + [Person(full_name="Gone", status="departed"), Person(full_name="Lost", status="missing")]
    )


def test_energy_and_water_by_need_for_the_people_in_camp(
    people: None, store: Store, today: date
) -> None:
    # 10 in camp: 10 × 2,100 + 900 extra = 21,900 kcal/day; 10 × 15 = 150 L/day.
    services.receive(
        by=None, item="cereal", store=store, quantity=Decimal("62.57"), source="donation"
    )
    services.receive(by=None, item="drinking-water", store=store, quantity=300, source="donation")
    runway = camp_runway(today=today)
    assert runway.headcount == 10
    energy, water = runway.need("kcal"), runway.need("litres")
    assert energy is not None and water is not None
    assert energy.runway.planned_daily_need == 21_900
    assert energy.days == pytest.approx(62.57 * 3500 / 21_900)
    assert water.days == pytest.approx(2.0) and water.status == RunwayStatus.CRITICAL


def test_recent_issues_give_the_consumption_runway(store: Store, today: date) -> None:
    start = today - timedelta(days=8)
    services.receive(
        by=None, item="trauma-kit", store=store, quantity=40, source="donation", at=morning(start)
    )
    for offset in range(1, 8):
        services.issue(
            by=None,
            item="trauma-kit",
            store=store,
            quantity=2,
            purpose="treatment",
            at=morning(start + timedelta(days=offset)),
        )
    runway = camp_runway(today=today)
    [row] = [r for r in runway.items if r.item.code == "trauma-kit"]
    assert row.runway.recent_rate == pytest.approx(2.0)
    assert row.runway.days_of_supply == pytest.approx(13.0)
    trauma = runway.need("medical:trauma")
    assert trauma is not None and trauma.runway.recent_rate == pytest.approx(20.0)


def test_days_without_any_issue_are_gaps_not_zeros(store: Store, today: date) -> None:
    services.receive(by=None, item="soap", store=store, quantity=100, source="donation")
    services.issue(
        by=None,
        item="soap",
        store=store,
        quantity=10,
        purpose="person",
        at=morning(today - timedelta(days=3)),
    )
    [row] = [r for r in camp_runway(today=today).items if r.item.code == "soap"]
    assert row.runway.recent_rate == pytest.approx(10.0)


def test_levels_raise_the_status(store: Store, today: date) -> None:
    services.receive(by=None, item="soap", store=store, quantity=5, source="donation")
    services.set_levels(by=None, item="soap", min_level=10, reorder_level=50)
    [row] = [r for r in camp_runway(today=today).items if r.item.code == "soap"]
    assert row.status == RunwayStatus.CRITICAL
