"""A small camp with known answers, its events placed around one past day (the period)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from haven.people import services as people
from haven.people.choices import Sex, Status
from haven.stock import services as stock
from haven.stock.models import Item

# The period: the 24 hours before END.
END = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
START = END - timedelta(hours=24)


def at(hours: float) -> datetime:
    """A time `hours` after the period's start (negative: before it)."""
    return START + timedelta(hours=hours)


@pytest.fixture
def camp(users: dict[str, Any]) -> dict[str, Any]:
    """12 in camp at the start (10 adults, 2 children under five). In the period an adult
    and a child die, one arrives, one departs, one goes missing: 9 in camp at the end.
    157.5 L of water and 6.3 kg of cereal (22,050 kcal) issued in the period: over a
    mid-period population of 10.5, 15 L and 2,100 kcal a person a day. One 35 m² tent."""
    clerk = users["clerk"]
    adults = [
        people.register_person(
            by=clerk,
            full_name=f"Adult {n}",
            sex=Sex.FEMALE if n % 2 else Sex.MALE,
            date_of_birth=date(1990, 1, 1),
            registered_at=at(-240),
        )
        for n in range(10)
    ]
    children = [
        people.register_person(
            by=clerk,
            full_name=f"Child {n}",
            sex=Sex.FEMALE,
            date_of_birth=START.date() - timedelta(days=700),
            registered_at=at(-240),
        )
        for n in range(2)
    ]
    people.change_status(by=clerk, person=adults[0], status=Status.DECEASED, occurred_at=at(2))
    people.change_status(by=clerk, person=children[0], status=Status.DECEASED, occurred_at=at(3))
    arrival = people.register_person(by=clerk, full_name="Newcomer", registered_at=at(4))
    people.change_status(by=clerk, person=adults[1], status=Status.DEPARTED, occurred_at=at(5))
    people.change_status(by=clerk, person=adults[2], status=Status.MISSING, occurred_at=at(6))
    water = Item.objects.create(
        code="t-water", name="T water", category="water", unit="L", litres_per_unit=1
    )
    cereal = Item.objects.create(
        code="t-cereal", name="T cereal", category="food", unit="kg", kcal_per_unit=3500
    )
    store = stock.create_store(by=None, name="T store")
    for item, quantity in ((water, 1000), (cereal, 100)):
        stock.receive(
            by=None, item=item, store=store, quantity=quantity, source="donation", at=at(-100)
        )
    stock.issue(
        by=None, item=water, store=store, quantity=Decimal("157.5"), purpose="other", at=at(8)
    )
    stock.issue(
        by=None, item=cereal, store=store, quantity=Decimal("6.3"), purpose="other", at=at(9)
    )
    from haven.shelter import services as shelter
    from haven.shelter.models import Shelter

    tent = shelter.add_shelter(by=None, name="T tent", covered_area_m2=35)
    Shelter.objects.filter(pk=tent.pk).update(created_at=at(-200))
    tent.refresh_from_db()
    return {
        "adults": adults,
        "children": children,
        "arrival": arrival,
        "water": water,
        "cereal": cereal,
        "store": store,
        "tent": tent,
    }
