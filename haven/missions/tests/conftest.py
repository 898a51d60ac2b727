from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.missions import services
from haven.missions.models import Mission
from haven.people.models import Person
from haven.stock import services as stock
from haven.stock.models import Store


@pytest.fixture
def now() -> datetime:
    return timezone.now()


@pytest.fixture
def team(db: None) -> list[Person]:
    return [Person.objects.create(full_name=f"Runner {n}", status="present") for n in range(3)]


@pytest.fixture
def warehouse(db: None) -> Store:
    return stock.create_store(by=None, name="Warehouse")


@pytest.fixture
def planned(team: list[Person], now: datetime) -> Mission:
    return services.plan_mission(
        by=None,
        name="Market run",
        destination="Market ruins",
        team=team,
        leader=team[0],
        objectives=[("cereal", 100), ("trauma-kit", 2)],
        risk_level="high",
        planned_departure_at=now + timedelta(hours=1),
        expected_return_at=now + timedelta(hours=9),
    )


@pytest.fixture
def scout_on(users: dict[str, Any], team: list[Person]) -> Person:
    """The scout user is the first runner."""
    team[0].user = users["scout"]
    team[0].save(update_fields=["user"])
    return team[0]
