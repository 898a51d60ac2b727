from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.stock import services
from haven.stock.models import Item, Store


@pytest.fixture
def store(db: None) -> Store:
    return services.create_store(by=None, name="Store A")


@pytest.fixture
def other_store(db: None) -> Store:
    return services.create_store(by=None, name="Store B", kind="tent")


@pytest.fixture
def ration(db: None) -> Item:
    return Item.objects.get(code="ration-pack")


@pytest.fixture
def kit(db: None) -> Item:
    return Item.objects.get(code="trauma-kit")


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def stocked(store: Store, ration: Item, today: date) -> dict[str, Any]:
    """12 ration packs in Store A: 5 expiring soon (lot EARLY), 7 later (lot LATE)."""
    early = services.receive(
        by=None,
        item=ration,
        store=store,
        quantity=5,
        lot_code="EARLY",
        expiry_date=today + timedelta(days=10),
        source="donation",
    )[0].lot
    late = services.receive(
        by=None,
        item=ration,
        store=store,
        quantity=7,
        lot_code="LATE",
        expiry_date=today + timedelta(days=90),
        source="donation",
    )[0].lot
    return {"early": early, "late": late}


@pytest.fixture
def catalogue(transactional_db: None) -> None:
    """The standard catalogue, reloaded: a transactional test before this one may have
    flushed the rows the data migration put in."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("haven.stock.migrations.0002_standard_catalogue")
    migration.load(apps, None)
