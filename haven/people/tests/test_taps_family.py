"""Measured as a user would: a clerk on a phone registers a family of four in a new household.

Counted in taps and keystrokes (haven.people.tests.hand). Before issue 14 a household could
not be made on the web at all; with a household made beforehand elsewhere it took 36 taps
and 52 keystrokes, the household picked four times from a list of 227.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from haven.people import services
from haven.people.models import Household, Person
from haven.people.tests.hand import Hand

pytestmark = pytest.mark.browser

FAMILY = [
    ("Bola Afonja", "f", "41"),
    ("Tunde Afonja", "m", "44"),
    ("Kemi Afonja", "f", "12"),
    ("Dayo Afonja", "m", "7"),
]


@pytest.mark.django_db(transaction=True)
def test_a_clerk_registers_a_family_of_four_in_a_new_household(
    page_as: Callable[[str], Any], live_server: Any, users: dict[str, Any]
) -> None:
    for n in range(226):  # a camp's worth of households to choose from
        services.create_household(name=f"Household {n:03d}")
    page = page_as("clerk")
    page.goto(f"{live_server.url}/people/")
    hand = Hand(page)
    hand.tap("a:has-text('+ Register')")
    for number, (name, sex, age) in enumerate(FAMILY):
        page.wait_for_selector("input[name=full_name]")
        hand.type("input[name=full_name]", name)
        hand.tap(f"input[name=sex][value={sex}]")
        hand.type("input[name=estimated_age]", age)
        if number == 0:
            hand.type("input[name=new_household]", "Afonja household")
        hand.tap("button:has-text('Save')")
        page.wait_for_selector(f"h1:has-text('{name}')")
        if number < len(FAMILY) - 1:
            hand.tap("#register-another")
    page.screenshot(path="/tmp/screens/fielduse-family.png", full_page=True)
    household = Household.objects.get(name="Afonja household")
    assert sorted(p.full_name for p in Person.objects.filter(household=household)) == sorted(
        name for name, _, _ in FAMILY
    )
    print(f"\nfamily of four in a new household: {hand}")
    assert (hand.taps, hand.keys) == (21, 68)
