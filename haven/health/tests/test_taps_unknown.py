"""Measured as a user would: a medic on a phone triages an unknown casualty.

Counted in taps and keystrokes (haven.people.tests.hand). Before issue 14 a medic could not
do it alone: a clerk registered the person first (7 taps, 67 keystrokes), then the medic
found and triaged them (8 taps, 8 keystrokes): two people, 15 taps, 75 keystrokes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from haven.health.models import TriageRecord, UnknownCasualty
from haven.people.tests.hand import Hand

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_medic_registers_and_triages_an_unknown_casualty(
    page_as: Callable[[str], Any], live_server: Any
) -> None:
    page = page_as("medic")
    page.goto(f"{live_server.url}/health/triage/")
    hand = Hand(page)
    hand.tap("#unknown-casualty-link")
    page.wait_for_selector("#unknown-casualty")
    hand.type("input[name=tag_number]", "T-0417")
    hand.tap("input[name=sex][value=m]")
    hand.type("input[name=estimated_age]", "30")
    hand.type("textarea[name=features]", "red jacket, scar on left cheek")
    hand.type("input[name=found_place]", "market square")
    hand.tap("button:has-text('Register and triage')")
    page.wait_for_selector("#prompt:has-text('Can the patient walk?')")
    hand.tap("button.answer:has-text('No')")
    page.wait_for_selector("#prompt:has-text('Is the patient breathing?')")
    hand.tap("button.answer:has-text('Yes')")
    page.wait_for_selector("#prompt:has-text('Breaths per minute?')")
    hand.type("input.number", "34")
    hand.tap("button:has-text('Next')")
    page.wait_for_selector("#triage-result")
    page.screenshot(path="/tmp/screens/fielduse-unknown-result.png")
    hand.tap("#save-triage")
    page.wait_for_selector("#triage-saved[data-category=red]")
    casualty = UnknownCasualty.objects.get()
    assert TriageRecord.objects.get(person=casualty.person).category == "red"
    print(f"\nunknown casualty triaged: {hand}")
    assert (hand.taps, hand.keys) == (12, 53)
