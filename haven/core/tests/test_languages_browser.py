"""The interface in Arabic and French in a real browser (headless Debian Chromium): Arabic is
drawn right to left and nothing runs off a 390 px phone screen; French pages show no English
of the interface; a French-speaking clerk registers a person and runs a roll call."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("HAVEN_SCREENSHOTS", "/tmp/screens"))
PHONE = {"width": 390, "height": 844}

# Visible elements that stick out of the screen sideways; a scrolling box (a wide table in
# its .table-wrap, the menu on a phone) may hold wider content.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const outside = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || (box.left >= -1 && box.right <= width + 1)) continue;
    let parent = element.parentElement, scrolls = false;
    while (parent && parent !== document.body) {
      if (getComputedStyle(parent).overflowX !== "visible") { scrolls = true; break; }
      parent = parent.parentElement;
    }
    if (!scrolls) outside.push(element.tagName + " " + (element.textContent || "").trim().slice(0, 40));
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, outside: outside.slice(0, 8)};
}"""


@pytest.fixture
def page_in(
    browser: Any, live_server: Any, users: dict[str, Any]
) -> Iterator[Callable[[str, str], Any]]:
    """A phone-sized page whose browser asks for `language`, signed in as `role`."""
    contexts: list[Any] = []

    def make(role: str, language: str) -> Any:
        context = browser.new_context(viewport=PHONE, locale=language)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", role)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield make
    for context in contexts:
        context.close()


def _pages(camp: dict[str, Any]) -> list[str]:
    return [
        "/",
        "/people/",
        f"/people/{camp['person_id']}/",
        "/people/muster/",
        f"/people/muster/{camp['muster_id']}/",
        "/health/",
        f"/health/person/{camp['person_id']}/",
        "/health/casualties/",
        "/stock/",
        f"/stock/items/{camp['item_code']}/",
        "/missions/",
        f"/missions/{camp['mission_id']}/",
        "/shelter/",
        f"/shelter/{camp['shelter_id']}/",
        "/rations/",
        "/audit/",
    ]


def test_arabic_pages_read_right_to_left_and_fit_a_phone(
    page_in: Callable[[str, str], Any], camp: dict[str, Any], live_server: Any
) -> None:
    page = page_in("commander", "ar")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shown = 0
    for path in _pages(camp):
        answer = page.goto(f"{live_server.url}{path}")
        if answer is None or answer.status == 404:
            continue
        assert answer.status == 200, (path, answer.status)
        shown += 1
        html = page.locator("html")
        expect(html).to_have_attribute("dir", "rtl")
        expect(html).to_have_attribute("lang", "ar")
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl", path
        fit = page.evaluate(OVERFLOW)
        assert fit["scrollWidth"] <= fit["width"] and not fit["outside"], (path, fit)
        name = path.strip("/").replace("/", "-") or "dashboard"
        page.screenshot(path=str(SHOTS / f"i18n-ar-{name}.png"), full_page=True)
    assert shown >= 12


# Words of the interface that a French page must not show in English (names and data of the
# camp may be English, such as its "Search" team; these are labels, buttons and headings).
ENGLISH = (
    "Sign out",
    "Dashboard",
    "Headcount",
    "Status history",
    "Change status",
    "Record departure",
    "Nobody matches",
    "Export CSV",
    "Check in",
    "Days of supply",
    "Mission board",
    "Without shelter",
    "Triage queue",
    "Casualty register",
    "Audit log",
    "Previous",
)


def test_french_pages_show_no_english_of_the_interface(
    page_in: Callable[[str, str], Any], camp: dict[str, Any], live_server: Any
) -> None:
    page = page_in("commander", "fr-FR")
    for path in _pages(camp):
        answer = page.goto(f"{live_server.url}{path}")
        if answer is None or answer.status == 404:
            continue
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        text = page.inner_text("body")
        left = [word for word in ENGLISH if word in text]
        assert not left, (path, left)


def test_a_french_clerk_registers_someone_and_runs_a_roll_call(
    page_in: Callable[[str, str], Any], live_server: Any
) -> None:
    page = page_in("clerk", "fr-FR")
    expect(page.locator("nav.menu")).to_contain_text("Personnes")
    page.click("nav.menu >> text=Personnes")
    page.click("text=+ Enregistrer une personne")
    page.get_by_label("Nom complet").fill("Awa Diallo")
    page.get_by_label("Femme").check()
    page.get_by_label("Âge estimé").fill("34")
    page.click("button:has-text('Enregistrer')")
    expect(page.locator(".messages")).to_contain_text("Awa Diallo est enregistré(e).")
    expect(page.locator("h1")).to_contain_text("Awa Diallo")
    expect(page.locator("dl.facts")).to_contain_text("Femme")

    page.goto(f"{live_server.url}/people/muster/")
    page.get_by_label("Intitulé").fill("Appel du soir")
    page.click("text=Ouvrir l'appel")
    page.wait_for_selector("#muster-q")
    page.screenshot(path=str(SHOTS / "i18n-fr-muster-open.png"))
    page.fill("#muster-q", "awa")
    expect(page.locator("#results form.check-in")).to_have_count(1)
    page.click("#results button:has-text('Présent')")
    expect(page.locator("#flash")).to_contain_text("Awa Diallo pointé(e)")
    expect(page.locator("#checked-count")).to_have_text("1")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Clore l'appel")
    expect(page.locator(".messages")).to_contain_text("Appel clos : 1 présents")

    # One tap in the menu and the interface is in Arabic, right to left.
    page.click("header >> button[lang=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("nav.menu")).to_contain_text("الأشخاص")
