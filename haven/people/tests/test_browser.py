"""A clerk runs a muster in a real browser (headless Debian Chromium via Playwright)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from haven.people import musters, services
from haven.people.choices import Status
from haven.people.models import Person
from haven.people.tests.camp import send_on_mission, to_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[3] / "docs" / "screens"
SHOTS = Path(os.environ.get("HAVEN_SCREENSHOTS", "/tmp/screens"))


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
    # htmx (a deferred script) must have wired the search before the first letters, or
    # they raise no search at all.
    page.wait_for_load_state()
    page.wait_for_function("window.htmx !== undefined")

    # One keystroke per person: type part of a name, Enter checks in the first match.
    page.fill("#muster-q", "amina")
    # Wait for the filtered answer (one match), not any earlier list: on a loaded machine
    # Enter could otherwise check in the first person of a stale list.
    expect(page.locator("#results form.check-in")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Amina Yusuf")
    page.press("#muster-q", "Enter")
    page.wait_for_selector("#flash >> text=Amina Yusuf checked in")

    page.fill("#muster-q", "omar")
    page.wait_for_selector("#results >> text=Omar Haddad")
    page.click("#results button:has-text('Here')")
    page.wait_for_selector("#flash >> text=Omar Haddad checked in")
    expect(page.locator("#checked-count")).to_have_text("2")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Close muster")
    page.wait_for_selector("#unaccounted")
    unaccounted = page.inner_text("#unaccounted")
    assert "Lina Haddad" in unaccounted
    assert "Amina Yusuf" not in unaccounted and "Omar Haddad" not in unaccounted

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Mark 1 ticked missing")
    page.wait_for_selector("text=1 marked missing")
    assert Person.objects.get(full_name="Lina Haddad").status == Status.MISSING


def test_clerk_closes_ticks_some_marks_them_missing_and_undoes_it_on_a_phone(
    page_as: Callable[[str], Any], users: dict[str, Any], live_server: Any
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    clerk = users["clerk"]
    people = {
        name: services.register_person(by=clerk, full_name=name)
        for name in (
            "Amina Yusuf",
            "Omar Haddad",
            "Lina Haddad",
            "Jonas Berg",
            "Sara Ali",
            "Karim Nasser",
            "Mona Idris",
        )
    }
    to_clinic(users["medic"], people["Karim Nasser"])
    send_on_mission(users["quartermaster"], [people["Mona Idris"]])
    muster = musters.open_muster(by=clerk, label="Evening roll call", place="Assembly point")
    musters.check_in(by=clerk, muster=muster, person=people["Amina Yusuf"])

    page = page_as("clerk")
    page.goto(f"{live_server.url}/people/muster/")
    page.wait_for_selector("#elsewhere-summary >> text=1 in the clinic, 1 on mission")
    page.screenshot(path=str(SHOTS / "muster-open-phone.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Close muster")
    page.wait_for_selector("#mark-missing")
    figures = page.inner_text("#figures")
    assert "7 expected = 1 checked in + 2 accounted for elsewhere" in figures
    assert "(1 in the clinic, 1 on mission) + 4 unaccounted for" in figures
    assert page.locator("#mark-missing input[name=person]:checked").count() == 4
    assert "Karim Nasser" not in page.inner_text("#unaccounted")
    page.screenshot(path=str(SHOTS / "muster-closed-phone.png"), full_page=True)

    # Untick the two the clerk knows are at the water point.
    page.uncheck(f"input[name=person][value='{people['Jonas Berg'].pk}']")
    page.uncheck(f"input[name=person][value='{people['Sara Ali'].pk}']")
    assert page.inner_text("#ticked-count") == "2"
    page.fill("#mark-missing input[name=note]", "not seen since noon")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#mark-ticked")
    page.wait_for_selector("text=2 marked missing")
    statuses = dict(Person.objects.values_list("full_name", "status"))
    assert statuses["Omar Haddad"] == statuses["Lina Haddad"] == Status.MISSING
    assert statuses["Jonas Berg"] == statuses["Sara Ali"] == Status.PRESENT
    assert statuses["Karim Nasser"] == Status.INJURED
    page.screenshot(path=str(SHOTS / "muster-marked-phone.png"), full_page=True)

    page.fill("#batches input[name=reason]", "both were at the clinic tent")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#batches button:has-text('Undo batch')")
    page.wait_for_selector("text=2 back to their status before")
    statuses = dict(Person.objects.values_list("full_name", "status"))
    assert statuses["Omar Haddad"] == statuses["Lina Haddad"] == Status.PRESENT
    assert "both were at the clinic tent" in page.inner_text("#batches")
    # After a first batch nobody is ticked for the clerk any more.
    assert page.locator("#mark-missing input[name=person]:checked").count() == 0
    page.screenshot(path=str(SHOTS / "muster-undone-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "muster-undone-desktop.png"), full_page=True)


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


def test_enter_typed_before_the_answer_checks_in_who_was_typed(
    page_as: Callable[[str], Any], users: dict[str, Any], live_server: Any
) -> None:
    """A clerk types fast and presses Enter at once: the list on screen is still the one for
    the first letters, whose first person is someone else; Enter waits for the answer."""
    for name in ("Lina Haddad", "Lina Yusuf"):
        services.register_person(by=users["clerk"], full_name=name, alternate_names="")
    muster = musters.open_muster(by=users["clerk"], label="Night roll call")
    page = page_as("clerk")
    page.goto(f"{live_server.url}/people/muster/")
    page.wait_for_selector("#muster-q")
    page.wait_for_function("window.htmx !== undefined")
    page.fill("#muster-q", "lina")
    expect(page.locator("#results form.check-in")).to_have_count(2)
    page.type("#muster-q", " yusuf")
    page.press("#muster-q", "Enter")
    page.wait_for_selector("#flash >> text=Lina Yusuf checked in")
    checked = set(muster.check_ins.values_list("person__full_name", flat=True))
    assert checked == {"Lina Yusuf"}
