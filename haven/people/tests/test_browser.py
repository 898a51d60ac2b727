"""A clerk runs a muster in a real browser (headless Debian Chromium via Playwright)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from haven.people import services
from haven.people.choices import Status
from haven.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[3] / "docs" / "screens"


def test_clerk_runs_a_muster_and_sees_the_unaccounted(
    page_as: Callable[[str], Any], users: dict[str, Any], live_server: Any
) -> None:
    for name in ("Amina Yusuf", "Omar Haddad", "Lina Haddad"):
        services.register_person(by=users["clerk"], full_name=name, alternate_names="")
    page = page_as("clerk")
    page.goto(f"{live_server.url}/people/muster/")
    page.fill("input[name=label]", "Evening roll call")
    page.click("text=Open muster")
    page.wait_for_selector("#muster-q")

    # One keystroke per person: type part of a name, Enter checks in the first match.
    page.fill("#muster-q", "amina")
    page.wait_for_selector("#results form.check-in")
    page.press("#muster-q", "Enter")
    page.wait_for_selector("#flash >> text=Amina Yusuf checked in")

    page.fill("#muster-q", "omar")
    page.wait_for_selector("#results >> text=Omar Haddad")
    page.click("#results button:has-text('Here')")
    page.wait_for_selector("#flash >> text=Omar Haddad checked in")
    page.wait_for_function("document.querySelector('#checked-count').textContent.trim() === '2'")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Close muster")
    page.wait_for_selector("#unaccounted")
    unaccounted = page.inner_text("#unaccounted")
    assert "Lina Haddad" in unaccounted
    assert "Amina Yusuf" not in unaccounted and "Omar Haddad" not in unaccounted

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Mark all 1 missing")
    page.wait_for_selector("text=1 people marked missing")
    assert Person.objects.get(full_name="Lina Haddad").status == Status.MISSING


def test_member_sees_names_only(
    page_as: Callable[[str], Any], users: dict[str, Any], live_server: Any
) -> None:
    services.register_person(by=users["clerk"], full_name="Amina Yusuf", phone="0700-123")
    page = page_as("member")
    page.goto(f"{live_server.url}/people/")
    assert "Amina Yusuf" in page.inner_text("main")
    assert "0700-123" not in page.content()
    assert page.locator("text=Muster").count() == 0
    response = page.goto(f"{live_server.url}/people/muster/")
    assert response.status == 403
