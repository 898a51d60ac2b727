"""The team is chosen by typing (core/picker.js): a few letters, a tap per person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from haven.people.models import Person

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_team_is_picked_by_typing_names(page_as: Callable[[str], Any], live_server: Any) -> None:
    for name in ("Amina Yusuf", "Amir Haddad", "Omar Said", "Lina Haddad"):
        Person.objects.create(full_name=name, status="present")
    page = page_as("quartermaster")
    page.goto(f"{live_server.url}/missions/plan/")
    search = page.locator("#id_team-search")
    search.click()
    page.keyboard.type("hadd")
    page.wait_for_selector(".picker-results button:has-text('Amir Haddad')")
    assert page.locator(".picker-results button").count() == 2
    page.click(".picker-results button:has-text('Lina Haddad')")
    page.keyboard.type("amina")
    page.keyboard.press("Enter")  # the first match
    page.wait_for_selector(".picker-chips li:has-text('Amina Yusuf')")
    chosen = page.eval_on_selector(
        "select[name=team]", "s => Array.from(s.selectedOptions).map(o => o.text)"
    )
    assert sorted(chosen) == ["Amina Yusuf", "Lina Haddad"]
    page.click("button[aria-label='Remove Lina Haddad']")
    chosen = page.eval_on_selector(
        "select[name=team]", "s => Array.from(s.selectedOptions).map(o => o.text)"
    )
    assert chosen == ["Amina Yusuf"]
    assert page.is_hidden("select[name=team]")
    page.screenshot(path="/tmp/screens/fielduse-team-picker.png", full_page=True)
