"""Action forms fit the hand: open, not folded away; a treatment draws on the clinic store."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from haven.health import queries
from haven.people.models import Person
from haven.stock import services as stock

pytestmark = pytest.mark.django_db


def test_the_treatment_form_defaults_to_the_clinic_store(
    users: dict[str, Any], client_as: Callable[[str], Client], person: Person
) -> None:
    stock.create_store(by=users["commander"], name="Main warehouse")
    clinic = stock.create_store(by=users["commander"], name="Field clinic")
    page = client_as("medic").get(f"/health/person/{person.pk}/").content.decode()
    selected = re.search(r'<option value="(\d+)" selected>', page.split('name="store"')[1])
    assert selected is not None and int(selected.group(1)) == clinic.pk
    # Injury, treatment and outcome: every action form open.
    assert page.count('<details class="action" open>') == 3


def test_without_a_clinic_the_store_with_most_medical_stock(users: dict[str, Any]) -> None:
    warehouse = stock.create_store(by=users["commander"], name="Warehouse")
    tent = stock.create_store(by=users["commander"], name="Tent B")
    stock.receive(by=users["commander"], item="splint", store=tent, quantity=5, source="donation")
    stock.receive(
        by=users["commander"], item="cereal", store=warehouse, quantity=500, source="opening"
    )
    assert queries.clinic_store() == tent
